"""Diff two stored snapshots: devices added, removed, moved or relicensed; units and holdings,
each change explained by its cause.

Every comparison is one SQL statement over the tables' primary keys (anti-joins and joins on
`(snapshot_id, key)`), so a 100k-device diff costs index walks, not Python loops over rows.

Causes: a change in active units at a site is split into devices added, removed, moved between
sites and usage changed (a device kept, its licences changed); a change in a holding into
terms started or ended, lines added, removed, transferred between Virtual Accounts or changed
in quantity; a change in CSSM's reserved count is a reservation made or returned. Two snapshots
of identical files across a term's start say "term started".
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from planner.history.store import damaged, snapshot_on


@dataclass(frozen=True, slots=True)
class DeviceChange:
    key: str
    hostname: str
    pid: str
    site: str
    virtual_account: str


@dataclass(frozen=True, slots=True)
class DeviceMove:
    key: str
    hostname: str
    from_site: str
    to_site: str
    from_va: str
    to_va: str


class Cause(StrEnum):
    DEVICE_ADDED = "device added"
    DEVICE_REMOVED = "device removed"
    DEVICE_MOVED = "device moved"
    USAGE_CHANGED = "usage changed"
    TERM_STARTED = "term started"
    TERM_ENDED = "term ended"
    LINE_ADDED = "line added"
    LINE_REMOVED = "line removed"
    TRANSFER = "transfer"
    QUANTITY_CHANGED = "quantity changed"
    RESERVATION_MADE = "reservation made"
    RESERVATION_RETURNED = "reservation returned"
    NOT_RECORDED = "not recorded"  # a snapshot stored before lines were kept


@dataclass(frozen=True, slots=True)
class Explanation:
    """One cause of a change and the part of the change it accounts for."""

    cause: Cause
    change: int
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.cause} ({self.change:+d}{'; ' + self.detail if self.detail else ''})"


@dataclass(frozen=True, slots=True)
class UnitDelta:
    """Active units of one licence at one site, before and after."""

    tag: str
    site: str
    before: int
    after: int
    causes: tuple[Explanation, ...] = field(default=(), compare=False)

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class HoldingDelta:
    """Entitled quantity of one licence in one Virtual Account, before and after."""

    virtual_account: str
    tag: str
    before: int
    after: int
    causes: tuple[Explanation, ...] = field(default=(), compare=False)
    reserved_before: int = field(default=0, compare=False)
    reserved_after: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    before: date
    after: date
    devices_before: int
    devices_after: int
    added: tuple[DeviceChange, ...]
    removed: tuple[DeviceChange, ...]
    moved: tuple[DeviceMove, ...]
    relicensed: tuple[str, ...]  # keys of devices whose licences changed
    units: tuple[UnitDelta, ...]
    holdings: tuple[HoldingDelta, ...]

    @property
    def churned(self) -> int:
        """Devices that changed in any way: the numerator of the churn rate."""
        return len(self.added) + len(self.removed) + len(
            {m.key for m in self.moved} | set(self.relicensed))


_ONLY_IN = """
SELECT x.key, x.hostname, x.pid, x.site, x.va FROM devices AS x
WHERE x.snapshot_id = ? AND NOT EXISTS (
    SELECT 1 FROM devices AS y WHERE y.snapshot_id = ? AND y.key = x.key)
ORDER BY x.key
"""

# One join for moves and licence changes: only changed rows come back to Python.
_CHANGED = """
SELECT a.key, b.hostname, a.site, b.site, a.va, b.va, a.licences != b.licences
FROM devices AS a JOIN devices AS b ON b.snapshot_id = ? AND b.key = a.key
WHERE a.snapshot_id = ? AND (a.site != b.site OR a.va != b.va OR a.licences != b.licences)
ORDER BY a.key
"""

# One grouped pass over both snapshots' rows (a FULL OUTER JOIN of two aggregates would scan
# one side per row of the other: quadratic in the number of (licence, site) pairs).
_UNITS = """
SELECT tag, site,
       SUM(CASE WHEN snapshot_id = ?1 THEN units ELSE 0 END) AS n1,
       SUM(CASE WHEN snapshot_id = ?2 THEN units ELSE 0 END) AS n2
FROM usage WHERE snapshot_id IN (?1, ?2)
GROUP BY tag, site HAVING n1 != n2
ORDER BY tag, site
"""

_HOLDINGS = """
SELECT va, tag,
       SUM(CASE WHEN snapshot_id = ?1 THEN quantity ELSE 0 END) AS q1,
       SUM(CASE WHEN snapshot_id = ?2 THEN quantity ELSE 0 END) AS q2,
       SUM(CASE WHEN snapshot_id = ?1 THEN reserved ELSE 0 END) AS r1,
       SUM(CASE WHEN snapshot_id = ?2 THEN reserved ELSE 0 END) AS r2
FROM entitlements WHERE snapshot_id IN (?1, ?2)
GROUP BY va, tag HAVING q1 != q2 OR r1 != r2
ORDER BY va, tag
"""

# Each device's units per licence attributed to a cause: rows of the later snapshot count
# plus, of the earlier minus; a device in both at the same site with the same licences adds
# nothing. Summed per (licence, site, cause) they add up to the unit delta.
_UNIT_CAUSES = """
SELECT tag, site, cause, SUM(delta) FROM (
    SELECT l.tag AS tag, d.site AS site,
           CASE WHEN o.key IS NULL THEN 'device added'
                WHEN o.site != d.site THEN 'device moved'
                ELSE 'usage changed' END AS cause, l.count AS delta
    FROM devices AS d
    JOIN device_licences AS l ON l.snapshot_id = d.snapshot_id AND l.key = d.key
    LEFT JOIN devices AS o ON o.snapshot_id = ?1 AND o.key = d.key
    WHERE d.snapshot_id = ?2
      AND (o.key IS NULL OR o.site != d.site OR o.licences != d.licences)
    UNION ALL
    SELECT l.tag, d.site,
           CASE WHEN n.key IS NULL THEN 'device removed'
                WHEN n.site != d.site THEN 'device moved'
                ELSE 'usage changed' END, -l.count
    FROM devices AS d
    JOIN device_licences AS l ON l.snapshot_id = d.snapshot_id AND l.key = d.key
    LEFT JOIN devices AS n ON n.snapshot_id = ?2 AND n.key = d.key
    WHERE d.snapshot_id = ?1
      AND (n.key IS NULL OR n.site != d.site OR n.licences != d.licences))
GROUP BY tag, site, cause HAVING SUM(delta) != 0
ORDER BY tag, site, cause
"""

_LINES = """
SELECT snapshot_id, va, tag, key, quantity, in_force, start, end_date
FROM entitlement_lines WHERE snapshot_id IN (?1, ?2)
ORDER BY va, tag, key
"""


def diff_snapshots(conn: sqlite3.Connection, before: date, after: date) -> SnapshotDiff:
    """Compare the snapshots stored for two dates (either order of dates is allowed)."""
    old = snapshot_on(conn, before)
    new = snapshot_on(conn, after)
    a, b = old.id, new.id
    try:
        added = tuple(DeviceChange(*r) for r in conn.execute(_ONLY_IN, (b, a)))
        removed = tuple(DeviceChange(*r) for r in conn.execute(_ONLY_IN, (a, b)))
        changed = conn.execute(_CHANGED, (b, a)).fetchall()
        moved = tuple(DeviceMove(*r[:6]) for r in changed if r[2] != r[3] or r[4] != r[5])
        relicensed = tuple(r[0] for r in changed if r[6])
        unit_causes: dict[tuple[str, str], list[Explanation]] = defaultdict(list)
        for tag, site, cause, delta in conn.execute(_UNIT_CAUSES, (a, b)):
            unit_causes[(tag, site)].append(Explanation(Cause(cause), int(delta)))
        units = tuple(UnitDelta(tag, site, n1, n2, tuple(unit_causes.get((tag, site), ())))
                      for tag, site, n1, n2 in conn.execute(_UNITS, (a, b)))
        # A database from before migration 3, opened read-only (never migrated), has no
        # lines table: its holding changes are explained as not recorded.
        has_lines = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = 'entitlement_lines'").fetchone() is not None
        lines = conn.execute(_LINES, (a, b)).fetchall() if has_lines else []
        recorded = {sid for sid, *_ in lines}
        holdings = tuple(
            HoldingDelta(va, tag, q1, q2, _holding_causes(
                va, tag, q1, q2, r1, r2, lines, a, b, {a, b} <= recorded), r1, r2)
            for va, tag, q1, q2, r1, r2 in conn.execute(_HOLDINGS, (a, b)))
    except (ValueError, TypeError, sqlite3.Error) as exc:
        raise damaged(conn, exc) from None
    return SnapshotDiff(old.taken, new.taken, old.devices, new.devices, added, removed, moved,
                        relicensed, units, holdings)


_Line = tuple[int, str, str, str, int, int, str, str]


def _holding_causes(va: str, tag: str, q1: int, q2: int, r1: int, r2: int,
                    lines: list[_Line], a: int, b: int,
                    recorded: bool) -> tuple[Explanation, ...]:
    """Why one VA's holding of one licence changed, line by line."""
    out: list[Explanation] = []
    if r2 != r1:
        out.append(Explanation(Cause.RESERVATION_MADE if r2 > r1 else Cause.RESERVATION_RETURNED,
                               r2 - r1, "CSSM reserved count"))
    if q1 == q2:
        return tuple(out)
    if not recorded:
        return (*out, Explanation(Cause.NOT_RECORDED, q2 - q1,
                                  "a snapshot was stored before planner kept entitlement lines"))
    mine = {(sid, key): (qty, live, start, end) for sid, v, t, key, qty, live, start, end in lines
            if v == va and t == tag}
    before = {k: v for (sid, k), v in mine.items() if sid == a}
    after = {k: v for (sid, k), v in mine.items() if sid == b}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        had = old[0] * old[1] if old else 0
        has = new[0] * new[1] if new else 0
        if had == has:
            continue
        if old and new:
            if old[1] != new[1]:
                started = new[1] > old[1]
                day = new[2] if started else new[3]
                out.append(Explanation(Cause.TERM_STARTED if started else Cause.TERM_ENDED,
                                       has - had, f"{_words(key)}; "
                                       f"{'started' if started else 'ended'} {day or 'undated'}"))
            else:
                out.append(Explanation(Cause.QUANTITY_CHANGED, has - had, _words(key)))
        elif new:
            other = _elsewhere(lines, a, b, va, tag, key, removed=True)
            out.append(Explanation(Cause.TRANSFER if other else Cause.LINE_ADDED, has,
                                   _words(key) + (f"; from {other}" if other else "")))
        elif old:
            other = _elsewhere(lines, a, b, va, tag, key, removed=False)
            out.append(Explanation(Cause.TRANSFER if other else Cause.LINE_REMOVED, -had,
                                   _words(key) + (f"; to {other}" if other else "")))
    return tuple(out)


def _words(key: str) -> str:
    """A line's key in words: `subscription S1, 2026-04-14 to 2033-04-12`."""
    sub, start, end, *_ = [*key.split("#")[0].split("|"), "", "", ""]
    parts = [f"subscription {sub}" if sub else "line without subscription id"]
    if start or end:
        parts.append(f"{start or '…'} to {end or '…'}")
    return ", ".join(parts)


def _elsewhere(lines: list[_Line], a: int, b: int, va: str, tag: str, key: str,
               *, removed: bool) -> str:
    """The other VA a line went to (or came from): same licence and key, gone from one VA
    and new in another between the two snapshots."""
    def vas(sid: int) -> set[str]:
        return {v for s, v, t, k, *_ in lines if s == sid and t == tag and k == key}

    candidates = (vas(a) - vas(b)) if removed else (vas(b) - vas(a))
    candidates.discard(va)
    return min(candidates) if candidates else ""
