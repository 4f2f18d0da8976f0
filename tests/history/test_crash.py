"""A process killed with SIGKILL mid-write loses nothing already stored."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hist_builders import device, estate

from planner.history import add_snapshot, from_estate, list_snapshots, open_history

# The child streams a large snapshot through a generator: after 30k rows are handed to SQLite it
# prints READY and keeps yielding slowly, so the kill lands inside the open write transaction.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from planner.history import add_snapshot, open_history
    from planner.history.snapshot import SnapshotData

    def rows():
        for n in range(10_000_000):
            if n == 30_000:
                print("READY", flush=True)
            if n > 30_000:
                time.sleep(0.001)
            key = f"BIG{n:09d}"
            yield (key, f"h{n}", "C9300-48P", key, "HQ", "NET", "17.9.4", "slup",
                   "network-advantage:1")

    conn = open_history(sys.argv[1])
    add_snapshot(conn, SnapshotData(date.fromisoformat(sys.argv[2]), "Test Estate", "x",
                                    (("NET", 0),), (("HQ", "HQ", ""),), rows(),
                                    (("NET", "network-advantage", 1, 0, 0),)))
    print("FINISHED", flush=True)
    """
)


def _kill_mid_write(db: Path, taken: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(db), taken],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "READY", line
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL


def _assert_intact(db: Path, expected: list[tuple[date, int]]) -> None:
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    raw.close()
    conn = open_history(db)
    assert [(i.taken, i.devices) for i in list_snapshots(conn)] == expected
    assert conn.execute("SELECT COUNT(*) FROM devices WHERE key LIKE 'BIG%'").fetchone() == (0,)
    for info in list_snapshots(conn):
        n = conn.execute("SELECT COUNT(*) FROM devices WHERE snapshot_id = ?",
                         (info.id,)).fetchone()[0]
        assert n == info.devices


@pytest.mark.parametrize("taken", ["2026-03-01", "2026-02-01"], ids=["new-date", "replace"])
def test_sigkill_mid_write_keeps_earlier_snapshots(tmp_path: Path, taken: str) -> None:
    db = tmp_path / "h.db"
    conn = open_history(db)
    add_snapshot(conn, from_estate(estate([device(n) for n in range(1, 4)]), date(2026, 1, 1)))
    add_snapshot(conn, from_estate(estate([device(n) for n in range(1, 6)]), date(2026, 2, 1)))
    conn.close()
    _kill_mid_write(db, taken)
    _assert_intact(db, [(date(2026, 1, 1), 3), (date(2026, 2, 1), 5)])
