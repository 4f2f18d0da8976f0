"""planner.progress: stage lines on stderr for long runs on a terminal, every stage under -v."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import progress
from planner.cli import main


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _stages(live: bool, timings: bool) -> tuple[progress.Stages, io.StringIO, Clock]:
    out, clock = io.StringIO(), Clock()
    return progress.Stages(out, live=live, timings=timings, clock=clock), out, clock


def test_a_short_run_on_a_terminal_shows_nothing() -> None:
    stages, out, clock = _stages(live=True, timings=False)
    clock.now += 0.5
    stages.mark("read", "10 devices from 1 file")
    clock.now += 1.0
    stages.mark("write", "3 files")
    stages.finish()
    assert out.getvalue() == ""


def test_a_long_run_shows_every_stage_once_it_passes_the_threshold() -> None:
    stages, out, clock = _stages(live=True, timings=False)
    clock.now += 1.5
    stages.mark("read", "1,000 devices from 1 file")
    assert out.getvalue() == ""  # not yet: the run may still end quickly
    clock.now += 1.0
    stages.mark("validate", "1,000 devices, 0 problems")
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["read", "validate"]  # the earlier one too
    assert lines[0].endswith("1.50 s") and lines[1].endswith("1.00 s")
    stages.finish()
    assert "total" not in out.getvalue()  # the total is a -v timing


def test_timings_show_every_stage_and_the_total_whatever_the_stream() -> None:
    stages, out, clock = _stages(live=False, timings=True)
    clock.now += 0.25
    stages.mark("read", "5 devices from 1 file")
    stages.mark("solve", "optimal", seconds=0.125)  # measured inside a library call
    stages.finish()
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["read", "solve", "total"]
    assert lines[1].endswith("0.12 s") and lines[2].endswith("0.25 s")


def test_not_a_terminal_and_no_timings_shows_nothing_however_long() -> None:
    stages, out, clock = _stages(live=False, timings=False)
    for n in range(5):
        clock.now += 10.0
        stages.mark(f"stage{n}", "work")
    stages.finish()
    assert out.getvalue() == ""


@settings(deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=12))
def test_stages_appear_in_order_exactly_once_when_the_run_is_long(quarters: list[int]) -> None:
    stages, out, clock = _stages(live=True, timings=False)
    for n, q in enumerate(quarters):
        clock.now += q / 4  # quarter seconds: exact in binary, so the threshold test is exact
        stages.mark(f"s{n}", "x")
    stages.finish()
    names = [line.split()[1] for line in out.getvalue().splitlines()]
    long_run = sum(quarters) / 4 >= progress.SHOW_AFTER_SECONDS
    assert names == ([f"s{n}" for n in range(len(quarters))] if long_run else [])


def test_marks_outside_a_report_are_free() -> None:
    progress.mark("read", "nothing listens")  # no command is reporting: no output, no error


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("progress")
    assert CliRunner().invoke(main, ["example", "utility", str(folder / "est")]).exit_code == 0
    return folder / "est" / "estate.yaml"


def test_plan_under_v_reports_each_stage_on_stderr_only(estate: Path, tmp_path: Path) -> None:
    got = CliRunner().invoke(main, ["plan", str(estate), "-o", str(tmp_path / "plan"), "-v",
                                    "--date", "2026-12-01", "--format", "json"])
    assert got.exit_code == 0, got.output
    stages = [line.split()[1] for line in got.stderr.splitlines()
              if line.startswith("planner: ")]
    assert stages == ["read", "validate", "model", "solve", "write", "total"]
    assert "planner: read" not in got.stdout  # stdout is the JSON summary alone


@pytest.mark.parametrize("flags", [[], ["-q"]])
def test_plan_without_v_off_a_terminal_adds_nothing(estate: Path, tmp_path: Path,
                                                    flags: list[str]) -> None:
    got = CliRunner().invoke(main, ["plan", str(estate), "-o", str(tmp_path / "plan"),
                                    "--date", "2026-12-01", *flags])
    assert got.exit_code == 0, got.output
    assert not any(line.startswith(("planner: read", "planner: total"))
                   for line in got.stderr.splitlines())
