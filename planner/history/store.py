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

from planner.history.schema import LATEST, current_version, migrate
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


# How long a command waits for another process's lock on the database before giving up with
# exit 2 (a bounded wait: a stuck writer must not hang a read forever).
LOCK_WAIT_SECONDS = 10


def open_history(path: str | Path, *, create: bool = True,
                 readonly: bool = False) -> sqlite3.Connection:
    """Open the history database; `create=False` refuses a missing file.

    `readonly=True` (every command that only reads history) opens it with SQLite's read-only
    mode, so `snapshot list` works on read-only media and never changes the file. Before any
    write (creating tables, switching to WAL, migrating) the file is checked to be a planner
    database: another application's SQLite file is refused untouched.
    """
    db = Path(path)
    if (not create or readonly) and not db.is_file():
        raise UsageError(f"{db}: no snapshot history here; run `planner snapshot add` first")
    try:
        if readonly:
            return _open_readonly(db)
        if create:
            db.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT), so one
        # snapshot is exactly one transaction whatever the sqlite3 module's defaults are.
        conn = sqlite3.connect(db, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
        try:
            _refuse_foreign(conn, db)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: a 100k-device snapshot's B-trees
            migrate(conn, str(db))
        except BaseException:
            conn.close()
            raise
    except sqlite3.OperationalError as exc:
        raise UsageError(f"{db}: {database_trouble(exc)}") from None
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{db}: not a planner history database ({exc})") from None
    return conn


def database_trouble(exc: sqlite3.OperationalError) -> str:
    """What an OperationalError means for the user: a lock held too long, read-only media."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (f"the history database is locked by another process (waited "
                f"{LOCK_WAIT_SECONDS} s); try again when it has finished")
    if "readonly" in text or "read-only" in text:
        return "the history database is on read-only media or not writable"
    return f"cannot use the history database ({text})"


def _refuse_foreign(conn: sqlite3.Connection, db: Path) -> None:
    """Raise unless the database is empty or already the planner's (read before any write)."""
    tables = {str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and not {"schema_version", "snapshots"} <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise UsageError(f"{db}: not a planner history database (it holds tables {shown}); "
                         "it was left untouched. Use --db with a new or planner file")


def _open_readonly(db: Path) -> sqlite3.Connection:
    uri = db.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                           timeout=LOCK_WAIT_SECONDS)
    try:
        conn.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
        conn.execute("PRAGMA query_only=1")
        try:
            version = current_version(conn)
        except sqlite3.OperationalError:
            # A WAL database on read-only media cannot create its shared-memory file: read it
            # as immutable (nothing can be writing to read-only media).
            conn.close()
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
            conn.execute("PRAGMA query_only=1")
            version = current_version(conn)
        _refuse_foreign(conn, db)
    except BaseException:
        conn.close()
        raise
    if version == 0:
        conn.close()
        raise UsageError(f"{db}: holds no planner snapshot history (left untouched); run "
                         "`planner snapshot add` to start one")
    if version < LATEST:
        # An older planner's database: upgrade it once through a writable connection (it is
        # verified to be the planner's), then read it read-only as asked.
        conn.close()
        try:
            open_history(db, create=False).close()
        except UsageError as exc:
            raise UsageError(f"{exc} (the database is at schema version {version} and must "
                             "be upgraded once by a planner that can write it)") from None
        return _open_readonly(db)
    if version > LATEST:
        conn.close()
        raise UsageError(f"{db}: history database is at schema version {version}; this "
                         f"planner knows up to {LATEST}. Upgrade the planner to read it.")
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
