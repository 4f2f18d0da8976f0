"""The class-by-class unit building the array one replaced, kept as the tests' oracle.

planner.optimise.data._units groups classes into decision units on the classes' code arrays;
this is the version it replaced (a loop over DeviceClass objects, site by site), verbatim but
for its names. tests/optimise/test_units.py holds the array version to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from planner.catalogue import version_key
from planner.model import Estate, Mode
from planner.optimise.classes import Classes
from planner.optimise.data import MODES, Unit, _Pricing, _Verdict
from planner.plan import DeviceClass


def units_by_loops(estate: Estate, classes: Classes, pricing: _Pricing,
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
        for group in _bundles_by_loops(members, reasons_of, mixing, slac):
            # The reasons of a unit: every distinct verdict of its classes, merged in order.
            found = tuple({id(reasons_of[k]): reasons_of[k] for k in group}.values())
            mkey = (tuple(map(id, found)), pinned, where)
            done = merged.get(mkey)
            if done is None:
                done = merged[mkey] = _merge_by_loops(found, pinned, site_id)
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


def _bundles_by_loops(members: list[DeviceClass], reasons_of: list[_Verdict], mixing: bool,
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


def _merge_by_loops(found: tuple[_Verdict, ...], pinned: Mode | None, site_id: str,
                    ) -> tuple[dict[Mode, tuple[str, ...]], tuple[Mode, ...]]:
    """A unit's exclusion reasons (its classes' verdicts merged, the strategy's pin added) and
    the modes left eligible: the list-and-test merge `data._merge` replaced."""
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
