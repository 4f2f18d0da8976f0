"""Read-only aggregates the renewal read needs from the history: series, units, VA activity."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from planner.history.store import SnapshotInfo


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """Entitled quantity and active units of one licence on one snapshot date."""

    taken: date
    tag: str
    entitled: int
    consumed: int


@dataclass(frozen=True, slots=True)
class VaActivity:
    """One Virtual Account in one snapshot: its devices and a fingerprint of its holdings."""

    taken: date
    virtual_account: str
    devices: int
    holdings: str  # `tag:quantity;...` of quantities above 0, sorted: equal means unchanged


_SERIES = """
SELECT tag, SUM(q), SUM(n) FROM (
    SELECT tag, quantity AS q, 0 AS n FROM entitlements WHERE snapshot_id = ?1
    UNION ALL
    SELECT tag, 0, units FROM usage WHERE snapshot_id = ?1)
GROUP BY tag ORDER BY tag
"""


def series(conn: sqlite3.Connection, snapshots: list[SnapshotInfo]) -> list[SeriesPoint]:
    """Entitlement against consumption per licence over the given snapshots, by date then tag."""
    points = []
    for info in snapshots:
        for tag, entitled, consumed in conn.execute(_SERIES, (info.id,)):
            points.append(SeriesPoint(info.taken, tag, int(entitled), int(consumed)))
    return points


def units_by_va_site_tag(conn: sqlite3.Connection,
                         info: SnapshotInfo) -> dict[tuple[str, str, str], int]:
    """(VA, site, licence) -> active units in one snapshot."""
    rows = conn.execute("SELECT va, site, tag, units FROM usage WHERE snapshot_id = ?",
                        (info.id,))
    return {(va, site, tag): int(n) for va, site, tag, n in rows}


def licensed_keys(conn: sqlite3.Connection, info: SnapshotInfo) -> frozenset[tuple[str, str]]:
    """(device key, licence) pairs in one snapshot: who held what, for relicensing."""
    rows = conn.execute("SELECT key, tag FROM device_licences WHERE snapshot_id = ?", (info.id,))
    return frozenset((str(k), str(t)) for k, t in rows)


def site_tags(conn: sqlite3.Connection, info: SnapshotInfo) -> dict[str, tuple[str, ...]]:
    rows = conn.execute("SELECT id, tags FROM sites WHERE snapshot_id = ?", (info.id,))
    return {sid: tuple(t for t in tags.split(";") if t) for sid, tags in rows}


_ACTIVITY = """
SELECT v.name,
       (SELECT COUNT(*) FROM devices AS d WHERE d.snapshot_id = v.snapshot_id AND d.va = v.name),
       COALESCE((SELECT GROUP_CONCAT(tag || ':' || quantity, ';') FROM (
           SELECT tag, quantity FROM entitlements AS e
           WHERE e.snapshot_id = v.snapshot_id AND e.va = v.name AND e.quantity > 0
           ORDER BY tag)), '')
FROM virtual_accounts AS v WHERE v.snapshot_id = ? ORDER BY v.name
"""


def va_activity(conn: sqlite3.Connection, snapshots: list[SnapshotInfo]) -> list[VaActivity]:
    out = []
    for info in snapshots:
        for name, devices, holdings in conn.execute(_ACTIVITY, (info.id,)):
            out.append(VaActivity(info.taken, name, int(devices), str(holdings)))
    return out
