"""Brute force: enumerate EVERY mode assignment on small random estates, price each one with
the arithmetic of docs/model.md written out again here, and find the solver's optimum."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from fractions import Fraction
from functools import cache

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.eligibility import mode_exclusions
from planner.graph import analyse_reach
from planner.model import DataElement, Estate, Mode
from planner.modes import load_modes
from planner.optimise import plan_estate
from planner.plan import DeviceClass, Plan
from planner.problems import SolverError
from planner.solving import SolveOptions

from .checks import check_all, supply
from .estates import random_estate

MAX_ASSIGNMENTS = 4000


def _units(plan: Plan) -> list[tuple[str, list[str]]]:
    """Decision units (docs/model.md, set U): a whole site when its policy forbids mixing; else
    classes with the same eligible modes, members per device and (when CSLU is eligible) VA."""
    estate = plan.estate
    out: list[tuple[str, list[str]]] = []
    for site in sorted(estate.sites, key=lambda s: s.id):
        ids = sorted(c.id for c in plan.classes if c.site == site.id)
        if not ids:
            continue
        if not estate.policy(site.classification).allow_mixed_modes:
            out.append((site.id, ids))
            continue
        bundles: dict[tuple[object, ...], list[str]] = {}
        for cid in ids:
            cls = next(c for c in plan.classes if c.id == cid)
            modes = tuple(_eligible(estate, site.id, set(cls.device_serials)))
            va = cls.virtual_account if Mode.CSLU in modes else ""
            key = (modes, Fraction(cls.members, cls.devices), va, _slac(cls))
            bundles.setdefault(key, []).append(cid)
        out.extend((site.id, group) for group in bundles.values())
    return out


def _slac(cls: DeviceClass) -> bool:
    """SLUP devices using HSECK9 or another enforced / export-controlled licence need a SLAC."""
    cat = load_catalogue()
    gated = any(u.tag in cat.licences and (cat.licences[u.tag].export_controlled
                                           or cat.licences[u.tag].enforced)
                for u in cls.licences)
    return gated and (cls.runs_slup or cls.state == "slup")


def _slac_hours(estate: Estate, mode: Mode) -> float:
    c = estate.costs
    if mode in (Mode.CSSM_DIRECT, Mode.CSLU, Mode.ONPREM_NETWORK):
        return c.slac_hours_online_per_device
    if mode in (Mode.OFFLINE, Mode.ONPREM_MANUAL):
        return c.slac_hours_offline_per_device
    return 0.0


def _eligible(estate: Estate, site: str, serials: set[str]) -> list[Mode]:
    cat, modes, reach = load_catalogue(), load_modes(), analyse_reach(estate)
    ok = set(Mode)
    for d in estate.devices:
        if d.site == site and d.serial in serials:
            why = mode_exclusions(estate, estate.site(site), cat.family_for_pid(d.pid), d.version,
                                  d.state, reach, modes)
            ok &= {m for m, r in why.items() if not r}
    return [m for m in Mode if m in ok]


def _unit_cost(estate: Estate, site_id: str, mode: Mode, n: int, members: int,
               n_slac: int = 0) -> float:
    spec = load_modes()[mode]
    c = estate.costs
    years = c.horizon_years
    policy = estate.policy(estate.site(site_id).classification)
    hours = spec.hours_initial_per_device * n + spec.hours_initial_per_member * members
    hours += n_slac * _slac_hours(estate, mode)
    yearly = spec.hours_per_device_year * n
    if spec.reservation:
        yearly += c.device_churn_per_year * (spec.hours_per_change * n
                                             + spec.hours_initial_per_member * members)
    leaving = set(spec.data_leaving)
    if policy.hostname_privacy:
        leaving.discard(DataElement.HOSTNAME)
    sensitive = 5 - (1 if policy.hostname_privacy else 0)
    money = (hours + yearly * years) * c.labour_rate_per_hour
    money += policy.exposure_cost_per_device_year * n * years * len(leaving) / sensitive
    if spec.reservation:
        money += c.flexibility_cost_per_locked_device_year * n * years
    if mode is Mode.PLR:
        money += c.plr_uplift_per_device * n
    return money


def _server_cost(estate: Estate, mode: Mode) -> float:
    spec = load_modes()[mode]
    c = estate.costs
    pair = 2 if c.onprem_ha else 1
    sync = spec.hours_per_server_year  # syncs a year from Cisco's 90-day windows (cadence)
    hours = pair * c.onprem_server_setup_hours + sync * c.horizon_years
    return pair * c.onprem_server_cost_per_year * c.horizon_years + hours * c.labour_rate_per_hour


def brute_force_mode_cost(plan: Plan) -> float | None:
    """The cheapest mode assignment, enumerated; None when there are too many to enumerate."""
    estate = plan.estate
    reach = analyse_reach(estate)
    classes = {c.id: c for c in plan.classes}
    units = _units(plan)
    info = []
    for site, ids in units:
        serials = {s for i in ids for s in classes[i].device_serials}
        n = sum(classes[i].devices for i in ids)
        members = sum(classes[i].members for i in ids)
        vas = {classes[i].virtual_account for i in ids}
        n_slac = sum(classes[i].devices for i in ids if _slac(classes[i]))
        info.append((site, n, members, vas, _eligible(estate, site, serials), n_slac))
    count = math.prod(len(e[4]) for e in info)
    if not 0 < count <= MAX_ASSIGNMENTS:
        return None
    specs = load_modes()
    rate, years = estate.costs.labour_rate_per_hour, estate.costs.horizon_years

    @cache
    def unit_cost(u: int, mode: Mode) -> float:
        site, n, members, _, _, n_slac = info[u]
        return _unit_cost(estate, site, mode, n, members, n_slac)

    best = math.inf
    for choice in itertools.product(*(e[4] for e in info)):
        total = sum(unit_cost(u, m) for u, m in enumerate(choice))
        used: dict[tuple[str, Mode], set[str]] = defaultdict(set)
        for (site, _, _, vas, _, _), m in zip(info, choice, strict=True):
            used[(site, m)] |= vas
        for (_, m), vas in used.items():
            spec = specs[m]
            per_site = (spec.hours_initial_per_site + spec.hours_per_site_year * years) * rate
            total += per_site * (len(vas) if m is Mode.CSLU else 1)
        for m in (Mode.ONPREM_NETWORK, Mode.ONPREM_MANUAL):
            serving = {frozenset(reach.serves[c]) for c in reach.candidates
                       if m is Mode.ONPREM_MANUAL or c in reach.cssm}
            for serves in serving:
                load = sum(n for (site, n, *_), mm in zip(info, choice, strict=True)
                           if mm is m and site in serves)
                total += math.ceil(load / estate.costs.onprem_server_capacity) * \
                    _server_cost(estate, m)
        best = min(best, total)
    return best


def brute_force_single_va_allocation(estate: Estate) -> float:
    """Cheapest way to cover every need from one VA's holdings plus purchases (no transfers)."""
    cat = load_catalogue()
    (va,) = {d.virtual_account for d in estate.devices}
    need: dict[str, int] = defaultdict(int)
    for d in estate.devices:
        for use in d.licences:
            need[use.tag] += use.count
    have = {t: n for (v, t), n in supply(estate).items() if v == va and n > 0}
    years = estate.costs.horizon_years

    def price(tag: str) -> float:
        lic = cat.licences[tag]
        return lic.list_price * (years if lic.term.value == "term" else 1)

    needs = sorted(need.items())

    def go(i: int, pool: tuple[tuple[str, int], ...]) -> float:
        if i == len(needs):
            return 0.0
        tag, n = needs[i]
        usable = [j for j, (t, q) in enumerate(pool) if q > 0 and
                  cat.licences[t].covers(cat.licences[tag])]
        best = math.inf
        # every split of n units over the usable supplies (and purchases for the rest)
        for split in itertools.product(*(range(min(pool[j][1], n) + 1) for j in usable)):
            if sum(split) > n:
                continue
            rest = list(pool)
            for j, k in zip(usable, split, strict=True):
                rest[j] = (rest[j][0], rest[j][1] - k)
            best = min(best, (n - sum(split)) * price(tag) + go(i + 1, tuple(rest)))
        return best

    return go(0, tuple(sorted(have.items())))


SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 4),
       capacity=st.sampled_from((3, 6, 25000)))
def test_solver_finds_the_brute_force_optimum(seed: int, sites: int, capacity: int) -> None:
    estate = random_estate(seed, sites=sites, max_devices=4, capacity=capacity)
    try:
        plan = plan_estate(estate, SolveOptions(gap=1e-9))
    except SolverError:
        assume(False)
        return
    check_all(plan)
    allocation = plan.costs.purchases + plan.costs.transfers
    modes = brute_force_mode_cost(plan)
    assume(modes is not None)
    assert modes is not None
    assert plan.objective == pytest.approx(modes + allocation, rel=1e-7, abs=1e-4)


@SETTINGS
@given(seed=st.integers(0, 100_000))
def test_allocation_matches_brute_force_on_one_virtual_account(seed: int) -> None:
    estate = random_estate(seed, sites=2, max_devices=4)
    assume(len(estate.virtual_accounts) == 1)
    try:
        plan = plan_estate(estate, SolveOptions(gap=1e-9))
    except SolverError:
        assume(False)
        return
    assert plan.transfers == ()
    assert abs(plan.costs.purchases - brute_force_single_va_allocation(estate)) < 1e-6
