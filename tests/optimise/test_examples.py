"""On every bundled example: the optimal mix is valid and costs no more than any feasible
single-mode strategy; infeasible strategies name their sites and reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.loader import load_estate
from planner.optimise import compare_strategies
from planner.plan import SolveStatus, Strategy
from planner.resources import examples_dir
from planner.solving import SolveOptions

from .checks import check_all

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))


def test_there_are_examples() -> None:
    assert EXAMPLES, "examples/ holds no estate.yaml"


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_optimal_mix_on_example(folder: Path) -> None:
    estate = load_estate(folder / "estate.yaml").estate
    comparison = compare_strategies(estate, SolveOptions(gap=1e-6))
    best = comparison.optimal
    assert best.strategy is Strategy.OPTIMAL and best.status is SolveStatus.OPTIMAL
    check_all(best)
    for result in comparison.results[1:]:
        plan = result.plan
        if plan is None:
            assert result.status is SolveStatus.INFEASIBLE
            assert result.infeasible and all(reasons for _, reasons in result.infeasible)
            continue
        check_all(plan)
        assert best.objective <= plan.objective + 1e-6, plan.strategy
