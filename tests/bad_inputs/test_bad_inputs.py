"""The bad-input corpus: every case exits 2, names its file and line, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import main

HERE = Path(__file__).resolve().parent
CASES: dict[str, dict[str, object]] = yaml.safe_load((HERE / "cases.yaml").read_text("utf-8"))


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_every_case_folder_is_listed() -> None:
    folders = {p.name for p in HERE.iterdir() if (p / "estate.yaml").is_file()}
    assert folders == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_exits_2_naming_file_and_line(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    folder = tmp_path / name
    shutil.copytree(HERE / name, folder)
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(folder / "estate.yaml"), "--strict",
                                       "--date", "2026-11-01"])
    assert result.exit_code == 2, result.output
    stderr = result.stderr
    where = f"{folder}/{case['where']}"
    lines = [line for line in stderr.splitlines() if line.startswith(where)]
    assert lines, f"no message at {where!r} in:\n{stderr}"
    assert any(str(case["expect"]) in line for line in lines), stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""  # no summary for an estate that was refused
    assert _snapshot(tmp_path) == before  # nothing written


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.get("warning")))
def test_warning_cases_pass_without_strict(name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    shutil.copytree(HERE / name, folder)
    result = CliRunner().invoke(main, ["validate", str(folder / "estate.yaml"),
                                       "--date", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert str(CASES[name]["expect"]) in result.stderr
    assert "warning:" in result.stderr
