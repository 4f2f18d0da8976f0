"""One costing module: what the reports say a site would cost is what the optimiser pays.

For generated estates and the bundled examples, every site-level price the trade-off report
quotes (`reports.sites.SitePricer`, the figures `planner explain` also reads from the plan) is
checked against the model's own coefficients (`optimise.data`: unit costs, site charges, server
groups), and the plan's exposure per element against its exposure cost.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.costing import (
    break_even,
    exposure_share,
    price_unit,
    server_price,
    site_charge,
    unit_rates,
)
from planner.loader import load_estate
from planner.model import ClassificationPolicy, CostAssumptions, DataElement, Estate, Mode
from planner.modes import load_modes, modes_for, server_modes
from planner.optimise import plan_estate
from planner.optimise.data import ModelData, build_data
from planner.plan import Plan
from planner.reports.sites import SitePricer
from planner.resources import examples_dir
from tests.optimise.estates import random_estate

EXAMPLES = sorted(p.name for p in examples_dir().iterdir() if (p / "estate.yaml").is_file())


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def _model_site_price(data: ModelData, plan: Plan, site: str, mode: Mode) -> float:
    """The model's coefficients for every device of `site` in `mode`: its units' c[u,m], the
    site charges of m at the site, and one server c_g when no server of m serves it."""
    total = math.fsum(u.cost[mode].total for u in data.units if u.site == site)
    total += math.fsum(c.cost for c in data.charges if c.site == site and c.mode is mode)
    served = {(p.mode, s) for p in plan.servers for s in p.sites_served}
    if mode in server_modes() and (mode, site) not in served:
        groups = [g for g in data.groups if g.mode is mode and site in g.serves]
        assert groups, f"{mode.value} is eligible at {site} but no server group serves it"
        total += groups[0].cost
    return total


def _check_agreement(estate: Estate) -> int:
    plan = plan_estate(estate)
    data = build_data(estate, prune=False)  # every eligible mode keeps its coefficients
    pricer = SitePricer(estate, plan)
    by_site: dict[str, list[int]] = defaultdict(list)
    for u, unit in enumerate(data.units):
        by_site[unit.site].append(u)
    checked = 0
    for site, idx in by_site.items():
        everywhere = set.intersection(*(set(data.units[u].modes) for u in idx))
        for mode in sorted(everywhere, key=list(Mode).index):
            quoted = pricer.price(site, mode).cost
            model = _model_site_price(data, plan, site, mode)
            assert _close(quoted, model), (site, mode, quoted, model)
            checked += 1
    for decision in plan.sites:
        assert _close(pricer.chosen_price(decision.site).cost, decision.total), decision.site
        shown = math.fsum(e.cost for e in plan.exposure if e.site == decision.site)
        assert _close(shown, decision.exposure), decision.site
    return checked


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(min_value=0, max_value=10_000), sites=st.integers(1, 6))
def test_report_prices_are_the_models_coefficients(seed: int, sites: int) -> None:
    estate = random_estate(seed, sites=sites, max_devices=5)
    assume(not build_data(estate).infeasible)  # a site no mode can serve has no plan to price
    _check_agreement(estate)


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_examples_price_alike_in_model_and_reports(name: str) -> None:
    estate = load_estate(Path(examples_dir()) / name / "estate.yaml").estate
    assert _check_agreement(estate) > 0


@SETTINGS
@given(devices=st.integers(0, 10_000), members=st.integers(0, 500),
       slac=st.integers(0, 10_000), rate=st.sampled_from((0.0, 60.0, 95.0, 151.5)),
       years=st.integers(1, 7), mode=st.sampled_from(list(Mode)),
       privacy=st.booleans(), price=st.sampled_from((0.0, 12.5, 40.0)))
def test_unit_price_is_linear_in_its_counts(devices: int, members: int, slac: int, rate: float,
                                            years: int, mode: Mode, privacy: bool,
                                            price: float) -> None:
    """c[u,m] of a unit is the sum of its devices' and members' parts (docs/model.md, section
    3): one device priced N times equals N devices priced once, part by part."""
    costs = CostAssumptions(labour_rate_per_hour=rate, horizon_years=years)
    policy = ClassificationPolicy("p", frozenset(Mode), frozenset(DataElement),
                                  hostname_privacy=privacy,
                                  exposure_cost_per_device_year=price)
    spec = modes_for(costs)[mode]
    r = unit_rates(costs, policy, spec)
    whole = price_unit(r, devices, members, min(slac, devices))
    one, member = price_unit(r, 1, 0), price_unit(r, 0, 1)
    slac_one = price_unit(r, 1, 0, 1).hours_initial - one.hours_initial
    n_slac = min(slac, devices)
    assert math.isclose(whole.hours_initial, devices * one.hours_initial + members
                        * member.hours_initial + n_slac * slac_one, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(whole.total, devices * one.total + members * member.total
                        + n_slac * slac_one * rate, rel_tol=1e-9, abs_tol=1e-6)
    share = exposure_share(privacy, spec.data_leaving - ({DataElement.HOSTNAME} if privacy
                                                          else frozenset()))
    assert math.isclose(whole.exposure, price * years * share * devices, rel_tol=1e-9,
                        abs_tol=1e-9)
    assert 0.0 <= share <= 1.0


def test_server_and_charge_prices_follow_the_costs() -> None:
    """c_g and c_k from their formulas (docs/model.md section 3), by hand for one setting."""
    costs = CostAssumptions(labour_rate_per_hour=100.0, horizon_years=3, onprem_ha=True,
                            onprem_server_cost_per_year=6000.0, onprem_server_setup_hours=24.0)
    spec = load_modes()[Mode.ONPREM_MANUAL]
    server = server_price(costs, spec)
    assert server.hours_initial == 48.0
    assert server.cost == pytest.approx(2 * 6000 * 3 + 100 * (48 + 3 * spec.hours_per_server_year))
    assert server.running == pytest.approx(2 * 6000 * 3)
    offline = load_modes()[Mode.OFFLINE]
    assert site_charge(costs, offline) == pytest.approx(
        100 * (offline.hours_initial_per_site + 3 * offline.hours_per_site_year))


@SETTINGS
@given(now=st.floats(0, 1e4), delta=st.floats(-1e4, 1e4), slope=st.floats(-1e3, 1e3))
def test_break_even_is_where_the_costs_tie(now: float, delta: float, slope: float) -> None:
    value = break_even(now, delta, slope)
    if abs(slope) < 1e-9:
        assert value is None
    elif value is not None:
        # the alternative's cost minus the choice's, moved to `value`, is zero
        assert value >= 0
        assert math.isclose(delta + slope * (value - now), 0.0, abs_tol=1e-6 * (1 + abs(delta)))
