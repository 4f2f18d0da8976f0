"""The model data built per kind equals the model data judged class by class.

`build_data` judges eligibility once per kind of device, prices a unit from per-(policy, mode)
rates and shares equal prices between units; these tests recompute every unit's eligible modes
and costs the plain way (one `mode_exclusions` and one costing call per class and unit) on random
estates, and check that trimming the site charges after pruning equals building them again.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.costing import class_needs_slac, unit_cost
from planner.eligibility import allowed_modes, mode_exclusions
from planner.model import LicensingState, Mode
from planner.modes import modes_for
from planner.optimise.data import (
    build_data,
    prune_dominated,
    restrict_charges,
    site_charges,
)

from .estates import random_estate

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       only=st.sampled_from((None, *Mode)))
def test_units_match_a_class_by_class_judgement(seed: int, sites: int,
                                                only: Mode | None) -> None:
    estate = random_estate(seed, sites=sites, max_devices=8)
    data = build_data(estate, prune=False, only=only)
    specs = modes_for(estate.costs)
    cat = estate.catalogue or load_catalogue()
    classes = {c.id: c for c in data.classes.classes}
    covered = 0
    for unit in data.units:
        site = estate.site(unit.site)
        policy = estate.policy(site.classification)
        allowed = set(Mode) if only is None else {only}
        for cid in unit.class_ids:
            cls = classes[cid]
            verdict = mode_exclusions(estate, site, data.classes.families[cid], cls.version,
                                      LicensingState(cls.state), data.reach, specs)
            allowed &= allowed_modes(verdict)
        assert set(unit.modes) == allowed, unit.id
        members = [classes[c] for c in unit.class_ids]
        assert unit.devices == sum(c.devices for c in members)
        slac = sum(c.devices for c in members if class_needs_slac(c, cat))
        for mode in unit.modes:
            assert unit.cost[mode] == unit_cost(estate.costs, policy, specs[mode], unit.devices,
                                                unit.members, slac), (unit.id, mode)
        covered += len(unit.class_ids)
    assert covered == len(data.classes.classes)


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6))
def test_trimmed_charges_equal_charges_built_again(seed: int, sites: int) -> None:
    estate = random_estate(seed, sites=sites, max_devices=8)
    data = build_data(estate, prune=False)
    specs = modes_for(estate.costs)
    units = list(data.units)
    before = site_charges(estate, units, specs)
    kept = prune_dominated(units, before)
    assert restrict_charges(before, kept) == site_charges(estate, kept, specs)
    # build_data prunes on arrays before it makes any unit: the same units and charges.
    pruned = build_data(estate)
    assert list(pruned.units) == kept
    assert pruned.charges == site_charges(estate, kept, specs)
