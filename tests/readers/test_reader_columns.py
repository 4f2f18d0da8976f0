"""The columnar devices CSV reader against the row-by-row reader it replaced (tests/readers/
row_reader.py): on any file, clean or not, the same devices in the same order with the same
origins, and the same problems (file, line, column, position, words)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.device_table import DeviceTable
from planner.readers import ReadContext, ReadResult, SourceKind, devices_csv
from planner.readers.registry import reader_for
from tests.readers.row_reader import read_rows

ROOT = Path(__file__).resolve().parents[2]
CTX = ReadContext(load_catalogue(), {"HQ": "HQ"})
# Cells a user's export really holds, good and bad: spaces and non-ASCII white space at the
# edges (only Python's strip decides), blanks in required columns, states in any case, licences
# and members in every shape the row checks know.
CELLS = {
    "hostname": ["hq-sw1", " hq-sw2 ", "\u00a0ü-sw\u2003", "", "a\x1fb", "x y", "\x1c"],
    "pid": ["C9300-48P", " C9300-24P", "ISR4331/K9", "", "  ", "NOT-A-PID", "c9300-48p"],
    "serial": ["FOC1", "FOC2 ", "", " ", "foc1", "\u00a0FOC3", "F\u00e9C4", "FOC1"],
    "site": ["HQ", " BR1", "", "Nowhere", "hq"],
    "virtual_account": ["Campus", "", " Campus ", "Other"],
    "version": ["17.9.4", "", "17.12.1a", " 16.9.2"],
    "state": ["slr", "SLR ", "", "  ", "bogus", "classic", " Plr", "evaluation", "UNKNOWN"],
    "licences": ["network-advantage:1", "network-essentials:4;dna-essentials:4", "bogus:1",
                 "network-advantage:0", "network-advantage:x", "", " ",
                 "Network Advantage;network-advantage:2", "dna-advantage:-1;hseck9"],
    "members": ["", "C9300-48P:FOC9;C9300-48P:FOC8", "bad", " A : B ", ";", "A:B;;C:D",
                "C9300-48P:FOC1", " ", "A:B\u00a0", "C9300-48P:F\u00e9C5;\u2003A:B",
                "A:B:C", ":B", "A:;C:D", "A:B;"],
    "smart_account": ["", "acme", " acme "],
}
NAMES = list(CELLS)


@st.composite
def device_files(draw: st.DrawFn) -> str:
    optional = [c for c in NAMES if c not in ("hostname", "pid", "serial", "site")]
    columns = ["hostname", "pid", "serial", "site",
               *draw(st.lists(st.sampled_from(optional), unique=True))]
    columns = draw(st.permutations(columns))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(columns)]
    for _ in range(draw(st.integers(0, 12))):
        shape = draw(st.sampled_from(["row"] * 8 + ["blank", "ragged", "quoted", "spaces"]))
        if shape == "blank":
            lines.append("")
        elif shape == "spaces":
            lines.append("  ")
        else:
            cells = [draw(st.sampled_from(CELLS[c])) for c in columns]
            if shape == "quoted":
                at = draw(st.integers(0, len(cells) - 1))
                cells[at] = '"' + cells[at].replace('"', '""') + draw(
                    st.sampled_from(["", ",x", "\nnext line"])) + '"'
            elif shape == "ragged":
                cells = cells[:-1] if draw(st.booleans()) else [*cells, "extra"]
            lines.append(",".join(cells))
    return eol.join(lines) + draw(st.sampled_from(["", eol]))


def _both(tmp_path: Path, text: str) -> tuple[ReadResult, ReadResult]:
    path = tmp_path / "devices.csv"
    path.write_bytes(text.encode("utf-8"))
    return (reader_for(SourceKind.DEVICES).read(path, "devices.csv", CTX),
            read_rows(path, "devices.csv", CTX))


def _assert_same(new: ReadResult, old: ReadResult) -> None:
    assert isinstance(new.devices, DeviceTable)
    assert list(new.devices) == list(old.devices)
    assert [d.origin for d in new.devices] == [d.origin for d in old.devices]
    assert [d.licences for d in new.devices] == [d.licences for d in old.devices]
    assert sorted(repr(p.as_dict()) for p in new.problems) == \
        sorted(repr(p.as_dict()) for p in old.problems)
    assert new.sha256 == old.sha256


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=device_files())
def test_columns_read_as_rows_did(tmp_path: Path, text: str) -> None:
    _assert_same(*_both(tmp_path, text))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=device_files(), block=st.sampled_from([1, 24, 64, 200]))
def test_columns_read_as_rows_did_in_small_blocks(tmp_path: Path, text: str, block: int) -> None:
    # Blocks of a few rows each: pyarrow's per-block dictionaries are merged in order of first
    # appearance, and a row longer than a block sends the file to the precise path.
    with patch.object(devices_csv, "_BLOCK_BYTES", block):
        _assert_same(*_both(tmp_path, text))


def test_many_blocks_take_the_fast_path(tmp_path: Path) -> None:
    """A clean file parsed in many blocks by pyarrow: the same devices as the row reader, each
    block's dictionary merged in order of first appearance."""
    rows = [f"sw{i},C9300-{24 + 24 * (i % 2)}P,FOC{i},{'HQ' if i % 3 else 'BR1'},"
            f"VA{i % 5},17.9.{i % 4},{'slr' if i % 2 else 'SLR'},network-advantage:{1 + i % 3},"
            + (f"C9300-48P:M{i}A;C9300-24P:M{i}B" if i % 4 == 0 else "") for i in range(400)]
    path = tmp_path / "devices.csv"
    path.write_text("hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
                    + "\n".join(rows) + "\n")
    with patch.object(devices_csv, "_BLOCK_BYTES", 1024):
        split = devices_csv._split_arrow(path.read_bytes(), {"pid": 1, "serial": 2}, 9)
        assert split is not None and split.cells["pid"].num_chunks > 5
        _assert_same(reader_for(SourceKind.DEVICES).read(path, "devices.csv", CTX),
                     read_rows(path, "devices.csv", CTX))


@pytest.mark.parametrize("example", ["federal-agency", "regional-bank", "utility"])
def test_bundled_examples_read_as_rows_did(example: str) -> None:
    path = ROOT / "examples" / example / "devices.csv"
    _assert_same(reader_for(SourceKind.DEVICES).read(path, "devices.csv", CTX),
                 read_rows(path, "devices.csv", CTX))


@pytest.mark.parametrize("seed", [1, 7])
def test_generated_estates_read_as_rows_did(tmp_path: Path, seed: int) -> None:
    subprocess.run([sys.executable, "-m", "planner", "generate", "--devices", "3000",
                    "--sites", "40", "--seed", str(seed), str(tmp_path)], check=True,
                   capture_output=True)
    path = tmp_path / "devices.csv"
    _assert_same(reader_for(SourceKind.DEVICES).read(path, "devices.csv", CTX),
                 read_rows(path, "devices.csv", CTX))
