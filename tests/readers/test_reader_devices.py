"""The device CSV reader: columns, licences, stack members, encodings, and row problems."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from planner.model import LicenceUse, LicensingState, StackMember
from planner.problems import Severity
from planner.readers import ReadContext, SourceKind
from planner.readers.registry import reader_for

HEADER = "hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
GOOD = HEADER + (
    "hq-sw1,C9300-48P,FOC1,HQ,Campus,17.9.4,slup,network-advantage:1;dna-advantage,"
    "C9300-48P:FOC1;C9300-48P:FOC2\n"
    "hq-sw2, C9300-48P ,FOC3,HQ,Campus,17.9.4,SLR,Network Advantage;DNA Advantage:1,\n"
    "\n"
    'br1-r1,ISR4331/K9,FOC4,BR1,,,,"hseck9:1",\n')


def read(tmp_path: Path, ctx: ReadContext, text: str, encoding: str = "utf-8",
         bom: bytes = b""):  # type: ignore[no-untyped-def]
    path = tmp_path / "devices.csv"
    path.write_bytes(bom + text.encode(encoding))
    return reader_for(SourceKind.DEVICES).read(path, "devices.csv", ctx)


def test_reads_devices_with_shared_licence_tuples(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, GOOD)
    assert got.problems == []
    a, b, c = got.devices
    assert a.licences == (LicenceUse("dna-advantage", 1), LicenceUse("network-advantage", 1))
    assert a.licences is b.licences  # one tuple per distinct set of licences
    assert a.members == (StackMember("C9300-48P", "FOC1"), StackMember("C9300-48P", "FOC2"))
    assert b.pid == "C9300-48P" and b.state is LicensingState.SLR
    assert c.state is LicensingState.UNKNOWN and c.virtual_account == ""
    assert (a.origin.line, b.origin.line, c.origin.line) == (2, 3, 5)  # type: ignore[union-attr]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", codecs.BOM_UTF8), ("utf-16-le",
                         codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                         ("utf-16-le", b"")])
def test_bom_and_utf16_exports_load(tmp_path: Path, ctx: ReadContext, encoding: str,
                                    bom: bytes) -> None:
    got = read(tmp_path, ctx, GOOD.replace("\n", "\r\n"), encoding, bom)
    assert got.problems == []
    assert [d.serial for d in got.devices] == ["FOC1", "FOC3", "FOC4"]


def test_optional_columns_may_be_absent(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, "Serial Number,PID,Site,Hostname\nFOC9,C9200L-24P-4G,HQ,x\n")
    assert got.problems == []
    assert got.devices[0].serial == "FOC9" and got.devices[0].licences == ()


@pytest.mark.parametrize(("row", "column", "fragment"), [
    ("x,C9300-48P,,HQ,,,,,", "serial", "serial is blank"),
    ("x,C9300-48P,F1,HQ,,,,nope:1,", "licences", "unknown licence 'nope'"),
    ("x,C9300-48P,F1,HQ,,,,network-advantage:two,", "licences", "is not a whole number"),
    ("x,C9300-48P,F1,HQ,,,,network-advantage:0,", "licences", "is zero"),
    ("x,C9300-48P,F1,HQ,,,active,,", "state", "unknown licensing state 'active'"),
    ("x,C9300-48P,F1,HQ,,,,,FOC2", "members", "is not PID:SERIAL"),
])
def test_row_problems_name_line_and_column(tmp_path: Path, ctx: ReadContext, row: str,
                                           column: str, fragment: str) -> None:
    got = read(tmp_path, ctx, HEADER + "ok,C9300-48P,F0,HQ,,,,,\n" + row + "\n")
    assert [d.serial for d in got.devices] == ["F0"]  # the bad row is not half-kept
    [problem] = got.problems
    assert problem.severity is Severity.ERROR
    assert (problem.file, problem.line, problem.column) == ("devices.csv", 3, column)
    assert fragment in problem.message


def test_missing_columns_are_all_named(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, "hostname,site\nx,HQ\n")
    assert sorted(p.column or "" for p in got.problems) == ["pid", "serial"]
    assert all(p.line == 1 for p in got.problems)


def test_empty_and_header_only(tmp_path: Path, ctx: ReadContext) -> None:
    assert "file is empty" in read(tmp_path, ctx, "").problems[0].message
    assert "no devices" in read(tmp_path, ctx, HEADER).problems[0].message


def test_quoted_cells_and_crlf(tmp_path: Path, ctx: ReadContext) -> None:
    text = (HEADER + '"sw,1",C9300-48P,F1,HQ,,,,"hseck9:1",\r\n'
            + '"two\r\nlines",C9300-48P,F2,HQ,,,,,\r\n' + "x,C9300-48P,F3,HQ,,,,,\r\n")
    got = read(tmp_path, ctx, text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
    assert got.problems == []
    assert [(d.hostname, d.origin.line) for d in got.devices] == [  # type: ignore[union-attr]
        ("sw,1", 2), ("two\nlines", 3), ("x", 5)]


def test_smart_account_column_as_ingest_writes_it(tmp_path: Path, ctx: ReadContext) -> None:
    text = ("hostname,pid,serial,site,smart_account,virtual_account,version,state,licences,"
            "members\nhq-sw1,C9300-48P,FOC1,HQ,Northwind Federal,Campus,17.9.4,slup,,\n"
            "hq-sw2,C9300-48P,FOC2,HQ,,Campus,17.9.4,slup,,\n")
    got = read(tmp_path, ctx, text)
    assert got.problems == []
    assert [(d.smart_account, d.virtual_account) for d in got.devices] == [
        ("Northwind Federal", "Campus"), ("", "Campus")]
    assert read(tmp_path, ctx, GOOD).devices[0].smart_account == ""  # the column is optional
