"""The optimiser: from an Estate to a Plan (classes, the MILP, solving, mapping back).

`plan_estate` (pipeline.py) is the one entry point for a plan; `compare_strategies`
(strategies.py) solves the forced single-mode strategies beside the optimal mix. This package
only re-exports them; docs/model.md states the mathematics.
"""

from __future__ import annotations

from planner.optimise.data import build_data
from planner.optimise.pipeline import plan_estate, solve_data
from planner.optimise.strategies import compare_strategies

__all__ = ["build_data", "compare_strategies", "plan_estate", "solve_data"]
