"""The loop-by-loop dominance pruning and site charges the array ones replaced, kept as the
tests' oracles.

planner.optimise.data.prune_dominated runs both dominance rules on unit x mode arrays, and
site_charges sorts (unit, mode, VA) pairs with numpy; these are the versions they replaced
(dicts and sets, one unit and mode at a time), verbatim but for their names.
tests/optimise/test_prune.py holds the array versions to them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from planner.costing import UnitCost, charged_per_account, has_site_charge, site_charge
from planner.model import Estate, Mode
from planner.modes import ModeSpec
from planner.optimise.data import MODES, ONPREM, SiteCharge, Unit

_RANK = {m: i for i, m in enumerate(MODES)}


def prune_by_loops(units: list[Unit], charges: tuple[SiteCharge, ...]) -> list[Unit]:
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


def site_charges_by_loops(estate: Estate, units: list[Unit],
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
