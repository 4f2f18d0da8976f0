"""What a runbook shows in both its renderings (Markdown in render.py, HTML in html.py): the
change-record fields and the text of a step. One place, so the two never drift, and neither
renderer imports the other."""

from __future__ import annotations

from collections.abc import Iterable

from planner.runbooks.types import DeviceRunbook, Step, StepKind

BLANK = "________________"
CHANGE_FIELDS = ("Change ID", "Planned window start (date, time, zone)",
                 "Planned window end (date, time, zone)", "Implementer", "Approver",
                 "Rollback decision point (time)")


def step_body(step: Step) -> list[str]:
    """The lines to type for a device step (config wrapped in configure terminal / end);
    unconfirmed text is prefixed so it can never be pasted as a live command."""
    if step.kind is not StepKind.DEVICE or not step.lines:
        return []
    body = ["configure terminal", *step.lines, "end"] if step.context == "config" \
        else list(step.lines)
    return body if step.confirmed else [f"! UNCONFIRMED: {line}" for line in body]


def step_sources(runbooks: Iterable[DeviceRunbook]) -> list[str]:
    return sorted({s.source for rb in runbooks for s in (*rb.prechecks, *rb.steps, *rb.rollback)
                   if s.source})
