"""The planner's own device CSV: one row per device (a stack or HA pair is one row with members).

Columns: hostname, pid, serial, site, virtual_account, version, state, licences, members,
smart_account.
Built for million-row estates, the rows become columns (planner.device_table), never a
million records: pyarrow splits a plain file (no quotes, carriage returns or blank lines) and
anything else is split record by record; every column's domain is then checked at once
(each distinct PID, site, state or licences cell parsed once), and only the rows that fail a
check are looked at one by one, for the same file, line, column and words as ever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, pa, pa_csv, pc, string_buffers
from planner.catalogue import Catalogue
from planner.device_table import Coded, DeviceTable, Members, strings
from planner.domains import MAX_COUNT
from planner.fileio import decode_bytes, read_input
from planner.model import LicenceUse, LicensingState, StackMember
from planner.problems import Problem, error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._build import fast_constructor
from planner.readers._common import csv_rows, empty_file, match_header
from planner.string_columns import edges_not_printable

COLUMNS: dict[str, tuple[str, ...]] = {
    "hostname": ("name", "host"),
    "pid": ("product id", "product_id"),
    "serial": ("serial number", "serial_number", "sn"),
    "site": (),
    "virtual_account": ("va", "virtual account"),
    "version": ("software version", "sw_version"),
    "state": ("licensing state", "licensing_state"),
    "licences": ("licenses", "licence", "license"),
    "members": ("stack members", "ha members"),
    "smart_account": ("sa", "smart account"),
}
REQUIRED = ("hostname", "pid", "serial", "site")
# Columns whose cells repeat (a few thousand distinct values in a million rows): pyarrow
# dictionary-encodes them as it parses, so no string column is ever built for them.
_REPEATED = frozenset({"pid", "site", "virtual_account", "version", "state", "licences",
                       "smart_account"})
# pyarrow parses the file in blocks of this size, in parallel: a block that fits the CPU
# caches parses in about half the time one file-sized block takes.
_BLOCK_BYTES = 4 << 20
_STATES = {s.value: s for s in LicensingState}
_STATE_LIST = "|".join(s.value for s in LicensingState)

_COUNT_EXPECTED = f"licence:count with count from 1 to {MAX_COUNT:,} in ASCII digits"
# A parsed licences cell: the shared tuple, or the (message, expected) pairs wrong with it.
_Parsed = tuple[tuple[LicenceUse, ...], tuple[tuple[str, str], ...]]


# `PID:SERIAL;PID:SERIAL` with nothing to strip or report: split in C, no per-part checks.
_CLEAN_MEMBERS = re.compile(r"[^:;\s]+:[^:;\s]+(?:;[^:;\s]+:[^:;\s]+)*")
_make_member = fast_constructor(StackMember)


class DevicesCsvReader:
    kind = SourceKind.DEVICES

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        # The table is made where the file yields one; a file refused whole yields an empty one.
        result = ReadResult()
        problems = result.problems
        source = read_input(path, display)  # one open, hashed as read, size-capped
        result.sha256 = source.sha256
        data = source.data
        del source
        if data.isascii() and b"\x00" not in data and b"\r" not in data:
            # Plain ASCII is already the text decode_bytes would give (valid UTF-8, in NFC, no
            # NUL, no line ends to normalise): the checks run on the bytes, and pyarrow reads
            # them in place, without a str copy of the file.
            end = data.find(b"\n")
            first_line = (data if end < 0 else data[:end]).decode("ascii")
            length = len(data)
            simple = b'"' not in data
            plain: bytes | None = data
            text = ""
            del data
        else:
            plain = None
            text = decode_bytes(data, display)
            del data
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            end = text.find("\n")
            first_line = text if end < 0 else text[:end]
            length = len(text)
            simple = '"' not in text and "\r" not in text
        first = next(csv_rows(first_line), None) if length else None
        header = first[1] if first else None
        if header is None or not any(h.strip() for h in header):
            problems.append(empty_file(display, "a header line: " + ",".join(COLUMNS)))
            return _no_devices(result)
        cols, missing = match_header(header, COLUMNS, REQUIRED, display,
                                     extra_columns=ctx.extra_columns)
        if missing:
            problems.extend(missing)
            return _no_devices(result)
        if end < 0 or end + 1 == length:
            # Any line after the header, even a blank one, counts as a row.
            problems.append(error(display, "file has a header but no devices", line=1,
                                  expected="at least one device row"))
            return _no_devices(result)
        # Quotes, carriage returns and blank lines would make a record's line differ from its
        # position (or its cells from a split on commas): those take the precise path.
        split = None
        if simple:
            ascii_only = plain is not None
            buffer = plain if plain is not None else text.encode("utf-8")
            del text, plain  # one copy of the file in memory while pyarrow splits it
            split = _split_arrow(buffer, cols, len(header), ascii_only=ascii_only)
            if split is None:  # a ragged row: split record by record, to say where
                text = buffer.decode("utf-8")
            del buffer
        elif plain is not None:
            text = plain.decode("ascii")
            del plain
        if split is None:
            split = _split_rows(text, cols, len(header), display, problems)
            del text
        # The parse and then the checks each free a few hundred MB at a million rows, much of
        # it in pieces the C allocator would keep for reuse (pyarrow's threads parse blocks in
        # heaps of their own): handed back at once, the next step's peak does not stack on it.
        pa.default_memory_pool().release_unused()
        result.devices = _checked(split, display, ctx.catalogue, problems)
        del split
        pa.default_memory_pool().release_unused()
        return result


def _no_devices(result: ReadResult) -> ReadResult:
    result.devices = DeviceTable.empty()
    return result


@dataclass(frozen=True, slots=True)
class _Split:
    """The raw cells of every record, per logical column (absent: the column is absent)."""

    cells: dict[str, Any]  # column -> pyarrow string or dictionary array, maybe chunked
    lines: npt.NDArray[np.int32]  # each record's first physical line
    rows: int
    ascii_only: bool = False  # every cell known to be ASCII (the file was)


def _split_arrow(data: bytes, cols: dict[str, int], width: int, *,
                 ascii_only: bool = False) -> _Split | None:
    """The fast path: pyarrow splits a file (UTF-8, header first) that has no quotes or
    carriage returns; a file with a blank line, or a row with the wrong number of cells,
    returns None, and is split by `_split_rows`, which reports exactly where."""
    names = [f"c{i}" for i in range(width)]
    types = {names[i]: pa.dictionary(pa.int32(), pa.string()) if name in _REPEATED
             else pa.string() for name, i in cols.items()}
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            # One block has nothing to parse in parallel: handing it to pyarrow's threads only
            # adds their wake-up (a few ms of a 10k-device file).
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1,
                                            block_size=_BLOCK_BYTES,
                                            use_threads=len(data) > _BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            # The bytes are known UTF-8 (ASCII, or encoded from decoded text): not checked again.
            convert_options=pa_csv.ConvertOptions(
                column_types=types, strings_can_be_null=False, check_utf8=False,
                include_columns=[names[i] for i in cols.values()]))
    except pa.ArrowInvalid:
        return None
    rows = table.num_rows
    cells = {name: table.column(names[i]) for name, i in cols.items()}
    # pyarrow reads a blank line as a row of blank cells, so a blank serial cell (rare: an
    # error of its own) sends the file to the precise path when it has a blank line.
    if rows and b"\n\n" in data and pc.min(pc.binary_length(cells["serial"])).as_py() == 0:
        return None
    return _Split(cells, np.arange(2, rows + 2, dtype=np.int32), rows, ascii_only)


def _split_rows(text: str, cols: dict[str, int], width: int, display: str,
                problems: list[Problem]) -> _Split:
    """The precise path: records by csv rules (quoted commas and newlines), ragged rows named."""
    picked: dict[str, list[str]] = {name: [] for name in cols}
    where = list(cols.items())
    lines = text.split("\n")
    del text
    if lines and not lines[-1]:
        lines.pop()
    numbered = enumerate(lines, 1)
    next(numbered, None)  # the header, line 1
    kept: list[int] = []
    for line, text_line in numbered:
        if '"' in text_line:
            while text_line.count('"') % 2:  # a quoted field runs onto the next line
                more = next(numbered, None)
                if more is None:
                    break
                text_line += "\n" + more[1]
            row = next(csv_rows(text_line), (0, [""]))[1]
        else:
            row = text_line.split(",")
        if len(row) != width:
            if len(row) == 1 and not row[0].strip():
                continue  # a blank line
            problems.append(error(display, f"row has {len(row)} cells, header has {width}",
                                  line=line, expected="one cell per header column"))
            continue
        kept.append(line)
        for name, i in where:
            picked[name].append(row[i])
    return _Split({name: strings(values) for name, values in picked.items()},
                  np.array(kept, dtype=np.int32), len(kept))


def _checked(split: _Split, display: str, catalogue: Catalogue,
             problems: list[Problem]) -> DeviceTable:
    """Every column's domain checked at once; only rows that fail are looked at one by one.

    A row with any problem is reported (file, line, column, the same words as ever) and left
    out of the table, as the row-by-row reader always did.
    """
    n, lines, cells = split.rows, split.lines, split.cells
    bad = np.zeros(n, dtype=bool)

    def report(rows: npt.NDArray[np.intp], column: str, message: str | Callable[[int], str],
               expected: str) -> None:
        bad[rows] = True
        problems.extend(error(display, message if isinstance(message, str) else message(row),
                              line=int(lines[row]), column=column, expected=expected)
                        for row in rows.tolist())

    hostname = _stripped(strings(cells.pop("hostname")))
    serial = _stripped(strings(cells.pop("serial")))
    pid, site = _coded(cells.get("pid"), n), _coded(cells.get("site"), n)
    for name, column in (("pid", pid), ("serial", None), ("site", site)):
        if column is None:
            blank = np.flatnonzero(np.diff(string_buffers(serial)[0]) == 0)
        else:
            blank = _rows_where(column, "")
        report(blank, name, f"{name} is blank", f"a {name}")

    raw_state = _encoded(cells.get("state"), n)
    state_of = [_state(raw) for raw in raw_state.values]
    wrong_state = [i for i, s in enumerate(state_of) if s is None]
    if wrong_state:
        shown = [repr(raw.strip()) for raw in raw_state.values]
        rows = np.flatnonzero(np.isin(raw_state.codes, wrong_state))
        state_codes = raw_state.codes

        def unknown_state(row: int) -> str:
            return f"unknown licensing state {shown[state_codes[row]]}"

        report(rows, "state", unknown_state, _STATE_LIST)
    state = Coded.remapped([s or LicensingState.UNKNOWN for s in state_of], raw_state.codes)

    raw_lic = _encoded(cells.get("licences"), n)
    canon: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]] = {}
    parsed = [_parse_licences(raw, catalogue, canon) if raw else ((), ())
              for raw in raw_lic.values]
    for code, (_uses, wrong) in enumerate(parsed):
        for message, expected in wrong:
            report(np.flatnonzero(raw_lic.codes == code), "licences", message, expected)
    licences = Coded.remapped([uses for uses, _wrong in parsed], raw_lic.codes)

    members = Members.empty()
    raw_members = cells.get("members")
    if raw_members is not None:
        members = _member_columns(strings(raw_members), lines, bad, display, problems,
                                  ascii_only=split.ascii_only)

    table = DeviceTable(
        hostname=hostname, serial=serial, pid=pid, site=site,
        virtual_account=_coded(cells.get("virtual_account"), n),
        version=_coded(cells.get("version"), n), state=state, licences=licences,
        smart_account=_coded(cells.get("smart_account"), n), members=members,
        files=(display,), file=np.zeros(n, dtype=np.int32), line=lines)
    return table.take(np.flatnonzero(~bad)) if bad.any() else table


def _encoded(raw: Any, n: int) -> Coded[str]:
    """A raw column dictionary-encoded, values in order of first appearance (an absent column
    reads as blank cells)."""
    if raw is None:
        return Coded(("",), np.zeros(n, dtype=np.int32))
    if not pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_encode()
    if not isinstance(raw, pa.ChunkedArray):
        raw = pa.chunked_array([raw])
    if not raw.num_chunks:
        return Coded((), np.zeros(0, dtype=np.int32))
    # pyarrow's blocks each have their own dictionary (values in order of first appearance in
    # the block); unified, the first block's values come first and each later block adds its
    # new ones, so the order of first appearance holds.
    raw = raw.unify_dictionaries()
    codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in raw.chunks]
    return Coded(tuple(raw.chunk(0).dictionary.to_pylist()),
                 np.concatenate(codes).astype(np.int32, copy=False))


def _coded(raw: Any, n: int) -> Coded[str]:
    """A repeated-value column with its cells stripped (each distinct cell stripped once)."""
    got = _encoded(raw, n)
    return Coded.remapped([v.strip() for v in got.values], got.codes)


def _rows_where(column: Coded[str], value: str) -> npt.NDArray[np.intp]:
    codes = [i for i, v in enumerate(column.values) if v == value]
    return np.flatnonzero(np.isin(column.codes, codes)) if codes else np.zeros(0, np.intp)


def _stripped(raw: Any) -> Any:
    """The column with its cells stripped as str.strip() does. Only a cell that starts or ends
    with anything but printable ASCII (found from its first and last bytes) may need it: only
    those are stripped, in Python, so stripping means exactly what it always meant."""
    edges = edges_not_printable(raw)
    if not edges.any():
        return raw
    rows = np.flatnonzero(edges)
    fixed = [cell.strip() for cell in raw.take(from_numpy(rows)).to_pylist()]
    return pc.replace_with_mask(raw, from_numpy(edges), pa.array(fixed, type=raw.type))


def _state(raw: str) -> LicensingState | None:
    key = raw.strip().lower()
    return _STATES.get(key) if key else LicensingState.UNKNOWN


# _CLEAN_MEMBERS for pyarrow's RE2, on ASCII cells: Python's `\s` there is these characters.
_PART = r"[^:;\t\n\x0b\x0c\r\x1c-\x1f ]+"
_CLEAN_MEMBERS_RE2 = f"^{_PART}:{_PART}(?:;{_PART}:{_PART})*$"
# List positions as typed scalars: pyarrow infers a plain Python int's type, and its inference
# imports dateutil (~1 ms) the first time.
_FIRST, _SECOND = pa.scalar(0, pa.int32()), pa.scalar(1, pa.int32())


def _member_columns(raw: Any, lines: npt.NDArray[np.int32], bad: npt.NDArray[np.bool_],
                    display: str, problems: list[Problem], *, ascii_only: bool) -> Members:
    """Every members cell as member columns: clean `PID:SERIAL;PID:SERIAL` cells are split by
    pyarrow, any other cell is parsed (and reported, marking its row bad) one by one."""
    # The masks are numpy's (each pyarrow kernel costs its first use): a cell is present when
    # its offsets differ, and clean when the RE2 pattern matches it, which stands for the
    # Python one on ASCII cells only.
    offsets, _data = string_buffers(raw)
    present = np.diff(offsets) > 0
    clean = present & pc.match_substring_regex(raw, _CLEAN_MEMBERS_RE2).to_numpy(
        zero_copy_only=False)
    if not ascii_only:
        clean &= pc.string_is_ascii(raw).to_numpy(zero_copy_only=False)
    clean_rows = np.flatnonzero(clean)
    other_rows = np.flatnonzero(present & ~clean)
    parts = pc.split_pattern(raw.take(from_numpy(clean_rows)), ";")
    lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False).astype(np.int64)
    pairs = pc.split_pattern(pc.list_flatten(parts), ":", max_splits=1)
    entry_rows = [np.repeat(clean_rows.astype(np.int64), lengths)]
    pids: list[Any] = [pc.list_element(pairs, _FIRST)]
    serials: list[Any] = [pc.list_element(pairs, _SECOND)]
    shared: dict[str, str] = {}
    other_entries: list[int] = []
    other_pids: list[str] = []
    other_serials: list[str] = []
    for row, cell in zip(other_rows.tolist(), raw.take(from_numpy(other_rows))
                         .to_pylist(), strict=True):
        got, member_problems = _members(cell, shared, display, int(lines[row]))
        if member_problems:
            bad[row] = True
            problems.extend(member_problems)
            continue
        for member in got:
            other_entries.append(row)
            other_pids.append(member.pid)
            other_serials.append(member.serial)
    entry_rows.append(np.array(other_entries, dtype=np.int64))
    pids.append(pa.array(other_pids, type=pa.string()))
    serials.append(pa.array(other_serials, type=pa.string()))
    # Empty pieces left out, so the usual file (every cell clean) copies no column here.
    all_pids = _encoded(pa.chunked_array([_as_string(p) for p in pids if len(p)],
                                         type=pa.string()), 0)
    return Members.of_entries(np.concatenate(entry_rows), all_pids,
                              strings(pa.chunked_array([_as_string(x) for x in serials
                                                        if len(x)], type=pa.string())))


def _as_string(column: Any) -> Any:
    """`column` as pyarrow string (a cast only when it is not one already)."""
    return column if column.type == pa.string() else column.cast(pa.string())


def _members(cell: str, shared: dict[str, str], display: str,
             line: int) -> tuple[tuple[StackMember, ...], list[Problem]]:
    # The clean `PID:SERIAL;PID:SERIAL` cell is split in C; anything else is parsed (and
    # reported) part by part.
    if _CLEAN_MEMBERS.fullmatch(cell):
        flat = cell.replace(";", ":").split(":")
        return tuple(map(_make_member, map(intern, flat[0::2]), flat[1::2])), []
    return _parse_members(cell, shared, display, line)


def _parse_licences(cell: str, catalogue: Catalogue,
                    canon: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]]) -> _Parsed:
    """`network-advantage:1;dna-advantage` -> LicenceUse tuple (count defaults to 1)."""
    counts: dict[str, int] = {}
    wrong: list[tuple[str, str]] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, count_text = part.rpartition(":")
        if not sep:
            name, count_text = part, "1"
        count_text = count_text.strip()
        expected = _COUNT_EXPECTED
        if not (count_text.isascii() and count_text.lstrip("-").isdigit()):
            wrong.append((f"licence count {count_text!r} for {name.strip()!r} is not a whole "
                          "number", expected))
            continue
        count = int(count_text)
        if not 1 <= count <= MAX_COUNT:
            wrong.append((f"licence count {count_text} for {name.strip()!r} is "
                          f"{'negative' if count < 0 else 'zero' if count == 0 else 'too large'}",
                          expected))
            continue
        tag = catalogue.canonical_tag(name)
        if tag is None:
            wrong.append((f"unknown licence {name.strip()!r}",
                          "a licence from models/licences.yaml, e.g. network-advantage"))
            continue
        counts[tag] = counts.get(tag, 0) + count
    uses = tuple(LicenceUse(tag, n) for tag, n in sorted(counts.items()))
    return canon.setdefault(uses, uses), tuple(wrong)


def _parse_members(cell: str, shared: dict[str, str], display: str,
                   line: int) -> tuple[tuple[StackMember, ...], list[Problem]]:
    """`C9300-48P:FOC1;C9300-48P:FOC2` -> StackMember tuple."""
    members: list[StackMember] = []
    problems: list[Problem] = []
    for part in cell.split(";"):
        pid, sep, serial = part.partition(":")
        if " " in part:
            pid, serial = pid.strip(), serial.strip()
        if not sep or not pid or not serial:
            if part.strip():
                problems.append(error(display, f"stack member {part.strip()!r} is not "
                                      "PID:SERIAL", line=line, column="members",
                                      expected="PID:SERIAL;PID:SERIAL"))
            continue
        got = shared.get(pid)
        members.append(_make_member(shared.setdefault(pid, pid) if got is None else got, serial))
    return tuple(members), problems
