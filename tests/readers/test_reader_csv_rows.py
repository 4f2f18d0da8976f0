"""csv_rows: the comma-split fast path must agree with the csv module on every input."""

from __future__ import annotations

import csv
import io

from hypothesis import assume, given
from hypothesis import strategies as st

from planner.readers._common import csv_rows, fold, parse_count, parse_loose_date

CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\r;:-=é')), max_size=6)


@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]))
def test_matches_csv_module(rows: list[list[str]], newline: str) -> None:
    # csv.writer leaves a bare "\r" unquoted under a "\n" terminator, which is not valid CSV.
    assume(newline == "\r\n" or not any("\r" in c for r in rows for c in r))
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    text = buf.getvalue()
    # Blank records ([] from csv, [""] from a split) are skipped by every reader: ignore them.
    expected = [r for r in csv.reader(io.StringIO(text, newline="")) if r not in ([], [""])]
    got = [r for _, r in csv_rows(text) if r not in ([], [""])]
    assert got == expected


def test_line_numbers_count_physical_lines() -> None:
    text = 'a,b\n1,"two\nlines"\n3,x\n'
    assert [(n, r) for n, r in csv_rows(text)] == [(1, ["a", "b"]), (2, ["1", "two\nlines"]),
                                                    (4, ["3", "x"])]


def test_helpers() -> None:
    assert fold(" In Use ") == fold("inUse") == fold("in_use")
    assert parse_count("1,200") == 1200
    assert parse_count("12.0") == 12
    assert parse_count("-1") is None
    assert parse_count("1.5") is None
    assert parse_count("ten") is None
    assert str(parse_loose_date("2019-01-18T01:07:36Z")) == "2019-01-18"
    assert str(parse_loose_date("Jan 14, 2025")) == "2025-01-14"
    assert str(parse_loose_date("2025-Jan-14")) == "2025-01-14"
    assert parse_loose_date("soon") is None
