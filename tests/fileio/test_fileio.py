"""Shared file reading and writing: decoding, atomic writes, CSV neutralisation."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from planner import output
from planner.fileio import csv_text, decode_bytes, safe_cell, write_atomic, write_files_atomic
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
