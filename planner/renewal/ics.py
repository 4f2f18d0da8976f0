"""The hygiene plan as an iCalendar file users import into their calendar (written by
planner.ics, the one RFC 5545 writer)."""

from __future__ import annotations

from planner.ics import Event, calendar, uid
from planner.renewal.plan import HygienePlan


def render_ics(plan: HygienePlan, estate: str) -> str:
    return calendar(f"Renewal hygiene: {estate}", "renewal hygiene plan", plan.reference, (
        Event(uid(estate, step.id, step.due.isoformat(), step.title, domain="planner.renewal"),
              step.due, step.due, f"{estate}: {step.title}", step.detail, transparent=True)
        for step in plan.steps))
