"""Snapshot history: migrations, add/replace, listing, refusal of foreign databases."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hist_builders import device, estate

from planner.history import add_snapshot, from_estate, list_snapshots, open_history
from planner.history.schema import LATEST, current_version, migrate
from planner.history.store import default_db_path
from planner.problems import InputError, UsageError

D1 = date(2026, 1, 1)
D2 = date(2026, 4, 1)


def test_fresh_database_is_at_latest_schema(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    assert current_version(conn) == LATEST == 4
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_path_sits_beside_the_estate(tmp_path: Path) -> None:
    assert default_db_path(tmp_path / "estate.yaml") == tmp_path / ".planner" / "history.db"


def test_v1_database_migrates_and_backfills_usage(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    migrate(raw, str(path), target=1)
    raw.execute("INSERT INTO snapshots VALUES (1, '2025-12-01', 'Test Estate', 'x', 2)")
    for key, site in (("S1", "HQ"), ("S2", "FAIR")):
        raw.execute("INSERT INTO devices VALUES (1, ?, 'h', 'C9300-48P', ?, ?, 'NET', '17.9', "
                    "'slup', 'network-advantage:2')", (key, key, site))
        raw.execute("INSERT INTO device_licences VALUES (1, ?, 'network-advantage', 2)", (key,))
    raw.close()
    conn = open_history(path)
    assert current_version(conn) == LATEST
    rows = conn.execute("SELECT site, tag, units, devices FROM usage ORDER BY site").fetchall()
    assert rows == [("FAIR", "network-advantage", 2, 1), ("HQ", "network-advantage", 2, 1)]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = open_history(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.close()
    with pytest.raises(UsageError, match="schema version 99"):
        open_history(path)


def test_not_a_database_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UsageError, match="not a planner history database"):
        open_history(path)


def test_missing_database_refused_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no snapshot history"):
        open_history(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_add_and_list(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([device(1), device(2)]), D2))
    add_snapshot(conn, from_estate(estate([device(1)]), D1))
    infos = list_snapshots(conn)
    assert [(i.taken, i.devices, i.estate) for i in infos] == [
        (D1, 1, "Test Estate"), (D2, 2, "Test Estate")]


def test_same_date_replaces_whole_snapshot(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([device(1), device(2), device(3)], quantity=5), D1))
    add_snapshot(conn, from_estate(estate([device(7)], quantity=9), D1))
    assert [(i.taken, i.devices) for i in list_snapshots(conn)] == [(D1, 1)]
    assert conn.execute("SELECT key FROM devices").fetchall() == [("FOC00000007",)]
    assert conn.execute("SELECT quantity FROM entitlements").fetchall() == [(9,)]
    assert conn.execute("SELECT COUNT(*) FROM device_licences").fetchone() == (1,)
    assert conn.execute("SELECT units FROM usage").fetchall() == [(1,)]


def test_failed_replace_keeps_the_old_snapshot(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([device(1), device(2)]), D1))
    clash = estate([device(5), device(5)])  # duplicate serial: the insert fails halfway
    with pytest.raises(InputError, match="two devices share a key"):
        add_snapshot(conn, from_estate(clash, D1))
    keys = [r[0] for r in conn.execute("SELECT key FROM devices ORDER BY key")]
    assert keys == ["FOC00000001", "FOC00000002"]
    assert [i.devices for i in list_snapshots(conn)] == [2]


def test_other_estate_refused(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([device(1)]), D1))
    with pytest.raises(UsageError, match="one database per estate"):
        add_snapshot(conn, from_estate(estate([device(1)], name="Other"), D2))


def test_usage_and_site_tags_stored(tmp_path: Path) -> None:
    conn = open_history(tmp_path / "h.db")
    devs = [device(1, licences="network-advantage,dna-advantage"),
            device(2, site="FAIR"), device(3, site="FAIR")]
    add_snapshot(conn, from_estate(estate(devs), D1))
    usage = conn.execute("SELECT va, site, tag, units, devices FROM usage "
                         "ORDER BY site, tag").fetchall()
    assert usage == [("NET", "FAIR", "network-advantage", 2, 2),
                     ("NET", "HQ", "dna-advantage", 1, 1),
                     ("NET", "HQ", "network-advantage", 1, 1)]
    tags = dict(conn.execute("SELECT id, tags FROM sites").fetchall())
    assert tags == {"FAIR": "seasonal", "HQ": "hq"}


def test_usage_written_on_add_equals_the_sql_backfill(tmp_path: Path) -> None:
    from planner.history.schema import AGGREGATE_USAGE_SQL

    conn = open_history(tmp_path / "h.db")
    devs = [device(n, site=("HQ", "FAIR")[n % 2], va=("NET", "DEFAULT")[n % 3 == 0],
                   licences=("network-advantage", "network-advantage,dna-advantage")[n % 5 == 0])
            for n in range(1, 200)]
    info = add_snapshot(conn, from_estate(estate(devs), D1))
    written = conn.execute("SELECT va, site, tag, units, devices FROM usage "
                           "ORDER BY va, site, tag").fetchall()
    conn.execute("DELETE FROM usage")
    conn.execute(AGGREGATE_USAGE_SQL, (info.id,))
    again = conn.execute("SELECT va, site, tag, units, devices FROM usage "
                         "ORDER BY va, site, tag").fetchall()
    assert written == again
    assert len(written) == 8  # 2 VAs x 2 sites x 2 licences


def test_a_snapshot_holds_what_is_in_force_on_its_date(tmp_path: Path) -> None:
    """An order that starts later and a term that lapsed hold 0 that day; in use still counts."""
    from dataclasses import replace

    from planner.model import Entitlement, TermType, Tier

    def line(qty: int, start: date | None, end: date | None, in_use: int = 0) -> Entitlement:
        return Entitlement("NET", "dna-advantage", "DNA Advantage", Tier.ADVANTAGE, qty,
                           in_use=in_use, term=TermType.TERM, start=start, end=end)

    e = replace(estate([device(1)]), entitlements=(
        line(5, date(2026, 3, 1), date(2029, 2, 28)),   # starts between D1 and D2
        line(2, date(2023, 1, 1), date(2026, 2, 1), 1),  # lapses between D1 and D2
        line(1, date(2025, 1, 1), date(2028, 1, 1))))    # in force on both dates
    conn = open_history(tmp_path / "h.db")
    for day in (D1, D2):
        add_snapshot(conn, from_estate(e, day))
    rows = conn.execute("SELECT s.taken, e.quantity, e.in_use FROM entitlements e "
                        "JOIN snapshots s ON s.id = e.snapshot_id ORDER BY s.taken").fetchall()
    assert rows == [("2026-01-01", 3, 1), ("2026-04-01", 6, 1)]
