"""Value domains every input is checked against at the edge: whole counts, money, shares, dates.

One place for the bounds, so a CSV cell, a YAML value, a CSSM JSON field and a CLI option are
judged alike. The bounds are not licensing facts but sanity limits (assumption: each is orders
of magnitude beyond any real estate, and small enough that totals stay exact in a float):

- a count (licences, quantities, in use, reserved) is a whole number written in ASCII digits,
  0 <= n <= MAX_COUNT. `1e23`, `inf`, `nan` and Arabic-Indic or other non-ASCII digits (which
  Python's int() would quietly accept) are refused;
- an amount of money is a finite number 0 <= x <= MAX_AMOUNT;
- a share (the agreement's growth allowance) is a finite number 0 <= x <= MAX_GROWTH;
- a date is a real calendar date between MIN_DATE and MAX_DATE written `YYYY-MM-DD`.
  A timestamp is refused where the planner's own files ask for a date (the estate file, the
  entitlements CSV, CLI options); CSSM exports carry timestamps, and there a timestamp with a
  zone is converted to UTC before its date is taken (see readers/_common.parse_loose_date).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

from planner.problems import UsageError

MAX_COUNT = 100_000_000  # units of one licence on one row or in one device
MAX_AMOUNT = 1_000_000_000_000.0  # one unit price or cost figure, in the estate's currency
MAX_GROWTH = 10.0  # a growth allowance of 1000%
MIN_DATE = date(1990, 1, 1)  # before Smart Licensing, before any Cisco term still in force
MAX_DATE = date(2199, 12, 31)  # beyond any licence term; far enough for a perpetual "end"
DATE_EXPECTED = f"a calendar date YYYY-MM-DD between {MIN_DATE} and {MAX_DATE}"
COUNT_EXPECTED = f"a whole number from 0 to {MAX_COUNT:,} in ASCII digits"

# ASCII digits only: `\d` in Python's re matches every Unicode decimal digit.
_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9][0-9_]*(?:\.0*)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def parse_count(text: str) -> int | None:
    """A count cell (`12`, `12.0`, `1,200`, `1_200`) as an int, or None when it is not one."""
    raw = text.strip()
    if not raw or not raw.isascii() or _COUNT.fullmatch(raw) is None:
        return None
    value = int(raw.replace(",", "").replace("_", "").split(".")[0])
    return value if value <= MAX_COUNT else None


def count_value(value: object) -> int | None:
    """A count from a typed source (JSON or YAML): an int, an integral float, or count text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_COUNT else None
    if isinstance(value, float):
        ok = math.isfinite(value) and value.is_integer() and 0 <= value <= MAX_COUNT
        return int(value) if ok else None
    if isinstance(value, str):
        return parse_count(value)
    return None


def parse_amount(text: str) -> float | None:
    """A price cell (`1200`, `1,200.50`) as a finite float within bounds, or None."""
    raw = text.strip()
    if not raw or not raw.isascii() or _AMOUNT.fullmatch(raw) is None:
        return None
    value = float(raw.replace(",", ""))
    return value if value <= MAX_AMOUNT else None


def finite_number(value: object, low: float, high: float) -> float | None:
    """`value` as a float when it is a real (non-bool) number, finite, low <= value <= high."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


def calendar_date(text: str) -> date | str:
    """`YYYY-MM-DD` as a date, or the reason it is not one (for the caller's message)."""
    raw = text.strip()
    if not raw.isascii() or _ISO_DATE.fullmatch(raw) is None:
        if "T" in raw or ":" in raw:
            return "is a timestamp, not a date"
        return "is not a date"
    try:
        got = date.fromisoformat(raw)
    except ValueError:
        return "is not a real calendar date"
    if not MIN_DATE <= got <= MAX_DATE:
        return f"is outside {MIN_DATE}..{MAX_DATE}"
    return got


def option_date(option: str, text: str) -> date:
    """A date given on the command line (`--date`, `--renewal-date`), or a UsageError (exit 2)
    saying what is wrong with it: `9999-12-31` is a date no licence term reaches."""
    got = calendar_date(text)
    if isinstance(got, str):
        raise UsageError(f"{option} {text!r} is not a date the planner can use: it "
                         f"{got} (expected {DATE_EXPECTED})")
    return got


def epoch_date(epoch: str) -> date:
    """The UTC date of SOURCE_DATE_EPOCH (reproducible builds), in the planner's date range,
    or a UsageError (exit 2) naming it."""
    try:
        if not epoch.strip().isascii():  # int() would read Arabic-Indic and other digits
            raise ValueError(epoch)
        got = datetime.fromtimestamp(int(epoch), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None
    if not in_date_range(got):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is {got}, outside the planner's dates "
                         f"(expected {DATE_EXPECTED})")
    return got


def in_date_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE
