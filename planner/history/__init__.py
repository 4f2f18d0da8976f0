"""Snapshot history: an estate's licence and device state by date, in an embedded SQLite file."""

from planner.history.diff import SnapshotDiff, diff_snapshots
from planner.history.snapshot import SnapshotData, from_estate
from planner.history.store import (
    SnapshotInfo,
    add_snapshot,
    default_db_path,
    list_snapshots,
    open_history,
    snapshot_at_or_before,
    snapshot_on,
)

__all__ = [
    "SnapshotData",
    "SnapshotDiff",
    "SnapshotInfo",
    "add_snapshot",
    "default_db_path",
    "diff_snapshots",
    "from_estate",
    "list_snapshots",
    "open_history",
    "snapshot_at_or_before",
    "snapshot_on",
]
