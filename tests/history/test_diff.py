"""Snapshot diff: exact added/removed/moved/relicensed devices and unit/holding deltas."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hist_builders import device, estate

from planner.history import add_snapshot, diff_snapshots, from_estate, open_history
from planner.history.diff import DeviceMove, HoldingDelta, UnitDelta
from planner.history.queries import SeriesPoint, series, va_activity
from planner.history.store import list_snapshots
from planner.problems import UsageError

D1 = date(2026, 1, 1)
D2 = date(2026, 4, 1)


@pytest.fixture()
def conn(tmp_path: Path):  # type: ignore[no-untyped-def]
    conn = open_history(tmp_path / "h.db")
    before = [device(1), device(2), device(3, site="FAIR"), device(4)]
    after = [
        device(1),                                   # unchanged
        device(2, site="FAIR"),                      # moved site
        device(3, site="FAIR", va="DEFAULT"),        # moved VA
        device(5), device(6, site="FAIR"),           # added (4 removed)
        device(7, licences="network-advantage,dna-advantage"),  # added with two licences
    ]
    add_snapshot(conn, from_estate(estate(before, quantity=4), D1))
    after_estate = estate(after, quantity=6)
    add_snapshot(conn, from_estate(after_estate, D2))
    return conn


def test_devices_added_removed_moved(conn) -> None:  # type: ignore[no-untyped-def]
    diff = diff_snapshots(conn, D1, D2)
    assert [d.key for d in diff.added] == ["FOC00000005", "FOC00000006", "FOC00000007"]
    assert [d.key for d in diff.removed] == ["FOC00000004"]
    assert diff.moved == (
        DeviceMove("FOC00000002", "sw000002", "HQ", "FAIR", "NET", "NET"),
        DeviceMove("FOC00000003", "sw000003", "FAIR", "FAIR", "NET", "DEFAULT"),
    )
    assert diff.relicensed == ()
    assert (diff.devices_before, diff.devices_after) == (4, 6)
    assert diff.churned == 6


def test_unit_growth_per_licence_and_site(conn) -> None:  # type: ignore[no-untyped-def]
    diff = diff_snapshots(conn, D1, D2)
    # before: HQ 3 NA, FAIR 1 NA; after: HQ 3 NA (1, 5, 7) + 1 DNA-A (7), FAIR 3 NA (2, 3, 6)
    assert diff.units == (
        UnitDelta("dna-advantage", "HQ", 0, 1),
        UnitDelta("network-advantage", "FAIR", 1, 3),
    )
    assert diff.holdings == (HoldingDelta("NET", "network-advantage", 4, 6),)


def test_relicensed_device(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([device(1)]), D1))
    add_snapshot(conn, from_estate(estate([device(1, licences="network-essentials")]), D2))
    diff = diff_snapshots(conn, D1, D2)
    assert diff.relicensed == ("FOC00000001",)
    assert diff.churned == 1
    assert {(u.tag, u.before, u.after) for u in diff.units} == {
        ("network-advantage", 1, 0), ("network-essentials", 0, 1)}


def test_unknown_date_names_the_stored_ones(conn) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="2026-01-01, 2026-04-01"):
        diff_snapshots(conn, D1, date(2026, 2, 2))


def test_series_and_va_activity(conn) -> None:  # type: ignore[no-untyped-def]
    infos = list_snapshots(conn)
    assert series(conn, infos) == [
        SeriesPoint(D1, "network-advantage", 4, 4),
        SeriesPoint(D2, "dna-advantage", 0, 1),
        SeriesPoint(D2, "network-advantage", 6, 6),
    ]
    act = {(a.taken, a.virtual_account): (a.devices, a.holdings) for a in va_activity(conn, infos)}
    assert act == {
        (D1, "DEFAULT"): (0, ""), (D1, "NET"): (4, "network-advantage:4"),
        (D2, "DEFAULT"): (1, ""), (D2, "NET"): (5, "network-advantage:6"),
    }
