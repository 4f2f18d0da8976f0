"""The executive page: the plan in a sentence per mode, the comparison on controllable spend,
the first deadlines; every figure the same as the report's own tables."""

from __future__ import annotations

import re
from datetime import date

from planner.reports.charts import COMMON_PART
from planner.reports.render import ReportFormat, ReportKind
from tests.reports.conftest import WHEN, Built


def test_comparison_matches_the_strategy_rows(example: Built) -> None:
    e = example.tradeoff.executive
    rows = {r.label: r for r in example.tradeoff.strategies}
    best = next(r for r in example.tradeoff.strategies if r.chosen)

    def controllable(row: object) -> float:
        return sum(p.value for p in row.parts if p.name != COMMON_PART)  # type: ignore[attr-defined]

    assert [s.strategy for s in e.strategies] == [r.label for r in example.tradeoff.strategies]
    for s in e.strategies:
        row = rows[s.strategy]
        assert s.feasible == row.feasible
        if s.feasible:
            assert abs(s.controllable - controllable(row)) < 0.01
            assert abs(s.delta - (controllable(row) - controllable(best))) < 0.01
    purchases = {round(s.purchases, 2) for s in e.strategies if s.feasible}
    assert e.purchases_common == (len(purchases) == 1)
    assert f"{controllable(best):,.2f}" in e.verdict


def test_plan_sentences_cover_every_device_once(example: Built) -> None:
    e = example.tradeoff.executive
    counted = sum(int(m.replace(",", "")) for m in re.findall(r"\(([\d,]+) devices\)",
                                                               " ".join(e.plan)))
    assert counted == len(example.estate.devices)
    modes = {d.mode for d in example.plan.class_decisions}
    assert len(e.plan) == len(modes)


def test_risks_are_the_first_deadlines(example: Built) -> None:
    e = example.tradeoff.executive
    assert 0 < len(e.risks) <= 3
    dated = [r.deadline for r in e.risks if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.deadline)]
    assert dated == sorted(dated)
    clock_dates = sorted(c.due for c in example.compliance.clocks
                         if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.due))
    if clock_dates:
        assert dated and dated[0] == clock_dates[0]
        assert all(date.fromisoformat(d) >= date.fromisoformat(WHEN) for d in dated)


def test_summary_kind_is_the_executive_page_alone(example: Built) -> None:
    html = example.render(ReportKind.SUMMARY, ReportFormat.HTML)
    full = example.render(ReportKind.TRADEOFF, ReportFormat.HTML)
    assert 'id="executive"' in html and 'id="executive"' in full
    assert 'id="exposure"' not in html and 'id="exposure"' in full
    assert full.index('id="executive"') < full.index('id="strategies"')  # at the top
    md = example.render(ReportKind.SUMMARY, ReportFormat.MD)
    assert md.startswith("# Licensing plan: executive summary")
    assert example.summary.registers == ()


def test_strategy_exposure_shows_what_differs(example: Built) -> None:
    """The trade-off table's exposure cell is the plan's exposure price and, per data element,
    the devices whose element leaves: a count of 'exposed devices' was the same for every
    strategy (each mode sends at least the identity once)."""
    best = example.plan
    row = next(r for r in example.tradeoff.strategies if r.chosen)
    assert abs(row.exposure - best.costs.exposure) < 0.01
    assert dict(row.exposed_by_element) == {e.value: n for e, n in
                                            best.exposed_by_element().items() if n}
    html = example.render(ReportKind.TRADEOFF, ReportFormat.HTML)
    for element, n in row.exposed_by_element:
        assert f"{element} {n}" in html


def test_standing_risks_come_before_the_deadlines() -> None:
    """A reseller-held account is a risk to act on before adoption: it leads the page's risks,
    chosen by the risk's own flag rather than by matching its wording."""
    from dataclasses import replace

    from planner.model import Holder
    from planner.optimise import plan_estate
    from planner.reports.executive import top_risks
    from tests.engine_io.conftest import sample_estate

    estate = sample_estate()
    estate = replace(estate, account=replace(estate.account, holder=Holder.RESELLER))
    risks = top_risks(plan_estate(estate), date.fromisoformat(WHEN))
    assert risks[0].deadline == "before adopting the plan"
    assert "reseller-held" in risks[0].risk
    customer = top_risks(plan_estate(sample_estate()), date.fromisoformat(WHEN))
    assert all(r.deadline != "before adopting the plan" for r in customer)
