"""Shared helpers for the hostile-output suite: a small estate, CLI runs, folder snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from planner.cli import main
from planner.generate import generate_estate
from planner.output import MANIFEST

REPO = Path(__file__).resolve().parents[2]
DATE = "2026-12-01"


def write_estate(root: Path, devices: int = 30, sites: int = 6, seed: int = 4) -> Path:
    """A small synthetic estate (several modes, so every output kind has rows)."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in generate_estate(devices, sites, seed).items():
        (root / rel).write_text(text, encoding="utf-8")
    return root / "estate.yaml"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The CLI in-process; never lets an exception escape as a traceback unnoticed."""
    return CliRunner().invoke(main, list(args), env=env)


def refused(result: Result, *needles: str) -> None:
    """Exit 2 with a clear message (every needle in it) and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def owned(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if k != MANIFEST}


def leftovers(parent: Path) -> list[str]:
    """Temporary folders, backups and lock files a writer left (none may survive a run)."""
    return sorted(p.name for p in parent.rglob("*")
                  if (".planner-" in p.name and p.name != MANIFEST)
                  or p.name.endswith((".tmp", ".bak")))


def child(script: str, *args: str) -> subprocess.Popen[bytes]:
    """A Python child process running `script` with the repo importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
