"""Signals that need snapshot history: growth (tagged apart), dormant VAs, churn cadence."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.history import add_snapshot, from_estate, open_history
from planner.model import Estate
from planner.problems import UsageError
from planner.renewal import FindingKind, Priority, RenewalBrief, run_renewal
from planner.renewal.findings import Finding
from planner.renewal.plan import Cadence

JAN = date(2026, 1, 1)
APR = date(2026, 4, 1)
HOLD = [ent("NET", "network-advantage", 10, price=1000)]


def only(brief: RenewalBrief, kind: FindingKind) -> list[Finding]:
    return [f for f in brief.findings if f.kind is kind]


def history(tmp_path: Path, *snapshots: tuple[date, Estate]) -> sqlite3.Connection:
    conn = open_history(tmp_path / "h.db")
    for taken, e in snapshots:
        add_snapshot(conn, from_estate(e, taken))
    return conn


def test_growth_per_licence_and_site_with_tagged_usage_apart(tmp_path: Path) -> None:
    conn = history(tmp_path, (JAN, estate([dev("h1"), dev("h2")], HOLD)))
    now = estate([dev("h1"), dev("h2"), dev("h3"), dev("h4"), dev("h5"),
                  dev("f1", site="FAIR"), dev("f2", site="FAIR")], HOLD)
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL, conn=conn)
    assert brief.since == JAN
    (g,) = only(brief, FindingKind.GROWTH)
    assert g.subject == "HQ/network-advantage"
    assert (g.evidence.number("units_before"), g.evidence.number("units_now")) == (2, 5)
    assert g.evidence.number("days") == 151
    assert g.evidence.number("annualised_growth_rate") == 3.6258  # 3/2 x 365/151
    assert g.evidence.devices == ("h3", "h4", "h5")
    assert (g.money, g.priority) == (3000.0, Priority.MEDIUM)
    (t,) = only(brief, FindingKind.GROWTH_TAGGED)
    assert t.subject == "FAIR/network-advantage"
    assert t.evidence.devices == ("f1", "f2")
    assert t.money == 2000.0
    assert t.notes == ("site tag: seasonal",)
    assert "seasonal" in t.counter_move


def test_since_picks_the_snapshot_on_or_before(tmp_path: Path) -> None:
    conn = history(tmp_path, (JAN, estate([dev("h1")], HOLD)),
                   (APR, estate([dev("h1"), dev("h2"), dev("h3")], HOLD)))
    now = estate([dev("h1"), dev("h2"), dev("h3"), dev("h4")], HOLD)
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL, conn=conn,
                        since=date(2026, 5, 1))
    assert brief.since == APR
    (g,) = only(brief, FindingKind.GROWTH)
    assert g.evidence.number("growth_units") == 1
    with pytest.raises(UsageError, match="no snapshot on or before"):
        run_renewal(now, reference=REFERENCE, renewal=RENEWAL, conn=conn,
                    since=date(2025, 12, 1))


def test_dormant_va_supersedes_no_devices(tmp_path: Path) -> None:
    hold = [*HOLD, ent("OLD", "network-essentials", 2), ent("MOVING", "network-essentials", 1)]
    moved = [*HOLD, ent("OLD", "network-essentials", 2), ent("MOVING", "network-essentials", 3)]
    vas = ("NET", "OLD", "MOVING")
    conn = history(tmp_path, (JAN, estate([dev("h1")], hold, vas=vas)),
                   (APR, estate([dev("h1")], moved, vas=vas)))
    brief = run_renewal(estate([dev("h1")], moved, vas=vas), reference=REFERENCE,
                        renewal=RENEWAL, conn=conn)
    (d,) = only(brief, FindingKind.VA_DORMANT)
    assert d.subject == "OLD"
    assert d.evidence.number("snapshots") == 2
    assert (d.money, d.priority) == (900.0, Priority.MEDIUM)  # 2 x 450 catalogue
    assert [f.subject for f in only(brief, FindingKind.VA_NO_DEVICES)] == ["MOVING"]


def test_one_snapshot_cannot_call_a_va_dormant(tmp_path: Path) -> None:
    hold = [*HOLD, ent("OLD", "network-essentials", 2)]
    conn = history(tmp_path, (JAN, estate([dev("h1")], hold, vas=("NET", "OLD"))))
    brief = run_renewal(estate([dev("h1")], hold, vas=("NET", "OLD")), reference=REFERENCE,
                        renewal=RENEWAL, conn=conn)
    assert only(brief, FindingKind.VA_DORMANT) == []
    assert [f.subject for f in only(brief, FindingKind.VA_NO_DEVICES)] == ["OLD"]
    assert brief.notes == ("One snapshot stored: churn needs two.",)


def test_high_churn_makes_reviews_monthly(tmp_path: Path) -> None:
    ten = [dev(f"h{n}") for n in range(10)]
    changed = [dev(f"h{n}") for n in range(8)] + [dev("n1"), dev("n2")]  # 2 out, 2 in
    conn = history(tmp_path, (JAN, estate(ten, HOLD)), (APR, estate(changed, HOLD)))
    brief = run_renewal(estate(changed, HOLD), reference=REFERENCE, renewal=RENEWAL,
                        conn=conn)
    plan = brief.plan
    assert plan.high_churn and plan.cadence is Cadence.MONTHLY
    assert plan.churn_rate == 0.4
    assert plan.churn_reasons == ("4 of 10 devices changed between 2026-01-01 and 2026-04-01",)
    reviews = [s.due for s in plan.steps if s.id.startswith("review-")]
    assert reviews == [date(2026, m, 1) for m in (7, 8, 9, 10, 11)]


def test_series_joins_snapshots_and_the_estate(tmp_path: Path) -> None:
    conn = history(tmp_path, (JAN, estate([dev("h1")], HOLD)))
    brief = run_renewal(estate([dev("h1"), dev("h2")], HOLD), reference=REFERENCE,
                        renewal=RENEWAL, conn=conn)
    assert [(p.taken, p.tag, p.entitled, p.consumed, p.source) for p in brief.series] == [
        (JAN, "network-advantage", 10, 1, "snapshot"),
        (REFERENCE, "network-advantage", 10, 2, "estate"),
    ]


def test_history_of_another_estate_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    conn = history(tmp_path, (JAN, replace(estate([dev("h1")], HOLD), name="Someone Else")))
    with pytest.raises(UsageError, match="'Someone Else', not 'Hand Estate'"):
        run_renewal(estate([dev("h1")], HOLD), reference=REFERENCE, renewal=RENEWAL, conn=conn)


def test_markdown_brief_carries_findings_chart_and_plan(tmp_path: Path) -> None:
    from planner.renewal.render import render_brief_md

    conn = history(tmp_path, (JAN, estate([dev("h1")], HOLD)))
    brief = run_renewal(estate([dev("h1"), dev("h2")], HOLD), reference=REFERENCE,
                        renewal=RENEWAL, conn=conn)
    text = render_brief_md(brief)
    assert "| 2026-01-01 | 10 | 1 | 10% | snapshot |" in text
    assert "| 2026-06-01 | 10 | 2 | 20% | estate |" in text
    assert "### MEDIUM · growth · HQ/network-advantage" in text
    assert "- **Devices (1):** h2" in text
    assert "| 2026-09-02 | Consolidated hygiene pack due |" in text
    assert "Review cadence: **quarterly**." in text
