"""The two sides of the renewal: opening - position = the actions' savings, no unit twice.

`check` states the invariants once; they are asserted on every bundled example (as loaded and
grown over two snapshots), on generated estates (hypothesis) and under the what-if flags.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.catalogue import load_catalogue
from planner.history import add_snapshot, from_estate, open_history
from planner.loader import load_estate
from planner.model import EnterpriseAgreement, Estate
from planner.money import money
from planner.renewal import RenewalBrief, run_renewal
from planner.renewal.consumption import balances
from planner.renewal.context import build_context
from planner.renewal.growth import growth_by_va
from planner.renewal.position import ActionKind, LineKind, WhatIf
from planner.renewal.read import history_view
from planner.renewal.render import render_brief_md, render_table
from planner.resources import examples_dir, models_dir

EXAMPLES = sorted(p.parent.name for p in examples_dir().glob("*/estate.yaml"))
AS_IS = date(2026, 12, 1)
GROWN = date(2027, 3, 1)
RENEW = date(2027, 6, 30)


def check(brief: RenewalBrief, est: Estate, reference: date,
          conn: sqlite3.Connection | None = None) -> None:
    p = brief.position
    # Opening - position = the sum of the action lines.
    assert math.isclose(p.opening - p.position, sum(a.saving for a in p.actions),
                        abs_tol=1e-6)
    assert len({ln.id for ln in p.lines}) == len(p.lines)
    lines = {ln.id: ln for ln in p.lines}
    moved: dict[str, int] = defaultdict(int)
    for a in p.actions:
        for m in a.moves:
            line = lines[m.line]
            assert m.units > 0
            assert math.isclose(m.money, m.units * line.unit_price * line.factor, abs_tol=1e-6)
            moved[m.line] += m.units
        assert a.hours >= 0 and a.due and a.step
    for line_id, units in moved.items():
        assert units <= lines[line_id].units, line_id  # no unit moved twice
    for ln in p.lines:
        assert ln.units > 0 and ln.basis
        assert math.isclose(ln.money, ln.units * ln.unit_price * ln.factor, abs_tol=1e-6)
        assert ln.entitlement_rows or ln.devices, ln.id  # traceable to evidence
        # ... and to the action that moves it, or the reason its units stay
        assert moved.get(ln.id, 0) == ln.units or p.stays(ln), ln.id
    # The partition: per (VA, licence) the renewal carries the entitled units in force, and
    # the over-consumed units sit on exactly one of true-forward, step-up or allowance uplift.
    hist = history_view(conn, reference) if conn is not None else None
    ctx = build_context(est, est.catalogue or load_catalogue(), reference=reference,
                        renewal=brief.renewal, history=hist)
    bal = balances(ctx)
    per: dict[tuple[str, str, LineKind], int] = defaultdict(int)
    for ln in p.lines:
        if ln.site is None:
            per[(ln.virtual_account, ln.tag, ln.kind)] += ln.units
    spare_used: dict[tuple[str, str], int] = defaultdict(int)
    for (va, tag), b in bal.items():
        renewed = per[(va, tag, LineKind.RENEWAL)]
        assert renewed == (b.quantity if ctx.is_term(tag, va) else 0), (va, tag)
        over = sum(per[(va, tag, k)] for k in (LineKind.TRUE_FORWARD, LineKind.STEP_UP,
                                               LineKind.UPLIFT))
        assert over == b.over, (va, tag)
    for ln in p.lines:
        if ln.kind is LineKind.STEP_UP:
            assert ln.lower is not None
            spare_used[(ln.virtual_account, ln.lower)] += ln.units
    for a in p.actions:
        for m in a.moves:
            line = lines[m.line]
            if a.kind is ActionKind.REASSIGN:
                spare_used[(m.from_va, line.tag)] += m.units
            elif a.kind in (ActionKind.DROP, ActionKind.CLOSE_VA):
                spare_used[(line.virtual_account, line.tag)] += m.units
    for key, used in spare_used.items():
        assert used <= bal[key].spare, key  # a spare unit is stepped, moved or dropped once
    grown_units = {(g.virtual_account, g.site, g.tag): g.units
                   for g in growth_by_va(ctx)}
    for ln in p.lines:
        if ln.site is not None:
            assert grown_units.get((ln.virtual_account, ln.site, ln.tag)) == ln.units
    # Every finding points at lines that exist.
    for f in brief.findings:
        assert set(f.lines) <= set(lines), f.id


def grown(est: Estate) -> Estate:
    tagged = {s.id for s in est.sites
              if any(t == "seasonal" or t.startswith("project:") for t in s.tags)}
    extra = [replace(d, hostname=f"{d.hostname}-g", serial=f"{d.serial}G" if d.serial else "",
                     members=())
             for i, d in enumerate(sorted(est.devices, key=lambda d: d.hostname))
             if d.site in tagged or i % 25 == 0]
    return replace(est, devices=est.devices + tuple(extra))


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_sides_on_each_example(name: str, tmp_path: Path) -> None:
    est = load_estate(examples_dir() / name / "estate.yaml", today=AS_IS).estate
    brief = run_renewal(est, reference=AS_IS, renewal=RENEW)
    check(brief, est, AS_IS)
    p = brief.position
    assert p.opening > p.position > 0 and p.headroom > 0
    assert {ln.kind for ln in p.lines} >= {LineKind.RENEWAL, LineKind.TRUE_FORWARD}
    text = render_brief_md(brief)
    first = text[:text.index("## Findings by kind")]
    cur = brief.currency
    assert money(p.opening, cur) in first and money(p.position, cur) in first
    assert money(p.headroom, cur) in first and f"{p.headroom_share:.1%}" in first
    for a in p.top(5):
        assert a.due.isoformat() in first
    for ln in p.lines:
        assert ln.id.replace("<", "&lt;") in text.replace("\\", "")
    table = render_table(brief)
    assert max(len(row) for row in table.splitlines()) <= 100
    assert max(len(row) for row in render_table(brief, wide=True).splitlines()) > 100


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_sides_over_two_snapshots(name: str, tmp_path: Path) -> None:
    est = load_estate(examples_dir() / name / "estate.yaml", today=AS_IS).estate
    later = grown(est)
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(est, AS_IS))
    add_snapshot(conn, from_estate(later, GROWN))
    brief = run_renewal(later, reference=GROWN, renewal=RENEW, conn=conn)
    check(brief, later, GROWN, conn)
    p = brief.position
    assert any(ln.kind is LineKind.UPLIFT and ln.site for ln in p.lines)
    growth = [f for f in brief.findings if str(f.kind).startswith("growth")]
    assert growth and all(f.lines for f in growth)
    if any(ctx_tagged(later)):
        assert any(a.kind is ActionKind.SEGMENT for a in p.actions)
    doc = json.loads(json.dumps(brief.to_dict(), sort_keys=True))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, json.loads((models_dir() / "renewal.schema.json").read_text()))


def ctx_tagged(est: Estate) -> list[str]:
    return [s.id for s in est.sites
            if any(t == "seasonal" or t.startswith("project:") for t in s.tags)]


def test_what_if_flags_exclude_exactly_their_actions() -> None:
    est = load_estate(examples_dir() / "federal-agency" / "estate.yaml", today=AS_IS).estate
    base = run_renewal(est, reference=AS_IS, renewal=RENEW).position
    downs = [a for a in base.actions if a.kind is ActionKind.DOWNGRADE and a.saving > 0]
    assert downs
    no_down = run_renewal(est, reference=AS_IS, renewal=RENEW,
                          what_if=WhatIf(no_downgrade=True)).position
    assert not any(a.kind is ActionKind.DOWNGRADE for a in no_down.actions)
    assert no_down.opening == base.opening
    assert {e.reason for e in no_down.excluded} == {"--no-downgrade"}
    drop = next(a for a in base.actions if a.kind in (ActionKind.DROP, ActionKind.CLOSE_VA))
    kept_line = drop.moves[0].line
    va, _, tag = kept_line.removeprefix("renewal:").partition("/")
    kept = run_renewal(est, reference=AS_IS, renewal=RENEW,
                       what_if=WhatIf(keep=(f"{va}/{tag}",))).position
    assert kept_line not in {m.line for a in kept.actions for m in a.moves}
    assert math.isclose(base.headroom - kept.headroom, drop.moves[0].money, abs_tol=1e-6)
    assert [e.reason for e in kept.excluded] == [f"--keep {va}/{tag}"]


def test_actions_are_ranked_by_money_per_hour_with_planner_labour_rate() -> None:
    est = load_estate(examples_dir() / "regional-bank" / "estate.yaml", today=AS_IS).estate
    p = run_renewal(est, reference=AS_IS, renewal=RENEW).position
    rates = [a.per_hour for a in p.actions]
    assert rates == sorted(rates, reverse=True)
    for a in p.actions:
        assert a.rate == est.costs.labour_rate_per_hour
        if a.kind is ActionKind.REASSIGN:
            pairs = a.title.count("->")
            assert a.hours == pairs * est.costs.transfer_hours_per_batch


TAGS = ("network-essentials", "network-advantage", "dna-essentials", "dna-advantage")


@st.composite
def estates(draw: st.DrawFn) -> Estate:
    vas = ("NET", "POOL", "LAB")
    ents = []
    for va in vas:
        for tag in TAGS:
            for _ in range(draw(st.integers(0, 2))):
                lapsed = draw(st.booleans()) and tag.startswith("dna")
                ents.append(ent(va, tag, draw(st.integers(0, 12)),
                                price=draw(st.one_of(st.none(), st.sampled_from(
                                    [50.0, 120.0, 700.0, 1500.0]))),
                                start=date(2024, 1, 1) if tag.startswith("dna") else None,
                                end=(date(2026, 1, 1) if lapsed else date(2028, 1, 1))
                                if tag.startswith("dna") else None))
    devs = []
    for i in range(draw(st.integers(0, 14))):
        va = draw(st.sampled_from(vas))
        lic = ",".join(draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2,
                                     unique=True)))
        devs.append(dev(f"d{i}", lic, va=va, site=draw(st.sampled_from(("HQ", "FAIR")))))
    ea = (EnterpriseAgreement(date(2025, 1, 1), date(2027, 12, 31), 0.2)
          if draw(st.booleans()) else None)
    return estate(devs, ents, vas=vas, agreement=ea)


@settings(max_examples=60, deadline=None)
@given(estates(), st.booleans())
def test_invariants_hold_on_generated_estates(est: Estate, no_downgrade: bool) -> None:
    brief = run_renewal(est, reference=REFERENCE, renewal=RENEWAL,
                        what_if=WhatIf(no_downgrade=no_downgrade))
    check(brief, est, REFERENCE)


def test_readme_states_the_federal_agency_headroom_as_computed() -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    if not readme.is_file():
        pytest.skip("no README in this checkout")
    text = " ".join(readme.read_text(encoding="utf-8").split())
    est = load_estate(examples_dir() / "federal-agency" / "estate.yaml", today=AS_IS).estate
    p = run_renewal(est, reference=AS_IS, renewal=date(2027, 6, 30)).position
    assert "`--date 2026-12-01 --renewal-date 2027-06-30`" in text
    assert f"expected opening is {money(p.opening, 'USD')}" in text
    assert f"buyer's position {money(p.position, 'USD')}" in text
    assert f"headroom of {money(p.headroom, 'USD')} ({p.headroom_share:.1%})" in text
    for a in p.actions:
        if a.kind is not ActionKind.REASSIGN:
            assert f"{money(a.saving, 'USD')}" in text, a.id
    moved = sum(a.saving for a in p.actions if a.kind is ActionKind.REASSIGN)
    assert f"({money(moved, 'USD')})" in text
