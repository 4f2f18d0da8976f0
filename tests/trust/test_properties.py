"""Properties of plans over generated estates loaded through the loader (hypothesis).

Every device covered exactly once; no device in a mode its site or platform forbids; no Virtual
Account gives away more than it holds plus what is bought into it; the optimal mix never costs
more than a feasible single-mode strategy; the cost breakdown adds up to the objective; adding
an entitlement never raises the optimal cost; air-gapping a site never lowers it. Solved with
gap 0, compared with a tolerance far below any price.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.eligibility import mode_exclusions
from planner.generate import generate_estate, write_estate
from planner.graph import analyse_reach
from planner.loader import load_estate
from planner.model import Estate, InternetAccess, TermType
from planner.modes import load_modes
from planner.optimise import compare_strategies, plan_estate
from planner.plan import Plan, SolveStatus, Strategy
from planner.problems import SolverError
from planner.solving import SolveOptions

PROPS = settings(max_examples=10, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])
TOL = 1e-6  # relative: money is in currency units, so this is far below a cent on any plan
ESTATES = st.tuples(st.integers(4, 40), st.integers(1, 8), st.integers(0, 10**6))


def _load(root: Path, devices: int, sites: int, seed: int) -> Estate:
    folder = root / f"e-{devices}-{sites}-{seed}"
    write_estate(folder, generate_estate(devices, sites, seed))
    from datetime import date

    return load_estate(folder / "estate.yaml", today=date(2026, 12, 1)).estate


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def check_covered(plan: Plan) -> None:
    estate = plan.estate
    seen = Counter((c.site, s) for c in plan.classes for s in c.device_serials)
    assert seen == Counter((d.site, d.serial) for d in estate.devices)
    assert max(seen.values(), default=1) == 1
    decided = Counter(d.class_id for d in plan.class_decisions)
    assert decided == Counter(c.id for c in plan.classes)


def check_eligible(plan: Plan) -> None:
    estate = plan.estate
    assert estate.catalogue is not None
    modes, reach = load_modes(), analyse_reach(estate)
    mode_of = {}
    by_class = {d.class_id: d.mode for d in plan.class_decisions}
    for cls in plan.classes:
        for serial in cls.device_serials:
            mode_of[(cls.site, serial)] = by_class[cls.id]
    for dev in estate.devices:
        mode = mode_of[(dev.site, dev.serial)]
        why = mode_exclusions(estate, estate.site(dev.site), estate.catalogue.family_for_pid(
            dev.pid), dev.version, dev.state, reach, modes)[mode]
        assert not why, f"{dev.hostname} at {dev.site} planned {mode}: {why}"


def check_no_va_overdrawn(plan: Plan) -> None:
    holds: dict[tuple[str, str], int] = defaultdict(int)
    for ent in plan.estate.entitlements:
        holds[(ent.virtual_account, ent.tag)] += ent.quantity
    bought: dict[tuple[str, str], int] = defaultdict(int)
    for p in plan.purchases:
        assert p.quantity > 0
        bought[(p.virtual_account, p.tag)] += p.quantity
    gives: dict[tuple[str, str], int] = defaultdict(int)
    for t in plan.transfers:
        assert len(t.items) <= 10 and t.source_va != t.target_va
        for tag, qty in t.items:
            assert qty > 0
            gives[(t.source_va, tag)] += qty
    for key, qty in gives.items():
        assert qty <= holds[key] + bought[key], f"{key} gives {qty}, holds {holds[key]}"


def check_costs_add_up(plan: Plan) -> None:
    c = plan.costs
    parts = (c.purchases, c.servers, c.labour, c.exposure, c.flexibility, c.transfers,
             c.reservation_uplift)
    assert all(p >= -TOL for p in parts)
    assert _close(plan.objective, sum(parts))
    assert _close(c.purchases, sum(p.total for p in plan.purchases))
    assert _close(c.exposure, sum(e.cost for e in plan.exposure))
    assert _close(c.reservation_uplift, sum(s.reservation_uplift for s in plan.sites))
    assert _close(c.flexibility, sum(s.flexibility for s in plan.sites))


@PROPS
@given(params=ESTATES)
def test_plans_are_valid_and_the_mix_is_cheapest(tmp_path_factory: pytest.TempPathFactory,
                                                  params: tuple[int, int, int]) -> None:
    estate = _load(tmp_path_factory.mktemp("p"), *params)
    plans = compare_strategies(estate, SolveOptions(gap=0.0))
    best = plans.optimal
    assert best.strategy is Strategy.OPTIMAL and best.status is SolveStatus.OPTIMAL
    for result in plans.results:
        plan = result.plan
        if plan is None:
            assert result.infeasible and result.strategy is not Strategy.OPTIMAL
            continue
        check_covered(plan)
        check_eligible(plan)
        check_no_va_overdrawn(plan)
        check_costs_add_up(plan)
        assert best.objective <= plan.objective + TOL * max(1.0, plan.objective), plan.strategy


@PROPS
@given(params=ESTATES, pick=st.integers(0, 10**6), extra=st.integers(1, 50))
def test_an_extra_entitlement_never_raises_the_cost(tmp_path_factory: pytest.TempPathFactory,
                                                   params: tuple[int, int, int], pick: int,
                                                   extra: int) -> None:
    estate = _load(tmp_path_factory.mktemp("e"), *params)
    before = plan_estate(estate, SolveOptions(gap=0.0))
    if not estate.entitlements:
        return
    model = estate.entitlements[pick % len(estate.entitlements)]
    gift = dataclasses.replace(model, quantity=extra, in_use=0, reserved=0,
                               term=TermType.PERPETUAL, start=None, end=None,
                               subscription_id="gift")
    richer = dataclasses.replace(estate, entitlements=(*estate.entitlements, gift))
    after = plan_estate(richer, SolveOptions(gap=0.0))
    assert after.objective <= before.objective + TOL * max(1.0, before.objective)


@PROPS
@given(params=ESTATES, pick=st.integers(0, 10**6))
def test_air_gapping_a_site_never_lowers_the_cost(tmp_path_factory: pytest.TempPathFactory,
                                                  params: tuple[int, int, int],
                                                  pick: int) -> None:
    estate = _load(tmp_path_factory.mktemp("a"), *params)
    before = plan_estate(estate, SolveOptions(gap=0.0))
    site = estate.sites[pick % len(estate.sites)]
    cut = dataclasses.replace(site, internet=InternetAccess.NONE)
    gapped = dataclasses.replace(estate, sites=tuple(cut if s.id == site.id else s
                                                     for s in estate.sites))
    try:
        after = plan_estate(gapped, SolveOptions(gap=0.0))
    except SolverError:
        return  # no mode left at that site: infinitely dearer, which is not lower
    assert after.objective >= before.objective - TOL * max(1.0, before.objective)
