"""Output options shared by every command that prints rows (sqlite-utils' output_options)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from tabulate import tabulate

from planner.encode import json_safe
from planner.fileio import csv_text

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")


def output_option(func: F) -> F:
    """`--format table|json|csv`: table for people, JSON and CSV for machines."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format: a table for people, JSON or CSV for machines.",
    )(func)


def render_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
                *, title: str | None = None) -> str:
    """Rows as a tabulate table, JSON list of objects, or CSV, always in the given order."""
    if fmt == "json":
        return json.dumps([dict(zip(headers, row, strict=True)) for row in rows],
                          indent=2, sort_keys=True, default=str) + "\n"
    if fmt == "csv":
        return csv_text(headers, rows)
    table = tabulate(rows, headers=list(headers), tablefmt="simple", floatfmt=",.2f",
                     intfmt=",", disable_numparse=False)
    return (f"{title}\n{table}\n" if title else f"{table}\n")


def dump_json(data: Any) -> str:
    """JSON for standard output: NaN and infinities (not JSON) become null."""
    return json.dumps(json_safe(data), indent=2, sort_keys=True, default=str,
                      allow_nan=False) + "\n"
