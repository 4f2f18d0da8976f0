"""The naive per-device model of benchmarks/bench_plan.py still runs against today's library.

The benchmarks are not run by the tests (they are timed), but the naive model reaches into the
optimiser's internals (classes, units, site charges), so a refactor can break it silently. Run
it end to end on a tiny estate, on both solvers, and check it reaches the plan's optimum.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.generate import generate_estate
from planner.loader import load_estate
from planner.optimise import plan_estate

BENCH_PLAN = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_plan.py"


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_the_naive_model_runs_and_meets_the_plans_optimum(tmp_path: Path, solver: str) -> None:
    for name, text in generate_estate(80, 6, 11).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    estate_yaml = tmp_path / "estate.yaml"
    done = subprocess.run([sys.executable, str(BENCH_PLAN), "--naive", solver, str(estate_yaml),
                           str(tmp_path / "naive")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    naive = json.loads(done.stdout.strip().splitlines()[-1])
    plan = plan_estate(load_estate(estate_yaml).estate)
    assert naive["status"] == "optimal"
    assert naive["objective"] == pytest.approx(plan.objective, abs=0.01)
