"""Shared file reading and writing: decoding, atomic writes, CSV neutralisation."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import output
from planner.fileio import (
    csv_columns,
    csv_text,
    decode_bytes,
    safe_cell,
    safe_column,
    write_atomic,
    write_files_atomic,
)
from planner.model import Mode
from planner.output import OutputError
from planner.problems import InputError


@pytest.mark.parametrize("data", [
    "héllo,wörld\n".encode(),
    codecs.BOM_UTF8 + "héllo,wörld\n".encode(),
    "héllo,wörld\n".encode("utf-16"),
    "héllo,wörld\n".encode("utf-16-le"),
    "héllo,wörld\n".encode("utf-16-be"),
])
def test_every_export_encoding_decodes(data: bytes) -> None:
    assert decode_bytes(data, "x.csv") == "héllo,wörld\n"


def test_undecodable_bytes_name_the_file() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(b"ok\xff\xfe\xfa not utf-8", "inv.csv")
    assert "inv.csv" in str(info.value) and "UTF-8" in str(info.value)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tcmd", "\rx"])
def test_formula_cells_become_text(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    assert csv_text(["h"], [[cell]]).splitlines()[1].lstrip('"').startswith("'")


def test_plain_cells_are_untouched() -> None:
    assert safe_cell("C9300-48P") == "C9300-48P" and safe_cell(None) == "" and safe_cell(3) == "3"


class _Shown:
    """An object whose text is what str() makes of it (csv cells are str() of the value)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


# Hostile cells: formula triggers anywhere (first or not), quotes, separators, line breaks,
# non-ASCII, and the values plan files hold besides text: None, numbers, booleans, enums.
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\",;' a1é\u2028\x1f")),
                       max_size=6)
CELL = st.one_of(HOSTILE_TEXT, st.none(), st.integers(-5, 5), st.floats(allow_nan=True),
                 st.booleans(), st.sampled_from(list(Mode)), HOSTILE_TEXT.map(_Shown))


def _row_by_row(header: list[object], rows: list[list[object]]) -> str:
    """What csv_text gave before the column path: every cell through safe_cell, row by row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(values=st.lists(CELL, max_size=12))
def test_a_column_is_neutralised_as_each_cell_is(values: list[object]) -> None:
    assert safe_column(values) == [safe_cell(v) for v in values]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(width=st.integers(0, 4), data=st.data())
def test_csv_text_gives_the_bytes_of_safe_cell_per_cell(width: int,
                                                        data: st.DataObject) -> None:
    header = data.draw(st.lists(CELL, min_size=width, max_size=width))
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=8))
    if data.draw(st.booleans()):  # rows of mixed widths take the row-by-row path
        rows.append(data.draw(st.lists(CELL, max_size=6)))
    expected = _row_by_row(header, rows)
    assert csv_text(header, rows) == expected
    assert csv_text(header, iter(rows)) == expected
    if {len(r) for r in rows} == {width} and width:  # columns: one width, not 0
        assert csv_columns(header, list(zip(*rows, strict=True))) == expected


def test_csv_columns_refuse_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        csv_columns(["a", "b"], [["1", "2"], ["3"]])


def test_atomic_write_gives_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_atomic(target, "{}")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_failed_write_keeps_the_previous_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old")

    def boom(stage: Path, target: Path) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(output, "_swap_in", boom)
    with pytest.raises(OutputError, match="No space left"):
        write_files_atomic(tmp_path, {"a.csv": "new"})
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
