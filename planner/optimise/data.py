"""The model's sets and parameters (docs/model.md sections 1-2), computed once from the estate.

Everything the MILP reads is here, already priced in money over the horizon: decision units and
their eligible modes, per-unit costs, per-site costs, On-Prem server groups, and the allocation
network (supplies, demands, prices). Every price comes from `planner.costing`, so the reports
quote what the optimiser pays; `formulation.py` only arranges these numbers into rows.

Eligibility and pricing grow with the kinds of device (family, software, state, licence set)
and with the decision units, not with the classes: eligibility is judged once per kind, a
unit's price is the costing module's per-(policy, mode) rates times its counts, and equal
prices are shared; each class is read once, for its key fields and counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from planner.catalogue import Catalogue, ProductFamily, estate_catalogue, version_key
from planner.costing import (
    UnitCost,
    UnitRates,
    charged_per_account,
    class_needs_slac,
    exposure_share,
    has_site_charge,
    price_unit,
    server_price,
    site_charge,
    slac_hours,
    unit_rates,
)
from planner.eligibility import mode_exclusions, site_mode_exclusions
from planner.graph import Reach, analyse_reach
from planner.model import Estate, LicenceUse, LicensingState, Mode, Site
from planner.modes import ModeSpec, modes_for, server_modes
from planner.optimise.allocation import Allocation, build_allocation
from planner.optimise.classes import Classes, build_classes
from planner.plan import DeviceClass

# The prices moved to planner.costing; these names stay importable from here for scripts.
__all__ = ["ModelData", "ServerGroup", "SiteCharge", "Unit", "UnitCost", "build_data",
           "class_needs_slac", "exposure_share", "prune_dominated", "restrict_charges",
           "server_groups", "site_charges", "slac_hours"]

MODES = tuple(Mode)  # iterating the enum itself is slow in a hot loop
_RANK = {m: i for i, m in enumerate(MODES)}
ONPREM = tuple(m for m in MODES if m in server_modes())  # the modes a server must serve
_NO_SITE_REASONS: Mapping[Mode, tuple[str, ...]] = {m: () for m in MODES}


@dataclass(frozen=True, slots=True)
class Unit:
    """A decision unit u: a whole site (its policy forbids mixing) or one class (mixing allowed)."""

    id: str
    site: str
    class_ids: tuple[str, ...]
    devices: int
    members: int
    vas: tuple[str, ...]
    modes: tuple[Mode, ...]  # E_u: eligible modes, in Mode order
    cost: Mapping[Mode, UnitCost]  # shared between units of equal price: never mutate
    excluded: Mapping[Mode, tuple[str, ...]]  # why the other modes are out (shared likewise)


@dataclass(frozen=True, slots=True)
class SiteCharge:
    """A per-site (per site and Virtual Account for CSLU) charge paid when any unit uses mode m."""

    key: str
    site: str
    mode: Mode
    units: tuple[int, ...]  # indices of the units whose choice of `mode` triggers it
    hours_initial: float
    hours_per_year: float
    cost: float


@dataclass(frozen=True, slots=True)
class ServerGroup:
    """Interchangeable candidate server sites for one sync mode: same sites served, so a server
    anywhere in the group does the same job; servers go to `site`, the first in sorted order."""

    id: str
    site: str
    mode: Mode
    serves: frozenset[str]
    capacity: int
    cost: float  # per server (an HA pair when costs.onprem_ha) over the horizon
    hours_initial: float
    hours_per_year: float
    max_servers: int


@dataclass(frozen=True, slots=True)
class ModelData:
    estate: Estate
    classes: Classes
    reach: Reach
    units: tuple[Unit, ...]
    charges: tuple[SiteCharge, ...]
    groups: tuple[ServerGroup, ...]
    unit_groups: Mapping[tuple[int, Mode], tuple[int, ...]]  # (unit, onprem mode) -> groups
    allocation: Allocation
    infeasible: Mapping[str, tuple[str, ...]]  # site -> reasons, when a site has no mode left
    assumptions: tuple[str, ...] = field(default=())


_Verdict = dict[Mode, tuple[str, ...]]  # per mode, why it is excluded (empty: eligible)


class _Pricing:
    """Prices and verdicts memoised per kind for one build: the per-(policy, mode) rates of the
    costing module, each unit's cost mapping per (policy, modes, counts), the device part of
    eligibility per (family, version, state), and the SLAC need per licence set."""

    def __init__(self, estate: Estate, cat: Catalogue, specs: Mapping[Mode, ModeSpec],
                 reach: Reach) -> None:
        self.estate, self.cat, self.specs, self.reach = estate, cat, specs, reach
        self._rates: dict[str, dict[Mode, UnitRates]] = {}
        self._costs: dict[tuple[object, ...], Mapping[Mode, UnitCost]] = {}
        self._device: dict[tuple[str, str, str], _Verdict] = {}
        self.slac_memo: dict[tuple[int, bool, str], bool] = {}
        self._sites: dict[tuple[tuple[str, ...], ...], Mapping[Mode, tuple[str, ...]]] = {}
        self._verdicts: dict[tuple[int, int], _Verdict] = {}
        self._keep: list[object] = []  # keeps objects whose id() keys a memo alive

    def rates(self, policy_name: str) -> dict[Mode, UnitRates]:
        found = self._rates.get(policy_name)
        if found is None:
            policy = self.estate.policy(policy_name)
            found = self._rates[policy_name] = {
                m: unit_rates(self.estate.costs, policy, self.specs[m]) for m in MODES}
        return found

    def cost(self, policy_name: str, eligible: tuple[Mode, ...], devices: int, members: int,
             slac: int) -> Mapping[Mode, UnitCost]:
        key = (policy_name, eligible, devices, members, slac)
        found = self._costs.get(key)
        if found is None:
            rates = self.rates(policy_name)
            found = self._costs[key] = {m: price_unit(rates[m], devices, members, slac)
                                        for m in eligible}
        return found

    def device_reasons(self, site: Site, family: ProductFamily | None, version: str,
                       state: str) -> _Verdict:
        """The reasons eligibility gives for the device kind alone: the same at every site, as
        the site's own part is passed in empty (it is joined per site by `verdict`)."""
        key = (family.id if family else "", version, state)
        found = self._device.get(key)
        if found is None:
            found = self._device[key] = mode_exclusions(
                self.estate, site, family, version, LicensingState(state),
                self.reach, self.specs, site_reasons=_NO_SITE_REASONS)
        return found

    def site_reasons(self, site: Site) -> Mapping[Mode, tuple[str, ...]]:
        """The site's own reasons per mode, one object per distinct set of reasons (most sites
        share theirs), so what is built from them can be shared too."""
        found = site_mode_exclusions(self.estate, site, self.reach, self.specs)
        return self._sites.setdefault(tuple(found[m] for m in MODES), found)

    def verdict(self, at_site: Mapping[Mode, tuple[str, ...]], device: _Verdict) -> _Verdict:
        """The site's reasons followed by the device kind's, per mode (as `mode_exclusions`
        joins them when given `site_reasons`), one object per pair."""
        key = (id(at_site), id(device))
        found = self._verdicts.get(key)
        if found is None:
            found = self._verdicts[key] = {
                m: (*at_site[m], *extra) if (extra := device[m]) else tuple(at_site[m])
                for m in MODES}
        return found

    def needs_slac(self, cls: DeviceClass) -> bool:
        key = (id(cls.licences), cls.runs_slup, cls.state)
        found = self.slac_memo.get(key)
        if found is None:
            self._keep.append(cls.licences)
            found = self.slac_memo[key] = class_needs_slac(cls, self.cat)
        return found


def build_data(estate: Estate, *, forced: Mapping[str, Mode] | None = None,
               only: Mode | None = None, catalogue: Catalogue | None = None,
               modes: Mapping[Mode, ModeSpec] | None = None, prune: bool = True) -> ModelData:
    """Sets and parameters for the estate; `only` forces one mode everywhere, `forced` per site.

    `prune` drops modes no optimal plan can give a unit (see `prune_dominated`)."""
    cat = estate_catalogue(estate, catalogue)
    specs = modes or modes_for(estate.costs)
    reach = analyse_reach(estate)
    classes = build_classes(estate, cat)
    units, infeasible = _units(estate, classes, _Pricing(estate, cat, specs, reach),
                               forced, only)
    charges = site_charges(estate, units, specs)
    if prune:
        units = prune_dominated(units, charges)
        charges = restrict_charges(charges, units)
    groups, unit_groups = server_groups(estate, reach, units, specs)
    allocation = build_allocation(estate, classes, cat)
    notes = _assumptions(estate, classes, cat)
    return ModelData(estate, classes, reach, tuple(units), charges, groups, unit_groups,
                     allocation, infeasible, notes)


def _units(estate: Estate, classes: Classes, pricing: _Pricing,
           forced: Mapping[str, Mode] | None, only: Mode | None,
           ) -> tuple[list[Unit], dict[str, tuple[str, ...]]]:
    """The decision units, site by site in sorted order, and the sites left with no mode."""
    sites = {s.id: s for s in estate.sites}
    by_site: dict[str, list[DeviceClass]] = defaultdict(list)
    for cls in classes.classes:
        by_site[cls.site].append(cls)
    vkey: dict[str, tuple[tuple[int, ...], str]] = {}
    merged: dict[tuple[object, ...], tuple[dict[Mode, tuple[str, ...]], tuple[Mode, ...]]] = {}
    slac_of = pricing.slac_memo
    units: list[Unit] = []
    infeasible: dict[str, tuple[str, ...]] = {}
    for site_id in sorted(by_site):
        site = sites[site_id]
        members = by_site[site_id]
        policy = estate.policy(site.classification)
        mixing = policy.allow_mixed_modes
        pinned = only if only is not None else (forced or {}).get(site_id)
        # Eligibility reads the family, the state and the SLUP answer (all in the class key),
        # and names a version only in its wording: one verdict per (family, state, SLUP) at the
        # site, worded with the lowest version it covers (true of every version it covers).
        lowest: dict[tuple[str, str, str], DeviceClass] = {}
        kind_of: list[tuple[str, str, str]] = []
        slac: list[bool] = []
        for cls in members:
            # The SLUP answer as eligibility reads it: unknown without version or family.
            family, version = cls.family, cls.version
            key = (family, cls.state, "?" if not version or not family
                   else ("slup" if cls.runs_slup else "classic"))
            kind_of.append(key)
            rep = lowest.get(key)
            if rep is None:
                lowest[key] = cls
            elif version != rep.version:
                a = vkey.get(cls.version) or vkey.setdefault(
                    cls.version, (version_key(cls.version), cls.version))
                b = vkey.get(rep.version) or vkey.setdefault(
                    rep.version, (version_key(rep.version), rep.version))
                if a < b:
                    lowest[key] = cls
            needs = slac_of.get((id(cls.licences), cls.runs_slup, cls.state))
            slac.append(pricing.needs_slac(cls) if needs is None else needs)
        at_site = pricing.site_reasons(site)
        verdict = {key: pricing.verdict(at_site, pricing.device_reasons(
                       site, classes.families[rep.id], rep.version, rep.state))
                   for key, rep in lowest.items()}
        reasons_of = [verdict[key] for key in kind_of]
        # A pin's reason names the site; without one, units of any site share their reasons.
        where = site_id if pinned is not None else ""
        for group in _bundles(members, reasons_of, mixing, slac):
            # The reasons of a unit: every distinct verdict of its classes, merged in order.
            found = tuple({id(reasons_of[k]): reasons_of[k] for k in group}.values())
            mkey = (tuple(map(id, found)), pinned, where)
            done = merged.get(mkey)
            if done is None:
                done = merged[mkey] = _merge(found, pinned, site_id)
            excluded, eligible = done
            n_dev = n_mem = n_slac = 0
            for k in group:
                cls = members[k]
                n_dev += cls.devices
                n_mem += cls.members
                if slac[k]:
                    n_slac += cls.devices
            if not eligible:
                want = [pinned] if pinned is not None else list(MODES)
                why = tuple(f"{m.value}: {r}" for m in want for r in excluded[m])
                infeasible[site_id] = tuple(dict.fromkeys(infeasible.get(site_id, ()) + why))
            units.append(Unit(
                id=site_id if not mixing else f"{site_id}#{len(units)}", site=site_id,
                class_ids=tuple(members[k].id for k in group), devices=n_dev, members=n_mem,
                vas=tuple(sorted({members[k].virtual_account for k in group})),
                modes=eligible, cost=pricing.cost(policy.name, eligible, n_dev, n_mem, n_slac),
                excluded=excluded,
            ))
    return units, infeasible


def _merge(found: tuple[_Verdict, ...], pinned: Mode | None, site_id: str,
           ) -> tuple[dict[Mode, tuple[str, ...]], tuple[Mode, ...]]:
    """A unit's exclusion reasons (its classes' verdicts merged, the strategy's pin added) and
    the modes left eligible."""
    excluded: dict[Mode, list[str]] = {m: [] for m in MODES}
    for verdict in found:
        for mode, reasons in verdict.items():
            excluded[mode].extend(r for r in reasons if r not in excluded[mode])
    if pinned is not None:
        for mode in MODES:
            if mode is not pinned and not excluded[mode]:
                excluded[mode].append(f"strategy pins site {site_id} to {pinned.value}")
    eligible = tuple(m for m in MODES if not excluded[m])
    return {m: tuple(r) for m, r in excluded.items() if r}, eligible


def prune_dominated(units: list[Unit], charges: tuple[SiteCharge, ...]) -> list[Unit]:
    """Drop modes no optimal plan can give a unit (docs/model.md, section 3, dominance).

    Site rule: at site s, mode m goes from every unit when a server-free mode m' is eligible for
    every unit that may take m, costs each of them no more (c[u,m'] <= c[u,m]), and all of m''s
    charges at s cost no more than m''s: moving every m unit to m' then frees m's charges and
    servers and cannot cost more. Ties go to the earlier mode, as the tie-break costs do.
    Unit rule: m goes from u when a server-free m' is strictly cheaper for u even if u alone pays
    all of m''s charges. The modes stay eligible (no exclusion reason); they just cannot win."""
    modes = [set(u.modes) for u in units]
    # Units of equal price share one cost mapping: total each mapping once.
    totals_of: dict[int, dict[Mode, float]] = {}
    totals: list[dict[Mode, float]] = []
    for unit in units:
        t = totals_of.get(id(unit.cost))
        if t is None:
            t = totals_of[id(unit.cost)] = {m: c.total for m, c in unit.cost.items()}
        totals.append(t)
    charge_site: dict[tuple[str, Mode], float] = defaultdict(float)
    charge_unit: dict[tuple[int, Mode], float] = defaultdict(float)
    for c in charges:
        charge_site[(c.site, c.mode)] += c.cost
        for u in c.units:
            charge_unit[(u, c.mode)] += c.cost
    # Per site, the units that may take each mode. The site rule only ever drops the mode it is
    # looking at from all of its users, so these lists stay exact once a dropped mode is noted.
    users_of: dict[str, dict[Mode, list[int]]] = defaultdict(lambda: defaultdict(list))
    for u, unit in enumerate(units):
        at = users_of[unit.site]
        for m in unit.modes:
            at[m].append(u)
    tol = 1e-9
    for site, at in users_of.items():
        dropped: set[Mode] = set()
        sets = {m: set(users) for m, users in at.items()}
        for m in MODES:
            users = at.get(m)
            if not users:
                continue
            for alt in MODES:
                if (alt is m or alt in ONPREM or alt in dropped or alt not in at
                        or not sets[alt].issuperset(users)):
                    continue
                gaps = [totals[u][m] - totals[u][alt] for u in users]
                spare = charge_site[(site, m)] - charge_site[(site, alt)]
                if min(gaps) < -tol or spare < -tol:
                    continue
                if max(max(gaps), spare) > tol or _RANK[alt] < _RANK[m]:
                    for u in users:
                        modes[u].discard(m)
                    dropped.add(m)
                    break
    out = []
    pruned: dict[tuple[int, tuple[Mode, ...]], Mapping[Mode, UnitCost]] = {}
    for u, unit in enumerate(units):
        if len(unit.modes) < 2:  # its one mode is kept by both rules
            out.append(unit)
            continue
        total = totals[u]
        best = min((total[m] + charge_unit[(u, m)] for m in modes[u]
                    if m not in ONPREM), default=math.inf)
        keep = tuple(m for m in unit.modes if m in modes[u] and total[m] <= best + 1e-6)
        if keep == unit.modes:
            out.append(unit)
            continue
        cost = pruned.get((id(unit.cost), keep))
        if cost is None:
            cost = pruned[(id(unit.cost), keep)] = {m: c for m, c in unit.cost.items()
                                                     if m in keep}
        out.append(Unit(unit.id, unit.site, unit.class_ids, unit.devices, unit.members,
                        unit.vas, keep, cost, unit.excluded))
    return out


def _bundles(members: list[DeviceClass], reasons_of: list[_Verdict], mixing: bool,
             slac: list[bool]) -> list[list[int]]:
    """The decision units of one site, as lists of positions in `members` (docs/model.md, set U).

    Mixing forbidden: the whole site. Mixing allowed: classes that would always choose alike are
    decided together: same eligible modes, same stack members per device (so their costs are
    proportional in every mode), the same need for a SLAC (its labour is per device and mode)
    and, where connected CSLU is eligible, the same Virtual
    Account (CSLU is charged per Virtual Account)."""
    if not mixing:
        return [list(range(len(members)))]
    bundles: dict[tuple[object, ...], list[int]] = {}
    allowed: dict[int, tuple[tuple[Mode, ...], bool]] = {}
    for k, cls in enumerate(members):
        found = reasons_of[k]
        eligible = allowed.get(id(found))
        if eligible is None:
            modes = tuple(m for m in MODES if not found[m])
            eligible = allowed[id(found)] = (modes, Mode.CSLU in modes)
        va = cls.virtual_account if eligible[1] else ""
        # equal ratios give equal floats (division is correctly rounded); a class has 1+ devices
        key = (eligible[0], cls.members / (cls.devices or 1), va, slac[k])
        found_list = bundles.get(key)
        if found_list is None:
            bundles[key] = [k]
        else:
            found_list.append(k)
    return list(bundles.values())


def site_charges(estate: Estate, units: list[Unit],
                  specs: Mapping[Mode, ModeSpec]) -> tuple[SiteCharge, ...]:
    """The per-site charges the units' eligible modes can trigger, in (site, mode, VA) order."""
    charged = {m: has_site_charge(specs[m]) for m in MODES}
    per_account = {m: charged_per_account(m) for m in MODES}
    no_account = ("",)
    touched: dict[tuple[str, Mode, str], list[int]] = defaultdict(list)
    for u, unit in enumerate(units):
        site = unit.site
        for mode in unit.modes:
            if charged[mode]:
                for va in (unit.vas if per_account[mode] else no_account):
                    touched[(site, mode, va)].append(u)
    charges = []
    for (site, mode, va), idx in sorted(touched.items()):
        spec = specs[mode]
        key = f"{site}|{mode.value}" + (f"|{va}" if va else "")
        charges.append(SiteCharge(key, site, mode, tuple(idx), spec.hours_initial_per_site,
                                  spec.hours_per_site_year, site_charge(estate.costs, spec)))
    return tuple(charges)


def restrict_charges(charges: tuple[SiteCharge, ...],
                     units: list[Unit]) -> tuple[SiteCharge, ...]:
    """`site_charges` of `units` when their modes only shrank since `charges` were built (as
    pruning does): each charge keeps the units that may still take its mode, and goes when
    none is left."""
    out = []
    for charge in charges:
        mode = charge.mode
        kept = tuple(u for u in charge.units if mode in units[u].modes)
        if len(kept) == len(charge.units):
            out.append(charge)
        elif kept:
            out.append(SiteCharge(charge.key, charge.site, mode, kept, charge.hours_initial,
                                  charge.hours_per_year, charge.cost))
    return tuple(out)


def server_groups(estate: Estate, reach: Reach, units: list[Unit],
                   specs: Mapping[Mode, ModeSpec],
                   ) -> tuple[tuple[ServerGroup, ...], dict[tuple[int, Mode], tuple[int, ...]]]:
    costs = estate.costs
    site_load: dict[tuple[str, Mode], int] = defaultdict(int)
    for unit in units:
        for mode in ONPREM:
            if mode in unit.modes:
                site_load[(unit.site, mode)] += unit.devices
    groups: list[ServerGroup] = []
    site_groups: dict[tuple[str, Mode], list[int]] = defaultdict(list)
    for mode in ONPREM:
        spec = specs[mode]
        # Syncs and token re-authentications a year come from Cisco's clocks (planner/cadence.py
        # via the mode catalogue): the 30-day CSSM alert is not a limit, the 90-day windows are.
        price = server_price(costs, spec)
        by_serves: dict[frozenset[str], str] = {}
        for cand in reach.candidates:
            if spec.server_needs_internet and cand not in reach.cssm:
                continue
            by_serves.setdefault(reach.serves[cand], cand)
        for serves, site in sorted(by_serves.items(), key=lambda kv: kv[1]):
            load = sum(site_load.get((s, mode), 0) for s in serves)
            if load == 0:
                continue
            for s in serves:
                site_groups[(s, mode)].append(len(groups))
            groups.append(ServerGroup(
                id=f"{site}|{mode.value}", site=site, mode=mode, serves=serves,
                capacity=costs.onprem_server_capacity, cost=price.cost,
                hours_initial=price.hours_initial, hours_per_year=price.hours_per_year,
                max_servers=max(1, math.ceil(load / max(costs.onprem_server_capacity, 1))),
            ))
    unit_groups: dict[tuple[int, Mode], tuple[int, ...]] = {}
    for u, unit in enumerate(units):
        for mode in ONPREM:
            if mode in unit.modes:
                unit_groups[(u, mode)] = tuple(site_groups.get((unit.site, mode), ()))
    return tuple(groups), unit_groups


def _assumptions(estate: Estate, classes: Classes, cat: Catalogue) -> tuple[str, ...]:
    notes = [
        "Every device consumes its licences whatever its mode; PLR devices also pay "
        "costs.plr_uplift_per_device (ASSUMPTION).",
        "Entitlement in_use and reserved counts are taken to be the estate's own devices up to "
        "their demand; any excess is held by devices outside the estate (ASSUMPTION).",
        "Term licences are priced per year over the horizon; perpetual ones once.",
    ]
    by_state: dict[str, int] = defaultdict(int)
    sets: dict[int, tuple[LicenceUse, ...]] = {}  # distinct licence set objects
    for c in classes.classes:
        by_state[c.state] += c.devices
        sets[id(c.licences)] = c.licences
    for state in ("slr", "plr"):
        n = by_state.get(state, 0)
        if n:
            notes.append(f"{n} device(s) already hold an {state.upper()} reservation: they stay "
                         f"eligible for {state} whatever the product family table says (the "
                         "Smart Account pre-approval still applies: every later change is a new "
                         "request).")
    unknown = sorted({u.tag for lic in sets.values() for u in lic if u.tag not in cat.licences})
    if unknown:
        notes.append("Licences not in the catalogue (no tier substitution, priced from `prices:` "
                      f"or 0): {', '.join(unknown)}")
    return tuple(notes)
