"""The one clock: the reference date of every command, from `--date`, else SOURCE_DATE_EPOCH
(reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/), else, only
where a date must exist, today (UTC). One parser and one set of messages for all of them."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from planner.domains import epoch_date as parse_epoch
from planner.domains import option_date

EPOCH = "SOURCE_DATE_EPOCH"


def epoch_date() -> date | None:
    """SOURCE_DATE_EPOCH as a UTC date, None when unset, a UsageError (exit 2) when unusable."""
    epoch = os.environ.get(EPOCH)
    return parse_epoch(epoch) if epoch else None


def stamp_date(text: str | None, option: str = "--date") -> tuple[date | None, str]:
    """The date to stamp on an output and where it came from: the option, SOURCE_DATE_EPOCH,
    or (None, "none"): an unstamped output, so two runs give the same bytes."""
    if text:
        return option_date(option, text), option
    got = epoch_date()
    return (got, EPOCH) if got is not None else (None, "none")


def reference_date(text: str | None = None) -> date:
    """The date expiry is judged against: `--date`, else SOURCE_DATE_EPOCH, else today (UTC)."""
    got, _ = stamp_date(text)
    return got if got is not None else datetime.now(tz=UTC).date()
