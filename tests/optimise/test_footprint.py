"""The (site, mode) groups `compare_strategies(footprints=True)` reads from decision units are
the groups the per-class decisions give (reports.exposure.groups), for every priced plan of the
bundled examples and of generated estates; and forked workers send back the same ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.loader import load_estate
from planner.model import Estate
from planner.optimise import compare_strategies
from planner.optimise.footprint import SiteMode
from planner.optimise.forked import can_fork
from planner.optimise.strategies import Comparison
from planner.plan import Detail, Plan
from planner.reports.exposure import groups
from planner.resources import examples_dir
from planner.solving import NoPlanError, SolveOptions
from tests.optimise.estates import random_estate

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))
GAP = SolveOptions(gap=0.0)


def _from_classes(plan: Plan) -> tuple[SiteMode, ...]:
    return tuple(SiteMode(g.site.id, g.mode, g.server_site, g.devices, g.members, g.licences)
                 for g in groups(plan))


def _check(comparison: Comparison) -> int:
    """Every plan's footprint against its class decisions; how many plans were checked."""
    checked = 0
    for result in comparison.results:
        pairs = [(result.plan, result.footprint)]
        if result.where_allowed is not None:
            pairs.append((result.where_allowed.plan, result.where_allowed.footprint))
        for plan, footprint in pairs:
            if plan is not None:
                assert footprint == _from_classes(plan), result.strategy
                checked += 1
        if result.priced is not None:
            assert result.priced_footprint == _from_classes(result.priced)
    return checked


def _compared(estate: Estate, **kw: object) -> Comparison:
    return compare_strategies(estate, GAP, detail=Detail.CLASSES, footprints=True,
                              **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_examples_footprints_are_the_class_groups(folder: Path) -> None:
    assert _check(_compared(load_estate(folder / "estate.yaml").estate)) >= 8


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       capacity=st.sampled_from((3, 25000)))
def test_generated_footprints_are_the_class_groups(seed: int, sites: int,
                                                   capacity: int) -> None:
    # capacity 3 packs On-Prem sites into several servers: a site's units may be served apart
    estate = random_estate(seed, sites=sites, max_devices=8, capacity=capacity)
    try:
        comparison = _compared(estate)
    except NoPlanError:
        return
    assert _check(comparison) >= 1


def test_no_footprints_unless_asked() -> None:
    estate = load_estate(EXAMPLES[0] / "estate.yaml").estate
    comparison = compare_strategies(estate, GAP, detail=Detail.TOTALS)
    assert all(r.priced_footprint is None for r in comparison.results)


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_forked_workers_send_the_same_footprints(folder: Path) -> None:
    estate = load_estate(folder / "estate.yaml").estate
    here = compare_strategies(estate, detail=Detail.TOTALS, optimal_detail=Detail.FULL,
                              footprints=True, workers=1)
    forked = compare_strategies(estate, detail=Detail.TOTALS, optimal_detail=Detail.FULL,
                                footprints=True, workers=2)
    assert [(r.footprint, r.priced_footprint) for r in forked.results] == \
        [(r.footprint, r.priced_footprint) for r in here.results]
    assert any(r.footprint for r in here.results)
