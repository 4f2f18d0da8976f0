"""Shared helpers for the hostile-input suite: a small estate, CLI runs, the exit-2 contract.

Every hostile input must end in exit 2 with the file (and line, where the input has lines) in
the message, no traceback, and nothing written; `assert_refused` checks all of that at once.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from planner.cli import main
from planner.generate import generate_estate

DATE = "2026-12-01"


def write_estate(root: Path, devices: int = 12, sites: int = 4, seed: int = 7) -> Path:
    """A small synthetic estate (devices and entitlements CSVs) in `root`; its estate.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in generate_estate(devices, sites, seed).items():
        (root / rel).write_text(text, encoding="utf-8")
    return root / "estate.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if not p.is_symlink() and p.is_file()}


def assert_refused(result: Result, *where: str) -> str:
    """Exit 2, no traceback, every `where` fragment (file, `file:line`) in stderr."""
    text = result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{text}")
    assert result.exit_code == 2, f"exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output and "internal error" not in text, text
    for fragment in where:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return text


def validate(estate: Path, *extra: str) -> Result:
    return run("validate", str(estate), "--date", DATE, *extra)


def plan_refused(estate: Path, tmp: Path, *where: str) -> str:
    """`planner plan` on a hostile estate: refused, and the output folder never created."""
    out = tmp / "plan-out"
    before = snapshot(estate.parent)
    text = assert_refused(run("plan", str(estate), "-o", str(out), "--date", DATE), *where)
    assert not out.exists(), "the refused run created its output folder"
    assert snapshot(estate.parent) == before, "the refused run changed its inputs"
    return text
