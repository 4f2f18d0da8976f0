"""An interrupted or failed run leaves the previous output set intact and nothing temporary."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import output
from planner.cli import main
from planner.fileio import write_files_atomic
from planner.output import MANIFEST, OutputError

from .kit import write_hostile


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _failing_write(monkeypatch: pytest.MonkeyPatch, fail_at: int) -> list[str]:
    """Make the `fail_at`-th file the writer writes fail as a full disk would."""
    real = output._write_new
    calls: list[str] = []

    def write(path: Path, data: bytes, mode: int, sync: bool = True) -> None:
        calls.append(str(path))
        if len(calls) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, mode, sync=sync)

    monkeypatch.setattr(output, "_write_new", write)
    return calls


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.rglob("*")
                  if ".planner-" in p.name and p.name != MANIFEST)


@pytest.mark.parametrize("fail_at", [1, 3, 6])
def test_a_file_set_is_all_new_or_all_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          fail_at: int) -> None:
    out = tmp_path / "out"
    write_files_atomic(out, {"a.csv": "old a\n", "b/b.csv": "old b\n", "c.json": "{}\n",
                             "d.txt": "old d\n"})
    before = _snapshot(out)
    _failing_write(monkeypatch, fail_at)
    with pytest.raises(OutputError, match="No space left on device"):
        write_files_atomic(out, {"a.csv": "new a\n", "b/b.csv": "new b\n",
                                 "c.json": "[]\n", "d.txt": "new d\n", "e.txt": "new\n"})
    assert _snapshot(out) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("fail_at", [1, 3, 6])
def test_interrupted_plan_keeps_the_previous_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  fail_at: int) -> None:
    estate = write_hostile(tmp_path / "estate")
    out = tmp_path / "plan"
    runner = CliRunner()
    first = runner.invoke(main, ["plan", str(estate), "-o", str(out), "--date", "2026-12-01"])
    assert first.exit_code == 0, first.output
    before = _snapshot(out)
    calls = _failing_write(monkeypatch, fail_at)
    second = runner.invoke(main, ["plan", str(estate), "-o", str(out), "--date", "2027-01-01"])
    assert len(calls) >= fail_at, "the plan writes at least this many files"
    assert second.exit_code == 2, second.output
    assert "No space left on device" in second.output and "Traceback" not in second.output
    assert _snapshot(out) == before, "the previous plan files were changed"
    assert _leftovers(tmp_path) == []
