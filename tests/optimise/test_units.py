"""Decision units built on the classes' code arrays against the class-by-class loop they
replaced (tests/optimise/units_reference.py): the same units in the same order, with the same
ids, classes, counts, Virtual Accounts, eligible modes, costs and exclusion reasons, and the
same sites left with no mode, on random estates under every strategy's pin, with sites pinned
one by one, and on the bundled examples."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalogue import estate_catalogue
from planner.graph import analyse_reach
from planner.loader import load_estate
from planner.model import Estate, LicensingState, Mode
from planner.modes import modes_for
from planner.optimise.classes import build_classes
from planner.optimise.data import _Pricing, _units, build_data
from tests.optimise.estates import random_estate
from tests.optimise.units_reference import units_by_loops

ROOT = Path(__file__).resolve().parents[2]


def _varied(estate: Estate, seed: int) -> Estate:
    """The estate with some devices moved to the states, versions and PIDs random estates lack:
    reserved and unknown states, blank or older versions, a PID the catalogue does not know."""
    rng = random.Random(seed)
    devices = []
    for device in estate.devices:
        if rng.random() < 0.5:
            device = replace(device, state=rng.choice(tuple(LicensingState)),
                             version=rng.choice(("", "16.9.1", "17.3.1", device.version)),
                             pid=rng.choice((device.pid, device.pid, "NOT-A-PID")))
        devices.append(device)
    return replace(estate, devices=tuple(devices))


def _same(estate: Estate, forced: dict[str, Mode] | None, only: Mode | None) -> None:
    cat = estate_catalogue(estate, None)
    specs = modes_for(estate.costs)
    reach = analyse_reach(estate)
    classes = build_classes(estate, cat)
    got = _units(estate, classes, _Pricing(estate, cat, specs, reach), forced, only)
    want = units_by_loops(estate, classes, _Pricing(estate, cat, specs, reach), forced, only)
    assert [u.id for u in got[0]] == [u.id for u in want[0]]
    assert got == want
    assert list(got[1]) == list(want[1])


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 8),
       only=st.sampled_from((None, *Mode)), pin=st.sampled_from((None, *Mode)))
def test_array_units_equal_the_loops(seed: int, sites: int, only: Mode | None,
                                     pin: Mode | None) -> None:
    estate = _varied(random_estate(seed, sites=sites, max_devices=10), seed)
    forced = {s.id: pin for s in estate.sites[::2]} if pin is not None else None
    _same(estate, forced, only)


@pytest.mark.parametrize("example", ["federal-agency", "regional-bank", "utility"])
@pytest.mark.parametrize("only", [None, Mode.CSLU, Mode.SLR])
def test_array_units_equal_the_loops_on_examples(example: str, only: Mode | None) -> None:
    _same(load_estate(ROOT / "examples" / example / "estate.yaml").estate, None, only)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 8))
def test_demand_and_reserved_counts_from_codes_equal_per_class_sums(seed: int,
                                                                    sites: int) -> None:
    estate = _varied(random_estate(seed, sites=sites, max_devices=10), seed)
    data = build_data(estate, prune=False)
    demand: dict[tuple[str, str], int] = defaultdict(int)
    by_state: dict[str, int] = defaultdict(int)
    for cls in data.classes.classes:
        by_state[cls.state] += cls.devices
        for use in cls.licences:
            demand[(cls.virtual_account, use.tag)] += use.count * cls.devices
    assert dict(data.allocation.demand) == dict(sorted(demand.items()))
    for state in ("slr", "plr"):
        said = [n for n in data.assumptions if f"hold an {state.upper()} reservation" in n]
        assert said == ([f"{by_state[state]} device(s) already hold an {state.upper()} "
                         "reservation: they stay eligible for "
                         f"{state} whatever the product family table says (the Smart Account "
                         "pre-approval still applies: every later change is a new request)."]
                        if by_state[state] else [])
