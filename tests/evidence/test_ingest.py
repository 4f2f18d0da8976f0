"""Reading a folder of captures end to end, and the `planner ingest` command."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.evidence import read_evidence, read_evidence_detailed
from planner.model import LicenceUse, LicensingState, StackMember
from planner.problems import Severity


def _device(devices, serial):  # type: ignore[no-untyped-def]
    return next(d for d in devices if d.serial == serial)


def test_folder_read_devices(fixtures: Path) -> None:
    devices, problems, records = read_evidence([fixtures], base=fixtures)
    assert all(p.severity is Severity.WARNING for p in problems)
    serials = {d.serial for d in devices if d.serial}
    assert serials == {"9AB1CDE2F3G", "JAE24090XYZ", "FDO21520TGH", "FXS2330Q1AB",
                       "FOC2301Z0LB", "TTM2415002X", "JAE23120ABC", "FOC2233X0AB",
                       "FOC2311V0AB", "FOC2311V0AA", "CAT2311L4KM", "FDO22340PXL",
                       # version/: one `show version` (or inventory, licence file) per device
                       "JAE07010ABC", "FHK102KKKKK", "SMG1234A0BC", "FOX1523G0AB",
                       "FGL1701ABCD", "FOC1830X0AA", "FLM2206W0AB", "FOC2222X1YZ",
                       "FCW2233A0AA", "FOC2418L1AA", "FDO2501A0XY", "FGL2412A0VG",
                       "FOC17350A0B", "FOC19240A1B", "FOC22010A2C", "JAF1715A0CD",
                       "FDO24120A7Z", "FDO21150A9B", "JAD22260A1B", "JAD24100B2C",
                       "FOC2531A0PE", "FOC2301A0AA", "JAF1715B1EF", "9SV1AB2CD3E",
                       "9E4ABCDEFGH", "FGL2736A0NK", "FXS2522A0PC"}
    assert len(records) == len(devices)


def test_blocks_of_one_device_merge_across_commands_and_files(fixtures: Path) -> None:
    devices, _problems, records = read_evidence([fixtures], base=fixtures)
    hq = _device(devices, "FOC2233X0AB")
    assert (hq.hostname, hq.pid, hq.version, hq.virtual_account) == (
        "sw-hq-01", "C9300-48P", "17.09.04a", "HQ-Network")
    assert hq.state is LicensingState.SLUP
    assert hq.licences == (LicenceUse("dna-advantage", 3), LicenceUse("network-advantage", 3))
    assert hq.members == (StackMember("C9300-48P", "FOC2233X0AB"),
                          StackMember("C9300-48P", "FOC2233X0AC"),
                          StackMember("C9300-24T", "FOC2240Y1QZ"))
    rec = next(r for r in records if r.serial == "FOC2233X0AB")
    # version, summary, udi and status from one file; usage (more detailed) from another
    assert len(rec.blocks) == 5
    assert any(b.startswith("site-hq/sw-hq-01-usage.log:1") for b in rec.blocks)
    assert rec.detail == 3


def test_states_and_single_member_ha(fixtures: Path) -> None:
    devices, _p, _r = read_evidence([fixtures], base=fixtures)
    assert _device(devices, "JAE24090XYZ").state is LicensingState.EVALUATION
    assert _device(devices, "JAE23120ABC").state is LicensingState.CLASSIC
    assert _device(devices, "FOC2311V0AA").state is LicensingState.SLR
    assert _device(devices, "FOC2311V0AA").licences == (LicenceUse("dna-advantage", 1),
                                                        LicenceUse("network-advantage", 1))
    # a chassis printing itself as active and standby has no members to list
    assert _device(devices, "FXS2330Q1AB").members == ()


def test_utf16_capture_is_read(fixtures: Path) -> None:
    devices, _p, _r = read_evidence([fixtures / "misc"], base=fixtures)
    dc = _device(devices, "FXS2330Q1AB")
    assert (dc.hostname, dc.pid) == ("sw-dc-02", "C9410R")
    assert dc.licences == (LicenceUse("network-advantage", 2),)


def test_problems_name_the_file_and_are_never_fatal(fixtures: Path) -> None:
    result = read_evidence_detailed([fixtures], base=fixtures)
    text = [str(p) for p in result.problems]
    assert any(t.startswith("misc/junk.txt:1: warning: no recognised") for t in text)
    assert any(t.startswith("misc/archive.bin:") and ": warning:" in t and "skipped" in t
               for t in text)
    assert any(t.startswith("misc/truncated-sw-lab-5.txt:3: warning: `show license all` "
                            "output looks truncated") for t in text)
    assert any(t.startswith("misc/isr-branch-09.txt:58: warning: command `show clock` is "
                            "not one planner reads; skipped") for t in text)
    assert not any("`enable`" in t for t in text)  # session commands are not reported
    assert any("not in the licence catalogue" in t and t.startswith("xr/pe-dc1-01.txt")
               for t in text)
    files = {f.file: f for f in result.files}
    assert files["misc/junk.txt"].skipped == 1 and files["misc/junk.txt"].parsed == 0
    assert files["site-hq/sw-hq-01.txt"].parsed == 4


def test_devices_without_serial_are_kept_with_a_warning(fixtures: Path) -> None:
    devices, problems, _r = read_evidence([fixtures / "nexus"], base=fixtures)
    assert [(d.hostname, d.serial) for d in devices] == [("n9k-leaf-01", "FDO22340PXL"),
                                                         ("n9k-spine-01", "")]
    assert [p.file for p in problems if "has no serial number" in p.message] == [
        "nexus/n9k-spine-01.txt"]


def test_generic_hostnames_do_not_merge_across_files(tmp_path: Path) -> None:
    summary = ("Router#show license summary\nLicense Usage:\n  License                 "
               "Entitlement Tag               Count Status\n  -------------------------------"
               "----------------------------------------------\n  network-advantage       "
               "(C9300-24 Network Advantage)      1 IN USE\n")
    (tmp_path / "a.txt").write_text(summary)
    (tmp_path / "b.txt").write_text(summary)
    (tmp_path / "c.txt").write_text(summary.replace("Router#", "edge-7#"))
    (tmp_path / "d.txt").write_text(summary.replace("Router#", "edge-7#"))
    devices, _p, _r = read_evidence([tmp_path], base=tmp_path)
    assert sorted(d.hostname for d in devices) == ["Router", "Router", "edge-7"]


def test_missing_folder_is_a_warning(tmp_path: Path) -> None:
    devices, problems, _r = read_evidence([tmp_path / "nope"], base=tmp_path)
    assert devices == [] and problems[0].message == "evidence folder not found; skipped"


def test_ingest_command_writes_devices_csv(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "devices.csv"
    result = CliRunner().invoke(main, ["ingest", str(fixtures), "-o", str(out), "--site", "HQ",
                                       "--virtual-account", "Imported"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["hostname", "pid", "serial", "site", "smart_account",
                             "virtual_account", "version", "state", "licences", "members"]
    hq = next(r for r in rows if r["serial"] == "FOC2233X0AB")
    assert hq == {"hostname": "sw-hq-01", "pid": "C9300-48P", "serial": "FOC2233X0AB",
                  "site": "HQ", "smart_account": "Northwind Federal",
                  "virtual_account": "Imported", "version": "17.09.04a",
                  "state": "slup", "licences": "dna-advantage:3;network-advantage:3",
                  "members": "C9300-48P:FOC2233X0AB;C9300-48P:FOC2233X0AC;"
                             "C9300-24T:FOC2240Y1QZ"}
    assert "misc/junk.txt" in result.output and "Devices found" in result.output


def test_ingest_json_report_and_byte_stable_output(fixtures: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(fixtures), "-o", str(tmp_path / "a.csv"),
                                 "--format", "json"])
    second = runner.invoke(main, ["ingest", str(fixtures), "-o", str(tmp_path / "b.csv")])
    assert first.exit_code == 0 and second.exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    payload = json.loads(first.stdout)
    assert {f["file"] for f in payload["files"]} >= {"misc/junk.txt", "tech/core-dc1.tech"}
    assert any(d["serial"] == "CAT2311L4KM" for d in payload["devices"])


def test_ingest_nothing_found_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to see\n")
    out = tmp_path / "devices.csv"
    out.write_text("previous\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 2
    assert "no device evidence found" in result.output
    assert out.read_text() == "previous\n"


def test_ingest_single_file(fixtures: Path, tmp_path: Path) -> None:
    src = tmp_path / "capture"
    src.mkdir()
    shutil.copy(fixtures / "tech" / "core-dc1.tech", src / "x")
    result = CliRunner().invoke(main, ["ingest", str(src / "x"), "-o", str(tmp_path / "d.csv")])
    assert result.exit_code == 0, result.output
    assert "CAT2311L4KM" in (tmp_path / "d.csv").read_text()


def test_ingested_csv_loads_as_an_estate(fixtures: Path, tmp_path: Path) -> None:
    from planner.loader import load_estate

    result = CliRunner().invoke(main, ["ingest", str(fixtures / "site-hq"), "-o",
                                       str(tmp_path / "devices.csv"), "--site", "HQ"])
    assert result.exit_code == 0, result.output
    (tmp_path / "estate.yaml").write_text(
        "name: T\naccount: {name: N, domain: n.gov, holder: customer}\n"
        "virtual_accounts:\n  - {name: DEFAULT, default: true}\n  - {name: HQ-Network}\n"
        "  - {name: Branches}\n"
        "sites:\n  - {id: HQ, name: HQ, classification: regulated, internet: proxy}\n"
        "links: []\ninventory:\n  devices: [devices.csv]\n")
    estate = load_estate(tmp_path / "estate.yaml").estate
    assert sorted(d.serial for d in estate.devices) == ["FOC2233X0AB", "JAE23120ABC"]


def test_parallel_read_gives_the_same_result(fixtures: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.evidence import ingest

    serial = read_evidence_detailed([fixtures], base=fixtures, workers=1)
    monkeypatch.setattr(ingest, "_PARALLEL_FROM", 0)
    parallel = read_evidence_detailed([fixtures], base=fixtures, workers=2)
    assert parallel.devices == serial.devices
    assert parallel.problems == serial.problems
    assert parallel.files == serial.files


def test_nxos_show_version_gives_identity(fixtures: Path) -> None:
    devices, _p, _r = read_evidence([fixtures / "nexus"], base=fixtures)
    leaf = devices[0]
    assert (leaf.pid, leaf.version) == ("N9K-C93180YC-EX", "9.3(12)")
    assert leaf.licences == (LicenceUse("nxos-lan-enterprise", 1),)
    assert leaf.state is LicensingState.UNKNOWN  # 9.3 predates SLUP on Nexus (10.2(1)F)


def test_era_inferred_from_version_when_no_command_prints_it(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(
        "edge-9#show version\nCisco IOS XE Software, Version 17.06.05\n"
        "edge-9 uptime is 3 weeks\ncisco C9300-24T (X86) processor with 1K bytes of memory.\n"
        "Processor board ID FOC2222X0ZZ\nedge-9#show license summary\nLicense Usage:\n"
        "  License                 Entitlement Tag               Count Status\n"
        "  -----------------------------------------------------------------------------\n"
        "  network-essentials      (C9300-24 Network Essentials)     1 IN USE\n")
    devices, _p, _records = read_evidence([tmp_path], base=tmp_path)
    assert devices[0].state is LicensingState.SLUP
    assert devices[0].licences == (LicenceUse("network-essentials", 1),)


def test_captures_that_disagree_are_reported(tmp_path: Path) -> None:
    udi = "UDI: PID:C9300-24T,SN:FOC3333X0AA\n"
    row = ("License Usage:\n  License                 Entitlement Tag               Count "
           "Status\n  ------------------------------------------------------------------\n"
           "  network-advantage       (C9300-24 Network Advantage)      {n} IN USE\n")
    (tmp_path / "a.txt").write_text(f"sw#show license udi\n{udi}sw#show license summary\n"
                                    + row.format(n=1))
    (tmp_path / "b.txt").write_text(f"sw#show license udi\n{udi}sw#show license summary\n"
                                    + row.format(n=2))
    devices, problems, _r = read_evidence([tmp_path], base=tmp_path)
    assert devices[0].licences == (LicenceUse("network-advantage", 2),)
    (p,) = [p for p in problems if "disagree" in p.message]
    assert p.file == "b.txt" and "a.txt:1 says network-advantage:1" in p.message


def test_table_report_collapses_clean_files_past_the_limit(fixtures: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from planner.cli import evidence as cli_evidence

    monkeypatch.setattr(cli_evidence, "TABLE_LIMIT", 3)
    result = CliRunner().invoke(main, ["ingest", str(fixtures), "-o", str(tmp_path / "d.csv")])
    assert result.exit_code == 0, result.output
    assert "misc/junk.txt" in result.stdout  # skipped files are always listed
    assert "tech/core-dc1.tech" not in result.stdout  # clean files are counted instead
    assert "more file(s) parsed without warnings" in result.stdout
    assert "more device(s): see" in result.stdout


def test_report_says_per_command_what_was_read_and_why_skipped(fixtures: Path,
                                                              tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(fixtures / "misc"), "-o",
                                       str(tmp_path / "d.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    files = {f["file"]: f for f in json.loads(result.stdout)["files"]}
    isr = files["isr-branch-09.txt"]["commands"]
    assert [(c["line"], c["command"], c["outcome"]) for c in isr] == [
        (1, "enable", "ignored"), (2, "show version", "read"), (18, "show inventory", "read"),
        (25, "show license", "read"), (58, "show clock", "skipped")]
    assert "serial FDO21520TGH" in isr[1]["detail"] and "version 16.09.08" in isr[1]["detail"]
    assert "licences appxk9:1;ipbasek9:1;securityk9:1" in isr[3]["detail"]
    assert isr[4]["detail"] == "command `show clock` is not one planner reads"
    junk = files["junk.txt"]["commands"]
    assert [c["outcome"] for c in junk] == ["skipped"]
    assert junk[0]["detail"] == "no recognised `show license` output here"
    table = CliRunner().invoke(main, ["ingest", str(fixtures / "misc"), "-o",
                                      str(tmp_path / "e.csv")])
    assert "Commands found, per file" in table.stdout
    assert "not one planner reads" in " ".join(table.stdout.split())  # wrapped to 100 columns


def test_a_parser_failure_costs_one_output_not_the_folder(fixtures: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.evidence import version

    def broken(text: str, os_name: str, brief: bool = False) -> None:
        raise IndexError("a layout nobody foresaw")

    monkeypatch.setattr(version, "parse_version", broken)
    result = read_evidence_detailed([fixtures / "site-hq"], base=fixtures)
    assert any("`show version` output in a layout planner cannot read (IndexError)" in
               p.message for p in result.problems)
    assert any(d.serial == "FOC2233X0AB" for d in result.devices)  # the rest still read
