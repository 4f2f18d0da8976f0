"""The model's sets and parameters (docs/model.md sections 1-2), computed once from the estate.

Everything the MILP reads is here, already priced in money over the horizon: decision units and
their eligible modes, per-unit costs, per-site costs, On-Prem server groups, and the allocation
network (supplies, demands, prices). `formulation.py` only arranges these numbers into rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from planner.catalogue import Catalogue, load_catalogue, version_key
from planner.eligibility import mode_exclusions, site_mode_exclusions
from planner.graph import Reach, analyse_reach
from planner.model import (
    ClassificationPolicy,
    CostAssumptions,
    DataElement,
    Estate,
    LicensingState,
    Mode,
    Site,
)
from planner.modes import ModeSpec, data_leaving_for, modes_for
from planner.optimise.allocation import Allocation, build_allocation
from planner.optimise.classes import Classes, build_classes
from planner.plan import DeviceClass
from planner.slac import SlacPath, gated_licences, slac_path

MODES = tuple(Mode)  # iterating the enum itself is slow in a hot loop
_RANK = {m: i for i, m in enumerate(MODES)}
N_ELEMENTS = len(DataElement)
ONPREM = (Mode.ONPREM_NETWORK, Mode.ONPREM_MANUAL)


@dataclass(frozen=True, slots=True)
class UnitCost:
    """What one decision unit costs in one mode over the horizon, by part (money)."""

    hours_initial: float
    hours_per_year: float
    labour: float
    exposure: float
    flexibility: float
    uplift: float

    @property
    def total(self) -> float:
        return self.labour + self.exposure + self.flexibility + self.uplift


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
    cost: Mapping[Mode, UnitCost]
    excluded: Mapping[Mode, tuple[str, ...]]  # why the other modes are out


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


def exposure_share(hostname_privacy: bool, leaving: frozenset[DataElement]) -> float:
    """sigma(m, P): the share of the policy's sensitive elements E_P that mode m sends out.

    E_P is every licence data element, less the hostname when the policy sets hostname privacy
    (then the hostname never leaves, whatever the mode): docs/model.md, exposure."""
    sensitive = N_ELEMENTS - (1 if hostname_privacy else 0)
    return len(leaving) / sensitive if sensitive else 0.0


def unit_cost(estate: Estate, site: Site, spec: ModeSpec, devices: int, members: int) -> UnitCost:
    """c[u,m] by part for N_u = devices and X_u = members (docs/model.md section 3)."""
    rates = _rates(estate, estate.policy(site.classification), spec)
    return _priced(rates, devices, members)


# Per (policy, mode): the per-device and per-member coefficients of every part. Costs are linear
# in devices and members, so a unit's cost is two multiplications per part.
_Rates = tuple[float, float, float, float, float, float, float, float, float]


def _rates(estate: Estate, policy: ClassificationPolicy, spec: ModeSpec) -> _Rates:
    costs = estate.costs
    years = costs.horizon_years
    h0_dev, h0_mem = spec.hours_initial_per_device, spec.hours_initial_per_member
    hy_dev, hy_mem = spec.hours_per_device_year, 0.0
    if spec.reservation:
        # Each replaced or moved device is a new reservation: codes per device and per member.
        hy_dev += costs.device_churn_per_year * spec.hours_per_change
        hy_mem += costs.device_churn_per_year * spec.hours_initial_per_member
    leaving = data_leaving_for(spec, policy)
    expo = (policy.exposure_cost_per_device_year * years
            * exposure_share(policy.hostname_privacy, leaving))
    flex = costs.flexibility_cost_per_locked_device_year * years if spec.reservation else 0.0
    uplift = costs.plr_uplift_per_device if spec.mode is Mode.PLR else 0.0
    return (h0_dev, h0_mem, hy_dev, hy_mem, expo, flex, uplift, float(years),
            costs.labour_rate_per_hour)


def _priced(r: _Rates, devices: int, members: int) -> UnitCost:
    h0_dev, h0_mem, hy_dev, hy_mem, expo, flex, uplift, years, rate = r
    hours_initial = h0_dev * devices + h0_mem * members
    per_year = hy_dev * devices + hy_mem * members
    return UnitCost(hours_initial, per_year, (hours_initial + per_year * years) * rate,
                    expo * devices, flex * devices, uplift * devices)


def build_data(estate: Estate, *, forced: Mapping[str, Mode] | None = None,
               only: Mode | None = None, catalogue: Catalogue | None = None,
               modes: Mapping[Mode, ModeSpec] | None = None, prune: bool = True) -> ModelData:
    """Sets and parameters for the estate; `only` forces one mode everywhere, `forced` per site.

    `prune` drops modes no optimal plan can give a unit (see `prune_dominated`)."""
    # The loader sets the estate's own catalogue view (models/ + its `prices:` and `products:`).
    cat = catalogue or estate.catalogue or load_catalogue()
    specs = modes or modes_for(estate.costs)
    reach = analyse_reach(estate)
    classes = build_classes(estate, cat)
    sites = {s.id: s for s in estate.sites}
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, cls in enumerate(classes.classes):
        by_site[cls.site].append(i)
    units: list[Unit] = []
    rate_memo: dict[str, dict[Mode, _Rates]] = {}
    infeasible: dict[str, tuple[str, ...]] = {}
    for site_id in sorted(by_site):
        site = sites[site_id]
        mixing = estate.policy(site.classification).allow_mixed_modes
        pinned = only if only is not None else (forced or {}).get(site_id)
        # Eligibility reads the family, the state and the SLUP answer (all in the class key),
        # and names a version only in its wording: one call per (family, state, SLUP) at the
        # site, worded with the lowest version it covers (true of every version it covers).
        lowest: dict[tuple[str, str, str], int] = {}
        for i in by_site[site_id]:
            cls = classes.classes[i]
            key = (cls.family, cls.state, _slup_key(cls))
            j = lowest.get(key)
            if j is None or _older(cls.version, classes.classes[j].version):
                lowest[key] = i
        verdict: dict[tuple[str, str, str], dict[Mode, tuple[str, ...]]] = {}
        at_site = site_mode_exclusions(estate, site, reach, specs)  # policy and connectivity
        for key, j in lowest.items():
            rep = classes.classes[j]
            verdict[key] = mode_exclusions(estate, site, classes.families[rep.id], rep.version,
                                           LicensingState(rep.state), reach, specs,
                                           site_reasons=at_site)
        reasons_of: dict[int, dict[Mode, tuple[str, ...]]] = {}
        for i in by_site[site_id]:
            cls = classes.classes[i]
            reasons_of[i] = verdict[(cls.family, cls.state, _slup_key(cls))]
        policy = estate.policy(site.classification)
        rates = rate_memo.get(policy.name)
        if rates is None:
            rates = rate_memo[policy.name] = {m: _rates(estate, policy, specs[m]) for m in MODES}
        slac = {i: class_needs_slac(classes.classes[i], cat) for i in by_site[site_id]}
        for group in _bundles(classes, by_site[site_id], reasons_of, mixing, slac):
            excluded: dict[Mode, list[str]] = {m: [] for m in MODES}
            distinct = {id(reasons_of[i]): reasons_of[i] for i in group}  # few per bundle
            for found in distinct.values():
                for mode, reasons in found.items():
                    excluded[mode].extend(r for r in reasons if r not in excluded[mode])
            if pinned is not None:
                for mode in MODES:
                    if mode is not pinned and not excluded[mode]:
                        excluded[mode].append(f"strategy pins site {site_id} to {pinned.value}")
            eligible = tuple(m for m in MODES if not excluded[m])
            cls_ids = tuple(classes.classes[i].id for i in group)
            n_dev = sum(classes.classes[i].devices for i in group)
            n_mem = sum(classes.classes[i].members for i in group)
            vas = tuple(sorted({classes.classes[i].virtual_account for i in group}))
            n_slac = sum(classes.classes[i].devices for i in group if slac[i])
            if not eligible:
                want = [pinned] if pinned is not None else list(MODES)
                why = tuple(f"{m.value}: {r}" for m in want for r in excluded[m])
                infeasible[site_id] = tuple(dict.fromkeys(infeasible.get(site_id, ()) + why))
            units.append(Unit(
                id=site_id if not mixing else f"{site_id}#{len(units)}", site=site_id,
                class_ids=cls_ids, devices=n_dev, members=n_mem, vas=vas, modes=eligible,
                cost={m: with_slac(_priced(rates[m], n_dev, n_mem), n_slac,
                                    slac_hours(estate.costs, m),
                                    estate.costs.labour_rate_per_hour) for m in eligible},
                excluded={m: tuple(r) for m, r in excluded.items() if r},
            ))
    if prune:
        units = prune_dominated(units, site_charges(estate, units, specs))
    charges = site_charges(estate, units, specs)
    groups, unit_groups = server_groups(estate, reach, units, specs)
    allocation = build_allocation(estate, classes, cat)
    notes = _assumptions(estate, classes, cat)
    return ModelData(estate, classes, reach, tuple(units), charges, groups, unit_groups,
                     allocation, infeasible, notes)


def _slup_key(cls: DeviceClass) -> str:
    """The class's SLUP answer as eligibility reads it (unknown without version or family)."""
    return "?" if not cls.version or not cls.family else ("slup" if cls.runs_slup else "classic")


def _older(a: str, b: str) -> bool:
    return (version_key(a), a) < (version_key(b), b)


def prune_dominated(units: list[Unit], charges: tuple[SiteCharge, ...]) -> list[Unit]:
    """Drop modes no optimal plan can give a unit (docs/model.md, section 3, dominance).

    Site rule: at site s, mode m goes from every unit when a server-free mode m' is eligible for
    every unit that may take m, costs each of them no more (c[u,m'] <= c[u,m]), and all of m''s
    charges at s cost no more than m''s: moving every m unit to m' then frees m's charges and
    servers and cannot cost more. Ties go to the earlier mode, as the tie-break costs do.
    Unit rule: m goes from u when a server-free m' is strictly cheaper for u even if u alone pays
    all of m''s charges. The modes stay eligible (no exclusion reason); they just cannot win."""
    modes = [set(u.modes) for u in units]
    charge_site: dict[tuple[str, Mode], float] = defaultdict(float)
    charge_unit: dict[tuple[int, Mode], float] = defaultdict(float)
    for c in charges:
        charge_site[(c.site, c.mode)] += c.cost
        for u in c.units:
            charge_unit[(u, c.mode)] += c.cost
    by_site: dict[str, list[int]] = defaultdict(list)
    for u, unit in enumerate(units):
        by_site[unit.site].append(u)
    tol = 1e-9
    for site, idx in by_site.items():
        for m in MODES:
            users = [u for u in idx if m in modes[u]]
            if not users:
                continue
            for alt in MODES:
                if alt is m or alt in ONPREM or any(alt not in modes[u] for u in users):
                    continue
                gaps = [units[u].cost[m].total - units[u].cost[alt].total for u in users]
                spare = charge_site[(site, m)] - charge_site[(site, alt)]
                if min(gaps) < -tol or spare < -tol:
                    continue
                if max(max(gaps), spare) > tol or _RANK[alt] < _RANK[m]:
                    for u in users:
                        modes[u].discard(m)
                    break
    out = []
    for u, unit in enumerate(units):
        best = min((unit.cost[m].total + charge_unit[(u, m)] for m in modes[u]
                    if m not in ONPREM), default=math.inf)
        keep = tuple(m for m in unit.modes if m in modes[u] and unit.cost[m].total <= best + 1e-6)
        if keep == unit.modes:
            out.append(unit)
        else:
            out.append(replace(unit, modes=keep,
                               cost={m: c for m, c in unit.cost.items() if m in keep}))
    return out


def class_needs_slac(cls: DeviceClass, cat: Catalogue) -> bool:
    """Whether the class's devices need a SLAC in a reporting mode (SLUP and an enforced or
    export-controlled licence: planner/slac.py)."""
    slup = cls.runs_slup or cls.state == LicensingState.SLUP.value
    return slup and bool(gated_licences(cls.licences, cat))


def slac_hours(costs: CostAssumptions, mode: Mode) -> float:
    """Hours per device to obtain its SLAC in `mode` (0 where the reservation carries it)."""
    path = slac_path(mode)
    if path is SlacPath.ONLINE:
        return costs.slac_hours_online_per_device
    if path is SlacPath.OFFLINE:
        return costs.slac_hours_offline_per_device
    return 0.0


def with_slac(cost: UnitCost, devices: int, hours: float, rate: float) -> UnitCost:
    """The unit's cost with the one-off SLAC labour of its devices that need one."""
    if devices == 0 or hours == 0:
        return cost
    extra = devices * hours
    return replace(cost, hours_initial=cost.hours_initial + extra,
                   labour=cost.labour + extra * rate)


def _bundles(classes: Classes, members: list[int],
             reasons_of: Mapping[int, Mapping[Mode, tuple[str, ...]]],
             mixing: bool, slac: Mapping[int, bool]) -> list[list[int]]:
    """The decision units of one site, as lists of class indices (docs/model.md, set U).

    Mixing forbidden: the whole site. Mixing allowed: classes that would always choose alike are
    decided together: same eligible modes, same stack members per device (so their costs are
    proportional in every mode), the same need for a SLAC (its labour is per device and mode)
    and, where connected CSLU is eligible, the same Virtual
    Account (CSLU is charged per Virtual Account)."""
    if not mixing:
        return [members]
    bundles: dict[tuple[object, ...], list[int]] = {}
    allowed: dict[int, tuple[Mode, ...]] = {}
    for i in members:
        cls = classes.classes[i]
        found = reasons_of[i]
        eligible = allowed.get(id(found))
        if eligible is None:
            eligible = allowed[id(found)] = tuple(m for m in MODES if not found[m])
        va = cls.virtual_account if Mode.CSLU in eligible else ""
        # equal ratios give equal floats (division is correctly rounded)
        key = (eligible, cls.members / max(cls.devices, 1), va, slac[i])
        bundles.setdefault(key, []).append(i)
    return list(bundles.values())


def site_charges(estate: Estate, units: list[Unit],
                  specs: Mapping[Mode, ModeSpec]) -> tuple[SiteCharge, ...]:
    rate, years = estate.costs.labour_rate_per_hour, estate.costs.horizon_years
    touched: dict[tuple[str, Mode, str], list[int]] = defaultdict(list)
    for u, unit in enumerate(units):
        for mode in unit.modes:
            # Connected CSLU serves one Smart Account/Virtual Account pair (docs/licensing-facts.md
            # section 2): a site pays one collector per Virtual Account that uses it.
            for va in (unit.vas if mode is Mode.CSLU else ("",)):
                touched[(unit.site, mode, va)].append(u)
    charges = []
    for (site, mode, va), idx in sorted(touched.items()):
        spec = specs[mode]
        h0, h1 = spec.hours_initial_per_site, spec.hours_per_site_year
        if h0 == 0 and h1 == 0:
            continue
        key = f"{site}|{mode.value}" + (f"|{va}" if va else "")
        charges.append(SiteCharge(key, site, mode, tuple(idx), h0, h1, (h0 + h1 * years) * rate))
    return tuple(charges)


def server_groups(estate: Estate, reach: Reach, units: list[Unit],
                   specs: Mapping[Mode, ModeSpec],
                   ) -> tuple[tuple[ServerGroup, ...], dict[tuple[int, Mode], tuple[int, ...]]]:
    costs = estate.costs
    rate, years = costs.labour_rate_per_hour, costs.horizon_years
    pair = 2 if costs.onprem_ha else 1
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
        sync_hours = spec.hours_per_server_year
        by_serves: dict[frozenset[str], str] = {}
        for cand in reach.candidates:
            if spec.server_needs_internet and cand not in reach.cssm:
                continue
            by_serves.setdefault(reach.serves[cand], cand)
        for serves, site in sorted(by_serves.items(), key=lambda kv: kv[1]):
            load = sum(site_load.get((s, mode), 0) for s in serves)
            if load == 0:
                continue
            hours0 = pair * costs.onprem_server_setup_hours
            cost = (pair * costs.onprem_server_cost_per_year * years
                    + (hours0 + sync_hours * years) * rate)
            for s in serves:
                site_groups[(s, mode)].append(len(groups))
            groups.append(ServerGroup(
                id=f"{site}|{mode.value}", site=site, mode=mode, serves=serves,
                capacity=costs.onprem_server_capacity, cost=cost, hours_initial=hours0,
                hours_per_year=sync_hours,
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
    held = {state: sum(c.devices for c in classes.classes if c.state == state)
            for state in ("slr", "plr")}
    for state, n in held.items():
        if n:
            notes.append(f"{n} device(s) already hold an {state.upper()} reservation: they stay "
                         f"eligible for {state} whatever the product family table says (the "
                         "Smart Account pre-approval still applies: every later change is a new "
                         "request).")
    unknown = sorted({u.tag for c in classes.classes for u in c.licences
                      if u.tag not in cat.licences})
    if unknown:
        notes.append("Licences not in the catalogue (no tier substitution, priced from `prices:` "
                      f"or 0): {', '.join(unknown)}")
    return tuple(notes)
