"""The executive page: the recommended plan, what it saves on the spend it controls, the risks
that come due first, and the renewal headline when history exists.

It opens the trade-off report and stands alone as `planner report --kind summary`. Every figure
comes from the same strategy rows, clocks and risks the rest of the documents print.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from planner.catalogue import estate_catalogue
from planner.model import Mode
from planner.modes import load_modes
from planner.money import money
from planner.plan import Plan
from planner.reports.charts import COMMON_PART
from planner.reports.compliance import clocks, flows, risks
from planner.reports.context import ExecutiveRisk, ExecutiveRow, ExecutiveSummary, StrategyRow
from planner.reports.exposure import groups
from planner.reports.registers import summarise_clocks

RISKS_SHOWN = 3


def _purchases(row: StrategyRow) -> float:
    return sum(p.value for p in row.parts if p.name == COMMON_PART)


def plan_sentences(plan: Plan) -> tuple[str, ...]:
    """One sentence per mode the plan uses: where, how many devices, and the server sites."""
    specs = load_modes()
    sites: dict[Mode, set[str]] = defaultdict(set)
    devices: dict[Mode, int] = defaultdict(int)
    by_class = {c.id: c for c in plan.classes}
    for decision in plan.class_decisions:
        sites[decision.mode].add(decision.site)
        devices[decision.mode] += by_class[decision.class_id].devices
    lines = []
    for mode in Mode:  # catalogue order
        if mode not in sites:
            continue
        ids = sorted(sites[mode])
        where = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        line = (f"{specs[mode].name} at {len(ids)} site{'s' if len(ids) != 1 else ''} "
                f"({devices[mode]:,} devices): {where}.")
        servers = [p for p in plan.servers if p.mode is mode]
        if servers:
            line += (" SSM On-Prem server" + ("s" if sum(p.servers for p in servers) > 1 else "")
                     + " at " + ", ".join(p.site for p in servers) + ".")
        lines.append(line)
    return tuple(lines)


def comparison(rows: Sequence[StrategyRow]) -> tuple[tuple[ExecutiveRow, ...], bool]:
    """Each strategy on controllable spend against the optimal mix; whether purchases are the
    same for every strategy with a price (then the page shows them once, as common)."""
    best = next(r for r in rows if r.chosen)
    base = best.total - _purchases(best)
    out = []
    for row in rows:
        if not row.feasible:
            out.append(ExecutiveRow(row.strategy, False, 0.0, 0.0, 0.0))
            continue
        controllable = row.total - _purchases(row)
        out.append(ExecutiveRow(row.strategy, True, controllable, controllable - base,
                                _purchases(row)))
    priced = {round(r.purchases, 2) for r in out if r.feasible}
    return tuple(out), len(priced) <= 1


def top_risks(plan: Plan, when: date | None) -> tuple[ExecutiveRisk, ...]:
    """The deadlines that come first, one per mode (the soonest clock of each), then standing
    risks (a reseller-held account, an unproven optimum) with no date of their own."""
    estate = plan.estate
    catalogue = estate_catalogue(estate)
    dated: dict[str, ExecutiveRisk] = {}
    grouped = groups(plan)  # once, for the clocks and the flows
    for item in summarise_clocks(clocks(plan, when, catalogue, grouped=grouped)):
        try:
            date.fromisoformat(item.due)
        except ValueError:
            continue  # a standing instruction, not a deadline
        if item.mode in dated:
            continue  # sorted by date: the first per mode is the soonest
        dated[item.mode] = ExecutiveRisk(
            f"{item.mode}: {item.clock}", item.due,
            f"{item.sites} site{'s' if item.sites != 1 else ''}, {item.devices:,} devices")
    ordered = sorted(dated.values(), key=lambda r: (r.deadline, r.risk))
    standing = [ExecutiveRisk(r.risk, "before adopting the plan", r.treatment)
                for r in risks(plan, flows(plan, grouped)) if r.standing]
    return tuple((standing + ordered)[:RISKS_SHOWN])


def build_executive(best: Plan, rows: Sequence[StrategyRow], when: date | None,
                    renewal: str = "") -> ExecutiveSummary:
    table, common = comparison(rows)
    cur = best.estate.costs.currency
    years = best.estate.costs.horizon_years
    chosen = next(r for r in table if r.strategy == next(s.strategy for s in rows if s.chosen))
    # The nearest alternative that costs more: a strategy priced where allowed can coincide with
    # the mix (its mode is the mix's wherever it is eligible), which says nothing to a reader.
    rivals = sorted((r for r in table if r.feasible and r is not chosen and r.delta >= 0.005),
                    key=lambda r: (r.delta, r.strategy))
    same = [r.strategy for r in table if r.feasible and r is not chosen and r.delta < 0.005]
    verdict = (f"The recommended mix controls {money(chosen.controllable, cur)} of spend over "
               f"{years} years")
    if rivals:
        verdict += (f"; the nearest alternative, {rivals[0].strategy}, costs "
                    f"{money(rivals[0].delta, cur)} more")
    else:
        verdict += "; no strategy that differs from it can be priced for this estate"
    verdict += "." + (f" {', '.join(same)} price{'s' if len(same) == 1 else ''} the same as the "
                      "mix (where allowed, they fall back to it)." if same else "")
    return ExecutiveSummary(
        plan=plan_sentences(best), verdict=verdict, strategies=table,
        purchases_common=common, purchases=chosen.purchases, risks=top_risks(best, when),
        renewal=renewal)
