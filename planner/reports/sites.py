"""Per-site decisions for the trade-off report: why each other mode lost, and what would flip it.

Alternatives are priced at SITE level by the optimiser's own prices (`planner.costing`: a unit's
cost is linear in devices and members, so a site prices as one unit): device labour, exposure,
flexibility and PLR uplift, the site's per-mode charges, and one SSM On-Prem server when the
plan has none of that mode serving the site. Knock-on effects on licence transfers are left to
`planner explain --site`, which re-solves. Site-level costs are linear in the labour rate and in
the policy's exposure price, so the rate or price at which the nearest alternative ties is exact
for that comparison.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.catalogue import Catalogue, estate_catalogue
from planner.costing import (
    break_even,
    charge_accounts,
    class_needs_slac,
    exposure_device_years,
    has_site_charge,
    server_price,
    site_charge,
    unit_cost,
)
from planner.eligibility import mode_exclusions
from planner.explain import lever_estate
from planner.graph import Reach, analyse_reach
from planner.model import Estate, LicensingState, Mode, Site
from planner.modes import ModeSpec, load_modes, modes_for, server_modes
from planner.money import money
from planner.plan import DeviceClass, Plan
from planner.reports.context import Alternative, Flip, SiteRow

_EPS = 0.005


@dataclass(frozen=True, slots=True)
class _Priced:
    cost: float
    hours: float  # labour hours over the horizon (what the labour rate multiplies)
    weight: float  # device-years of exposure share (what the exposure price multiplies)
    note: str


class SitePricer:
    """Site-level prices of every mode for a planned estate (no second model build)."""

    def __init__(self, estate: Estate, plan: Plan) -> None:
        self.estate, self.plan = estate, plan
        self.reach = analyse_reach(estate)
        self.classes: dict[str, list[DeviceClass]] = defaultdict(list)
        for cls in plan.classes:
            self.classes[cls.site].append(cls)
        self.chosen = {d.class_id: d.mode for d in plan.class_decisions}
        self.served = {(p.mode, s) for p in plan.servers for s in p.sites_served}
        self._levers: dict[tuple[str, Mode], tuple[Estate, list[str], Reach]] = {}
        # Per estate priced (the planned one and its lever copies): its sites by id and its mode
        # catalogue; per licence catalogue, whether a kind of class pays SLAC labour (it reads
        # the licence set, SLUP and state only) and each site's devices that do. Each estate
        # and catalogue is kept alive beside its entry, and the classes whose licence sets key
        # the memo by id() are the plan's, so the id() keys stay their own.
        self._per_estate: dict[int, tuple[Estate, dict[str, Site], dict[Mode, ModeSpec]]] = {}
        self._slac: dict[int, dict[tuple[int, bool, str], bool]] = {}
        self._site_slac: dict[tuple[int, str], int] = {}
        self._catalogues: dict[int, Catalogue] = {}
        self._size: dict[str, tuple[int, int]] = {}

    def _facts(self, est: Estate) -> tuple[dict[str, Site], dict[Mode, ModeSpec]]:
        found = self._per_estate.get(id(est))
        if found is None:
            found = self._per_estate[id(est)] = (est, {s.id: s for s in est.sites},
                                                 modes_for(est.costs))
        return found[1], found[2]

    def site(self, site_id: str, estate: Estate | None = None) -> Site:
        """The site of that id in `estate` (default the planned one), without a scan."""
        return self._facts(estate or self.estate)[0][site_id]

    def _slac_devices(self, est: Estate, classes: list[DeviceClass],
                      site: str | None = None) -> int:
        """The devices of `classes` that pay SLAC labour; `site` says they are all of that
        site's classes (priced once per catalogue)."""
        catalogue = estate_catalogue(est)
        if site is not None:
            found = self._site_slac.get((id(catalogue), site))
            if found is None:
                found = self._site_slac[(id(catalogue), site)] = self._slac_devices(est, classes)
            return found
        self._catalogues.setdefault(id(catalogue), catalogue)  # keeps the id its own
        memo = self._slac.setdefault(id(catalogue), {})
        total = 0
        for c in classes:
            key = (id(c.licences), c.runs_slup, c.state)
            needs = memo.get(key)
            if needs is None:
                needs = memo[key] = class_needs_slac(c, catalogue)
            if needs:
                total += c.devices
        return total

    def _charge(self, est: Estate, site: str, mode: Mode) -> tuple[float, float]:
        """The site's per-mode charges, as the optimiser's site charges: (money, hours over the
        horizon); CSLU pays one per Virtual Account at the site."""
        costs, spec = est.costs, self._facts(est)[1][mode]
        if not has_site_charge(spec):
            return 0.0, 0.0
        money = hours = 0.0
        for _va in charge_accounts(mode, sorted({c.virtual_account for c in self.classes[site]})):
            money += site_charge(costs, spec)
            hours += spec.hours_initial_per_site + spec.hours_per_site_year * costs.horizon_years
        return money, hours

    def _server(self, est: Estate, site: str, mode: Mode) -> tuple[float, float, str]:
        """A new SSM On-Prem server when none of the mode serves the site: (cost, hours, note)."""
        if mode not in server_modes() or (mode, site) in self.served:
            return 0.0, 0.0, ""
        costs, spec = est.costs, self._facts(est)[1][mode]
        options = [c for c in self.reach.servers_for(site)
                   if not spec.server_needs_internet or c in self.reach.cssm]
        where = options[0] if options else site
        price = server_price(costs, spec)
        hours = price.hours_initial + price.hours_per_year * costs.horizon_years
        return price.cost, hours, f"includes a new SSM On-Prem server at {where}"

    def _price(self, est: Estate, site: str, mode: Mode, devices: int,
               members: int, classes: list[DeviceClass],
               whole: bool = False) -> tuple[float, float, float]:
        """`classes` at `site` in `mode`; `whole`: they are all of the site's classes."""
        sites, specs = self._facts(est)
        spec = specs[mode]
        policy = est.policy(sites[site].classification)
        years = est.costs.horizon_years
        slac = self._slac_devices(est, classes, site if whole else None)
        uc = unit_cost(est.costs, policy, spec, devices, members, slac)
        weight = exposure_device_years(policy, spec, devices, years)
        return uc.total, uc.hours_initial + uc.hours_per_year * years, weight

    def price(self, site: str, mode: Mode, estate: Estate | None = None) -> _Priced:
        """Every device of the site in `mode` (on `estate`, default the planned one)."""
        est = estate or self.estate
        classes = self.classes[site]
        devices, members = self._sizes(site)
        cost, hours, weight = self._price(est, site, mode, devices, members, classes, whole=True)
        c_cost, c_hours = self._charge(est, site, mode)
        s_cost, s_hours, note = self._server(est, site, mode)
        return _Priced(cost + c_cost + s_cost, hours + c_hours + s_hours, weight, note)

    def _sizes(self, site: str) -> tuple[int, int]:
        """(devices, stack members) of the site, summed once."""
        found = self._size.get(site)
        if found is None:
            classes = self.classes[site]
            found = self._size[site] = (sum(c.devices for c in classes),
                                        sum(c.members for c in classes))
        return found

    def chosen_price(self, site: str) -> _Priced:
        """The plan's own site-level cost (servers it already runs are shared, not counted)."""
        by_mode: dict[Mode, list[DeviceClass]] = defaultdict(list)
        for cls in self.classes[site]:
            by_mode[self.chosen[cls.id]].append(cls)
        cost = hours = weight = 0.0
        for mode, classes in by_mode.items():
            c, h, w = self._price(self.estate, site, mode, sum(x.devices for x in classes),
                                  sum(x.members for x in classes), classes)
            c_cost, c_hours = self._charge(self.estate, site, mode)
            cost, hours, weight = cost + c + c_cost, hours + h + c_hours, weight + w
        return _Priced(cost, hours, weight, "")

    def lever(self, site: str, mode: Mode) -> tuple[Estate, list[str]] | None:
        """The estate with the user-controlled obstacles to `mode` removed, when that is enough
        to make the mode eligible for every device at the site; None otherwise."""
        classification = self.site(site).classification
        key = (classification, mode)
        if key not in self._levers:
            est, changes = lever_estate(self.estate, site, mode)
            self._levers[key] = (est, changes, analyse_reach(est) if changes else self.reach)
        est, changes, reach = self._levers[key]
        if not changes:
            return None
        catalogue = estate_catalogue(est)
        specs = load_modes()
        kinds = {(c.family, c.version, c.state) for c in self.classes[site]}
        for family, version, state in sorted(kinds):
            fam = catalogue.families.get(family) if family else None
            reasons = mode_exclusions(est, self.site(site, est), fam, version,
                                      LicensingState(state or "unknown"), reach, specs)[mode]
            if reasons:
                return None
        return est, changes


def _parameter_flips(site: str, priced: list[tuple[float, Mode, _Priced]], chosen: _Priced,
                     rate: float, policy: str, price: float, cur: str) -> list[Flip]:
    """The nearest alternative, and the labour rate and exposure price at which some eligible
    alternative ties with the choice (the one needing the smallest change of each)."""
    delta, mode, _ = min(priced, key=lambda p: (p[0], p[1].value))
    out = [Flip(site, "nearest alternative",
                f"nearest eligible alternative {mode.value} costs {money(delta, cur)} more at "
                "site level; a change worth more than that at this site flips it")]
    rates, prices = [], []
    for d, m, alt in priced:
        if d <= _EPS:
            continue
        r = break_even(rate, d, alt.hours - chosen.hours)
        if r is not None and r > _EPS:
            rates.append((abs(r - rate), m.value, r))
        p = break_even(price, d, alt.weight - chosen.weight)
        if p is not None:
            prices.append((abs(p - price), m.value, p))
    if rates:
        _, name, r = min(rates)
        out.append(Flip(site, "labour rate", f"at a labour rate of {money(r, cur)}/h (now "
                        f"{money(rate)}) {name} costs the same as the choice at this site"))
    if prices:
        _, name, p = min(prices)
        out.append(Flip(site, "exposure price", f"at an exposure price of {money(p, cur)} per "
                        f"device-year for policy '{policy}' (now {money(price)}) {name} costs "
                        "the same as the choice at this site"))
    return out


def site_rows(pricer: SitePricer) -> tuple[tuple[SiteRow, ...], tuple[Flip, ...]]:
    estate, plan = pricer.estate, pricer.plan
    cur, rate = estate.costs.currency, estate.costs.labour_rate_per_hour
    rows, flips = [], []
    for decision in plan.sites:
        site = pricer.site(decision.site)
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
                unlocked = pricer.lever(site.id, mode)
                if unlocked is not None:
                    lever_estate, changes = unlocked
                    alt = pricer.price(site.id, mode, lever_estate)
                    delta = alt.cost - chosen.cost
                    verdict = (f"would save {money(-delta, cur)}" if delta < -_EPS
                               else f"would still cost {money(delta, cur)} more")
                    flips.append(Flip(site.id, "; ".join(changes),
                                      f"{'; '.join(changes)}: {mode.value} becomes eligible and "
                                      f"{verdict} at site level"))
                continue
            alt = pricer.price(site.id, mode)
            delta = alt.cost - chosen.cost
            why = (f"{money(delta, cur)} more at site level" if delta >= -_EPS else
                   f"{money(-delta, cur)} less at site level, but the plan as a whole is cheaper "
                   "without it (shared servers, transfers or purchases)")
            if alt.note:
                why += f" ({alt.note})"
            alts.append(Alternative(mode.value, "costs more" if delta >= -_EPS
                                    else "loses on shared costs", delta, why))
            priced.append((delta, mode, alt))
        if priced:
            flips += _parameter_flips(site.id, priced, chosen, rate, policy.name,
                                      policy.exposure_cost_per_device_year, cur)
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
