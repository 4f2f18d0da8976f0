"""Whole-column string checks against the cell-by-cell answers they stand for: fingerprints
equal exactly for equal cells (on any text, any slice, either offset width), edges and
control characters as the regexes they replace find them."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.arrow import pa, pc
from planner.string_columns import (
    all_ascii,
    all_distinct,
    any_control,
    edges_not_printable,
    fingerprints,
)

# Short cells from a small alphabet repeat often; long ones cross the 8-byte words.
CELLS = st.lists(st.text(alphabet=st.sampled_from(list("aAb0 \x00\x1f\x7f\u00a0é\u2003;")),
                         max_size=20), max_size=40)
TYPES = st.sampled_from([pa.string(), pa.large_string()])


def _column(cells: list[str], kind: pa.DataType, cut: int) -> pa.Array:
    # A slice of a longer array: offsets that do not start at 0, as after a take or a split.
    return pa.array(["pad", *cells, "pad"], type=kind).slice(1 + cut, max(len(cells) - cut, 0))


@settings(max_examples=300, deadline=None)
@given(cells=CELLS, kind=TYPES, cut=st.integers(0, 2))
def test_fingerprints_equal_exactly_for_equal_cells(cells: list[str], kind: pa.DataType,
                                                     cut: int) -> None:
    column = _column(cells, kind, cut)
    values = column.to_pylist()
    prints = fingerprints(column).tolist()
    assert len(prints) == len(values)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a == b:
                assert prints[i] == prints[j]
            else:  # a collision is possible in principle, never on inputs this small
                assert prints[i] != prints[j], (a, b)
    assert all_distinct(fingerprints(column)) == (len(set(values)) == len(values))
    assert isinstance(fingerprints(column), np.ndarray)


def test_fingerprints_tell_apart_cells_that_differ_in_length_only() -> None:
    prints = fingerprints(pa.array(["", "\x00", "\x00\x00", "a", "a\x00", "a" * 8,
                                    "a" * 8 + "\x00"]))
    assert all_distinct(prints)


def test_fingerprints_of_cells_longer_than_16_bit_lengths() -> None:
    long = "x" * 40_000
    prints = fingerprints(pa.array([long, "b", long, long + "y", "b"])).tolist()
    assert prints[0] == prints[2] and prints[1] == prints[4]
    assert len({prints[0], prints[1], prints[3]}) == 3


def test_fingerprints_of_many_equal_width_cells() -> None:
    column = pa.array([f"FOC{i:08d}" for i in range(200_000)])
    assert all_distinct(fingerprints(column))
    assert not all_distinct(fingerprints(pa.concat_arrays([column, column.slice(5, 1)])))


@settings(max_examples=300, deadline=None)
@given(cells=CELLS, kind=TYPES, cut=st.integers(0, 2))
def test_edges_as_the_regex_finds_them(cells: list[str], kind: pa.DataType, cut: int) -> None:
    column = _column(cells, kind, cut)
    expected = pc.match_substring_regex(column, r"^[^!-~]|[^!-~]$").to_pylist()
    assert edges_not_printable(column).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(cells=CELLS, kind=TYPES, cut=st.integers(0, 2))
def test_any_control_as_cell_by_cell(cells: list[str], kind: pa.DataType, cut: int) -> None:
    column = _column(cells, kind, cut)
    control = re.compile(r"[\x00-\x1f\x7f]")
    assert any_control(column) == any(control.search(v) for v in column.to_pylist())
    assert not any_control(pa.array([], type=kind))
    assert not any_control(pa.array(["", ""], type=kind))


@settings(max_examples=300, deadline=None)
@given(cells=CELLS, kind=TYPES, cut=st.integers(0, 2))
def test_all_ascii_as_cell_by_cell(cells: list[str], kind: pa.DataType, cut: int) -> None:
    column = _column(cells, kind, cut)
    assert all_ascii(column) == all(v.isascii() for v in column.to_pylist())
    assert all_ascii(column) == (pc.all(pc.string_is_ascii(column)).as_py() is not False)
    assert all_ascii(pa.array([], type=kind)) and all_ascii(pa.array(["", ""], type=kind))
