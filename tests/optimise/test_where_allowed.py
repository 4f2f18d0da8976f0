"""Single-mode strategies priced where allowed: the mode at every unit that may take it, the
optimal mode elsewhere. The mix costs no more than any of them; the pure answers are unchanged
by building the data once for every strategy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.loader import load_estate
from planner.model import Estate, Mode
from planner.optimise import compare_strategies, plan_estate
from planner.optimise.strategies import COMPARED, Comparison, StrategyResult
from planner.plan import Detail, Plan, Pricing, SolveStatus, Strategy
from planner.reports.exposure import exposure_rows
from planner.resources import examples_dir
from planner.solving import NoPlanError, SolveOptions

from .checks import check_all
from .estates import random_estate

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))
TOL = 1e-6
GAP = SolveOptions(gap=1e-9)


def _same_pure(estate: Estate, comparison: Comparison, options: SolveOptions) -> None:
    """Each pure answer is what plan_estate answers for that strategy alone."""
    for result in comparison.results:
        if result.plan is None:
            with pytest.raises(NoPlanError) as caught:
                plan_estate(estate, options, strategy=result.strategy)
            assert caught.value.infeasible == result.infeasible, result.strategy
            continue
        alone = plan_estate(estate, options, strategy=result.strategy)
        assert result.plan.status is alone.status, result.strategy
        assert result.plan.objective == pytest.approx(alone.objective, abs=TOL), result.strategy
        assert result.plan.class_decisions == alone.class_decisions, result.strategy


def _check_where_allowed(estate: Estate, comparison: Comparison) -> None:
    best = comparison.optimal
    assert best.strategy is Strategy.OPTIMAL
    assert [r.strategy for r in comparison.results] == list(COMPARED)
    singles = comparison.results[1:]
    assert all(r.where_allowed is not None for r in singles)
    assert comparison.results[0].where_allowed is None
    for result in singles:
        answer = result.where_allowed
        assert answer is not None
        plan: Plan = answer.plan
        assert plan.status.has_plan
        assert result.priced is plan
        check_all(plan)
        # The mix may take the forced mode wherever the where-allowed plan does, so it can
        # only be cheaper: the invariant holds for partial strategies too.
        assert best.objective <= plan.objective + TOL * max(1.0, plan.objective), result.strategy
        if result.plan is not None:
            assert plan is result.plan and not answer.partial
            assert result.pricing is Pricing.ALL_SITES and not result.infeasible
            continue
        assert result.pricing is Pricing.WHERE_ALLOWED
        assert result.status is SolveStatus.INFEASIBLE and not result.has_plan
        # The sites that fall back are exactly the sites that break the pure strategy.
        assert [f.site for f in answer.fallbacks] == [site for site, _ in result.infeasible]
        assert all(f.devices > 0 and f.reason for f in answer.fallbacks)
        fallen = {f.site for f in answer.fallbacks}
        mode = answer.mode
        forced = sum(c.devices for c in plan.classes
                     if plan.decision_for(c.id).mode is mode)
        assert forced == answer.forced_devices == result.devices_in_mode
        for decision in plan.class_decisions:
            if decision.site not in fallen:
                assert decision.mode is mode, (result.strategy, decision)
        assert answer.forced_devices + answer.fallback_devices == len(estate.devices)
        assert sum(answer.fallback_modes().values()) == answer.fallback_devices
        assert mode not in answer.fallback_modes(), "a unit that cannot take the mode falls back"
        # The fallback counts (read from the units) agree with the plan's class decisions:
        # at a fallback site every device not in the mode is one that could not take it.
        for fallback in answer.fallbacks:
            taken = Counter[Mode]()
            for c in plan.classes:
                if c.site == fallback.site:
                    taken[plan.decision_for(c.id).mode] += c.devices
            assert dict(fallback.modes) == {m: n for m, n in taken.items() if m is not mode}


def _totals(plan: Plan) -> tuple[object, ...]:
    """What a TOTALS plan holds: the same as the full plan's."""
    return (plan.strategy, plan.status, plan.objective, plan.gap, plan.gap_money, plan.costs,
            plan.servers, plan.transfers, plan.purchases, plan.exposure, plan.devices_reserved,
            plan.labour_hours_per_year, plan.labour_hours_initial, plan.model_size)


def _check_details(full: Comparison, lean: Comparison, detail: Detail) -> None:
    """A comparison mapped back at less detail answers every strategy the same way and holds
    exactly what its detail promises."""
    for a, b in zip(full.results, lean.results, strict=True):
        assert (a.strategy, a.status, a.infeasible, a.pricing, a.devices_in_mode) == \
            (b.strategy, b.status, b.infeasible, b.pricing, b.devices_in_mode)
        if a.where_allowed is not None:
            assert b.where_allowed is not None
            assert a.where_allowed.fallbacks == b.where_allowed.fallbacks
        if a.priced is None:
            assert b.priced is None
            continue
        assert b.priced is not None and b.priced.detail is detail
        assert _totals(a.priced) == _totals(b.priced)
        assert b.priced.class_decisions == (a.priced.class_decisions
                                            if detail.has(Detail.CLASSES) else ())
        assert b.priced.sites == b.priced.reservations == ()


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_examples_price_every_strategy(folder: Path) -> None:
    estate = load_estate(folder / "estate.yaml").estate
    options = SolveOptions(gap=1e-6)
    comparison = compare_strategies(estate, options)
    assert isinstance(comparison, Comparison)
    _check_where_allowed(estate, comparison)
    # The bundled examples are mixed estates: some single mode must apply only in part.
    assert any(r.where_allowed.partial for r in comparison.results if r.where_allowed)
    for detail in (Detail.CLASSES, Detail.TOTALS):
        lean = compare_strategies(estate, options, detail=detail)
        _check_details(comparison, lean, detail)
        # what reads class decisions refuses a plan that holds none, rather than show nothing
        if detail is Detail.TOTALS:
            with pytest.raises(ValueError, match="no class decisions"):
                exposure_rows(lean.optimal)
        else:
            assert exposure_rows(lean.optimal) == exposure_rows(comparison.optimal)


def test_pure_only_skips_the_partial_solves() -> None:
    estate = load_estate(EXAMPLES[0] / "estate.yaml").estate
    comparison = compare_strategies(estate, where_allowed=False)
    infeasible = [r for r in comparison.results if r.status is SolveStatus.INFEASIBLE]
    assert infeasible, "the example has an infeasible pure strategy"
    assert all(r.where_allowed is None and r.priced is None and r.pricing is Pricing.NONE
               and r.devices_in_mode is None for r in infeasible)


SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 5), capacity=st.sampled_from((4, 25000)))
def test_where_allowed_never_beats_the_mix(seed: int, sites: int, capacity: int) -> None:
    estate = random_estate(seed, sites=sites, capacity=capacity)
    try:
        comparison = compare_strategies(estate, GAP)
    except NoPlanError as exc:
        assert "no licensing mode is possible" in str(exc) and exc.infeasible
        return
    _check_where_allowed(estate, comparison)
    _same_pure(estate, comparison, GAP)
    _check_details(comparison, compare_strategies(estate, GAP, detail=Detail.TOTALS),
                   Detail.TOTALS)


def test_compare_command_shows_where_allowed_prices() -> None:
    import json

    from click.testing import CliRunner

    from planner.cli import main

    path = str(EXAMPLES[0] / "estate.yaml")
    runner = CliRunner()
    result = runner.invoke(main, ["compare", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["strategy"]: r for r in json.loads(result.stdout)}
    best = rows["optimal"]
    assert best["priced"] == "all-sites" and best["fallback_devices"] == 0
    partial = [r for r in rows.values() if r["priced"] == "where-allowed"]
    assert partial, "the example has a strategy that applies only in part"
    for row in partial:
        assert row["status"] == "infeasible" and row["infeasible"]
        assert row["total"] >= best["total"] - TOL
        assert sorted(row["fallback"]) == sorted(row["infeasible"])
        assert sum(row["fallback_modes"].values()) == row["fallback_devices"] > 0
        assert row["devices_in_mode"] + row["fallback_devices"] == best["devices_in_mode"]
    table = runner.invoke(main, ["compare", path]).stdout
    assert "no feasible plan" in table  # the pure answer still names its sites
    wide = runner.invoke(main, ["compare", path, "--wide"]).stdout  # labels unwrapped
    assert "where allowed" in wide and "falls back to" in wide
    assert "reservation uplift" in wide and "reservation uplift" not in table
    pure = json.loads(runner.invoke(main, ["compare", path, "--pure-only", "--format",
                                           "json"]).stdout)
    for row in pure:
        if row["status"] == "infeasible":
            assert row["priced"] == "none" and row["total"] is None


def test_a_comparison_starts_with_the_solved_mix() -> None:
    with pytest.raises(ValueError, match="optimal mix"):
        Comparison((StrategyResult(Strategy.ALL_SLR, None, (("HQ", ("why",)),)),))
