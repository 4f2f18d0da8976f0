"""The one iCalendar writer (RFC 5545) for every calendar the planner writes: the offline cycle's
round trips and the renewal hygiene plan.

CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT values
escaped, all-day events. Nothing reads the wall clock: DTSTAMP is the reference date and each
UID is a hash of the event's content, so the same plan gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

_LIMIT = 75  # octets per line, excluding CRLF (RFC 5545 section 3.1)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold one content line: continuation lines start with a space (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _LIMIT:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def uid(*parts: str, domain: str) -> str:
    """A stable event UID: a hash of what identifies the event, never a clock or a counter."""
    return f"{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:32]}@{domain}"


@dataclass(frozen=True, slots=True)
class Event:
    """One all-day event from `first` to `last` (both included)."""

    uid: str
    first: date
    last: date
    summary: str
    description: str
    reminder: str | None = None  # a display alarm a week before, with this text
    transparent: bool = False  # shown as free time (a deadline, not a meeting)


def _event(e: Event, stamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{stamp}",
             f"DTSTART;VALUE=DATE:{e.first.strftime('%Y%m%d')}",
             f"DTEND;VALUE=DATE:{(e.last + timedelta(days=1)).strftime('%Y%m%d')}",
             f"SUMMARY:{escape_text(e.summary)}", f"DESCRIPTION:{escape_text(e.description)}"]
    if e.reminder is not None:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P7D",
                  f"DESCRIPTION:{escape_text(e.reminder)}", "END:VALARM"]
    if e.transparent:
        lines.append("TRANSP:TRANSPARENT")
    return [*lines, "END:VEVENT"]


def calendar(name: str, product: str, stamp: date, events: Iterable[Event]) -> str:
    """The calendar file: `product` names the PRODID (-//planner//<product>//EN)."""
    when = stamp.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//planner//{product}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]
    for e in events:
        lines += _event(e, when)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
