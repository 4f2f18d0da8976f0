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
from collections.abc import Iterable, Sequence
from pathlib import Path

from planner.output import write_file, write_folder
from planner.problems import InputError, error

# Cells starting with these are run as formulas by spreadsheet programs (OWASP CSV injection).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode an export: UTF-8 (BOM optional) or UTF-16 (BOM, or NULs betraying it)."""
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
        raise InputError([error(name, f"cannot decode as {encoding} at byte {exc.start}",
                                expected="UTF-8 (with or without BOM) or UTF-16")]) from None
    if "\x00" in text:
        raise InputError([error(name, "file holds NUL characters; is it binary?",
                                expected="a text export")])
    return text


def read_text(path: Path | str, display: str | None = None) -> str:
    """Read a whole text file, naming it in any error."""
    name = display or str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError([error(name, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([error(name, "is a folder, not a file")]) from None
    except OSError as exc:
        raise InputError([error(name, f"cannot read: {exc.strerror}")]) from None
    return decode_bytes(data, name)


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        # A leading apostrophe is what spreadsheet programs themselves use to mean "text".
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a fixed header, every cell neutralised, `\\n` line ends (byte-stable output)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write one regular file through the planner's one writer (planner.output.write_file)."""
    write_file(path, content)


def write_files_atomic(outdir: Path | str, files: dict[str, str | bytes]) -> list[Path]:
    """Replace the planner's output set in `outdir` (planner.output.write_folder): all of the
    new files or, on any error or signal, the previous set untouched. Returns the paths, sorted.
    """
    return write_folder(outdir, files)
