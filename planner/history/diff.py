"""Diff two stored snapshots: devices added, removed, moved or relicensed; units and holdings.

Every comparison is one SQL statement over the tables' primary keys (anti-joins and joins on
`(snapshot_id, key)`), so a 100k-device diff costs index walks, not Python loops over rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

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
       SUM(CASE WHEN snapshot_id = ?2 THEN quantity ELSE 0 END) AS q2
FROM entitlements WHERE snapshot_id IN (?1, ?2)
GROUP BY va, tag HAVING q1 != q2
ORDER BY va, tag
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
        units = tuple(UnitDelta(*r) for r in conn.execute(_UNITS, (a, b)))
        holdings = tuple(HoldingDelta(*r) for r in conn.execute(_HOLDINGS, (a, b)))
    except (ValueError, TypeError, sqlite3.Error) as exc:
        raise damaged(conn, exc) from None
    return SnapshotDiff(old.taken, new.taken, old.devices, new.devices, added, removed, moved,
                        relicensed, units, holdings)
