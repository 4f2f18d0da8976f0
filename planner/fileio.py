"""File reading and writing shared by every reader and writer.

Reading: exports arrive as UTF-8 with or without BOM, or UTF-16 from Windows tools; decode them
all the same way and say which file could not be decoded. Writing: outputs land atomically
(temporary file in the same folder, then rename) so an interrupted run leaves the previous files
intact, and CSV cells are neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

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
    """Write a file so readers see the old content or the new one, never a half."""
    write_files_atomic(Path(path).parent, {Path(path).name: content})


def _temp_beside(target: Path, data: bytes) -> str:
    """`data` fsynced into a temporary file next to `target` (same filesystem: rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; give the file the mode an ordinary open() would (umask applies).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _backup(target: Path) -> str | None:
    """A hard link to the current `target` (a copy where links are refused), or None."""
    if not target.is_file():
        return None
    fd, bak = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak", dir=target.parent)
    os.close(fd)
    os.unlink(bak)
    try:
        os.link(target, bak)
    except OSError:
        shutil.copy2(target, bak)
    return bak


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_files_atomic(outdir: Path | str, files: dict[str, str | bytes]) -> list[Path]:
    """Write a set of files under `outdir`: all of them, or (on any error) none of them.

    Callers build all contents in memory first, so an error while rendering writes nothing.
    Every file is then written to a temporary file beside its target, and only when all are
    on disk are they renamed into place; if a rename fails, the files already replaced are
    restored from hard-link backups, so the folder holds the previous set, and no temporary
    file is left behind. Returns the written paths, sorted.
    """
    root = Path(outdir)
    order = sorted(files)
    temps: dict[str, str] = {}
    backups: dict[str, str | None] = {}
    done: list[str] = []
    try:
        for rel in order:
            content = files[rel]
            temps[rel] = _temp_beside(root / rel, content.encode("utf-8")
                                      if isinstance(content, str) else content)
        for rel in order:
            backups[rel] = _backup(root / rel)
            os.replace(temps[rel], root / rel)
            del temps[rel]
            done.append(rel)
    except BaseException:
        for rel in reversed(done):  # put the previous files back (or remove the new ones)
            bak = backups.pop(rel)
            if bak is None:
                (root / rel).unlink(missing_ok=True)
            else:
                os.replace(bak, root / rel)
        for leftover in (*temps.values(), *backups.values()):
            if leftover is not None:
                Path(leftover).unlink(missing_ok=True)
        raise
    for bak in backups.values():
        if bak is not None:
            Path(bak).unlink(missing_ok=True)
    return [root / rel for rel in order]
