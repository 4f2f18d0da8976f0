"""CSSM licence data: the API's JSON (both shapes, and the real sample) and the web CSV export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.model import TermType
from planner.problems import Severity
from planner.readers import ReadContext, SourceKind
from planner.readers.registry import reader_for
from tests.readers.conftest import REALDATA

LICENCE = {"license": "DNA Advantage", "quantity": 30, "inUse": 25, "available": 5,
           "reserved": 2, "virtualAccount": "Campus",
           "licenseDetails": [
               {"licenseType": "TERM", "quantity": 10, "startDate": "2023-01-01",
                "endDate": "2026-01-01", "subscriptionId": "Sub1", "status": "ACTIVE"},
               {"licenseType": "TERM", "quantity": 20, "startDate": "2024-01-01T00:00:00Z",
                "endDate": "2029-01-01T00:00:00Z", "subscriptionId": None, "status": "ACTIVE"}]}


def read(tmp_path: Path, ctx: ReadContext, kind: SourceKind, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "cssm"
    path.write_text(text, encoding="utf-8")
    return reader_for(kind).read(path, "cssm", ctx)


@pytest.mark.parametrize("doc", [{"licenses": [LICENCE]},
                                 [{"accountName": "A", "roles": [{"licenses": [LICENCE]}]}]])
def test_json_shapes(tmp_path: Path, ctx: ReadContext, doc: object) -> None:
    got = read(tmp_path, ctx, SourceKind.CSSM_JSON, json.dumps(doc, indent=2))
    assert got.problems == []
    late, early = got.entitlements  # latest end first: use fills the longest-lived term first
    assert (late.end, late.quantity, late.in_use, late.reserved) == (date(2029, 1, 1), 20, 20, 0)
    assert (early.end, early.quantity, early.in_use, early.reserved) == (date(2026, 1, 1), 10, 5, 2)
    assert sum(e.in_use for e in got.entitlements) == 25
    assert early.term is TermType.TERM and early.subscription_id == "Sub1"
    assert got.virtual_accounts == ["Campus"]


def test_json_problems_name_path_and_line(tmp_path: Path, ctx: ReadContext) -> None:
    bad = dict(LICENCE, quantity=-4)
    got = read(tmp_path, ctx, SourceKind.CSSM_JSON, json.dumps({"licenses": [bad]}, indent=2))
    [problem] = got.problems
    assert problem.column == "licenses[0].quantity" and problem.line == 4
    assert "is negative" in problem.message


def test_json_syntax_error_has_a_line(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, SourceKind.CSSM_JSON, '{"licenses": [\n  {,}\n]}')
    assert got.problems[0].line == 2 and "not valid JSON" in got.problems[0].message


def test_real_cssm_api_sample(ctx: ReadContext) -> None:
    sample = REALDATA / "cssm-api" / "accounts-with-licenses.json"
    if not sample.is_file():
        pytest.skip("shared/realdata is not present")
    got = reader_for(SourceKind.CSSM_JSON).read(sample, "accounts.json", ctx)
    errors = [p for p in got.problems if p.severity is Severity.ERROR]
    assert errors == []
    # Most CSSM licence names (CSR 1KV, ISRv throughput) are not in the planner's catalogue:
    # each is a warning naming the licence, never an error.
    assert any("CSR 1KV APPX 100M" in p.message for p in got.problems)
    tags = {e.tag for e in got.entitlements}
    assert "dna-advantage" in tags  # "DNA Advantage For SDWAN"
    assert "AT&T" in got.virtual_accounts


def test_csv_headers_match_loosely(tmp_path: Path, ctx: ReadContext) -> None:
    text = ("LICENSE,quantity,inUse, Available ,Reserved,virtual account,EXPIRES\n"
            "Network Advantage,10,7,3,0,Campus,Never\n"
            "DNA Advantage,10,7,3,0,Campus,2027-Jan-31\n"
            "Catalyst Frobnicator,1,0,1,0,Campus,-\n")
    got = read(tmp_path, ctx, SourceKind.CSSM_CSV, text)
    assert [p.severity for p in got.problems] == [Severity.WARNING]
    assert "Catalyst Frobnicator" in got.problems[0].message and got.problems[0].line == 4
    nwa, dna = got.entitlements
    assert nwa.term is TermType.PERPETUAL and nwa.end is None and nwa.in_use == 7
    assert dna.term is TermType.TERM and dna.end == date(2027, 1, 31)


def test_csv_names_the_missing_column(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, SourceKind.CSSM_CSV, "License,In Use\nNetwork Advantage,1\n")
    [problem] = got.problems
    assert "missing required column 'Quantity'" in problem.message and problem.line == 1
