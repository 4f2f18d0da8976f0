"""Dominance pruning on unit x mode arrays and site charges sorted by numpy, against the loops
they replaced (tests/optimise/prune_reference.py): the same modes kept per unit, the same cost
mappings, the untouched units passed through as they are, and the same charges in the same
order, on generated units and charges built to hit the rules' edges (equal costs, ties between
modes, charges shared by several units, units with one mode, sites whose units disagree on a
mode, Virtual Accounts and site names whose text order is not their order of appearance) and
on the model data of random estates."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.costing import UnitCost
from planner.model import Mode
from planner.modes import modes_for
from planner.optimise.data import SiteCharge, Unit, build_data, prune_dominated, site_charges
from tests.optimise.estates import random_estate
from tests.optimise.prune_reference import prune_by_loops, site_charges_by_loops

_ESTATES = (random_estate(1), random_estate(2, sites=1))  # their costs price the charges
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
MODES = tuple(Mode)
# Few distinct amounts, so equal costs and ties between modes are common.
_money = st.sampled_from([0.0, 1.0, 1.0 + 1e-10, 2.5, 3.0, 10.0, 0.1 + 0.2])


@st.composite
def _units_and_charges(draw: st.DrawFn) -> tuple[list[Unit], tuple[SiteCharge, ...]]:
    sites = draw(st.lists(st.sampled_from(("a", "b", "a-b", "B", "é")), min_size=1, max_size=4,
                          unique=True))
    units: list[Unit] = []
    for u in range(draw(st.integers(1, 12))):
        modes = tuple(m for m in MODES if draw(st.booleans())) or (draw(st.sampled_from(MODES)),)
        cost = {m: UnitCost(0.0, 0.0, draw(_money), draw(_money), 0.0, 0.0) for m in modes}
        site = draw(st.sampled_from(sites))
        vas = tuple(sorted(draw(st.sets(st.sampled_from(("", "East", "West", "va")),
                                        min_size=1, max_size=3))))
        units.append(Unit(f"{site}#{u}", site, (f"c{u}",), 1, 0, vas, modes, cost, {}))
    charges = []
    for k in range(draw(st.integers(0, 8))):
        site = draw(st.sampled_from(sites))
        mode = draw(st.sampled_from(MODES))
        takers = tuple(u for u, unit in enumerate(units)
                       if unit.site == site and mode in unit.modes and draw(st.booleans()))
        if takers:
            charges.append(SiteCharge(f"{site}|{mode.value}|{k}", site, mode, takers, 0.0, 0.0,
                                      draw(_money)))
    return units, tuple(charges)


def _same(units: list[Unit], charges: tuple[SiteCharge, ...]) -> None:
    for estate in _ESTATES:
        specs = modes_for(estate.costs)
        assert site_charges(estate, units, specs) == site_charges_by_loops(estate, units, specs)
    got = prune_dominated(units, charges)
    want = prune_by_loops(units, charges)
    assert [u.modes for u in got] == [u.modes for u in want]
    assert [dict(u.cost) for u in got] == [dict(u.cost) for u in want]
    assert got == want
    for before, after in zip(units, got, strict=True):
        if after.modes == before.modes:
            assert after is before


@SETTINGS
@given(_units_and_charges())
def test_array_pruning_keeps_what_the_loops_kept(case: tuple[list[Unit],
                                                             tuple[SiteCharge, ...]]) -> None:
    _same(*case)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 8),
       only=st.sampled_from((None, *Mode)))
def test_array_pruning_matches_on_estates(seed: int, sites: int, only: Mode | None) -> None:
    estate = random_estate(seed, sites=sites, max_devices=8)
    units = list(build_data(estate, prune=False, only=only).units)
    _same(units, site_charges(estate, units, modes_for(estate.costs)))


def test_no_units_prune_to_none() -> None:
    assert prune_dominated([], ()) == []
