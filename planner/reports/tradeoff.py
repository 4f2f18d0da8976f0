"""Build the trade-off report's context from the compared strategies (the optimal mix first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from planner.money import money
from planner.optimise.strategies import Comparison, StrategyResult
from planner.plan import COST_PARTS, Plan, Pricing, SolveStatus, Strategy
from planner.reports.charts import COMMON_PART, cost_chart, site_map
from planner.reports.context import (
    Chart,
    CostPart,
    StrategyRow,
    TradeoffReport,
)
from planner.reports.executive import build_executive
from planner.reports.exposure import exposure_rows
from planner.reports.meta import meta
from planner.reports.registers import (
    exposure_register,
    flips_register,
    sites_register,
    sites_shown,
    summarise_exposure,
    summarise_sites,
)
from planner.reports.reproducibility import reproducibility
from planner.reports.sites import SitePricer, site_rows
from planner.writers.plan_files import unpriced_note


@dataclass(frozen=True, slots=True)
class PricedStrategyRow(StrategyRow):
    """A strategy row that also says how it is priced: over all sites, or where allowed (the
    pure strategy is infeasible; its mode wherever eligible, the optimal mode elsewhere)."""

    priced: str = "all-sites"  # all-sites | where-allowed | none
    devices_in_mode: int = 0  # devices the strategy's mode (the optimal mix: all) covers
    devices_total: int = 0
    fallback: str = ""  # "7 sites, 311 devices: slr 290, onprem-manual 21" ("" when none)
    label: str = ""  # the strategy, marked "*" when priced where allowed (chart, tables)

    @property
    def partial(self) -> bool:
        return self.priced == "where-allowed"


PARTIAL_MARK = " *"
PARTIAL_NOTE = ("* where allowed: the pure strategy is impossible at some sites; it is priced "
                "with its mode wherever eligible and the optimal mode at the sites that fall "
                "back.")


def _chart_caption(rows: Sequence[PricedStrategyRow], horizon: int, currency: str) -> str:
    """Says what the cost chart compares, and whether purchases differ between strategies."""
    bought = sorted({round(p.value) for r in rows if r.feasible for p in r.parts
                     if p.name == COMMON_PART})
    common = ("the same for every strategy" if len(bought) <= 1 else
              f"from {currency} {bought[0]:,} to {currency} {bought[-1]:,} across strategies")
    return (f"Each bar is the spend the choice of modes controls over {horizon} years in "
            f"{currency} (labour, On-Prem servers, exposure, flexibility, transfers, PLR "
            f"uplift), split by part; the optimal mix first. Licence purchases are shown as a "
            f"number beside each bar, not drawn: they are {common}."
            + (" " + PARTIAL_NOTE if any(r.partial for r in rows) else ""))


def strategy_rows(comparison: Comparison) -> tuple[PricedStrategyRow, ...]:
    """One row per strategy, priced from the plan `compare_strategies` says prices it (the pure
    plan or, when it is infeasible, its where-allowed plan); unpriced rows show zeros."""
    rows = []
    best = comparison.optimal
    devices = len(best.estate.devices)
    for result in comparison.results:
        partial = result.where_allowed
        shown = result.priced
        where = result.pricing is Pricing.WHERE_ALLOWED
        rows.append(PricedStrategyRow(
            strategy=result.strategy.value, status=result.status.value,
            feasible=shown is not None, chosen=result.strategy is Strategy.OPTIMAL,
            total=shown.costs.total if shown else 0.0,
            parts=tuple(CostPart(p, getattr(shown.costs, p) if shown else 0.0)
                        for p in COST_PARTS),
            delta=shown.costs.total - best.costs.total if shown else 0.0,
            devices_reserved=shown.devices_reserved if shown else 0,
            locked_share=(shown.devices_reserved / devices if shown and devices else 0.0),
            flexibility=shown.costs.flexibility if shown else 0.0,
            servers=sum(p.servers for p in shown.servers) if shown else 0,
            labour_hours_initial=shown.labour_hours_initial if shown else 0.0,
            labour_hours_per_year=shown.labour_hours_per_year if shown else 0.0,
            exposure=shown.costs.exposure if shown else 0.0,
            exposed_by_element=tuple((e.value, n) for e, n in shown.exposed_by_element().items()
                                     if n) if shown else (),
            gap=shown.gap if shown else 0.0,
            infeasible_sites=tuple(site for site, _ in result.infeasible),
            infeasible_example=_example(result),
            priced=result.pricing.value,
            devices_in_mode=result.devices_in_mode or 0,
            devices_total=devices,
            fallback=partial.fallback_text() if partial and partial.partial else "",
            label=result.strategy.value + (PARTIAL_MARK if where else ""),
        ))
    return tuple(rows)


def _example(result: StrategyResult) -> str:
    """The first infeasible site's first reason, without the repeated mode prefix."""
    if not result.infeasible:
        return ""
    site, reasons = result.infeasible[0]
    reason = reasons[0] if reasons else "no mode is possible"
    mode = result.strategy.forced_mode
    if mode is not None and reason.startswith(f"{mode.value}: "):
        reason = reason[len(mode.value) + 2:]
    return f"{site}: {reason}"


def _headline(rows: tuple[PricedStrategyRow, ...], best: Plan) -> tuple[str, ...]:
    cur = best.estate.costs.currency
    years = best.estate.costs.horizon_years
    lines = [f"The optimal mix costs {money(best.costs.total, cur)} over {years} years "
             f"({best.status.value}, proven gap {best.gap:.3%})."]
    singles = [r for r in rows if not r.chosen]
    pure = sorted((r for r in singles if r.feasible and not r.partial),
                  key=lambda r: (r.total, r.strategy))
    if pure:
        cheapest = pure[0]
        lines.append(f"The cheapest single-mode strategy, {cheapest.strategy}, costs "
                     f"{money(cheapest.delta, cur)} more.")
    out = [r.strategy for r in singles if r.status == SolveStatus.INFEASIBLE.value]
    if out:
        lines.append(f"{len(out)} of {len(singles)} single-mode strategies are impossible at "
                     f"some sites of this estate: {', '.join(out)}.")
    partial = sorted((r for r in singles if r.partial and r.devices_in_mode),
                     key=lambda r: (r.total, r.strategy))
    if partial:
        first = partial[0]
        lines.append(f"Priced where allowed (their mode wherever eligible, the optimal mode "
                     f"elsewhere), the cheapest of them is {first.strategy}: "
                     f"{money(first.delta, cur)} more than the mix, with "
                     f"{first.devices_in_mode:,} of "
                     f"{first.devices_total:,} devices in {first.strategy.removeprefix('all-')}.")
    servers = ", ".join(f"{p.site} ({p.mode.value})" for p in best.servers) or "none"
    lines.append(f"The mix reserves {best.devices_reserved} devices, needs "
                 f"{best.labour_hours_per_year:,.1f} labour hours a year after "
                 f"{best.labour_hours_initial:,.1f} hours of set-up, and places SSM On-Prem "
                 f"servers at: {servers}.")
    return tuple(lines)


def build_tradeoff(comparison: Comparison, *, when: date | None, date_source: str,
                   command: str) -> TradeoffReport:
    best = comparison.optimal
    estate = best.estate
    rows = strategy_rows(comparison)
    cur = estate.costs.currency
    sites, flips = site_rows(SitePricer(estate, best))
    exposure = tuple(row for result in comparison.results if result.priced is not None
                     for row in exposure_rows(result.priced, result.priced_footprint))
    shown = sites_shown(sites)
    notes = (
        "Strategy totals are whole-plan costs over the horizon from the optimiser, including "
        "licence purchases, On-Prem servers and transfers.",
        "Per-site alternative costs are site-level (device labour, exposure, flexibility, PLR "
        "uplift, per-site work, and a new On-Prem server when none serves the site); "
        "`planner explain ESTATE --site ID` re-solves the whole plan for one site.",
        *((PARTIAL_NOTE,) if any(r.partial for r in rows) else ()),
        "Exposure lists the licence data elements that leave each site's boundary: hostnames "
        "stay in wherever the site's policy sets hostname privacy.",
        *((unpriced_note(best),) if unpriced_note(best) else ()),
    )
    return TradeoffReport(
        meta=meta(best, "tradeoff", f"Licensing trade-off report: {estate.name}", when),
        executive=build_executive(best, [replace(r, strategy=r.label) for r in rows], when),
        headline=_headline(rows, best), strategies=rows, cost_parts=COST_PARTS,
        cost_chart=Chart("cost-chart", "Controllable spend per strategy",
                         cost_chart([replace(r, strategy=r.label) for r in rows], COST_PARTS,
                                    cur),
                         _chart_caption(rows, estate.costs.horizon_years, cur)),
        exposure=exposure, exposure_summary=summarise_exposure(exposure), sites=sites,
        site_summary=summarise_sites(sites), sites_shown=shown,
        flips=flips, flips_shown=tuple(f for f in flips if f.site in {s.site for s in shown}),
        site_map=Chart("site-map", "Sites, enclaves and SSM On-Prem servers",
                       site_map(estate, best),
                       "Sites coloured by the optimal mix's mode, grouped by boundary-free "
                       "segment."),
        notes=notes, assumptions=best.assumptions,
        reproducibility=reproducibility(estate, best, when, date_source, command),
        registers=(exposure_register(exposure), sites_register(sites, cur),
                   flips_register(flips)),
    )


def build_summary(comparison: Comparison, *, when: date | None, date_source: str,
                  command: str) -> TradeoffReport:
    """The trade-off report titled as the executive page (`--kind summary` renders only that
    page and the reproducibility block)."""
    report = build_tradeoff(comparison, when=when, date_source=date_source, command=command)
    title = f"Licensing plan: executive summary: {report.meta.estate}"
    return replace(report, meta=replace(report.meta, title=title, kind="summary"),
                   registers=())  # the page links no register
