"""The CLI's one estate loader: read the estate, print its warnings on stderr, hand back the
result. Every command that takes an ESTATE argument loads it here."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.options import warn

if TYPE_CHECKING:
    from planner.loader import LoadResult
    from planner.model import Estate


def read_estate_result(path: Path, *, strict: bool = False,
                       today: date | None = None) -> LoadResult:
    """The load result (estate, warnings, summary) with every warning already printed."""
    from planner.loader import load_estate  # the readers load only when a command reads

    result = load_estate(path, strict=strict, today=today)
    for problem in result.warnings:
        warn(str(problem))
    return result


def read_estate(path: Path, strict: bool = False, today: date | None = None) -> Estate:
    """The estate alone (warnings printed): what most commands need."""
    return read_estate_result(path, strict=strict, today=today).estate
