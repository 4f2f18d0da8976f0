"""The hygiene plan as an iCalendar file (RFC 5545) users import into their calendar.

CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT values
escaped, all-day events. Nothing reads the wall clock: DTSTAMP is the reference date and each
UID is a hash of the event's content, so the same plan gives the same bytes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from planner.renewal.plan import HygienePlan, PlanStep

_LIMIT = 75  # octets per line, excluding CRLF (RFC 5545 section 3.1)


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold one content line: continuation lines start with a space (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = _LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, _LIMIT
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _uid(estate: str, step: PlanStep) -> str:
    digest = hashlib.sha256(
        f"{estate}\n{step.id}\n{step.due.isoformat()}\n{step.title}".encode()).hexdigest()
    return f"{digest[:32]}@planner.renewal"


def render_ics(plan: HygienePlan, estate: str) -> str:
    stamp = plan.reference.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//planner//renewal hygiene plan//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(f'Renewal hygiene: {estate}')}"]
    for step in plan.steps:
        summary = f"{estate}: {step.title}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(estate, step)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{step.due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(step.due + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(step.detail)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
