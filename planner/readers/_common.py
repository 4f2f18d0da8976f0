"""Helpers shared by the CSV and JSON readers: header matching, numbers, dates, empty files.

Value bounds live in planner.domains; `parse_count` is re-exported here for the readers.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime

from planner.domains import (
    COUNT_EXPECTED,
    MAX_COUNT,
    calendar_date,
    in_date_range,
)
from planner.domains import parse_count as parse_count
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
                 required: Sequence[str], file: str, *, extra_columns: bool = False,
                 unread: Sequence[str] = ()) -> tuple[dict[str, int], list[Problem]]:
    """Map logical column names to indexes, with a problem for every header cell that is wrong.

    `columns` maps each logical name to the header spellings accepted for it; matching folds
    case, spaces, `_` and `-`. The header is a strict schema: a column named twice (in any
    accepted spelling), and a column that is not in the schema, are errors naming line 1 and
    the column's position, with "did you mean" for a near miss; `extra_columns=True` (the
    estate's `extra_columns: ignore`) lets unknown columns through for users who carry their
    own. `unread` names columns the format is known to carry that the planner does not use
    (accepted, never read). A missing required column is one problem each.
    """
    unread_keys = {fold(u) for u in unread}
    spelling_of: dict[str, str] = {}
    for name, spellings in columns.items():
        for spelling in (name, *spellings):
            spelling_of.setdefault(fold(spelling), name)
    found: dict[str, int] = {}
    problems: list[Problem] = []
    suggested: set[str] = set()  # a misspelt required column is one error, not two
    for i, cell in enumerate(header):
        key = fold(cell)
        known = spelling_of.get(key)
        where = f"column {i + 1}"
        if known is None:
            if extra_columns or key in unread_keys:
                continue
            hint = suggest(cell, spelling_of)
            if hint:
                suggested.add(hint)
            problems.append(error(
                file, f"unknown column {cell.strip()!r} ({where})"
                + (f"; did you mean {hint!r}?" if hint else ""), line=1, column=cell.strip(),
                position=i + 1, expected="columns " + ", ".join(columns)
                + " (or `extra_columns: ignore` in the estate file)"))
        elif known in found:
            problems.append(error(
                file, f"column {known!r} appears twice (columns {found[known] + 1} and "
                f"{i + 1})", line=1, column=known, position=i + 1, expected="each column once"))
        else:
            found[known] = i
    problems.extend(
        error(file, f"missing required column {name!r}", line=1, column=name,
              expected="header with columns " + ", ".join(repr(r) for r in required))
        for name in required if name not in found and name not in suggested)
    return found, problems


def suggest(word: str, spelling_of: Mapping[str, str]) -> str | None:
    """The schema name closest to `word` (difflib's ratio >= 0.6), or None."""
    got = difflib.get_close_matches(fold(word), list(spelling_of), n=1, cutoff=0.6)
    return spelling_of[got[0]] if got else None


def empty_file(file: str, what: str) -> Problem:
    return error(file, "file is empty", line=1, expected=what)


def count_problem(file: str, line: int | None, column: str, text: str) -> Problem:
    raw = text.strip()
    what = "negative" if raw.startswith("-") else (
        f"above {MAX_COUNT:,}" if raw.isascii() and raw.replace(",", "").isdigit()
        else "not a whole number")
    return error(file, f"{column} {raw!r} is {what}", line=line, column=column,
                 expected=COUNT_EXPECTED)


def parse_iso_date(text: str) -> date | None:
    """`YYYY-MM-DD` (the planner's own files) within the planner's date range, or None."""
    got = calendar_date(text)
    return got if isinstance(got, date) else None


_LOOSE_FORMATS = ("%Y-%m-%d", "%Y-%b-%d", "%d-%b-%Y", "%b %d, %Y", "%d %b %Y", "%m/%d/%Y",
                  "%Y/%m/%d")


def parse_loose_date(text: str) -> date | None:
    """Dates as CSSM prints them: ISO (with or without a time), `2025-Jan-14`, `Jan 14, 2025`.

    A timestamp with a zone (`2025-01-14T23:30:00-05:00`, `...Z`) is converted to UTC before
    its date is taken, so one instant is one date whatever zone the export was made in.
    """
    raw = text.strip()
    if not raw or not raw.isascii():
        return None
    got: date | None = None
    if "T" in raw:
        try:
            stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        got = (stamp.astimezone(UTC) if stamp.tzinfo is not None else stamp).date()
    else:
        for fmt in _LOOSE_FORMATS:
            try:
                got = datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
    return got if got is not None and in_date_range(got) else None


def export_rows(text: str, display: str, columns: Mapping[str, Sequence[str]],
                required: Sequence[str], what: str, row_noun: str,
                problems: list[Problem], *, extra_columns: bool = False,
                unread: Sequence[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
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
    cols, missing = match_header(header, columns, required, display,
                                 extra_columns=extra_columns, unread=unread)
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
