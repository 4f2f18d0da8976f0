"""How rows are printed: a table that fits the terminal convention, JSON or CSV.

`output_option` is the shared `--format table|json|csv` + `--wide` decorator (see options.py);
its name is kept for the commands that already stack it.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from typing import Any

from planner.cli.options import TABULAR_FORMATS, table_output, wide_requested
from planner.encode import json_safe
from planner.fileio import csv_text

FORMATS = TABULAR_FORMATS
TABLE_WIDTH = 100  # the default table fits this many columns; --wide lifts the limit
_GAP = 2  # tabulate's "simple" format puts two spaces between columns
_PAD = 2  # ... and makes each column at least its header's width plus two

output_option = table_output


# Text wraps at spaces, then after ; , / and, only when a table cannot fit otherwise, after a
# hyphen between letters (never inside a date or a number).
_BREAKS = (r"[^\s;,/]*[;,/]+", r"[^\s;,/]*[;,/]+|[^\s;,/-]*[A-Za-z]-+(?=[A-Za-z])")


def _wrapper_class(breaks: str) -> type[textwrap.TextWrapper]:
    class Wrapper(textwrap.TextWrapper):
        wordsep_re = re.compile(rf"(\s+|{breaks})")

    return Wrapper


_WRAPPERS = [_wrapper_class(breaks) for breaks in _BREAKS]


def _longest_piece(value: Any, level: int = 0) -> int:
    """The narrowest a cell can wrap to: text breaks between pieces, anything else never."""
    if not isinstance(value, str):
        return len(str(value)) if value is not None else 0
    splitter = _WRAPPERS[level](width=1, break_on_hyphens=True)
    return max((len(p) for p in splitter._split(value) if not p.isspace()), default=0)


def _tabulate(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The table in tabulate's "simple" format, numbers with thousands separators."""
    # Deferred: tabulate reads its version through importlib.metadata as it imports (~15 ms
    # with that module), a cost only commands that print a table should pay (`--format json`
    # and `csv` never do).
    from tabulate import tabulate

    return tabulate(rows, headers=list(headers), tablefmt="simple", floatfmt=",.2f",
                    intfmt=",", disable_numparse=False)


def _natural_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Each column's printed width, read off tabulate's own dashed rule (exact, whatever
    number formatting and padding it chose)."""
    table = _tabulate(headers, rows)
    header_lines = max(str(h).count("\n") for h in headers) + 1
    rule = table.splitlines()[header_lines]  # the dashes under the (possibly multi-line) header
    return [len(dashes) for dashes in rule.split()]


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]],
               width: int = TABLE_WIDTH) -> list[int | None]:
    """Per column, the width to wrap it at (None: leave it) so the table fits `width`.

    The column with most room gives up one character at a time, never below its longest
    piece (text wraps at spaces and after ; , /; numbers and identifiers stay whole). A table
    whose pieces alone are wider than `width` comes out as narrow as they allow.
    """
    count = len(headers)
    natural = _natural_widths(headers, rows)
    caps = list(natural)
    excess = sum(caps) + _GAP * (count - 1) - width
    for level in range(len(_BREAKS)):
        floors = [min(natural[i], max([_longest_piece(headers[i], level) + _PAD,
                                       *(_longest_piece(row[i], level) for row in rows)]))
                  for i in range(count)]
        while excess > 0:
            candidates = [i for i in range(count) if caps[i] > floors[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: (caps[i] - floors[i], caps[i], -i))
            caps[widest] -= 1
            excess -= 1
    return [cap if cap < natural[i] else None for i, cap in enumerate(caps)]


def _wrap_header(header: str, limit: int | None) -> str:
    return str(_wrap(header, None if limit is None else max(limit - _PAD, 1)))


def _wrap(cell: Any, limit: int | None) -> Any:
    """A text cell wrapped at `limit` (numbers and short text unchanged), at the gentlest
    break level that fits."""
    if limit is None or not isinstance(cell, str) or len(cell) <= limit:
        return cell
    for wrapper_class in _WRAPPERS:
        wrapper = wrapper_class(limit, break_long_words=False, break_on_hyphens=True)
        lines = [part for line in cell.splitlines() for part in wrapper.wrap(line)]
        if all(len(line) <= limit for line in lines):
            break
    return "\n".join(lines)


def render_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
                *, title: str | None = None, wide: bool | None = None) -> str:
    """Rows as a table, JSON list of objects, or CSV, always in the given order.

    The table fits TABLE_WIDTH columns by wrapping its widest text columns unless `wide`
    (default: whether the command was given --wide); JSON and CSV never wrap or drop anything.
    """
    if fmt == "json":
        return json.dumps([dict(zip(headers, row, strict=True)) for row in rows],
                          indent=2, sort_keys=True, default=str) + "\n"
    if fmt == "csv":
        return csv_text(headers, rows)
    if wide is None:
        wide = wide_requested()
    # Headers are for people in a table: snake_case keys read (and wrap) as words.
    headers = [h.replace("_", " ") for h in headers]
    if not wide and rows:
        limits = fit_widths(headers, rows)
        headers = [_wrap_header(h, limit) for h, limit in zip(headers, limits, strict=True)]
        rows = [[_wrap(cell, limit) for cell, limit in zip(row, limits, strict=True)]
                for row in rows]
    table = _tabulate(headers, rows)
    return (f"{title}\n{table}\n" if title else f"{table}\n")


Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]
"""A titled table: (title, headers, rows)."""


def render_tables(tables: Sequence[Table], fmt: str, *, heading: str = "") -> str:
    """Several tables in one format. JSON: an object of lists of objects keyed by title; CSV:
    one tidy (long) table `table,row,column,value`, so one file holds them all."""
    if fmt == "json":
        return dump_json({title: [dict(zip(headers, row, strict=True)) for row in rows]
                          for title, headers, rows in tables})
    if fmt == "csv":
        long = [(title, number, column, value)
                for title, headers, rows in tables
                for number, row in enumerate(rows, start=1)
                for column, value in zip(headers, row, strict=True)]
        return csv_text(("table", "row", "column", "value"), long)
    parts = [heading] if heading else []
    parts += [render_rows(headers, rows, fmt, title=title) for title, headers, rows in tables]
    return "\n".join(parts)


def columns(headers: Sequence[str], rows: Sequence[Sequence[Any]], keep: Sequence[str]
            ) -> tuple[list[str], list[list[Any]]]:
    """The `keep` columns only, unless --wide: for tables too wide for 100 columns even when
    wrapped (JSON and CSV are given every column)."""
    if wide_requested():
        return list(headers), [list(r) for r in rows]
    index = [list(headers).index(k) for k in keep]
    return [headers[i] for i in index], [[r[i] for i in index] for r in rows]


def dump_json(data: Any) -> str:
    """JSON for standard output: NaN and infinities (not JSON) become null."""
    return json.dumps(json_safe(data), indent=2, sort_keys=True, default=str,
                      allow_nan=False) + "\n"
