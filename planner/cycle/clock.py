"""Dates as Smart Licensing prints them, read as calendar dates.

`show license status` prints `Oct 14 12:10:32 2021 UTC`, `Aug 03 09:03:25 2024 est` or
`<none>`. The zone is a free-form abbreviation (UTC, EDT, est, IST) that is ambiguous across the
world (IST is India or Ireland), so the ledger keeps the calendar date the device printed and
never converts zones: a deadline is a day, and a day's error either way is inside any margin the
schedule keeps.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_PRINTED = re.compile(r"(?P<mon>[A-Za-z]{3})[a-z]*\s+(?P<day>\d{1,2})\s+(?:\d{1,2}:\d{2}:\d{2}\s+)?"
                      r"(?P<year>\d{4})")
_ISO = re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})")


def printed_date(text: str) -> date | None:
    """The calendar date in a device timestamp, or None (`<none>`, empty, unreadable)."""
    match = _PRINTED.search(text)
    if match:
        month = _MONTHS.get(match["mon"].lower())
        if month is None:
            return None
        try:
            return date(int(match["year"]), month, int(match["day"]))
        except ValueError:
            return None
    iso = _ISO.search(text)
    if iso:
        try:
            return date(int(iso["year"]), int(iso["mon"]), int(iso["day"]))
        except ValueError:
            return None
    return None


def interval_days(text: str) -> int | None:
    """`Reporting push interval: 30  days` -> 30; `0 (no reporting)` -> 0; else None."""
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None
