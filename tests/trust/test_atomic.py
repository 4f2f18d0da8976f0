"""An interrupted run leaves the previous output files intact and no temporary files behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.fileio import write_files_atomic

from .kit import write_hostile


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _failing_replace(monkeypatch: pytest.MonkeyPatch, fail_at: int) -> list[str]:
    """Make the `fail_at`-th os.replace call raise, as a full disk or a kill would."""
    real = os.replace
    calls: list[str] = []

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(str(dst))
        if len(calls) == fail_at:
            raise OSError(28, "No space left on device (simulated)")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_a_file_set_is_all_new_or_all_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = {"a.csv": "old a\n", "b/b.csv": "old b\n", "c.json": "{}\n", "d.txt": "old d\n"}
    write_files_atomic(tmp_path, dict(old))
    before = _snapshot(tmp_path)
    _failing_replace(monkeypatch, 3)
    with pytest.raises(OSError, match="simulated"):
        write_files_atomic(tmp_path, {"a.csv": "new a\n", "b/b.csv": "new b\n",
                                      "c.json": "[]\n", "d.txt": "new d\n", "e.txt": "new\n"})
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("fail_at", [1, 3, 6])
def test_interrupted_plan_keeps_the_previous_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  fail_at: int) -> None:
    estate = write_hostile(tmp_path / "estate")
    out = tmp_path / "plan"
    runner = CliRunner()
    first = runner.invoke(main, ["plan", str(estate), "-o", str(out), "--date", "2026-12-01"])
    assert first.exit_code == 0, first.output
    before = _snapshot(out)
    # A changed estate (another date stamp) so every new file differs from the old one.
    calls = _failing_replace(monkeypatch, fail_at)
    second = runner.invoke(main, ["plan", str(estate), "-o", str(out), "--date", "2027-01-01"])
    assert len(calls) >= fail_at, "the plan writes at least this many files"
    assert second.exit_code != 0
    assert "Traceback" not in second.output
    assert _snapshot(out) == before, "the previous plan files were changed"
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".") or
                 p.name.endswith(".tmp")]
    assert leftovers == []
