"""Hygiene plan dates and the iCalendar file's format (RFC 5545)."""

from __future__ import annotations

from datetime import date

from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.ics import escape_text, fold
from planner.renewal import run_renewal
from planner.renewal.context import add_months, billing_months
from planner.renewal.ics import render_ics
from planner.renewal.plan import Cadence
from planner.renewal.render import render_checklist_md

HOLD = [ent("NET", "network-advantage", 5, price=1000)]


def test_plan_counts_back_from_the_renewal_date() -> None:
    brief = run_renewal(estate([dev("a1")], HOLD), reference=REFERENCE, renewal=RENEWAL)
    plan = brief.plan
    assert plan.cadence is Cadence.QUARTERLY and not plan.high_churn
    assert plan.pack_due == date(2026, 9, 2)  # 90 days before 2026-12-01
    due = {s.id: s.due for s in plan.steps}
    assert due == {
        "baseline": date(2026, 6, 4), "accounts": date(2026, 7, 4),
        "consumption": date(2026, 8, 3), "review-2026-09-01": date(2026, 9, 1),
        "pack": date(2026, 9, 2), "position": date(2026, 10, 2),
        "final-snapshot": date(2026, 11, 1), "renewal": RENEWAL,
    }
    assert [s.due for s in plan.steps] == sorted(s.due for s in plan.steps)
    assert not any(s.overdue for s in plan.steps)


def test_late_start_marks_steps_overdue() -> None:
    brief = run_renewal(estate([dev("a1")], HOLD), reference=REFERENCE,
                        renewal=date(2026, 8, 1))
    overdue = {s.id for s in brief.plan.steps if s.overdue}
    assert overdue == {"accounts", "consumption", "pack"}  # baseline clamps to the reference
    assert {s.id: s.due for s in brief.plan.steps}["baseline"] == REFERENCE


def test_collaboration_and_security_dominance_is_high_churn() -> None:
    devices = [dev("cucm1", "", pid="CUCM-VM", version="14"),
               dev("ise1", "", pid="SNS-3715-K9", version="3.2"), dev("a1")]
    brief = run_renewal(estate(devices, HOLD), reference=REFERENCE, renewal=RENEWAL)
    assert brief.plan.cadence is Cadence.MONTHLY
    assert brief.plan.churn_reasons == (
        "collaboration and security products are 2 of 3 devices",)


def test_month_helpers() -> None:
    assert billing_months(date(2026, 12, 1), date(2028, 5, 31)) == 18
    assert billing_months(date(2026, 12, 15), date(2027, 12, 14)) == 12
    assert billing_months(date(2026, 12, 15), date(2027, 12, 20)) == 13
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_ics_is_rfc5545_shaped_and_stable() -> None:
    brief = run_renewal(estate([dev("a1")], HOLD), reference=REFERENCE, renewal=RENEWAL)
    text = render_ics(brief.plan, "Hand; Estate, with a rather long name to force folding")
    assert text == render_ics(brief.plan, "Hand; Estate, with a rather long name to force "
                                          "folding")
    data = text.encode("utf-8")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare LF anywhere
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert unfolded[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0",
                            "PRODID:-//planner//renewal hygiene plan//EN"]
    events = [line for line in unfolded if line == "BEGIN:VEVENT"]
    assert len(events) == len(brief.plan.steps)
    assert unfolded.count("DTSTAMP:20260601T000000Z") == len(events)
    uids = [line for line in unfolded if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)
    assert "DTSTART;VALUE=DATE:20260902" in unfolded and "DTEND;VALUE=DATE:20260903" in unfolded
    assert ("SUMMARY:Hand\\; Estate\\, with a rather long name to force folding: "
            "Consolidated hygiene pack due") in unfolded


def test_fold_never_splits_a_utf8_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_escape_text() -> None:
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_checklist_lists_steps_and_counter_moves() -> None:
    e = estate([dev("a1"), dev("a2")], [ent("NET", "network-advantage", 1, price=1000)])
    brief = run_renewal(e, reference=REFERENCE, renewal=RENEWAL)
    text = render_checklist_md(brief)
    assert "- [ ] 2026-09-02: Consolidated hygiene pack due." in text
    assert "- [ ] (medium) over-consumption NET/network-advantage: Before renewal:" in text
    assert "[USD 1,000.00; moves true-forward:NET/network-advantage]" in text
