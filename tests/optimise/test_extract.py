"""What a solution maps back to, against the plain per-unit reading: every class's decision
(its unit's site, mode and server, sorted by class id), the exposure rows and the server
placements, on random estates under every strategy, and class ids ranked as Python sorts them."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.costing import exposure_per_element
from planner.loader import load_estate
from planner.model import Mode
from planner.modes import data_leaving_for, load_modes
from planner.optimise.data import build_data
from planner.optimise.extract import Solution
from planner.optimise.formulation import build_model
from planner.optimise.solve import solve
from planner.plan import ClassDecision, SiteDecision
from tests.optimise.estates import random_estate

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _solution(seed: int, sites: int, only: Mode | None) -> Solution | None:
    data = build_data(random_estate(seed, sites=sites, max_devices=8), only=only)
    if data.infeasible:
        return None
    lm, xs = build_model(data)
    result = solve(lm)
    assert result.values is not None
    return Solution(data, xs, result.values)


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       only=st.sampled_from((None, *Mode)))
def test_class_decisions_are_each_units_choice_by_class_id(seed: int, sites: int,
                                                            only: Mode | None) -> None:
    sol = _solution(seed, sites, only)
    if sol is None:
        return
    want = []
    for u, unit in enumerate(sol.data.units):
        g = sol.group[u]
        server = sol.data.groups[g].site if g is not None else None
        want.extend(ClassDecision(cid, unit.site, sol.mode[u], server) for cid in unit.class_ids)
    assert sol.class_decisions() == tuple(sorted(want, key=lambda d: d.class_id))
    ids = [c.id for c in sol.data.classes.classes]
    assert [ids[i] for i in np.argsort(sol.data.classes.id_ranks)] == sorted(ids)


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       only=st.sampled_from((None, *Mode)))
def test_exposure_and_servers_match_a_per_unit_reading(seed: int, sites: int,
                                                       only: Mode | None) -> None:
    sol = _solution(seed, sites, only)
    if sol is None:
        return
    data = sol.data
    specs = load_modes()
    years = data.estate.costs.horizon_years
    acc: dict[tuple[str, object], list[float]] = {}
    for u, unit in enumerate(data.units):
        policy = data.estate.policy(data.estate.site(unit.site).classification)
        spec = specs[sol.mode[u]]
        each = exposure_per_element(policy, unit.devices, years)
        for element in data_leaving_for(spec, policy):
            row = acc.setdefault((unit.site, element), [0.0, 0.0, 0.0])
            row[0] += unit.devices
            row[1] = max(row[1], spec.transfers_per_year)
            row[2] += each
    got = {(e.site, e.element): (e.devices, e.transfers_per_year, e.cost)
           for e in sol.exposure()}
    assert got == {k: (int(r[0]), r[1], r[2]) for k, r in acc.items()}
    mine: dict[int, list[int]] = defaultdict(list)
    for u, g in enumerate(sol.group):
        if g is not None:
            mine[g].append(u)
    for placed in sol.server_placements():
        g = next(g for g, grp in enumerate(data.groups)
                 if grp.site == placed.site and grp.mode is placed.mode)
        assert placed.devices == sum(data.units[u].devices for u in mine[g])


def _sites_by_loops(sol: Solution) -> tuple[SiteDecision, ...]:
    """The site outcomes read unit by unit, every unit's reasons merged in turn: the reading
    `Solution.sites` (reasons merged once per distinct sequence of mappings) replaced."""
    data = sol.data
    per: dict[str, list[int]] = defaultdict(list)
    for u, unit in enumerate(data.units):
        per[unit.site].append(u)
    site_charge: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for k, charge in enumerate(data.charges):
        if sol.charged[k]:
            cost, hours = site_charge[charge.site]
            site_charge[charge.site] = (cost + charge.cost, hours + charge.hours_per_year)
    out = []
    for site, idx in sorted(per.items()):
        costs = [data.units[u].cost[sol.mode[u]] for u in idx]
        groups = sorted({g for u in idx if (g := sol.group[u]) is not None})
        excluded: dict[Mode, list[str]] = defaultdict(list)
        for u in idx:
            for m, reasons in data.units[u].excluded.items():
                excluded[m].extend(r for r in reasons if r not in excluded[m])
        charge_cost, charge_hours = site_charge[site]
        out.append(SiteDecision(
            site=site, modes=tuple(m for m in Mode if any(sol.mode[u] is m for u in idx)),
            server_site=data.groups[groups[0]].site if groups else None,
            devices=sum(data.units[u].devices for u in idx),
            labour=math.fsum(c.labour for c in costs) + charge_cost,
            exposure=math.fsum(c.exposure for c in costs),
            flexibility=math.fsum(c.flexibility for c in costs),
            reservation_uplift=math.fsum(c.uplift for c in costs),
            labour_hours_per_year=math.fsum(c.hours_per_year for c in costs) + charge_hours,
            excluded=tuple((m, tuple(excluded[m])) for m in Mode if excluded.get(m)),
        ))
    return tuple(out)


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       only=st.sampled_from((None, *Mode)))
def test_sites_equal_a_unit_by_unit_reading(seed: int, sites: int, only: Mode | None) -> None:
    sol = _solution(seed, sites, only)
    if sol is None:
        return
    assert sol.sites() == _sites_by_loops(sol)


@pytest.mark.parametrize("example", ["federal-agency", "regional-bank", "utility"])
def test_sites_equal_a_unit_by_unit_reading_on_examples(example: str) -> None:
    data = build_data(load_estate(ROOT / "examples" / example / "estate.yaml").estate)
    lm, xs = build_model(data)
    result = solve(lm)
    assert result.values is not None
    sol = Solution(data, xs, result.values)
    assert sol.sites() == _sites_by_loops(sol)
