"""The snapshot history database: open, add (replace by date in one transaction), list, read.

SQLite in WAL mode with `synchronous=FULL`: a snapshot is committed whole or not at all, and a
process killed mid-write leaves every earlier snapshot as it was (the uncommitted tail of the
write-ahead log is ignored on the next open).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from planner.history.schema import migrate
from planner.history.snapshot import DeviceRow, SnapshotData, parse_licences
from planner.problems import InputError, UsageError, error

_CHUNK = 20_000  # device rows per executemany: bounds memory when devices are streamed
_TABLES = ("virtual_accounts", "sites", "devices", "device_licences", "entitlements", "usage",
           "entitlement_lines")


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    id: int
    taken: date
    estate: str
    source: str
    devices: int


def default_db_path(estate_path: str | Path) -> Path:
    """`.planner/history.db` beside the estate file."""
    return Path(estate_path).resolve().parent / ".planner" / "history.db"


def open_history(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and migrate) the history database; `create=False` refuses a missing file."""
    db = Path(path)
    if not create and not db.is_file():
        raise UsageError(f"{db}: no snapshot history here; run `planner snapshot add` first")
    if create:
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT), so one
        # snapshot is exactly one transaction whatever the sqlite3 module's defaults are.
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: a 100k-device snapshot's B-trees
        migrate(conn, str(db))
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{db}: not a planner history database ({exc})") from None
    return conn


def _chunks(rows: Iterable[DeviceRow], size: int) -> Iterator[list[DeviceRow]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def add_snapshot(conn: sqlite3.Connection, data: SnapshotData) -> SnapshotInfo:
    """Store one snapshot; a snapshot already stored for the same date is replaced atomically."""
    others = conn.execute("SELECT DISTINCT estate FROM snapshots WHERE estate != ?",
                          (data.estate,)).fetchall()
    if others:
        raise UsageError(f"this history database holds snapshots of {others[0][0]!r}, not "
                         f"{data.estate!r}; keep one database per estate (--db PATH)")
    taken = data.taken.isoformat()
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = conn.execute("SELECT id FROM snapshots WHERE taken = ?", (taken,)).fetchone()
        if old is not None:
            _delete(conn, int(old[0]))
        sid = int(conn.execute(
            "INSERT INTO snapshots (taken, estate, source, device_count) VALUES (?, ?, ?, 0)",
            (taken, data.estate, data.source)).lastrowid or 0)
        conn.executemany("INSERT INTO virtual_accounts VALUES (?, ?, ?)",
                         [(sid, *row) for row in data.virtual_accounts])
        conn.executemany("INSERT INTO sites VALUES (?, ?, ?, ?)",
                         [(sid, *row) for row in data.sites])
        conn.executemany("INSERT INTO entitlements VALUES (?, ?, ?, ?, ?, ?)",
                         [(sid, *row) for row in data.entitlements])
        conn.executemany("INSERT INTO entitlement_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(sid, *row) for row in data.lines])
        count = 0
        usage: dict[tuple[str, str, str], list[int]] = {}
        for chunk in _chunks(data.devices, _CHUNK):
            count += _insert_devices(conn, sid, chunk, usage)
        conn.executemany("INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?)",
                         [(sid, va, site, tag, n, d)
                          for (va, site, tag), (n, d) in sorted(usage.items())])
        conn.execute("UPDATE snapshots SET device_count = ? WHERE id = ?", (count, sid))
        conn.execute("COMMIT")
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK")
        raise InputError([error(data.source or data.estate,
                                f"cannot store snapshot: two devices share a key ({exc})",
                                expected="unique serial numbers")]) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SnapshotInfo(sid, data.taken, data.estate, data.source, count)


def _insert_devices(conn: sqlite3.Connection, sid: int, chunk: list[DeviceRow],
                    usage: dict[tuple[str, str, str], list[int]]) -> int:
    """Insert a chunk of devices and their licences; add their units to `usage`.

    Summing here costs one dict update per licence; the same aggregate in SQL (schema's
    AGGREGATE_USAGE_SQL, used to backfill old databases) re-reads every row it just wrote.
    """
    conn.executemany("INSERT INTO devices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(sid, *row) for row in chunk])
    rows = []
    for row in chunk:
        for tag, n in parse_licences(row[8]):
            rows.append((sid, row[0], tag, n))
            acc = usage.get((row[5], row[4], tag))
            if acc is None:
                usage[(row[5], row[4], tag)] = [n, 1]
            else:
                acc[0] += n
                acc[1] += 1
    conn.executemany("INSERT INTO device_licences VALUES (?, ?, ?, ?)", rows)
    return len(chunk)


def _delete(conn: sqlite3.Connection, sid: int) -> None:
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", (sid,))
    conn.execute("DELETE FROM snapshots WHERE id = ?", (sid,))


def damaged(conn: sqlite3.Connection, exc: BaseException) -> UsageError:
    """The error for a history database whose rows were edited or damaged outside planner."""
    try:
        where = conn.execute("PRAGMA database_list").fetchone()[2] or "history database"
    except sqlite3.Error:
        where = "history database"
    return UsageError(f"{where}: damaged snapshot data ({exc}); restore it from a backup or "
                      "remove it and take snapshots again")


def list_snapshots(conn: sqlite3.Connection) -> list[SnapshotInfo]:
    try:
        rows = conn.execute("SELECT id, taken, estate, source, device_count FROM snapshots "
                            "ORDER BY taken").fetchall()
        return [SnapshotInfo(int(r[0]), date.fromisoformat(r[1]), str(r[2]), str(r[3]),
                             int(r[4])) for r in rows]
    except (ValueError, TypeError, sqlite3.Error) as exc:
        raise damaged(conn, exc) from None


def snapshot_on(conn: sqlite3.Connection, taken: date) -> SnapshotInfo:
    """The snapshot stored for exactly this date."""
    for info in list_snapshots(conn):
        if info.taken == taken:
            return info
    known = ", ".join(i.taken.isoformat() for i in list_snapshots(conn)) or "none"
    raise UsageError(f"no snapshot for {taken.isoformat()} (stored: {known})")


def snapshot_at_or_before(conn: sqlite3.Connection, when: date) -> SnapshotInfo | None:
    """The latest snapshot taken on or before `when`, or None."""
    best = None
    for info in list_snapshots(conn):
        if info.taken <= when:
            best = info
    return best
