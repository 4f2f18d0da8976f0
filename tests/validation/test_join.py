"""join_devices: match on (PID, serial), serial, hostname; fill blanks; warn on disagreement."""

from __future__ import annotations

from planner.join import DeviceSource, join_devices
from planner.model import Device, LicenceUse, LicensingState, Origin

NWA = (LicenceUse("network-advantage", 1),)


def dev(host: str, pid: str, serial: str, site: str, file: str, line: int, **kw: object) -> Device:
    return Device(host, pid, serial, site, kw.pop("va", ""), origin=Origin(file, line),
                  **kw)  # type: ignore[arg-type]


def test_one_source_is_untouched() -> None:
    a = dev("a", "C9300-48P", "S1", "HQ", "d.csv", 2)
    twin = dev("a2", "C9300-48P", "S1", "HQ", "d.csv", 3)
    got = join_devices([DeviceSource("d.csv", [a, twin])])
    assert got.devices == [a, twin] and got.problems == []  # duplicates left to validation


def test_blanks_are_filled_and_disagreements_reported() -> None:
    csv_dev = dev("hq-sw1", "C9300-48P", "S1", "HQ", "d.csv", 2, va="Campus",
                  state=LicensingState.SLUP, licences=NWA)
    netbox = dev("hq-sw1", "C9300-48P", "s1", "DC1", "nb.csv", 5, version="17.9.4")
    got = join_devices([DeviceSource("d.csv", [csv_dev]), DeviceSource("nb.csv", [netbox])])
    [merged] = got.devices
    assert merged.version == "17.9.4"  # blank filled from the later source
    assert merged.smart_account == ""
    assert merged.site == "HQ" and merged.licences == NWA  # first source wins
    [problem] = got.problems
    assert problem.severity == "warning" and problem.column == "site"
    assert "d.csv:2" in problem.message and "nb.csv:5" in problem.message


def test_match_by_serial_then_hostname() -> None:
    first = [dev("a", "C9300-48P", "S1", "HQ", "x", 2), dev("b", "C9300-48P", "", "HQ", "x", 3)]
    later = [dev("a", "C9300-24P", "S1", "HQ", "y", 2),  # same serial, other PID: warned
             dev("b", "", "S2", "HQ", "y", 3),  # hostname match: serial filled
             dev("c", "C9300-48P", "S3", "BR1", "y", 4)]  # new device appended
    got = join_devices([DeviceSource("x", first), DeviceSource("y", later)])
    assert [(d.hostname, d.pid, d.serial) for d in got.devices] == [
        ("a", "C9300-48P", "S1"), ("b", "C9300-48P", "S2"), ("c", "C9300-48P", "S3")]
    assert [p.column for p in got.problems] == ["pid"]


def test_hostname_does_not_join_two_different_serials() -> None:
    got = join_devices([DeviceSource("x", [dev("a", "C9300-48P", "S1", "HQ", "x", 2)]),
                        DeviceSource("y", [dev("a", "C9300-48P", "S9", "HQ", "y", 2)])])
    assert len(got.devices) == 2


def test_smart_account_from_evidence_fills_a_csv_device() -> None:
    csv_dev = dev("hq-sw1", "C9300-48P", "S1", "HQ", "d.csv", 2)
    captured = dev("hq-sw1", "C9300-48P", "S1", "", "cap/sw.txt", 1,
                   smart_account="Northwind Federal")
    [merged] = join_devices([DeviceSource("d.csv", [csv_dev]),
                             DeviceSource("evidence", [captured])]).devices
    assert (merged.site, merged.smart_account) == ("HQ", "Northwind Federal")
