"""`planner` as a program (planner.cli.run) ends the process without tearing the interpreter
down, and loses nothing by it: the exit code, every byte of stdout and stderr, the atexit
callbacks, a thread still at work. Each case is a fresh interpreter (run() ends its process).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "federal-agency" / "estate.yaml"


def _program(*args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """`planner ARGS` through run(), with `before` executed first in the same interpreter."""
    code = f"import sys\n{before}\nsys.argv = ['planner', *{list(args)!r}]\n" \
           "from planner.cli import run\nrun()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=120)


def test_a_plan_keeps_its_exit_code_and_every_byte_of_its_output(tmp_path: Path) -> None:
    got = _program("plan", str(EXAMPLE), "-o", str(tmp_path / "plan"), "--date", "2026-12-01",
                   "--format", "json")
    assert got.returncode == 0, got.stderr
    summary = json.loads(got.stdout)  # the whole document arrived
    assert summary["status"] == "optimal"
    assert got.stderr.rstrip().endswith(f"wrote plan files to {tmp_path / 'plan'}")
    assert (tmp_path / "plan" / "plan.json").is_file()


@pytest.mark.parametrize(("args", "code"), [
    (("--version",), 0),
    (("validate", "no-such-estate.yaml"), 2),
    (("no-such-command",), 2),
])
def test_exit_codes_are_the_commands_own(args: tuple[str, ...], code: int) -> None:
    got = _program(*args)
    assert got.returncode == code
    assert got.stdout or got.stderr  # whatever the command said, it was not lost


def test_atexit_callbacks_still_run() -> None:
    got = _program("--version", before="import atexit\n"
                   "atexit.register(lambda: print('callback ran', file=sys.stderr))")
    assert got.returncode == 0
    assert "callback ran" in got.stderr


def test_a_thread_still_at_work_is_waited_for() -> None:
    """A live thread (one a library caller started) sends the exit down Python's normal path,
    which waits for it."""
    got = _program("--version", before="import threading, time\n"
                   "threading.Thread(target=lambda: (time.sleep(0.3), "
                   "print('thread finished', file=sys.stderr))).start()")
    assert got.returncode == 0
    assert "thread finished" in got.stderr


def test_python_dash_m_runs_the_same_program(tmp_path: Path) -> None:
    got = subprocess.run([sys.executable, "-m", "planner", "validate", str(EXAMPLE),
                          "--format", "json", "--date", "2026-12-01"],
                         capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)


def test_the_collector_stays_paused_from_the_first_import_of_a_command() -> None:
    """Start-up's imports (numpy, pyarrow, the planner's modules) run with the cyclic
    collector paused, like the command itself (planner.collector)."""
    got = _program("validate", str(EXAMPLE), "--date", "2026-12-01", before=(
        "import atexit, gc\nimport planner.cli\npasses = []\n"
        "gc.callbacks.append(lambda phase, info: passes.append(phase))\n"
        "atexit.register(lambda: print('collector passes:', len(passes), file=sys.stderr))"))
    assert got.returncode == 0, got.stderr
    assert "collector passes: 0" in got.stderr
