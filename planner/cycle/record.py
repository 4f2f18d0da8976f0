"""The cycle's history in the snapshot database (schema v4): seals, verifications, status reads.

Rows are only ever added, each write one transaction. `cycle history` reads them back: every
crossing (seal and verification of a trip bundle) and every ACK date a device has shown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.cycle.ledger import Ledger, Standing


@dataclass(frozen=True, slots=True)
class Event:
    day: date
    kind: str  # seal-out | seal-in | verify
    trip: str
    crossing: str
    manifest_sha256: str
    files: int
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AckSeen:
    """One ACK date a device showed, with the first and last read that showed it."""

    site: str
    hostname: str
    serial: str
    last_ack: str
    first_read: str
    last_read: str
    next_deadline: str


def add_event(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO cycle_events (day, kind, trip, crossing, manifest_sha256, "
                     "files, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (event.day.isoformat(), event.kind, event.trip, event.crossing,
                      event.manifest_sha256, event.files, "ok" if event.ok else "failed",
                      event.detail))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _key(site: str, hostname: str, serial: str, evidence: tuple[str, ...]) -> str:
    if serial:
        return serial
    if hostname:
        return f"host:{hostname}"
    return f"file:{evidence[0].split(' ', 1)[0] if evidence else site}"


def add_read(conn: sqlite3.Connection, ledger: Ledger, source: str) -> int:
    """Store one status read and what every device showed; returns its id."""
    count = {s: sum(1 for r in ledger.rows if r.standing is s) for s in Standing}
    conn.execute("BEGIN IMMEDIATE")
    try:
        read_id = int(conn.execute(
            "INSERT INTO cycle_reads (day, source, devices, overdue, due, unknown) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (ledger.as_of.isoformat(), source, len(ledger.rows), count[Standing.OVERDUE],
             count[Standing.DUE], count[Standing.UNKNOWN])).lastrowid or 0)
        seen: set[str] = set()
        rows = []
        for r in ledger.rows:
            key = _key(r.site, r.hostname, r.serial, r.evidence)
            if key in seen:
                continue
            seen.add(key)
            rows.append((read_id, key, r.site, r.hostname, r.serial,
                         r.last_report.isoformat() if r.last_report else "",
                         r.last_ack.isoformat() if r.last_ack else "",
                         r.next_deadline.isoformat() if r.next_deadline else "",
                         r.standing.value))
        conn.executemany("INSERT INTO cycle_devices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return read_id


def has_cycle_tables(conn: sqlite3.Connection) -> bool:
    """False for a history written before the cycle tables (read-only opens do not migrate)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"cycle_events", "cycle_reads", "cycle_devices"} <= names


@contextmanager
def ledger_reader(db: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to a history that has the cycle tables, else None.

    Reports and the schedule read the ledger through this: it never creates, migrates or writes
    the database, and a missing file, a history from before the cycle tables or one SQLite
    cannot open all read as "no ledger". Errors while querying are the caller's to absorb.
    """
    if not db.is_file():
        yield None
        return
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        yield None
        return
    try:
        yield conn if has_cycle_tables(conn) else None
    finally:
        conn.close()


def events(conn: sqlite3.Connection) -> list[Event]:
    if not has_cycle_tables(conn):
        return []
    return [Event(date.fromisoformat(day), kind, trip, crossing, digest, files, result == "ok",
                  detail)
            for day, kind, trip, crossing, digest, files, result, detail in conn.execute(
                "SELECT day, kind, trip, crossing, manifest_sha256, files, result, detail "
                "FROM cycle_events ORDER BY day, id")]


def acks(conn: sqlite3.Connection) -> list[AckSeen]:
    """Every distinct ACK date each device has shown, oldest first."""
    if not has_cycle_tables(conn):
        return []
    query = """
        SELECT d.site, d.hostname, d.serial, d.last_ack, MIN(r.day), MAX(r.day),
               MAX(d.next_deadline)
        FROM cycle_devices AS d JOIN cycle_reads AS r ON r.id = d.read_id
        WHERE d.last_ack != ''
        GROUP BY d.key, d.last_ack
        ORDER BY d.site, d.hostname, d.serial, d.last_ack
    """
    return [AckSeen(*row) for row in conn.execute(query)]


def latest_read(conn: sqlite3.Connection, on_or_before: date | None = None
                ) -> dict[str, tuple[str, str, str, str, str]]:
    """The most recent read (on or before a date): key -> (site, hostname, last_ack,
    next_deadline, standing). Empty when no read was stored."""
    sql = "SELECT id FROM cycle_reads"
    args: tuple[str, ...] = ()
    if on_or_before is not None:
        sql += " WHERE day <= ?"
        args = (on_or_before.isoformat(),)
    row = conn.execute(sql + " ORDER BY day DESC, id DESC LIMIT 1", args).fetchone()
    if row is None:
        return {}
    return {key: (site, host, ack, deadline, standing) for key, site, host, ack, deadline, standing
            in conn.execute("SELECT key, site, hostname, last_ack, next_deadline, standing "
                            "FROM cycle_devices WHERE read_id = ?", (row[0],))}


@dataclass(frozen=True, slots=True)
class SiteAcks:
    """What the latest recorded status read showed for one site's devices."""

    site: str
    read_on: str  # ISO date of the read
    devices: int  # devices of the site in the read
    evidenced: int  # of them, with a next ACK deadline shown by a capture
    overdue: int
    earliest_deadline: str  # ISO date, '' when no device showed one
    latest_ack: str  # ISO date, '' when no device showed one


def site_acks(db: Path, on_or_before: date | None = None) -> dict[str, SiteAcks]:
    """Per site, the latest recorded ledger read (on or before a date), read-only.

    Reports call this: it never creates, migrates or writes the database, and a database
    without the cycle tables (or none at all) simply has no ledger.
    """
    try:
        with ledger_reader(db) as conn:
            if conn is None:
                return {}
            rows = latest_read(conn, on_or_before)
            read = conn.execute("SELECT day FROM cycle_reads" + (" WHERE day <= ?"
                                if on_or_before else "") + " ORDER BY day DESC, id DESC LIMIT 1",
                                (on_or_before.isoformat(),) if on_or_before else ()).fetchone()
    except sqlite3.Error:
        return {}
    by_site: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for row in rows.values():
        if row[0]:
            by_site.setdefault(row[0], []).append(row)
    out = {}
    for site, items in sorted(by_site.items()):
        deadlines = [r[3] for r in items if r[3]]
        acks_ = [r[2] for r in items if r[2]]
        out[site] = SiteAcks(site, read[0] if read else "", len(items), len(deadlines),
                             sum(1 for r in items if r[4] == Standing.OVERDUE.value),
                             min(deadlines) if deadlines else "", max(acks_) if acks_ else "")
    return out


def recorded_deadlines(db: Path, on_or_before: date | None = None) -> tuple[str, dict[str, date]]:
    """(read date, serial -> next ACK deadline) from the latest recorded ledger read, read-only;
    ('', {}) when there is none. The schedule starts each evidenced device's clock from it."""
    try:
        with ledger_reader(db) as conn:
            if conn is None:
                return "", {}
            sql = "SELECT id, day FROM cycle_reads"
            args: tuple[str, ...] = ()
            if on_or_before is not None:
                sql += " WHERE day <= ?"
                args = (on_or_before.isoformat(),)
            read = conn.execute(sql + " ORDER BY day DESC, id DESC LIMIT 1", args).fetchone()
            if read is None:
                return "", {}
            rows = conn.execute("SELECT serial, next_deadline FROM cycle_devices WHERE "
                                "read_id = ? AND site != '' AND serial != '' AND "
                                "next_deadline != ''", (read[0],)).fetchall()
    except sqlite3.Error:
        return "", {}
    return str(read[1]), {serial: date.fromisoformat(day) for serial, day in rows}


def last_crossings(db: Path, on_or_before: date | None = None) -> dict[str, tuple[str, str]]:
    """Per crossing, the latest in-leg sealed (day, trip), read-only: the day the responses were
    downloaded from CSSM, so the day an air-gapped On-Prem server's synchronisation reached
    CSSM. Empty when nothing was recorded."""
    sql = ("SELECT crossing, day, trip FROM cycle_events WHERE kind = 'seal-in' "
           "AND result = 'ok'")
    args: tuple[str, ...] = ()
    if on_or_before is not None:
        sql += " AND day <= ?"
        args = (on_or_before.isoformat(),)
    try:
        with ledger_reader(db) as conn:
            if conn is None:
                return {}
            rows = conn.execute(sql + " ORDER BY day, id", args).fetchall()
    except sqlite3.Error:
        return {}
    return {str(crossing): (str(day), str(trip)) for crossing, day, trip in rows}
