"""Same inputs, same bytes: across runs, PYTHONHASHSEED values and solver thread counts.

Two child processes with different hash seeds each write the plan files, the three reports in
HTML and Markdown, the renewal outputs and the runbooks of one estate; a third writes the plan
with two solver threads. Every file must be byte-identical between them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .kit import write_hostile

DRIVER = r"""
import sys
from planner.cli import main
estate, out, threads = sys.argv[1], sys.argv[2], sys.argv[3]
date = ["--date", "2026-12-01"]
commands = [["plan", estate, "-o", f"{out}/plan", "--threads", threads, "--gap", "0", *date]]
if threads == "1":
    commands += [
        ["runbook", estate, "--plan", f"{out}/plan/plan.json", "-o", f"{out}/runbooks", *date],
        ["renewal", estate, "--renewal-date", "2027-06-01", "-o", f"{out}/renewal", *date],
    ]
    # One format per kind keeps the run short; both formats render the same context.
    for kind, fmt in (("tradeoff", "html"), ("compliance", "md"), ("renewal", "html")):
        commands.append(["report", estate, "--kind", kind, "--format", fmt, "--gap", "0",
                         "-o", f"{out}/reports/{kind}.{fmt}", *date])
for args in commands:
    code = main(args, standalone_mode=False)
    if code:
        sys.exit(f"planner {args[0]} exited {code}")
"""


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, bytes]]:
    root = tmp_path_factory.mktemp("determinism")
    estate = write_hostile(root / "estate")
    results = []
    # HiGHS keeps one thread pool per process, so each thread count gets its own process.
    for seed, threads in (("0", "1"), ("12345", "1"), ("0", "2")):
        out = root / f"seed-{seed}-threads-{threads}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        env.pop("SOURCE_DATE_EPOCH", None)
        out.mkdir()
        # Relative output paths (files such as runbooks/README.md name the plan file they read).
        proc = subprocess.run([sys.executable, "-c", DRIVER, str(estate), ".", threads],
                              capture_output=True, text=True, env=env, timeout=600,
                              check=False, cwd=out)
        assert proc.returncode == 0, proc.stderr[-3000:]
        results.append(_files(out))
    return results


def test_every_output_is_written(runs: list[dict[str, bytes]]) -> None:
    names = set(runs[0])
    for needed in ("plan/plan.json", "plan/devices.csv", "renewal/renewal.json",
                   "renewal/hygiene.ics", "reports/tradeoff.html", "reports/compliance.md",
                   "reports/renewal.html", "runbooks/ansible-vars.yml"):
        assert needed in names
    assert any(n.startswith("plan/reservations/") for n in names)


def test_byte_identical_across_hash_seeds(runs: list[dict[str, bytes]]) -> None:
    first, second, _ = runs
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []


def test_byte_identical_across_thread_counts(runs: list[dict[str, bytes]]) -> None:
    one = {k: v for k, v in runs[0].items() if k.startswith("plan/")}
    two = runs[2]
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_thread_count_can_change_between_solves_in_one_process(tmp_path: Path) -> None:
    from planner.loader import load_estate
    from planner.optimise import plan_estate
    from planner.solving import SolveOptions

    estate = load_estate(write_hostile(tmp_path)).estate
    one = plan_estate(estate, SolveOptions(threads=1, gap=0.0))
    two = plan_estate(estate, SolveOptions(threads=2, gap=0.0))
    assert two.objective == one.objective
