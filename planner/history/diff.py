"""Diff two stored snapshots: devices added, removed, moved or relicensed; units and holdings.

Every comparison is one SQL statement over the tables' primary keys (anti-joins and joins on
`(snapshot_id, key)`), so a 100k-device diff costs index walks, not Python loops over rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from planner.history.store import snapshot_on


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


@dataclass(frozen=True, slots=True)
class UnitDelta:
    """Active units of one licence at one site, before and after."""

    tag: str
    site: str
    before: int
    after: int

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

_MOVED = """
SELECT a.key, b.hostname, a.site, b.site, a.va, b.va
FROM devices AS a JOIN devices AS b ON b.snapshot_id = ? AND b.key = a.key
WHERE a.snapshot_id = ? AND (a.site != b.site OR a.va != b.va)
ORDER BY a.key
"""

_RELICENSED = """
SELECT a.key FROM devices AS a JOIN devices AS b ON b.snapshot_id = ? AND b.key = a.key
WHERE a.snapshot_id = ? AND a.licences != b.licences
ORDER BY a.key
"""

_UNITS = """
WITH u1 AS (SELECT tag, site, SUM(units) AS n FROM usage WHERE snapshot_id = ? GROUP BY tag, site),
     u2 AS (SELECT tag, site, SUM(units) AS n FROM usage WHERE snapshot_id = ? GROUP BY tag, site)
SELECT COALESCE(u1.tag, u2.tag) AS t, COALESCE(u1.site, u2.site) AS s,
       COALESCE(u1.n, 0), COALESCE(u2.n, 0)
FROM u1 FULL OUTER JOIN u2 ON u1.tag = u2.tag AND u1.site = u2.site
WHERE COALESCE(u1.n, 0) != COALESCE(u2.n, 0)
ORDER BY t, s
"""

_HOLDINGS = """
WITH e1 AS (SELECT va, tag, quantity AS q FROM entitlements WHERE snapshot_id = ?),
     e2 AS (SELECT va, tag, quantity AS q FROM entitlements WHERE snapshot_id = ?)
SELECT COALESCE(e1.va, e2.va) AS v, COALESCE(e1.tag, e2.tag) AS t,
       COALESCE(e1.q, 0), COALESCE(e2.q, 0)
FROM e1 FULL OUTER JOIN e2 ON e1.va = e2.va AND e1.tag = e2.tag
WHERE COALESCE(e1.q, 0) != COALESCE(e2.q, 0)
ORDER BY v, t
"""


def diff_snapshots(conn: sqlite3.Connection, before: date, after: date) -> SnapshotDiff:
    """Compare the snapshots stored for two dates (either order of dates is allowed)."""
    old = snapshot_on(conn, before)
    new = snapshot_on(conn, after)
    a, b = old.id, new.id
    added = tuple(DeviceChange(*r) for r in conn.execute(_ONLY_IN, (b, a)))
    removed = tuple(DeviceChange(*r) for r in conn.execute(_ONLY_IN, (a, b)))
    moved = tuple(DeviceMove(*r) for r in conn.execute(_MOVED, (b, a)))
    relicensed = tuple(r[0] for r in conn.execute(_RELICENSED, (b, a)))
    units = tuple(UnitDelta(*r) for r in conn.execute(_UNITS, (a, b)))
    holdings = tuple(HoldingDelta(*r) for r in conn.execute(_HOLDINGS, (a, b)))
    return SnapshotDiff(old.taken, new.taken, old.devices, new.devices, added, removed, moved,
                        relicensed, units, holdings)
