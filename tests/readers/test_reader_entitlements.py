"""The entitlement CSV reader: numbers, dates, terms, prices and unknown licences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.model import TermType, Tier
from planner.readers import ReadContext, SourceKind
from planner.readers.registry import reader_for

HEADER = ("virtual_account,licence,quantity,in_use,reserved,term,start,end,subscription_id,"
          "unit_price\n")


def read(tmp_path: Path, ctx: ReadContext, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
    return reader_for(SourceKind.ENTITLEMENTS).read(path, "e.csv", ctx)


def test_reads_entitlements(tmp_path: Path, ctx: ReadContext) -> None:
    got = read(tmp_path, ctx, HEADER
               + "Campus,advantagek9,10,4,1,,,,,\n"
               + "Campus,DNA Advantage,5,5,0,term,2025-01-01,2028-01-01,Sub1,\"1,100.50\"\n"
               + "Campus,dna-essentials,2,0,0,,,2027-01-01,,\n")
    assert got.problems == []
    nwa, dna, dne = got.entitlements
    assert (nwa.tag, nwa.tier, nwa.term, nwa.available) == (
        "network-advantage", Tier.ADVANTAGE, TermType.PERPETUAL, 5)
    assert (dna.term, dna.end, dna.unit_price, dna.subscription_id) == (
        TermType.TERM, date(2028, 1, 1), 1100.5, "Sub1")
    assert dne.term is TermType.TERM  # blank term with an end date is a term licence


@pytest.mark.parametrize(("row", "column", "fragment"), [
    ("Campus,nope,1,0,0,,,,,", "licence", "unknown licence 'nope'"),
    ("Campus,hseck9,-1,0,0,,,,,", "quantity", "is negative"),
    ("Campus,hseck9,1,x,0,,,,,", "in_use", "is not a whole number"),
    ("Campus,hseck9,1,0,0,forever,,,,", "term", "unknown term"),
    ("Campus,hseck9,1,0,0,term,2025-13-01,,,", "start", "bad date '2025-13-01'"),
    ("Campus,hseck9,1,0,0,term,2025-02-01,2025-01-01,,", "end", "is before start"),
    ("Campus,hseck9,1,0,0,,,,,cheap", "unit_price", "is not a price"),
])
def test_row_problems(tmp_path: Path, ctx: ReadContext, row: str, column: str,
                      fragment: str) -> None:
    got = read(tmp_path, ctx, HEADER + row + "\n")
    assert got.entitlements == []
    [problem] = got.problems
    assert (problem.line, problem.column) == (2, column)
    assert fragment in problem.message
