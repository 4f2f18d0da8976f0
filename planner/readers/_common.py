"""Helpers shared by the CSV and JSON readers: header matching, numbers, dates, empty files."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime

from planner.problems import Problem, error

_FOLD = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """Header key: case-insensitive, ignoring spaces, `_` and `-` (`In Use` == `inUse`)."""
    return _FOLD.sub("", text).casefold()


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for every record of a CSV text; the header is line 1.

    Lines without a quote character are split on commas directly (the common case, and ~5x
    faster than the csv module); a line with quotes is joined with the following lines until
    its quotes balance and parsed by csv.reader, so quoted commas and newlines work as usual.
    """
    lines = text.split("\n")
    del text  # the lines hold the content now; do not keep two copies alive
    if lines and not lines[-1]:
        lines.pop()
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        start = i = i + 1
        if '"' in line:
            while line.count('"') % 2 and i < n:
                line += "\n" + lines[i]
                i += 1
            if line.endswith("\r"):
                line = line[:-1]
            try:
                row = next(csv.reader([line]), [])
            except csv.Error:
                row = line.split(",")
        else:
            if line.endswith("\r"):
                line = line[:-1]
            row = line.split(",")
        yield start, row


def match_header(header: Sequence[str], columns: Mapping[str, Sequence[str]],
                 required: Sequence[str], file: str) -> tuple[dict[str, int], list[Problem]]:
    """Map logical column names to indexes; one problem per missing required column.

    `columns` maps each logical name to the header spellings accepted for it; matching folds
    case, spaces, `_` and `-`.
    """
    folded = {fold(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for name, spellings in columns.items():
        for spelling in (name, *spellings):
            idx = folded.get(fold(spelling))
            if idx is not None:
                found[name] = idx
                break
    problems = [
        error(file, f"missing required column {name!r}", line=1, column=name,
              expected="header with columns " + ", ".join(repr(r) for r in required))
        for name in required if name not in found
    ]
    return found, problems


def empty_file(file: str, what: str) -> Problem:
    return error(file, "file is empty", line=1, expected=what)


def parse_count(text: str) -> int | None:
    """A non-negative whole number (`12`, `12.0`, `1,200`), or None when it is not one."""
    raw = text.strip().replace(",", "").replace("_", "")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        try:
            as_float = float(raw)
        except ValueError:
            return None
        if not as_float.is_integer():
            return None
        value = int(as_float)
    return value if value >= 0 else None


def count_problem(file: str, line: int | None, column: str, text: str) -> Problem:
    what = "negative" if text.strip().startswith("-") else "not a whole number"
    return error(file, f"{column} {text.strip()!r} is {what}", line=line, column=column,
                 expected="a whole number >= 0")


def parse_iso_date(text: str) -> date | None:
    """`YYYY-MM-DD` (the planner's own files), or None."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


_LOOSE_FORMATS = ("%Y-%m-%d", "%Y-%b-%d", "%d-%b-%Y", "%b %d, %Y", "%d %b %Y", "%m/%d/%Y",
                  "%Y/%m/%d")


def parse_loose_date(text: str) -> date | None:
    """Dates as CSSM prints them: ISO (with or without a time), `2025-Jan-14`, `Jan 14, 2025`."""
    raw = text.strip()
    if not raw:
        return None
    if "T" in raw:
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        except ValueError:
            return None
    for fmt in _LOOSE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def export_rows(text: str, display: str, columns: Mapping[str, Sequence[str]],
                required: Sequence[str], what: str, row_noun: str,
                problems: list[Problem]) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows of a loosely-headed export (CSSM, NetBox) as `{column: cell}` by line.

    Header problems (an empty file, a missing column) and a header with no rows are appended to
    `problems`; blank lines are skipped. `what` names the export, `row_noun` one row's kind.
    """
    rows = csv_rows(text)
    first = next(rows, None)
    header = first[1] if first else None
    if header is None or not any(h.strip() for h in header):
        problems.append(empty_file(display, f"{what} with a header line"))
        return
    cols, missing = match_header(header, columns, required, display)
    if missing:
        problems.extend(missing)
        return
    seen_rows = False
    for line, row in rows:
        seen_rows = True
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield line, {name: (row[i].strip() if i < len(row) else "") for name, i in cols.items()}
    if not seen_rows:
        problems.append(error(display, f"file has a header but no {row_noun}s", line=1,
                              expected=f"at least one {row_noun} row"))
