"""Per-site decisions for the trade-off report: why each other mode lost, and what would flip it.

Alternatives are priced at SITE level from the optimiser's own parameters (`build_data`): the
unit costs of every device group at the site in that mode, the site's per-mode charges, and one
SSM On-Prem server when the plan has none of that mode serving the site. Knock-on effects on
licence transfers are left to `planner explain --site`, which re-solves. Because site-level
costs are linear in the labour rate and in the policy's exposure price, the rate or price at
which the nearest alternative ties is exact for that comparison.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from planner.explain import site_exclusions
from planner.model import Estate, Mode
from planner.modes import data_leaving_for, load_modes
from planner.optimise import build_data
from planner.optimise.data import (
    SYNC_CLOCK_PER_YEAR,
    ModelData,
    Unit,
    exposure_share,
    unit_cost,
)
from planner.plan import Plan
from planner.reports.context import Alternative, Flip, SiteRow

_EPS = 0.005


@dataclass(frozen=True, slots=True)
class _Priced:
    cost: float
    hours: float  # labour hours over the horizon (what the labour rate multiplies)
    weight: float  # device-years of exposure share (what the exposure price multiplies)
    note: str


class SitePricer:
    """Site-level prices of every mode, from one `build_data` of the estate."""

    def __init__(self, estate: Estate, plan: Plan) -> None:
        self.estate, self.plan = estate, plan
        self.data: ModelData = build_data(estate)
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.data.units:
            self.units[unit.site].append(unit)
        self.chosen = {d.class_id: d.mode for d in plan.class_decisions}
        self.served = {(p.mode, s) for p in plan.servers for s in p.sites_served}

    def _charges(self, site: str, mode: Mode) -> tuple[float, float]:
        cost = hours = 0.0
        years = self.estate.costs.horizon_years
        for charge in self.data.charges:
            if charge.site == site and charge.mode is mode:
                cost += charge.cost
                hours += charge.hours_initial + charge.hours_per_year * years
        return cost, hours

    def _server(self, site: str, mode: Mode) -> tuple[float, float, str]:
        if mode not in (Mode.ONPREM_NETWORK, Mode.ONPREM_MANUAL) or (mode, site) in self.served:
            return 0.0, 0.0, ""
        years = self.estate.costs.horizon_years
        options = [g for g in self.data.groups if g.mode is mode and site in g.serves]
        if options:
            group = min(options, key=lambda g: (g.cost, g.site))
            return (group.cost, group.hours_initial + group.hours_per_year * years,
                    f"includes a new SSM On-Prem server at {group.site}")
        # No candidate in the planned estate (a lever makes On-Prem possible): price one server
        # the way the optimiser does (docs/model.md), at the site itself.
        costs, spec = self.estate.costs, load_modes()[mode]
        pair = 2 if costs.onprem_ha else 1
        sync = spec.hours_per_server_year
        if mode is Mode.ONPREM_MANUAL and 0 < spec.server_trips_per_year < SYNC_CLOCK_PER_YEAR:
            sync *= SYNC_CLOCK_PER_YEAR / spec.server_trips_per_year
        hours = pair * costs.onprem_server_setup_hours + sync * years
        cost = pair * costs.onprem_server_cost_per_year * years + hours * costs.labour_rate_per_hour
        return cost, hours, f"includes a new SSM On-Prem server at {site}"

    def price(self, site: str, mode: Mode, estate: Estate | None = None) -> _Priced:
        """Every device group of the site in `mode` (on `estate`, default the planned one)."""
        est = estate or self.estate
        spec = load_modes()[mode]
        policy = est.policy(est.site(site).classification)
        years = est.costs.horizon_years
        cost = hours = weight = 0.0
        share = exposure_share(policy.hostname_privacy, data_leaving_for(spec, policy))
        for unit in self.units[site]:
            uc = unit.cost.get(mode) if est is self.estate else None
            if uc is None:
                uc = unit_cost(est, est.site(site), spec, unit.devices, unit.members)
            cost += uc.total
            hours += uc.hours_initial + uc.hours_per_year * years
            weight += unit.devices * years * share
        if est is self.estate:
            c_cost, c_hours = self._charges(site, mode)
        else:  # a lever estate: the mode had no charge computed; price its per-site work
            c_hours = spec.hours_initial_per_site + spec.hours_per_site_year * years
            c_cost = c_hours * est.costs.labour_rate_per_hour
        s_cost, s_hours, note = self._server(site, mode)
        return _Priced(cost + c_cost + s_cost, hours + c_hours + s_hours, weight, note)

    def chosen_price(self, site: str) -> _Priced:
        """The plan's own site-level cost (servers it already runs are shared, not counted)."""
        years = self.estate.costs.horizon_years
        specs = load_modes()
        cost = hours = weight = 0.0
        modes = set()
        for unit in self.units[site]:
            mode = self.chosen[unit.class_ids[0]]
            modes.add(mode)
            uc = unit.cost[mode]
            policy = self.estate.policy(self.estate.site(site).classification)
            cost += uc.total
            hours += uc.hours_initial + uc.hours_per_year * years
            weight += unit.devices * years * exposure_share(
                policy.hostname_privacy, data_leaving_for(specs[mode], policy))
        for mode in modes:
            c_cost, c_hours = self._charges(site, mode)
            cost, hours = cost + c_cost, hours + c_hours
        return _Priced(cost, hours, weight, "")


def _lever(estate: Estate, site_id: str, mode: Mode) -> tuple[Estate, list[str]]:
    """The estate with every input the user controls that blocks `mode` at the site changed."""
    changes: list[str] = []
    policy = estate.policy(estate.site(site_id).classification)
    if mode not in policy.allowed_modes:
        changes.append(f"allow {mode.value} in policy '{policy.name}'")
        estate = replace(estate, policies=tuple(
            replace(p, allowed_modes=p.allowed_modes | {mode}) if p.name == policy.name else p
            for p in estate.policies))
    account = estate.account
    if mode is Mode.SLR and not account.slr_preapproved:
        changes.append("pre-approve SLR on the Smart Account")
        account = replace(account, slr_preapproved=True)
    if mode is Mode.PLR and not account.plr_preapproved:
        changes.append("pre-approve PLR on the Smart Account")
        account = replace(account, plr_preapproved=True)
    if mode is Mode.PLR and not account.export_authorised:
        changes.append("obtain export authorisation (PLR)")
        account = replace(account, export_authorised=True)
    return replace(estate, account=account), changes


def _break_even(now: float, delta: float, slope: float) -> float | None:
    """The parameter value where an alternative `delta` dearer today ties (cost slope known)."""
    if abs(slope) < 1e-9:
        return None
    value = now - delta / slope
    return value if value >= 0 else None


def site_rows(pricer: SitePricer) -> tuple[tuple[SiteRow, ...], tuple[Flip, ...]]:
    estate, plan = pricer.estate, pricer.plan
    cur, rate = estate.costs.currency, estate.costs.labour_rate_per_hour
    rows, flips = [], []
    for decision in plan.sites:
        site = estate.site(decision.site)
        policy = estate.policy(site.classification)
        chosen = pricer.chosen_price(site.id)
        excluded = dict(decision.excluded)
        alts: list[Alternative] = []
        priced: list[tuple[float, Mode, _Priced]] = []
        for mode in Mode:
            if mode in decision.modes:
                alts.append(Alternative(mode.value, "chosen", 0.0, "the plan's choice"))
                continue
            if mode in excluded:
                alts.append(Alternative(mode.value, "excluded", None, "; ".join(excluded[mode])))
                lever_estate, changes = _lever(estate, site.id, mode)
                if changes and not site_exclusions(lever_estate, site.id)[mode]:
                    alt = pricer.price(site.id, mode, lever_estate)
                    delta = alt.cost - chosen.cost
                    verdict = (f"would save {cur} {-delta:,.2f}" if delta < -_EPS
                               else f"would still cost {cur} {delta:,.2f} more")
                    flips.append(Flip(site.id, "; ".join(changes),
                                      f"{'; '.join(changes)}: {mode.value} becomes eligible and "
                                      f"{verdict} at site level"))
                continue
            alt = pricer.price(site.id, mode)
            delta = alt.cost - chosen.cost
            why = (f"{cur} {delta:,.2f} more at site level" if delta >= -_EPS else
                   f"{cur} {-delta:,.2f} less at site level, but the plan as a whole is cheaper "
                   "without it (shared servers, transfers or purchases)")
            if alt.note:
                why += f" ({alt.note})"
            alts.append(Alternative(mode.value, "costs more" if delta >= -_EPS
                                    else "loses on shared costs", delta, why))
            priced.append((delta, mode, alt))
        if priced:
            delta, mode, alt = min(priced, key=lambda p: (p[0], p[1].value))
            parts = [f"nearest eligible alternative {mode.value} costs {cur} {delta:,.2f} more"]
            r = _break_even(rate, delta, alt.hours - chosen.hours)
            if r is not None and delta > _EPS:
                parts.append(f"it ties at a labour rate of {cur} {r:,.2f}/h (now {rate:,.2f})")
            p = _break_even(policy.exposure_cost_per_device_year, delta,
                            alt.weight - chosen.weight)
            if p is not None and delta > _EPS:
                parts.append(f"or at an exposure price for policy '{policy.name}' of {cur} "
                             f"{p:,.2f} per device-year (now "
                             f"{policy.exposure_cost_per_device_year:,.2f})")
            flips.append(Flip(site.id, "nearest alternative", "; ".join(parts)))
        elif not any(f.site == site.id for f in flips):
            flips.append(Flip(site.id, "none", "no other mode is possible here: only the "
                              "exclusions listed would change the choice"))
        rows.append(SiteRow(
            site=site.id, name=site.name, classification=site.classification,
            internet=site.internet.value, enclave=site.enclave or "",
            modes=", ".join(m.value for m in decision.modes),
            server_site=decision.server_site or "", devices=decision.devices,
            cost=decision.total, hours_per_year=decision.labour_hours_per_year,
            alternatives=tuple(alts),
        ))
    return tuple(rows), tuple(sorted(flips, key=lambda f: (f.site, f.lever)))
