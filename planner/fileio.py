"""File reading and writing shared by every reader and writer.

Reading: exports arrive as UTF-8 with or without BOM, or UTF-16 from Windows tools; decode them
all the same way and say which file could not be decoded. Writing goes through
planner.output (whole output sets swapped in as one step; see there), and CSV cells are
neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_, itemgetter
from pathlib import Path
from typing import cast

from planner.output import Content, write_file, write_folder
from planner.problems import InputError, error

# Cells starting with these are run as formulas by spreadsheet programs (OWASP CSV injection).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# The largest input file read whole. A million-device CSV is ~100 MB; anything near this cap
# is not an export but a mistake (or /dev/zero behind a regular-looking name).
MAX_INPUT_BYTES = 2 * 1024 ** 3
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class InputBytes:
    """A file's bytes as read, and the SHA-256 of exactly those bytes (one open, one read)."""

    data: bytes
    sha256: str


def read_input(path: Path | str, display: str | None = None, *,
               max_bytes: int = MAX_INPUT_BYTES) -> InputBytes:
    """Read a regular file once, hashing what is read, never more than `max_bytes`.

    Refuses anything but a regular file (a FIFO would block, /dev/zero would never end, a
    device node is not an export), checked on the opened descriptor so a symlink to one is
    refused too. The size cap is enforced while reading, not from stat(): devices report 0.
    """
    name = display or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError([error(name, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([error(name, "is a folder, not a file")]) from None
    except OSError as exc:
        raise InputError([error(name, f"cannot read: {exc.strerror}")]) from None
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise InputError([error(name, "is a folder, not a file")])
        if not stat.S_ISREG(mode):
            raise InputError([error(name, f"is a {_file_kind(mode)}, not a regular file",
                                    expected="a regular file")])
        digest = hashlib.sha256()
        parts: list[bytes] = []
        total = 0
        # The first read asks for the whole file (as stat() sizes it, plus one byte to see the
        # end) so a large export arrives as one bytes object: joining chunks would hold the file
        # twice at the peak (340 MB at a million devices). Later reads cover a file that grew or
        # that stat() sizes as 0; the cap still holds because it counts what was read.
        want = min(max(status.st_size + 1, _CHUNK), max_bytes + 1)
        while chunk := os.read(fd, want):
            want = _CHUNK
            total += len(chunk)
            if total > max_bytes:
                raise InputError([error(name, f"file is larger than {max_bytes} bytes",
                                        expected=f"a file under {max_bytes} bytes")])
            digest.update(chunk)
            parts.append(chunk)
    except OSError as exc:
        raise InputError([error(name, f"cannot read: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    return InputBytes(data, digest.hexdigest())


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def decode_bytes(data: bytes, name: str) -> str:
    """Decode an export: UTF-8 (BOM optional) or UTF-16 (BOM, or NULs betraying it).

    The text is returned in Unicode NFC, so `é` typed as one code point or as `e` plus an
    accent is the same identifier everywhere downstream (line breaks are never changed).
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 2 and data[1:2] == b"\x00" and data[0:1] != b"\x00":
        encoding = "utf-16-le"
    elif len(data) >= 2 and data[0:1] == b"\x00" and data[1:2] != b"\x00":
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start, encoding)
        raise InputError([error(name, f"cannot decode byte 0x{data[exc.start]:02x} as "
                                f"{encoding} (line {line}, column {col})", line=line,
                                position=col,
                                expected="UTF-8 (with or without BOM) or UTF-16")]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError([error(name, "file holds NUL characters; is it binary?", line=line,
                                expected="a text export")])
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """1-based (line, column) of the undecodable byte at `offset` (the text before it is
    decoded leniently, so a column counts characters, as an editor shows them)."""
    head = data[:offset].decode(encoding, errors="replace")
    line = head.count("\n") + 1
    return line, len(head) - (head.rfind("\n") + 1) + 1


def read_text(path: Path | str, display: str | None = None, *,
              max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a whole text file (a regular file, once, bounded), naming it in any error."""
    return read_source(path, display, max_bytes=max_bytes)[0]


def read_source(path: Path | str, display: str | None = None, *,
                max_bytes: int = MAX_INPUT_BYTES) -> tuple[str, str]:
    """(text, SHA-256 of the bytes the text was decoded from): hash what you read."""
    name = display or str(path)
    got = read_input(path, name, max_bytes=max_bytes)
    return decode_bytes(got.data, name), got.sha256


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a regular file (refused like read_input refuses: no FIFOs, no devices)."""
    return read_input(path).sha256


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        # A leading apostrophe is what spreadsheet programs themselves use to mean "text".
        return "'" + text
    return text


# The first characters of the triggers: a column none of whose cells starts with one holds no
# formula, and is written as it is (safe_column's fast path).
_TRIGGER_HEADS = frozenset(t[0] for t in _FORMULA_TRIGGERS)
_HEAD = itemgetter(slice(0, 1))
_PLAIN_TEXT = frozenset({str})  # exactly str: a subclass (an enum) may show other text


def safe_column(values: Sequence[object]) -> list[str]:
    """`[safe_cell(v) for v in values]`, worked out on the whole column: the cells become text
    in one pass (`str`), and only a column whose first characters include a trigger is looked
    at cell by cell. Plan files hold hundreds of thousands of cells; this is their one path."""
    if set(map(type, values)) <= _PLAIN_TEXT:  # str(v) is v: no copy, no call per cell
        texts = cast(list[str], list(values))
    elif any(map(is_, values, repeat(None))):
        texts = ["" if v is None else str(v) for v in values]
    else:
        texts = list(map(str, values))
    if _TRIGGER_HEADS.isdisjoint(map(_HEAD, texts)):
        return texts
    return ["'" + t if t.startswith(_FORMULA_TRIGGERS) else t for t in texts]


# A field holding one of these is quoted by the csv module (the delimiter, the quote character,
# line breaks; 3.11 leaves a lone \r bare, later versions quote it): a superset is safe, as rows
# holding one are written by the csv module itself.
_QUOTED_CHARACTERS = ',"\r\n'
_QUOTED = re.compile(f"[{_QUOTED_CHARACTERS}]")


def _may_quote(column: list[str]) -> bool:
    """Whether some cell of the column holds a character the csv module may quote."""
    text = "".join(column)
    return any(c in text for c in _QUOTED_CHARACTERS)  # one memchr-fast scan per character


def csv_columns(header: Sequence[str], columns: Sequence[Sequence[object]]) -> str:
    """CSV from columns of equal length (see csv_text): each column neutralised as a whole.

    A row none of whose cells the csv module would quote is the cells joined by commas, which
    is what the csv module writes for it; the other rows (and one-column files, where an
    empty cell is written `""`) go through the csv module."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(safe_column(header))
    cells = [safe_column(column) for column in columns]
    if len({len(column) for column in cells}) > 1:
        raise ValueError("CSV columns of different lengths")
    if len(cells) < 2:
        writer.writerows(zip(*cells, strict=True))
        return buf.getvalue()
    rows = list(zip(*cells, strict=True))
    lines = list(map(",".join, rows))
    quoted = [column for column in cells if _may_quote(column)]
    if quoted:
        flags = [any(map(_QUOTED.search, row)) for row in zip(*quoted, strict=True)]
        row_buf = io.StringIO()
        row_writer = csv.writer(row_buf, lineterminator="\n")  # it decides what is quoted
        for i in compress(range(len(rows)), flags):
            row_buf.seek(0)
            row_buf.truncate()
            row_writer.writerow(rows[i])
            lines[i] = row_buf.getvalue()[:-1]
    if lines:
        buf.write("\n".join(lines))
        buf.write("\n")
    return buf.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a fixed header, every cell neutralised, `\\n` line ends (byte-stable output).

    Rows of one width go column by column (csv_columns); rows of mixed widths row by row. Both
    give every cell exactly as `safe_cell` does (tested)."""
    table = rows if isinstance(rows, list | tuple) else list(rows)
    widths = set(map(len, table))
    if len(widths) == 1 and 0 not in widths:
        return csv_columns(header, list(zip(*table, strict=True)))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in table:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def write_atomic(path: Path | str, content: Content) -> None:
    """Write one regular file through the planner's one writer (planner.output.write_file)."""
    write_file(path, content)


def write_files_atomic(outdir: Path | str, files: Mapping[str, Content]) -> list[Path]:
    """Replace the planner's output set in `outdir` (planner.output.write_folder): all of the
    new files or, on any error or signal, the previous set untouched. Returns the paths, sorted.
    """
    return write_folder(outdir, files)
