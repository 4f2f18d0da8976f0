"""The naive per-device model of benchmarks/bench_plan.py still runs against today's library,
and benchmarks/run.py judges the naive comparison from files to plan files on both sides.

The benchmarks are not run by the tests (they are timed), but the naive model reaches into the
optimiser's internals (classes, units, site charges), so a refactor can break it silently. Run
it end to end on a tiny estate, on both solvers, and check it reaches the plan's optimum.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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


def test_the_aggregated_plan_is_timed_like_the_naive_model(tmp_path: Path) -> None:
    """`--aggregated` times the same files-to-plan-files span as `--naive` and plans the same."""
    for name, text in generate_estate(80, 6, 11).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    estate_yaml = tmp_path / "estate.yaml"
    done = subprocess.run([sys.executable, str(BENCH_PLAN), "--aggregated", str(estate_yaml),
                           str(tmp_path / "plan")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    timed = json.loads(done.stdout.strip().splitlines()[-1])
    assert (tmp_path / "plan" / "plan.json").is_file()
    assert timed["total_s"] >= timed["load_s"] + timed["plan_s"] > 0
    assert timed["objective"] == pytest.approx(plan_estate(load_estate(estate_yaml).estate)
                                               .objective, abs=0.01)


def _run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_PLAN.parent / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_naive_target_is_judged_from_files_to_plan_files_and_read_back(
        tmp_path: Path) -> None:
    run = _run_module()
    plan = run.Run("10k", "plan", 0.40, 0.40, 116.0, 0, 0.39, 0.41, 0.25)
    naive = run.Run("10k", "naive-cbc", 13.0, 13.1, 600.0, 0, 12.9, 13.2, 12.5)
    text = run.render([plan, naive], ["10k"], ["plan", "naive-cbc"], 3)
    assert "(50x; 32x as whole processes): met" in text
    slow = dataclasses.replace(plan, work=0.5)
    assert "(25x; 32x as whole processes): MISSED" in run.render(
        [slow, naive], ["10k"], ["plan", "naive-cbc"], 3)
    results = tmp_path / "results.md"
    results.write_text(text, encoding="utf-8")
    assert run.read_rows(results) == [plan, naive]
