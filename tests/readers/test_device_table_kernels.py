"""The device table's fast paths against the sort-based code they skip: a column already in
order of first appearance is left as it is, members already in row order are not sorted or
copied, first rows and distinct (PID, licence set) pairs are counted, not sorted; either way
the result is what sorting would give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.arrow import pa
from planner.device_table import Coded, Members
from planner.pairing import _distinct

CODES = st.lists(st.integers(0, 5), max_size=40)


def _compacted_by_sorting(column: Coded[str]) -> tuple[tuple[str, ...], list[int]]:
    order: dict[int, int] = {}
    for code in column.codes.tolist():
        order.setdefault(code, len(order))
    values = tuple(column.values[c] for c in order)
    return values, [order[c] for c in column.codes.tolist()]


@settings(max_examples=300, deadline=None)
@given(codes=CODES, extra=st.integers(0, 2))
def test_compacted_is_first_appearance_order(codes: list[int], extra: int) -> None:
    n_values = (max(codes) + 1 if codes else 0) + extra
    column = Coded(tuple(f"v{i}" for i in range(n_values)), np.array(codes, dtype=np.int32))
    got = column.compacted()
    values, remapped = _compacted_by_sorting(column)
    assert got.values == values
    assert got.codes.tolist() == remapped
    assert got.decoded() == column.decoded()


@settings(max_examples=300, deadline=None)
@given(entries=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), max_size=30),
       presorted=st.booleans())
def test_members_of_entries_any_order(entries: list[tuple[int, int]], presorted: bool) -> None:
    if presorted:
        entries = sorted(entries, key=lambda e: e[0])
    rows = np.array([r for r, _p in entries], dtype=np.int64)
    pids = Coded.encode(f"P{p}" for _r, p in entries)
    serials = pa.array([f"S{i}" for i in range(len(entries))], type=pa.string())
    got = Members.of_entries(rows, pids, serials)
    # A row's members in the order listed, rows ascending.
    expected: dict[int, list[tuple[str, str]]] = {}
    for i, (row, pid) in enumerate(entries):
        expected.setdefault(row, []).append((f"P{pid}", f"S{i}"))
    assert got.rows.tolist() == sorted(expected)
    assert {row: [(m.pid, m.serial) for m in members]
            for row, members in got.tuples().items()} == expected
    compact = got.pid.compacted()  # values in order of first appearance, all used
    assert (compact.values, compact.codes.tolist()) == (got.pid.values, got.pid.codes.tolist())
    assert isinstance(got.serial, pa.Array)


@settings(max_examples=200, deadline=None)
@given(codes=CODES, extra=st.integers(0, 2))
def test_first_rows_as_unique_finds_them(codes: list[int], extra: int) -> None:
    n_values = (max(codes) + 1 if codes else 0) + extra
    column = Coded(tuple(range(n_values)), np.array(codes, dtype=np.int32))
    present, first = np.unique(column.codes, return_index=True)
    got = column.first_rows()
    assert got[present].tolist() == first.tolist()
    assert (np.delete(got, present) == len(codes)).all()


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.integers(0, 40), max_size=50), small=st.booleans())
def test_pairing_distinct_as_unique_finds_them(keys: list[int], small: bool) -> None:
    array = np.array(keys, dtype=np.int64)
    distinct, inverse = np.unique(array, return_inverse=True)
    got_distinct, got_inverse = _distinct(array, 41 if small else (1 << 22) + 1)
    assert got_distinct.tolist() == distinct.tolist()
    assert got_inverse.tolist() == inverse.reshape(-1).tolist()
