"""The README's commands work as written (sqlite-utils' docs-checked-by-tests pattern)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import COMMAND_MODULES, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _console_blocks() -> list[str]:
    return re.findall(r"```console\n(.*?)```", README, flags=re.S)


def _planner_commands() -> list[list[str]]:
    """Every `planner ...` command in the Quick start, in order (the setup steps are skipped)."""
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```console\n(.*?)```", quick, flags=re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part.strip())
                if words and words[0] == "planner":
                    commands.append(words[1:])
    return commands


def test_every_command_is_in_the_readme() -> None:
    for name in COMMAND_MODULES:
        assert f"`planner {name}" in README, f"README's command reference lacks {name}"


def test_readme_names_the_test_command_ci_runs() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    testing = README.split("## Running the tests", 1)[1].split("\n## ", 1)[0]
    assert "python -m pytest" in re.findall(r"```console\n(.*?)```", testing, flags=re.S)[0]
    assert "\npython -m pytest\n" in ci
    assert "pip install -e '.[dev]'" in ci and "pip install -e '.[dev]'" in _console_blocks()[0]


@pytest.mark.slow
def test_quick_start_commands_run_as_written(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    commands = _planner_commands()
    assert commands[0][:2] == ["example", "federal-agency"] and commands[1][0] == "plan"
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, f"planner {' '.join(args)}: {result.output}"
    assert (tmp_path / "demo" / "plan" / "plan.json").is_file()
    assert (tmp_path / "demo" / "tradeoff.html").is_file()
    assert os.listdir(tmp_path / "demo" / "runbooks")
