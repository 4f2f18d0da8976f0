"""Strategies solved in forked workers: the same answer as in-process, in the same order."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from planner.loader import load_estate
from planner.optimise import compare_strategies
from planner.optimise.forked import can_fork, cores, forked_map
from planner.optimise.strategies import PARALLEL_UNITS, Comparison, parallel_workers
from planner.plan import Detail, Plan
from planner.resources import examples_dir
from planner.solving import SolveOptions

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))
needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


@needs_fork
@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("detail", [Detail.TOTALS, Detail.CLASSES])
def test_forked_comparison_equals_the_in_process_one(folder: Path, detail: Detail) -> None:
    estate = load_estate(folder / "estate.yaml").estate
    here = compare_strategies(estate, detail=detail, optimal_detail=Detail.FULL, workers=1)
    forked = compare_strategies(estate, detail=detail, optimal_detail=Detail.FULL, workers=2)
    assert _untimed(forked) == _untimed(here)
    for a, b in zip(here.results, forked.results, strict=True):
        # the pure plan prices a feasible strategy: one plan, not a copy
        assert (a.where_allowed is not None and a.where_allowed.plan is a.plan) == \
            (b.where_allowed is not None and b.where_allowed.plan is b.plan)
        if b.priced is not None:
            assert b.priced.estate is estate
            assert b.priced.detail is (Detail.FULL if b is forked.results[0] else detail)


def _untimed(comparison: Comparison) -> list[tuple[object, ...]]:
    """The comparison without the solve and build times (they differ from run to run)."""
    def plan(p: Plan | None) -> Plan | None:
        return None if p is None else replace(p, solve_seconds=0.0, build_seconds=0.0)

    return [(r.strategy, plan(r.plan), r.infeasible, r.pricing,
             None if r.where_allowed is None else
             replace(r.where_allowed, plan=plan(r.where_allowed.plan)))
            for r in comparison.results]


def _square(i: int) -> int:
    return i * i


@needs_fork
def test_forked_map_keeps_job_order_and_runs_meanwhile() -> None:
    assert forked_map(_square, 9, 3, lambda: "here") == ([i * i for i in range(9)], "here")


def _boom(i: int) -> int:
    raise ValueError(f"job {i}")


@needs_fork
def test_forked_map_raises_a_job_error() -> None:
    with pytest.raises(ValueError, match="job"):
        forked_map(_boom, 2, 2, lambda: None)


def test_workers_only_when_it_pays() -> None:
    one = SolveOptions()
    big = PARALLEL_UNITS
    assert parallel_workers(big - 1, one, Detail.TOTALS) == 1  # small: forking costs more
    assert parallel_workers(big, SolveOptions(threads=2), Detail.TOTALS) == 1  # cores busy
    assert parallel_workers(big, one, Detail.FULL) == 1  # children would read device columns
    assert parallel_workers(big, one, Detail.CLASSES) == 1  # class decisions cost to send
    assert parallel_workers(big, one, Detail.TOTALS) == min(cores(), 7)


_UNDER_THE_CLIS_SIGTERM_HANDLER = """
import signal, sys
from planner.cli import _on_sigterm
from planner.optimise.forked import forked_map
signal.signal(signal.SIGTERM, _on_sigterm)  # as every planner command runs

def job(i):
    if i == 3:
        raise ValueError("job 3 fails")
    return i * i

print(forked_map(job, 3, 2, lambda: "here"))
try:
    forked_map(job, 6, 2, lambda: "here")  # a failing job: the pool is terminated
except ValueError as exc:
    print("raised", exc)
"""


@pytest.mark.skipif(not can_fork(), reason="no fork start method here")
def test_workers_end_under_the_clis_sigterm_handler() -> None:
    # Workers inherit the CLI's SIGTERM handler; the pool must still shut down, on success and
    # when a job fails (terminate). Before workers reset it, a full test run hung here.
    done = subprocess.run([sys.executable, "-c", _UNDER_THE_CLIS_SIGTERM_HANDLER],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["([0, 1, 4], 'here')", "raised job 3 fails"]
