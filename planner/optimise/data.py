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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from planner.catalogue import Catalogue, ProductFamily, estate_catalogue
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
from planner.model import Estate, LicensingState, Mode, Site
from planner.modes import ModeSpec, modes_for, server_modes
from planner.optimise.allocation import Allocation, build_allocation
from planner.optimise.classes import ClassCodes, Classes, build_classes
from planner.plan import DeviceClass
from planner.readers._build import fast_constructor

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


_make_unit = fast_constructor(Unit)  # tens of thousands of units at a million devices


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


_make_charge = fast_constructor(SiteCharge)  # thousands of charges per strategy


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


T = TypeVar("T")
_Verdict = dict[Mode, tuple[str, ...]]  # per mode, why it is excluded (empty: eligible)


class _Pricing:
    """Prices and verdicts memoised per kind for one build: the per-(policy, mode) rates of the
    costing module, each unit's cost mapping per (policy, modes, counts), the device part of
    eligibility per (family, version, state), and the SLAC need per licence set."""

    def __init__(self, estate: Estate, cat: Catalogue, specs: Mapping[Mode, ModeSpec],
                 reach: Reach) -> None:
        self.estate, self.cat, self.specs, self.reach = estate, cat, specs, reach
        self._rates: dict[str, dict[Mode, UnitRates]] = {}
        # (policy, eligible modes, devices, members, SLAC devices) -> the unit's cost mapping
        self._costs: dict[tuple[object, ...], Mapping[Mode, UnitCost]] = {}
        self._device: dict[tuple[str, str, str], _Verdict] = {}
        self.slac_memo: dict[tuple[int, bool, str], bool] = {}
        self._policy_reasons: dict[str, dict[Mode, list[str]]] = {}
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
        found = site_mode_exclusions(self.estate, site, self.reach, self.specs,
                                     memo=self._policy_reasons)
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
    # Units stay columns until their modes are final: charges and dominance are worked out
    # on arrays, and each Unit and SiteCharge is made once.
    cols, infeasible = _unit_columns(estate, classes, _Pricing(estate, cat, specs, reach),
                                     forced, only)
    table = _ChargeTable.of(estate, cols, specs)
    if prune and cols.choices():
        keep = _kept_modes(cols.index, table.money(cols.index))
        cols = cols.narrowed(keep)
        table = _ChargeTable.of(estate, cols, specs)
    units = cols.units()
    charges = table.charges(cols)
    groups, unit_groups = server_groups(estate, reach, units, specs)
    allocation = build_allocation(estate, classes, cat)
    notes = _assumptions(estate, classes, cat)
    return ModelData(estate, classes, reach, tuple(units), charges, groups, unit_groups,
                     allocation, infeasible, notes)


def _units(estate: Estate, classes: Classes, pricing: _Pricing,
           forced: Mapping[str, Mode] | None, only: Mode | None,
           ) -> tuple[list[Unit], dict[str, tuple[str, ...]]]:
    """The decision units, site by site in sorted order, and the sites left with no mode."""
    cols, infeasible = _unit_columns(estate, classes, pricing, forced, only)
    return cols.units(), infeasible


def _unit_columns(estate: Estate, classes: Classes, pricing: _Pricing,
                  forced: Mapping[str, Mode] | None, only: Mode | None,
                  ) -> tuple[_UnitColumns, dict[str, tuple[str, ...]]]:
    """The decision units as columns, site by site in sorted order, and the sites left with
    no mode.

    Worked on the classes' code arrays: eligibility once per (site, kind of device), the SLAC
    need once per (licence set, SLUP, state), the grouping into units by numpy; Python runs once
    per unit, to build it."""
    codes = classes.codes
    n = len(classes.classes)
    if not n:
        return _UnitColumns.of([]), {}
    sites = {s.id: s for s in estate.sites}
    site_ids = codes.sites
    mixing_at = np.array([estate.policy(sites[s].classification).allow_mixed_modes
                          if s in sites else False for s in site_ids], dtype=bool)
    # Eligibility reads the family, the state and the SLUP answer (all in the class key), and
    # names a version only in its wording: one verdict per (family, state, SLUP) at a site,
    # worded with the lowest version it covers (true of every version it covers). The SLUP
    # answer as eligibility reads it is unknown without version or family.
    blank = np.array([v == "" for v in codes.versions], dtype=bool)[codes.version] | \
        np.array([f == "" for f in codes.family_ids], dtype=bool)[codes.family]
    slup_read = np.where(blank, 2, np.array([t == "slup" for t in codes.slup_texts],
                                            dtype=np.int64)[codes.slup])
    kind = (codes.family * len(codes.states) + codes.state) * 3 + slup_read
    pair_key = codes.site * (int(kind.max()) + 1) + kind
    _pairs, pair_of = np.unique(pair_key, return_inverse=True)
    lowest = np.full(len(_pairs), len(codes.versions), dtype=np.int64)
    np.minimum.at(lowest, pair_of.reshape(-1), codes.version)
    # The verdict joins the site's own reasons (one object per distinct set: most sites share
    # theirs) and the device kind's, worded with that lowest version: judged once per distinct
    # (site reasons, kind, version), on the first class that has them.
    reason_no: dict[int, int] = {}
    reasons: list[Mapping[Mode, tuple[str, ...]]] = []
    site_reason = np.zeros(len(site_ids), dtype=np.int64)
    # The sites that have classes, ascending (bincount: np.unique would import numpy.ma).
    for s in np.flatnonzero(np.bincount(codes.site)).tolist():
        found = pricing.site_reasons(sites[site_ids[s]])
        site_reason[s] = reason_no.setdefault(id(found), len(reasons))
        if site_reason[s] == len(reasons):
            reasons.append(found)
    judged = (site_reason[codes.site] * (int(kind.max()) + 1) + kind) * len(codes.versions) \
        + lowest[pair_of.reshape(-1)]
    _judged, judged_first, judged_of = np.unique(judged, return_index=True, return_inverse=True)
    verdicts: list[_Verdict] = []
    verdict_no: dict[int, int] = {}
    judged_verdict = np.empty(len(_judged), dtype=np.int64)
    for j, (c, key) in enumerate(zip(judged_first.tolist(), _judged.tolist(), strict=True)):
        cls = classes.classes[c]
        found = pricing.verdict(
            reasons[int(site_reason[codes.site[c]])],
            pricing.device_reasons(sites[cls.site], classes.families[cls.id],
                                   codes.versions[key % len(codes.versions)], cls.state))
        v = verdict_no.get(id(found))
        if v is None:
            v = verdict_no[id(found)] = len(verdicts)
            verdicts.append(found)
        judged_verdict[j] = v
    verdict_of = judged_verdict[judged_of.reshape(-1)]
    # The SLAC need, once per (licence set, SLUP, state).
    runs_slup = np.array([t == "slup" for t in codes.slup_texts], dtype=bool)[codes.slup]
    slac_key = (codes.licences * 2 + runs_slup) * len(codes.states) + codes.state
    slac_keys, slac_first, slac_of = np.unique(slac_key, return_index=True, return_inverse=True)
    slac = np.array([pricing.needs_slac(classes.classes[c]) for c in slac_first.tolist()],
                    dtype=bool)[slac_of.reshape(-1)] if len(slac_keys) else np.zeros(n, bool)
    units, unit_of = _bundles(codes, verdicts, verdict_of, mixing_at, slac)
    # Each unit's classes in class order, and what is summed or collected over them.
    by_unit = np.argsort(unit_of, kind="stable")
    heads = np.flatnonzero(np.diff(unit_of[by_unit], prepend=-1))
    devices = np.add.reduceat(codes.devices[by_unit], heads).tolist()
    members = np.add.reduceat(codes.members[by_unit], heads).tolist()
    slac_devices = np.add.reduceat(np.where(slac, codes.devices, 0)[by_unit], heads).tolist()
    ids = list(classes.index)  # class ids in class order
    ordered = [ids[k] for k in by_unit.tolist()]
    bounds = [*heads.tolist(), n]
    class_ids = [tuple(ordered[a:b]) for a, b in pairwise(bounds)]
    # The distinct verdicts of each unit's classes, in the order they first appear.
    found_of = _distinct_per_unit(unit_of, verdict_of, len(verdicts), by_class=True)
    # Each unit's Virtual Accounts, sorted: distinct ranks ascending, named.
    va_by_rank = sorted(codes.virtual_accounts)
    rank_of = {v: r for r, v in enumerate(va_by_rank)}
    va_rank = np.array([rank_of[v] for v in codes.virtual_accounts], dtype=np.int64)
    vas_of = _distinct_per_unit(unit_of, va_rank[codes.virtual_account], len(va_by_rank),
                                by_class=False, names=va_by_rank)
    mixed = mixing_at.tolist()
    pins = forced or {}
    # Per site number: its policy's name and the mode it is pinned to, if any.
    policy_of: dict[int, str] = {}
    pin_of: dict[int, Mode | None] = {}
    for s in dict.fromkeys(units):
        site_id = site_ids[s]
        policy_of[s] = estate.policy(sites[site_id].classification).name
        pin_of[s] = only if only is not None else pins.get(site_id)
    # Per merge key: the reasons, the modes left and their row of `allowed`; per price key:
    # the cost mapping and its row of `totals` (units of equal verdicts and prices share them).
    merged: dict[tuple[object, ...], tuple[dict[Mode, tuple[str, ...]], tuple[Mode, ...],
                                           int]] = {}
    priced: dict[tuple[object, ...], tuple[Mapping[Mode, UnitCost], int]] = {}
    allowed: list[list[bool]] = []
    totals: list[list[float]] = []
    unit_ids: list[str] = []
    unit_modes: list[tuple[Mode, ...]] = []
    unit_costs: list[Mapping[Mode, UnitCost]] = []
    unit_excluded: list[Mapping[Mode, tuple[str, ...]]] = []
    modes_at: list[int] = []
    costs_at: list[int] = []
    infeasible: dict[str, tuple[str, ...]] = {}
    for u, (s, seen, n_dev, n_mem, n_slac) in enumerate(zip(
            units, found_of, devices, members, slac_devices, strict=True)):
        site_id = site_ids[s]
        pinned = pin_of[s]
        # A pin's reason names the site; without one, units of any site share their reasons.
        mkey = (seen, pinned, site_id) if pinned is not None else seen
        done = merged.get(mkey)
        if done is None:
            excluded, eligible = _merge(tuple(verdicts[v] for v in seen), pinned, site_id)
            done = merged[mkey] = (excluded, eligible, len(allowed))
            allowed.append(_modes_row(eligible))
        excluded, eligible, mode_row = done
        if not eligible:
            want = [pinned] if pinned is not None else list(MODES)
            why = tuple(f"{m.value}: {r}" for m in want for r in excluded[m])
            infeasible[site_id] = tuple(dict.fromkeys(infeasible.get(site_id, ()) + why))
        policy = policy_of[s]
        pkey = (policy, eligible, n_dev, n_mem, n_slac)
        price = priced.get(pkey)
        if price is None:
            cost = pricing.cost(policy, eligible, n_dev, n_mem, n_slac)
            price = priced[pkey] = (cost, len(totals))
            totals.append(_totals_row(cost))
        unit_ids.append(f"{site_id}#{u}" if mixed[s] else site_id)
        unit_modes.append(eligible)
        unit_costs.append(price[0])
        unit_excluded.append(excluded)
        modes_at.append(mode_row)
        costs_at.append(price[1])
    unit_sites = [site_ids[s] for s in units]
    index = _UnitIndex.of_rows(np.array(units, dtype=np.int64), list(site_ids),
                               allowed, modes_at, totals, costs_at)
    return _UnitColumns(unit_ids, unit_sites, class_ids, devices, members, vas_of, unit_modes,
                        unit_costs, unit_excluded, index), infeasible


def _distinct_per_unit(unit_of: npt.NDArray[np.int64], value: npt.NDArray[np.int64], size: int,
                       *, by_class: bool, names: Sequence[T] | None = None,
                       ) -> list[tuple[Any, ...]]:
    """Per unit, the distinct values its classes hold: in the order they first appear among
    its classes (`by_class`), else ascending; as `names[value]` when `names` is given."""
    key = unit_of * max(size, 1) + value
    found, first = np.unique(key, return_index=True)
    if by_class:
        found = found[np.lexsort((first, found // max(size, 1)))]
    bounds = np.searchsorted(found // max(size, 1), np.arange(int(unit_of.max()) + 2)).tolist()
    values: list[Any] = (found % max(size, 1)).tolist()
    if names is not None:
        values = list(map(names.__getitem__, values))
    return [tuple(values[a:b]) for a, b in pairwise(bounds)]


def _merge(found: tuple[_Verdict, ...], pinned: Mode | None, site_id: str,
           ) -> tuple[dict[Mode, tuple[str, ...]], tuple[Mode, ...]]:
    """A unit's exclusion reasons (its classes' verdicts merged, the strategy's pin added) and
    the modes left eligible. Per mode, the reasons in the order the verdicts give them, each
    once (dict.fromkeys keeps the first of equal ones)."""
    excluded: dict[Mode, tuple[str, ...]] = {}
    for mode in MODES:
        if len(found) == 1:
            reasons = found[0][mode]
            if len(reasons) > 1:
                reasons = tuple(dict.fromkeys(reasons))
        else:
            reasons = tuple(dict.fromkeys(chain.from_iterable(v[mode] for v in found)))
        if not reasons and pinned is not None and mode is not pinned:
            reasons = (f"strategy pins site {site_id} to {pinned.value}",)
        if reasons:
            excluded[mode] = reasons
    eligible = tuple(m for m in MODES if m not in excluded)
    return excluded, eligible


def prune_dominated(units: list[Unit], charges: tuple[SiteCharge, ...]) -> list[Unit]:
    """Drop modes no optimal plan can give a unit (docs/model.md, section 3, dominance).

    Site rule: at site s, mode m goes from every unit when a server-free mode m' is eligible for
    every unit that may take m, costs each of them no more (c[u,m'] <= c[u,m]), and all of m''s
    charges at s cost no more than m''s: moving every m unit to m' then frees m's charges and
    servers and cannot cost more. Ties go to the earlier mode, as the tie-break costs do.
    Unit rule: m goes from u when a server-free m' is strictly cheaper for u even if u alone pays
    all of m''s charges. The modes stay eligible (no exclusion reason); they just cannot win.

    Both rules run on unit x mode arrays (`_kept_modes`)."""
    if all(len(unit.modes) < 2 for unit in units):
        # One mode each (a pinned strategy): no unit can move, so no mode can go.
        return list(units)
    index = _UnitIndex.of(units)
    keep = _kept_modes(index, _ChargeMoney.of_charges(charges, index))
    out = list(units)
    for u, kept, cost in _narrowing(index.eligible, keep, [unit.modes for unit in units],
                                    [unit.cost for unit in units]):
        unit = units[u]
        out[u] = _make_unit(unit.id, unit.site, unit.class_ids, unit.devices, unit.members,
                            unit.vas, kept, cost, unit.excluded)
    return out


def _kept_modes(index: _UnitIndex, charges: _ChargeMoney) -> npt.NDArray[np.bool_]:
    """Per unit and mode (Mode order), whether the mode survives both dominance rules of
    `prune_dominated`: the site rule for every site at once, mode by mode in Mode order (a
    dropped mode is no alternative for the modes after it), then the unit rule."""
    costs = _UnitArrays.of(index, charges)
    eligible, total, site = costs.eligible, costs.total, costs.site
    tol = 1e-9
    # Per site (rows of `at_site`, units sorted by site), what its units may take.
    by_site = np.argsort(site, kind="stable")
    heads = np.flatnonzero(np.diff(site[by_site], prepend=-1))
    has = np.logical_or.reduceat(eligible[by_site], heads, axis=0)
    sites = site[by_site][heads]
    charge_site = costs.charge_site[sites]
    dropped = np.zeros_like(has)
    for mi, m in enumerate(MODES):
        takes = eligible[:, mi:mi + 1]
        gap = total[:, mi:mi + 1] - total  # per unit and alternative: c[u,m] - c[u,alt]
        least = np.minimum.reduceat(np.where(takes, gap, np.inf)[by_site], heads, axis=0)
        most = np.maximum.reduceat(np.where(takes, gap, -np.inf)[by_site], heads, axis=0)
        not_all = np.logical_or.reduceat((takes & ~eligible)[by_site], heads, axis=0)
        spare = charge_site[:, mi:mi + 1] - charge_site
        open_ = has[:, mi].copy()
        for ai, alt in enumerate(MODES):
            if ai == mi or alt in ONPREM:
                continue
            fit = (open_ & has[:, ai] & ~dropped[:, ai] & ~not_all[:, ai]
                   & (least[:, ai] >= -tol) & (spare[:, ai] >= -tol))
            if _RANK[alt] > _RANK[m]:
                fit &= np.maximum(most[:, ai], spare[:, ai]) > tol
            dropped[fit, mi] = True
            open_ &= ~fit
    left = eligible.copy()
    left[by_site] &= ~np.repeat(dropped, np.diff(np.append(heads, len(site))), axis=0)
    # Unit rule, for units with two modes or more (a unit's one mode is kept by both rules).
    alone = np.where(left & ~_ONPREM_COLUMNS, total + costs.charge_unit, np.inf).min(axis=1)
    keep: npt.NDArray[np.bool_] = left & (total <= alone[:, None] + 1e-6)
    return keep


def _narrowing(eligible: npt.NDArray[np.bool_], keep: npt.NDArray[np.bool_],
               modes: Sequence[tuple[Mode, ...]], costs: Sequence[Mapping[Mode, UnitCost]],
               ) -> list[tuple[int, tuple[Mode, ...], Mapping[Mode, UnitCost]]]:
    """The units (of two modes or more) that `keep` takes modes from: each with its kept modes
    and its cost mapping cut to them. The kept tuple and mapping are made once per (modes
    tuple, kept mask) and (cost mapping, mask) (keyed by identity: units share them)."""
    changed = np.flatnonzero((keep != eligible).any(axis=1) & (eligible.sum(axis=1) >= 2))
    masks = (keep[changed] @ (1 << np.arange(len(MODES)))).tolist()
    kept_of: dict[tuple[int, int], tuple[Mode, ...]] = {}
    pruned: dict[tuple[int, int], Mapping[Mode, UnitCost]] = {}
    out = []
    for u, mask in zip(changed.tolist(), masks, strict=True):
        unit_modes, unit_cost = modes[u], costs[u]
        kept = kept_of.get((id(unit_modes), mask))
        if kept is None:
            kept = kept_of[(id(unit_modes), mask)] = tuple(
                m for m in unit_modes if mask >> _RANK[m] & 1)
        cost = pruned.get((id(unit_cost), mask))
        if cost is None:
            cost = pruned[(id(unit_cost), mask)] = {m: c for m, c in unit_cost.items()
                                                     if m in kept}
        out.append((u, kept, cost))
    return out


_ONPREM_COLUMNS = np.array([m in ONPREM for m in MODES], dtype=bool)


def _modes_row(modes: tuple[Mode, ...]) -> list[bool]:
    return [m in modes for m in MODES]


def _totals_row(cost: Mapping[Mode, UnitCost]) -> list[float]:
    return [c.total if (c := cost.get(m)) is not None else 0.0 for m in MODES]


@dataclass(frozen=True, slots=True)
class _UnitIndex:
    """Units as arrays, columns in Mode order: each unit's site number (into `sites`), the
    modes it may take, and their total costs to it (0 where it may not)."""

    site: npt.NDArray[np.int64]
    sites: list[str]
    eligible: npt.NDArray[np.bool_]
    total: npt.NDArray[np.float64]

    @classmethod
    def of_rows(cls, site: npt.NDArray[np.int64], sites: list[str], allowed: list[list[bool]],
                modes_at: list[int], totals: list[list[float]], costs_at: list[int],
                ) -> _UnitIndex:
        """From one row of modes per distinct modes tuple and of totals per distinct cost
        mapping, and each unit's row numbers."""
        eligible = np.array(allowed, dtype=bool).reshape(-1, len(MODES))[modes_at]
        total = np.where(eligible, np.array(totals, dtype=np.float64).reshape(
            -1, len(MODES))[costs_at], 0.0)
        return cls(site, sites, eligible, total)

    @classmethod
    def of(cls, units: Sequence[Unit]) -> _UnitIndex:
        # Units of equal price share one cost mapping, and many share their modes: one row of
        # each per distinct object (keyed by identity: hashing Modes is slow).
        cost_row: dict[int, int] = {}
        totals: list[list[float]] = []
        mode_row: dict[int, int] = {}
        allowed: list[list[bool]] = []
        site_no: dict[str, int] = {}
        cost_at, modes_at, site_at = [], [], []
        for unit in units:
            k = cost_row.get(id(unit.cost))
            if k is None:
                k = cost_row[id(unit.cost)] = len(totals)
                totals.append(_totals_row(unit.cost))
            cost_at.append(k)
            k = mode_row.get(id(unit.modes))
            if k is None:
                k = mode_row[id(unit.modes)] = len(allowed)
                allowed.append(_modes_row(unit.modes))
            modes_at.append(k)
            site_at.append(site_no.setdefault(unit.site, len(site_no)))
        return cls.of_rows(np.array(site_at, dtype=np.int64), list(site_no), allowed, modes_at,
                           totals, cost_at)


@dataclass(frozen=True, slots=True)
class _UnitColumns:
    """The decision units as columns (one list per Unit field, in unit order) and as arrays:
    what charges and dominance are worked out from before any Unit is made."""

    id: list[str]
    site: list[str]
    class_ids: list[tuple[str, ...]]
    devices: list[int]
    members: list[int]
    vas: list[tuple[str, ...]]
    modes: list[tuple[Mode, ...]]
    cost: list[Mapping[Mode, UnitCost]]
    excluded: list[Mapping[Mode, tuple[str, ...]]]
    index: _UnitIndex

    @classmethod
    def of(cls, units: Sequence[Unit]) -> _UnitColumns:
        return cls([u.id for u in units], [u.site for u in units],
                   [u.class_ids for u in units], [u.devices for u in units],
                   [u.members for u in units], [u.vas for u in units],
                   [u.modes for u in units], [u.cost for u in units],
                   [u.excluded for u in units], _UnitIndex.of(units))

    def __len__(self) -> int:
        return len(self.id)

    def units(self) -> list[Unit]:
        return list(map(_make_unit, self.id, self.site, self.class_ids, self.devices,
                        self.members, self.vas, self.modes, self.cost, self.excluded))

    def choices(self) -> bool:
        """Whether some unit may take two modes or more (else no mode can be pruned)."""
        return bool((self.index.eligible.sum(axis=1) >= 2).any())

    def narrowed(self, keep: npt.NDArray[np.bool_]) -> _UnitColumns:
        """These units with the modes `keep` drops (see `_narrowing`) taken away."""
        modes, cost = list(self.modes), list(self.cost)
        eligible = self.index.eligible.copy()
        for u, kept, narrowed in _narrowing(self.index.eligible, keep, self.modes, self.cost):
            modes[u], cost[u] = kept, narrowed
            eligible[u] = keep[u]
        index = _UnitIndex(self.index.site, self.index.sites, eligible,
                           np.where(eligible, self.index.total, 0.0))
        return _UnitColumns(self.id, self.site, self.class_ids, self.devices, self.members,
                            self.vas, modes, cost, self.excluded, index)


@dataclass(frozen=True, slots=True)
class _ChargeMoney:
    """Charges as arrays, in charge order: each one's site number (as the units' index counts
    sites, `sites` in all), mode (its Mode position), money, and the units that trigger it
    (`per` of them each, all in one array)."""

    site: npt.NDArray[np.int64]
    mode: npt.NDArray[np.int64]
    money: npt.NDArray[np.float64]
    per: npt.NDArray[np.int64]
    takers: npt.NDArray[np.int64]
    sites: int

    @classmethod
    def of_charges(cls, charges: Sequence[SiteCharge], index: _UnitIndex) -> _ChargeMoney:
        site_no = {s: i for i, s in enumerate(index.sites)}
        for charge in charges:
            site_no.setdefault(charge.site, len(site_no))
        per = np.array([len(c.units) for c in charges], dtype=np.int64)
        return cls(np.array([site_no[c.site] for c in charges], dtype=np.int64),
                   np.array([_RANK[c.mode] for c in charges], dtype=np.int64),
                   np.array([c.cost for c in charges], dtype=np.float64), per,
                   np.fromiter(chain.from_iterable(c.units for c in charges), dtype=np.int64,
                               count=int(per.sum())), len(site_no))


@dataclass(frozen=True, slots=True)
class _UnitArrays:
    """Units and charges as unit x mode arrays, columns in Mode order: who may take each mode,
    its total cost to the unit, the charges each unit's choice of a mode can trigger, and per
    site the charges of each mode (money summed in charge order, as a loop would)."""

    eligible: npt.NDArray[np.bool_]
    total: npt.NDArray[np.float64]  # 0 where not eligible
    site: npt.NDArray[np.int64]  # per unit, a site number
    charge_unit: npt.NDArray[np.float64]
    charge_site: npt.NDArray[np.float64]  # per site number and mode

    @classmethod
    def of(cls, index: _UnitIndex, charges: _ChargeMoney) -> _UnitArrays:
        charge_unit = np.zeros(index.total.shape)
        charge_site = np.zeros((charges.sites, len(MODES)))
        if len(charges.mode):
            np.add.at(charge_site, (charges.site, charges.mode), charges.money)
            np.add.at(charge_unit, (charges.takers, np.repeat(charges.mode, charges.per)),
                      np.repeat(charges.money, charges.per))
        return cls(index.eligible, index.total, index.site, charge_unit, charge_site)


def _bundles(codes: ClassCodes, verdicts: list[_Verdict], verdict_of: npt.NDArray[np.int64],
             mixing_at: npt.NDArray[np.bool_], slac: npt.NDArray[np.bool_],
             ) -> tuple[list[int], npt.NDArray[np.int64]]:
    """The decision units (docs/model.md, set U): per unit its site, and per class its unit.
    Units come site by site, in a site in the order their first class comes.

    Mixing forbidden: the whole site. Mixing allowed: classes that would always choose alike are
    decided together: same eligible modes, same stack members per device (so their costs are
    proportional in every mode), the same need for a SLAC (its labour is per device and mode)
    and, where connected CSLU is eligible, the same Virtual
    Account (CSLU is charged per Virtual Account)."""
    modes_no: dict[tuple[Mode, ...], int] = {}
    eligible = np.array([modes_no.setdefault(tuple(m for m in MODES if not found[m]),
                                             len(modes_no)) for found in verdicts],
                        dtype=np.int64)
    cslu = np.array([not found[Mode.CSLU] for found in verdicts], dtype=bool)
    # equal ratios give equal floats (division is correctly rounded); a class has 1+ devices
    ratio = codes.members / np.maximum(codes.devices, 1)
    _ratios, ratio_of = np.unique(ratio, return_inverse=True)
    mixing = mixing_at[codes.site]
    va = np.where(cslu[verdict_of], codes.virtual_account + 1, 0)
    parts = [(codes.site, len(codes.sites)),
             (np.where(mixing, eligible[verdict_of], 0), len(modes_no)),
             (np.where(mixing, ratio_of.reshape(-1), 0), len(_ratios)),
             (np.where(mixing, va, 0), len(codes.virtual_accounts) + 1),
             (np.where(mixing, slac, 0).astype(np.int64), 2)]
    if math.prod(max(size, 1) for _, size in parts) < 2**62:
        key = np.zeros(len(codes.site), dtype=np.int64)
        for part, size in parts:
            key = key * max(size, 1) + part
        _keys, first, group = np.unique(key, return_index=True, return_inverse=True)
    else:
        stacked = np.stack([part for part, _ in parts], axis=1)
        _rows, first, group = np.unique(stacked, axis=0, return_index=True,
                                        return_inverse=True)
    # Units in the order of their first class (classes are in site order).
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first), dtype=np.int64)
    unit_of = rank[group.reshape(-1)]
    site_of_unit = codes.site[np.sort(first)].tolist()
    return site_of_unit, unit_of


def site_charges(estate: Estate, units: list[Unit],
                  specs: Mapping[Mode, ModeSpec]) -> tuple[SiteCharge, ...]:
    """The per-site charges the units' eligible modes can trigger, in (site, mode, VA) order
    (as text), each with the units that trigger it in unit order (see `_ChargeTable`)."""
    cols = _UnitColumns.of(units)
    return _ChargeTable.of(estate, cols, specs).charges(cols)


_Charged = tuple[Mode, str, float, float, float]  # a mode, its text, hours and money


@dataclass(frozen=True, slots=True)
class _ChargeTable:
    """The (unit, mode[, VA]) pairs that trigger per-site charges, sorted into charges: pair
    arrays (`who`, `what`: a Mode position, `whose`: into `vas`, -1 for none), the pairs in
    charge order (`order`) and where each charge starts in it (`heads`).

    The pairs come from the unit x mode array and are sorted by numpy: tens of thousands of
    units, a few charged modes each; a SiteCharge is made only when asked for."""

    who: npt.NDArray[np.int64]
    what: npt.NDArray[np.int64]
    whose: npt.NDArray[np.int64]
    vas: list[str]
    order: npt.NDArray[np.int64]
    heads: npt.NDArray[np.int64]
    about: tuple[_Charged | None, ...]  # per Mode position, None where no charge

    @classmethod
    def of(cls, estate: Estate, cols: _UnitColumns,
           specs: Mapping[Mode, ModeSpec]) -> _ChargeTable:
        charged = [m for m in MODES if has_site_charge(specs[m])]
        # Per mode: its text, hours and cost (Mode.value is a Python-level property).
        about = tuple((m, m.value, specs[m].hours_initial_per_site, specs[m].hours_per_site_year,
                       site_charge(estate.costs, specs[m])) if m in charged else None
                      for m in MODES)
        none = np.zeros(0, dtype=np.int64)
        if not len(cols) or not charged:
            return cls(none, none, none, [], none, none, about)
        eligible, unit_site = cols.index.eligible, cols.index.site
        # Site-wide charges: one per (unit, mode), no VA.
        wide = np.array([_RANK[m] for m in charged if not charged_per_account(m)],
                        dtype=np.int64)
        at, col = np.nonzero(eligible[:, wide])
        unit_of, mode_of = [at], [wide[col]]
        vas: list[str] = []
        va_of = [np.full(len(at), -1, dtype=np.int64)]
        # Per-account charges: one per (unit, mode, VA of the unit).
        for mode in (m for m in charged if charged_per_account(m)):
            takers = np.flatnonzero(eligible[:, _RANK[mode]]).tolist()
            counts = [len(cols.vas[u]) for u in takers]
            start = len(vas)
            for u in takers:
                vas.extend(cols.vas[u])
            unit_of.append(np.repeat(np.array(takers, dtype=np.int64), counts))
            mode_of.append(np.full(len(vas) - start, _RANK[mode], dtype=np.int64))
            va_of.append(np.arange(start, len(vas), dtype=np.int64))
        who, what, whose = (np.concatenate(x) for x in (unit_of, mode_of, va_of))
        if not len(who):
            return cls(none, none, none, [], none, none, about)
        va_text = sorted(set(vas))
        rank_of = {v: r for r, v in enumerate(va_text)}
        va_rank = np.array([rank_of[v] for v in vas] + [-1], dtype=np.int64)  # -1: no VA
        keys = (_text_ranks(cols.index.sites)[unit_site[who]],
                _text_ranks([m.value for m in MODES])[what], va_rank[whose])
        order = np.lexsort((who, keys[2], keys[1], keys[0]))
        ranked = np.stack([k[order] for k in keys])
        heads = np.flatnonzero(np.concatenate(
            ([True], (ranked[:, 1:] != ranked[:, :-1]).any(axis=0))))
        return cls(who, what, whose, vas, order, heads, about)

    def money(self, index: _UnitIndex) -> _ChargeMoney:
        """The charges as arrays, for the units `index` reads (the units this was made of)."""
        first = self.order[self.heads]
        mode = self.what[first]
        money = np.array([found[4] for k in mode.tolist() if (found := self.about[k])],
                         dtype=np.float64)
        return _ChargeMoney(index.site[self.who[first]], mode, money,
                            np.diff(np.append(self.heads, len(self.order))),
                            self.who[self.order], len(index.sites))

    def charges(self, cols: _UnitColumns) -> tuple[SiteCharge, ...]:
        """The charges, each with the units that trigger it in unit order."""
        takers_in_order = self.who[self.order].tolist()
        bounds = [*self.heads.tolist(), len(self.order)]
        first = self.order[self.heads].tolist()
        who_l, what_l, whose_l = self.who.tolist(), self.what.tolist(), self.whose.tolist()
        vas, sites = self.vas, cols.site
        charges = []
        for k, a, b in zip(first, bounds[:-1], bounds[1:], strict=True):
            site = sites[who_l[k]]
            found = self.about[what_l[k]]
            assert found is not None
            mode, text, hours_initial, hours_year, money = found
            va = vas[whose_l[k]] if whose_l[k] >= 0 else ""
            key = f"{site}|{text}|{va}" if va else f"{site}|{text}"
            charges.append(_make_charge(key, site, mode, tuple(takers_in_order[a:b]),
                                        hours_initial, hours_year, money))
        return tuple(charges)


def _text_ranks(texts: list[str]) -> npt.NDArray[np.int64]:
    """Each text's position in sorted order."""
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    return ranks


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
    codes = classes.codes
    by_state = np.zeros(len(codes.states), dtype=np.int64)
    np.add.at(by_state, codes.state, codes.devices)
    devices_in = dict(zip(codes.states, by_state.tolist(), strict=True))
    sets = [codes.licence_sets[k] for k in np.flatnonzero(np.bincount(codes.licences)).tolist()]
    for state in ("slr", "plr"):
        n = devices_in.get(state, 0)
        if n:
            notes.append(f"{n} device(s) already hold an {state.upper()} reservation: they stay "
                         f"eligible for {state} whatever the product family table says (the "
                         "Smart Account pre-approval still applies: every later change is a new "
                         "request).")
    unknown = sorted({u.tag for lic in sets for u in lic if u.tag not in cat.licences})
    if unknown:
        notes.append("Licences not in the catalogue (no tier substitution, priced from `prices:` "
                      f"or 0): {', '.join(unknown)}")
    return tuple(notes)
