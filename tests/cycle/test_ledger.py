"""The ledger counts only what captures show, names what it could not read, and reports each
real capture's last ACK and next deadline exactly as the device printed them."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from planner.cli import main
from planner.cycle.clock import printed_date
from planner.cycle.ledger import Standing, failing, parse_fail_on, read_ledger
from planner.model import (
    Device,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Site,
)
from planner.problems import UsageError
from tests.estate_builder import build_estate, open_policy

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
AS_OF = date(2027, 3, 1)


def _device(host: str, serial: str, state: LicensingState = LicensingState.SLUP) -> Device:
    return Device(host, "C9300-24P", serial, "OT1", "DEFAULT", "17.9.5", state,
                  (LicenceUse("network-advantage", 1),))


def _estate(*devices: Device) -> Estate:
    return build_estate(devices, name="Ledger",
                        sites=(Site("OT1", "Substation", "ot", InternetAccess.NONE),),
                        policies=(open_policy("ot"),))


def status_capture(host: str, serial: str, last_ack: str | None, deadline: str | None,
                   pushed: str | None = None, perpetual: tuple[int, int, int] = (365, 0, 90),
                   policy: str = "") -> str:
    """A terminal session in the shape IOS XE 17.x prints (our own values)."""
    def line(value: str | None) -> str:
        return value if value else "<none>"
    return "\n".join([
        f"{host}#show license udi", f"UDI: PID:C9300-24P,SN:{serial}", "",
        f"{host}#show license status", "", "Smart Licensing Using Policy:", "  Status: ENABLED",
        "", "Policy:", "  Policy in use: Merged from multiple sources.",
        *([f"  Policy name: {policy}"] if policy else []),
        "  Reporting ACK required: yes (CISCO default)",
        "  Unenforced/Non-Export Perpetual Attributes:",
        f"    First report requirement (days): {perpetual[0]} (CISCO default)",
        f"    Reporting frequency (days): {perpetual[1]} (CISCO default)",
        f"    Report on change (days): {perpetual[2]} (CISCO default)",
        "", "Usage Reporting:", f"  Last ACK received: {line(last_ack)}",
        f"  Next ACK deadline: {line(deadline)}", "  Reporting push interval: 30  days",
        "  Next ACK push check: <none>", "  Next report push: <none>",
        f"  Last report push: {line(pushed)}", "  Last report file write: <none>", ""])


def test_only_evidence_counts(tmp_path: Path) -> None:
    good = _device("ot-sw1", "FOC1111A001")
    broken = _device("ot-sw2", "FOC1111A002")
    silent = _device("ot-sw3", "FOC1111A003")
    reserved = _device("ot-sw4", "FOC1111A004", LicensingState.SLR)
    never = _device("ot-sw5", "FOC1111A005")
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "sw1.txt").write_text(status_capture(
        "ot-sw1", "FOC1111A001", "Feb 10 09:00:00 2027 UTC", "May 11 09:00:00 2027 UTC",
        "Feb 10 08:59:00 2027 UTC"))
    (folder / "sw5.txt").write_text(status_capture(
        "ot-sw5", "FOC1111A005", None, "Mar 20 10:00:00 2027 UTC"))
    # A capture that does not parse, naming ot-sw2: the ledger must say it leaves it unknown.
    (folder / "sw2.log").write_bytes(b"ot-sw2 console log\n\xff\xfe\x00garbage\x00")
    ledger = read_ledger(_estate(good, broken, silent, reserved, never), [folder], as_of=AS_OF)
    rows = {r.hostname: r for r in ledger.rows}
    assert rows["ot-sw1"].standing is Standing.OK
    assert rows["ot-sw1"].last_ack == date(2027, 2, 10)
    assert rows["ot-sw1"].next_deadline == date(2027, 5, 11)
    assert rows["ot-sw1"].reported and rows["ot-sw1"].acknowledged
    assert rows["ot-sw5"].standing is Standing.DUE and not rows["ot-sw5"].acknowledged
    assert rows["ot-sw2"].standing is Standing.UNKNOWN and "sw2.log" in rows["ot-sw2"].reason
    assert rows["ot-sw3"].standing is Standing.UNKNOWN and not rows["ot-sw3"].acknowledged
    assert rows["ot-sw4"].standing is Standing.RESERVED
    assert [u.file for u in ledger.unparsed] == ["sw2.log"]
    assert ledger.unparsed[0].devices == ("ot-sw2",)
    assert sum(r.acknowledged for r in ledger.rows) == 1  # nothing without a Last ACK line
    site = ledger.sites()[0]
    assert (site.devices, site.acknowledged, site.ok, site.due, site.unknown, site.reserved) == (
        5, 1, 1, 1, 2, 1)
    assert site.next_deadline == date(2027, 3, 20)
    assert [r.hostname for r in failing(ledger, parse_fail_on("due-within:30"))] == ["ot-sw5"]
    assert failing(ledger, parse_fail_on("overdue")) == []


@given(offset=st.integers(-400, 400), horizon=st.integers(0, 120))
def test_standing_follows_the_printed_deadline(offset: int, horizon: int) -> None:
    from datetime import timedelta

    from planner.cycle.ledger import _standing

    deadline = AS_OF + timedelta(days=offset)
    got = _standing(deadline, AS_OF, horizon)
    expected = (Standing.OVERDUE if offset < 0 else Standing.DUE if offset <= horizon
                else Standing.OK)
    assert got is expected


@pytest.mark.parametrize("bad", ["soon", "due-within:", "due-within:x", "overdue:3", ""])
def test_fail_on_is_checked(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_fail_on(bad)


def test_cli_status_formats_and_fail_on(tmp_path: Path) -> None:
    import yaml

    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "a.txt").write_text(status_capture(
        "ot-sw1", "FOC1111A001", "Oct 01 09:00:00 2026 UTC", "Dec 30 09:00:00 2026 UTC"))
    (tmp_path / "devices.csv").write_text(
        "hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
        "ot-sw1,C9300-24P,FOC1111A001,OT1,DEFAULT,17.9.5,slup,network-advantage:1,\n")
    (tmp_path / "estate.yaml").write_text(yaml.safe_dump({
        "name": "Ledger", "account": {"name": "A", "domain": "a.example"},
        "virtual_accounts": [{"name": "DEFAULT", "default": True}],
        "sites": [{"id": "OT1", "name": "Substation", "classification": "ot",
                   "internet": "none"}],
        "inventory": {"devices": ["devices.csv"]}}))
    runner = CliRunner()
    estate = str(tmp_path / "estate.yaml")
    result = runner.invoke(main, ["cycle", "status", estate, "--evidence", str(folder),
                                  "--date", "2027-01-05", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["devices"]
    assert rows[0]["standing"] == "overdue" and rows[0]["last_ack"] == "2026-10-01"
    failed = runner.invoke(main, ["cycle", "status", estate, "--evidence", str(folder),
                                  "--date", "2027-01-05", "--fail-on", "overdue", "--sites",
                                  "--format", "csv", "--record"])
    assert failed.exit_code == 1
    assert failed.stdout.splitlines()[1].startswith("OT1,1,0,1,0,0,1,0,0,2026-12-30")
    history = runner.invoke(main, ["cycle", "history", estate, "--acks", "--format", "json"])
    assert json.loads(history.stdout)[0]["last_ack"] == "2026-10-01"


# --- real captures ----------------------------------------------------------------------------

_LAST = re.compile(r"Last ACK received:\s*(.+)")
_NEXT = re.compile(r"Next ACK deadline:\s*(.+)")


def _status_files() -> list[Path]:
    if not REALDATA.is_dir():
        return []
    return sorted(p for p in (REALDATA / "device-outputs").rglob("*.txt")
                  if "show-license-status" in p.parts or "show-license-tech-support" in p.parts)


@pytest.mark.parametrize("path", _status_files() or [None],
                         ids=lambda p: p.name if p else "absent")
def test_real_captures_show_their_last_ack_and_next_deadline(path: Path | None) -> None:
    if path is None:
        pytest.skip("../shared/realdata is not present beside the repository")
    text = path.read_text(encoding="utf-8", errors="replace")
    printed_last = _LAST.search(text)
    printed_next = _NEXT.search(text)
    ledger = read_ledger(_estate(), [path], as_of=AS_OF, base=path.parent)
    clocks = [r for r in ledger.rows if r.last_ack or r.next_deadline]
    if printed_next is None or printed_date(printed_next.group(1)) is None:
        assert all(r.next_deadline is None for r in clocks)
        return
    assert len(clocks) == 1, path.name
    row = clocks[0]
    assert row.next_deadline == printed_date(printed_next.group(1))
    want_last = printed_date(printed_last.group(1)) if printed_last else None
    assert row.last_ack == want_last
    assert row.acknowledged == (want_last is not None)
    assert not row.in_estate and "not in the estate" in row.reason


def _udi(host: str, pid: str, serial: str, members: list[tuple[str, str]]) -> str:
    lines = [f"{host}#show license udi", f"UDI: PID:{pid},SN:{serial}", "", "HA UDI List:"]
    roles = ["Active", "Standby"] + ["Member"] * 8
    lines += [f"    {role}:PID:{p},SN:{s}" for role, (p, s) in zip(roles, members, strict=False)]
    return "\n".join(lines) + "\n"


def test_reservation_changes_come_with_their_runbook_steps(tmp_path: Path) -> None:
    from planner.cycle.ledger import Change
    from planner.model import StackMember

    def stack(host: str, serial: str, members: list[str]) -> Device:
        return Device(host, "C9300-48P", serial, "OT1", "DEFAULT", "16.12.5", LicensingState.SLR,
                      (LicenceUse("network-advantage", 1 + len(members)),),
                      tuple(StackMember("C9300-48P", m) for m in [serial, *members]))

    replaced = stack("vault-sw1", "FOC0000R001", ["FOC0000R002"])
    grown = stack("vault-sw2", "FOC0000G001", ["FOC0000G002"])
    shrunk = stack("vault-sw3", "FOC0000S001", ["FOC0000S002", "FOC0000S003"])
    steady = stack("vault-sw4", "FOC0000T001", ["FOC0000T002"])
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "sw1.txt").write_text(_udi("vault-sw1", "C9300-48P", "FOC0000N001",
                                         [("C9300-48P", "FOC0000N001"),
                                          ("C9300-48P", "FOC0000R002")]))
    (folder / "sw2.txt").write_text(_udi("vault-sw2", "C9300-48P", "FOC0000G001",
                                         [("C9300-48P", "FOC0000G001"),
                                          ("C9300-48P", "FOC0000G002"),
                                          ("C9300-24T", "FOC0000G003")]))
    (folder / "sw3.txt").write_text(_udi("vault-sw3", "C9300-48P", "FOC0000S001",
                                         [("C9300-48P", "FOC0000S001"),
                                          ("C9300-48P", "FOC0000S002")]))
    (folder / "sw4.txt").write_text(_udi("vault-sw4", "C9300-48P", "FOC0000T001",
                                         [("C9300-48P", "FOC0000T001"),
                                          ("C9300-48P", "FOC0000T002")]))
    ledger = read_ledger(_estate(replaced, grown, shrunk, steady), [folder], as_of=AS_OF)
    got = {(c.hostname, c.change) for c in ledger.changes}
    assert got == {("vault-sw1", Change.REPLACED), ("vault-sw2", Change.MEMBER_ADDED),
                   ("vault-sw3", Change.MEMBER_REMOVED)}
    by_host = {c.hostname: c for c in ledger.changes}
    titles = [s.title for s in by_host["vault-sw1"].steps]
    assert any("Return the reservation of the replaced unit C9300-48P:FOC0000R001" in t
               for t in titles)
    assert any("FOC0000N001" in s.member for s in by_host["vault-sw1"].steps)  # new chassis
    added = by_host["vault-sw2"].steps
    assert any(s.member == "C9300-24T:FOC0000G003" for s in added)
    assert any(s.lines for s in added)  # commands from the catalogue, not prose only
    assert any("FOC0000S003" in s.title for s in by_host["vault-sw3"].steps)
    assert all(c.evidence for c in ledger.changes)
    # Reserved devices stay out of the report/ACK standings.
    assert {r.standing for r in ledger.rows} == {Standing.RESERVED}


def test_history_written_before_the_cycle_tables_reads_as_empty(tmp_path: Path) -> None:
    import sqlite3

    from planner.cycle.record import acks, events, site_acks
    from planner.history.schema import migrate

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    migrate(raw, str(path), target=3)
    raw.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert events(conn) == [] and acks(conn) == []
    finally:
        conn.close()
    assert site_acks(path) == {}
    result = CliRunner().invoke(main, ["cycle", "history", "--db", str(path), "--format",
                                       "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_a_capture_with_report_clocks_outranks_an_inventory_reservation(tmp_path: Path) -> None:
    moved = _device("ot-sw9", "FOC1111A009", LicensingState.SLR)  # planned off SLR since
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "sw9.txt").write_text(status_capture(
        "ot-sw9", "FOC1111A009", "Feb 10 09:00:00 2027 UTC", "May 11 09:00:00 2027 UTC"))
    row = read_ledger(_estate(moved), [folder], as_of=AS_OF).rows[0]
    assert row.standing is Standing.OK and row.next_deadline == date(2027, 5, 11)
    (folder / "sw9.txt").write_text(_udi("ot-sw9", "C9300-24P", "FOC1111A009", []))
    still = read_ledger(_estate(moved), [folder], as_of=AS_OF).rows[0]
    assert still.standing is Standing.RESERVED and not still.acknowledged
