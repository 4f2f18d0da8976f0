"""Versioned schema migrations of the snapshot history database.

`schema_version` holds one row: the number of the last migration applied. Migrations are plain
functions run in order, each inside the caller's transaction, so a database is always at exactly
one version. A database written by a newer planner is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from planner.problems import UsageError


def _run(conn: sqlite3.Connection, script: str) -> None:
    # Not executescript: it commits any open transaction first, and a migration must stay
    # inside the caller's one transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1_core(conn: sqlite3.Connection) -> None:
    # WITHOUT ROWID tables keyed by (snapshot_id, natural key): the primary key is the index the
    # diff's set operations walk, so no separate index is needed.
    _run(conn, """
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            taken TEXT NOT NULL UNIQUE,          -- ISO date the snapshot describes
            estate TEXT NOT NULL,
            source TEXT NOT NULL,                -- estate file the snapshot was read from
            device_count INTEGER NOT NULL
        );
        CREATE TABLE virtual_accounts (
            snapshot_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            is_default INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE sites (
            snapshot_id INTEGER NOT NULL,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            tags TEXT NOT NULL,                  -- user tags, semicolon-joined
            PRIMARY KEY (snapshot_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE devices (
            snapshot_id INTEGER NOT NULL,
            key TEXT NOT NULL,                   -- serial, or `host:<hostname>` without one
            hostname TEXT NOT NULL,
            pid TEXT NOT NULL,
            serial TEXT NOT NULL,
            site TEXT NOT NULL,
            va TEXT NOT NULL,
            version TEXT NOT NULL,
            state TEXT NOT NULL,
            licences TEXT NOT NULL,              -- tag:count pairs, sorted
            PRIMARY KEY (snapshot_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE device_licences (
            snapshot_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            tag TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, key, tag)
        ) WITHOUT ROWID;
        CREATE TABLE entitlements (
            snapshot_id INTEGER NOT NULL,
            va TEXT NOT NULL,
            tag TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            in_use INTEGER NOT NULL,
            reserved INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, va, tag)
        ) WITHOUT ROWID;
        """)


def _v2_usage(conn: sqlite3.Connection) -> None:
    # Active units per (VA, site, licence), kept beside the device rows so that growth between
    # two snapshots compares a few hundred aggregate rows instead of every device; older
    # snapshots are backfilled from their device rows.
    _run(conn, """
        CREATE TABLE usage (
            snapshot_id INTEGER NOT NULL,
            va TEXT NOT NULL,
            site TEXT NOT NULL,
            tag TEXT NOT NULL,
            units INTEGER NOT NULL,
            devices INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, va, site, tag)
        ) WITHOUT ROWID;
        """)
    conn.execute(AGGREGATE_USAGE_SQL.replace("= ?", "IS NOT NULL"))


# Fills `usage` for one snapshot (or, with the placeholder replaced, for every snapshot).
AGGREGATE_USAGE_SQL = """
INSERT INTO usage (snapshot_id, va, site, tag, units, devices)
SELECT d.snapshot_id, d.va, d.site, l.tag, SUM(l.count), COUNT(*)
FROM devices AS d JOIN device_licences AS l ON l.snapshot_id = d.snapshot_id AND l.key = d.key
WHERE d.snapshot_id = ?
GROUP BY d.snapshot_id, d.va, d.site, l.tag
"""

def _entitlement_lines(conn: sqlite3.Connection) -> None:
    # One row per entitlement line, so that `snapshot diff` can say why a holding changed (a
    # term started or ended, a line added, removed or transferred) rather than only that it
    # did. Snapshots stored before this migration have no rows here; the diff says so.
    _run(conn, """
        CREATE TABLE entitlement_lines (
            snapshot_id INTEGER NOT NULL,
            va TEXT NOT NULL,
            tag TEXT NOT NULL,
            key TEXT NOT NULL,                   -- subscription|start|end|term, #n if repeated
            quantity INTEGER NOT NULL,           -- on the line, in force or not
            in_force INTEGER NOT NULL,           -- 1 when the line entitles on the snapshot date
            start TEXT NOT NULL,                 -- ISO dates, '' when the line has none
            end_date TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, va, tag, key)
        ) WITHOUT ROWID
        """)


def _v4_cycle(conn: sqlite3.Connection) -> None:
    # The offline cycle's ledger (planner cycle): every seal and verification of a trip bundle,
    # and every status read with what each device's captures showed. Rows are only added, never
    # changed: the history of crossings and ACKs is an audit trail.
    _run(conn, """
        CREATE TABLE cycle_events (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,                   -- ISO date of the event
            kind TEXT NOT NULL,                  -- seal-out | seal-in | verify
            trip TEXT NOT NULL,
            crossing TEXT NOT NULL,
            manifest_sha256 TEXT NOT NULL,
            files INTEGER NOT NULL,              -- files checked or sealed
            result TEXT NOT NULL,                -- ok | failed
            detail TEXT NOT NULL                 -- what failed, semicolon-joined
        );
        CREATE TABLE cycle_reads (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,                   -- the as-of date of the read
            source TEXT NOT NULL,                -- evidence folder(s) read
            devices INTEGER NOT NULL,
            overdue INTEGER NOT NULL,
            due INTEGER NOT NULL,
            unknown INTEGER NOT NULL
        );
        CREATE TABLE cycle_devices (
            read_id INTEGER NOT NULL,
            key TEXT NOT NULL,                   -- serial, or `host:<hostname>`, or `file:<path>`
            site TEXT NOT NULL,
            hostname TEXT NOT NULL,
            serial TEXT NOT NULL,
            last_report TEXT NOT NULL,           -- ISO dates, '' when the evidence shows none
            last_ack TEXT NOT NULL,
            next_deadline TEXT NOT NULL,
            standing TEXT NOT NULL,
            PRIMARY KEY (read_id, key)
        ) WITHOUT ROWID
        """)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_core, _v2_usage, _entitlement_lines, _v4_cycle)
LATEST = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    got = conn.execute("SELECT version FROM schema_version").fetchone()
    return 0 if got is None else int(got[0])


def migrate(conn: sqlite3.Connection, path: str, target: int = LATEST) -> int:
    """Bring the database to `target`, one migration per step, all in one transaction."""
    version = current_version(conn)
    if version > LATEST:
        raise UsageError(f"{path}: history database is at schema version {version}; this "
                         f"planner knows up to {LATEST}. Upgrade the planner to read it.")
    if version >= target:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        for step in range(version, target):
            MIGRATIONS[step](conn)
            conn.execute("UPDATE schema_version SET version = ?", (step + 1,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return target
