"""Build the trade-off report's context from the compared strategies (the optimal mix first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date

from planner import __version__
from planner.plan import CostBreakdown, Plan, Strategy
from planner.reports.charts import cost_chart, site_map
from planner.reports.context import (
    Chart,
    CostPart,
    ReportMeta,
    StrategyRow,
    TradeoffReport,
)
from planner.reports.exposure import exposure_rows, solved
from planner.reports.reproducibility import NOT_STAMPED, reproducibility
from planner.reports.sites import SitePricer, site_rows

COST_PARTS = tuple(f.name for f in fields(CostBreakdown))


def meta(plan: Plan, kind: str, title: str, when: date | None) -> ReportMeta:
    estate = plan.estate
    return ReportMeta(title=title, kind=kind, estate=estate.name, account=estate.account.name,
                      currency=estate.costs.currency,
                      generated=when.isoformat() if when else NOT_STAMPED,
                      tool_version=__version__, horizon_years=estate.costs.horizon_years)


def optimal_of(plans: Sequence[Plan]) -> Plan:
    for plan in plans:
        if plan.strategy is Strategy.OPTIMAL:
            return plan
    raise ValueError("the compared plans hold no optimal mix")


def strategy_rows(plans: Sequence[Plan], best: Plan) -> tuple[StrategyRow, ...]:
    rows = []
    devices = len(best.estate.devices)
    for plan in plans:
        ok = solved(plan)
        exposed: dict[str, int] = {}
        for item in plan.exposure:
            exposed[item.site] = max(exposed.get(item.site, 0), item.devices)
        rows.append(StrategyRow(
            strategy=plan.strategy.value, status=plan.status.value, feasible=ok,
            chosen=plan.strategy is Strategy.OPTIMAL,
            total=plan.costs.total if ok else 0.0,
            parts=tuple(CostPart(p, getattr(plan.costs, p) if ok else 0.0) for p in COST_PARTS),
            delta=plan.costs.total - best.costs.total if ok else 0.0,
            devices_reserved=plan.devices_reserved,
            locked_share=plan.devices_reserved / devices if devices else 0.0,
            flexibility=plan.costs.flexibility, servers=sum(p.servers for p in plan.servers),
            labour_hours_initial=plan.labour_hours_initial,
            labour_hours_per_year=plan.labour_hours_per_year,
            exposed_devices=sum(exposed.values()), gap=plan.gap,
            infeasible_sites=tuple(site for site, _ in plan.infeasible),
            infeasible_example=_example(plan),
        ))
    return tuple(rows)


def _example(plan: Plan) -> str:
    """The first infeasible site's first reason, without the repeated mode prefix."""
    if not plan.infeasible:
        return ""
    site, reasons = plan.infeasible[0]
    reason = reasons[0] if reasons else "no mode is possible"
    mode = plan.strategy.forced_mode
    if mode is not None and reason.startswith(f"{mode.value}: "):
        reason = reason[len(mode.value) + 2:]
    return f"{site}: {reason}"


def _headline(rows: tuple[StrategyRow, ...], best: Plan) -> tuple[str, ...]:
    cur = best.estate.costs.currency
    years = best.estate.costs.horizon_years
    lines = [f"The optimal mix costs {cur} {best.costs.total:,.2f} over {years} years "
             f"({best.status.value}, proven gap {best.gap:.3%})."]
    singles = [r for r in rows if not r.chosen]
    feasible = sorted((r for r in singles if r.feasible), key=lambda r: (r.total, r.strategy))
    if feasible:
        cheapest = feasible[0]
        lines.append(f"The cheapest single-mode strategy, {cheapest.strategy}, costs "
                     f"{cur} {cheapest.delta:,.2f} more.")
    out = [r.strategy for r in singles if not r.feasible]
    if out:
        lines.append(f"{len(out)} of {len(singles)} single-mode strategies are impossible for "
                     f"this estate: {', '.join(out)}.")
    servers = ", ".join(f"{p.site} ({p.mode.value})" for p in best.servers) or "none"
    lines.append(f"The mix reserves {best.devices_reserved} devices, needs "
                 f"{best.labour_hours_per_year:,.1f} labour hours a year after "
                 f"{best.labour_hours_initial:,.1f} hours of set-up, and places SSM On-Prem "
                 f"servers at: {servers}.")
    return tuple(lines)


def build_tradeoff(plans: Sequence[Plan], *, when: date | None, date_source: str,
                   command: str) -> TradeoffReport:
    best = optimal_of(plans)
    estate = best.estate
    ordered = (best, *[p for p in plans if p is not best])
    rows = strategy_rows(ordered, best)
    cur = estate.costs.currency
    sites, flips = site_rows(SitePricer(estate, best))
    exposure = tuple(row for plan in ordered for row in exposure_rows(plan))
    notes = (
        "Strategy totals are whole-plan costs over the horizon from the optimiser, including "
        "licence purchases, On-Prem servers and transfers.",
        "Per-site alternative costs are site-level (device labour, exposure, flexibility, PLR "
        "uplift, per-site work, and a new On-Prem server when none serves the site); "
        "`planner explain ESTATE --site ID` re-solves the whole plan for one site.",
        "Exposure lists the licence data elements that leave each site's boundary: hostnames "
        "stay in wherever the site's policy sets hostname privacy.",
    )
    return TradeoffReport(
        meta=meta(best, "tradeoff", f"Licensing trade-off report: {estate.name}", when),
        headline=_headline(rows, best), strategies=rows, cost_parts=COST_PARTS,
        cost_chart=Chart("cost-chart", "Cost by part per strategy",
                         cost_chart(rows, COST_PARTS, cur),
                         f"Total cost over {estate.costs.horizon_years} years in {cur}, split "
                         "by part; the optimal mix first."),
        exposure=exposure, sites=sites, flips=flips,
        site_map=Chart("site-map", "Sites, enclaves and SSM On-Prem servers",
                       site_map(estate, best),
                       "Sites coloured by the optimal mix's mode, grouped by boundary-free "
                       "segment."),
        notes=notes, assumptions=best.assumptions,
        reproducibility=reproducibility(estate, best, when, date_source, command),
    )
