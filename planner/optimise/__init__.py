"""The optimiser: from an Estate to a Plan (classes, the MILP, solving, mapping back).

`plan_estate` (pipeline.py) is the one entry point for a plan; `compare_strategies`
(strategies.py) solves the forced single-mode strategies beside the optimal mix. This package
only re-exports them; docs/model.md states the mathematics.

The names load on first use (PEP 562), as in `planner/__init__.py`: a plan does not import the
strategy comparison and its process pool, nor a comparison anything it does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.optimise.data import build_data
    from planner.optimise.pipeline import plan_estate, solve_data
    from planner.optimise.strategies import compare_strategies

# public name -> the module that defines it
_API = {
    "build_data": "planner.optimise.data",
    "compare_strategies": "planner.optimise.strategies",
    "plan_estate": "planner.optimise.pipeline",
    "solve_data": "planner.optimise.pipeline",
}

__all__ = ["build_data", "compare_strategies", "plan_estate", "solve_data"]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'planner.optimise' has no attribute {name!r}")
    value = getattr(import_module(_API[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value
