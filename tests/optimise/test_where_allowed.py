"""Single-mode strategies priced where allowed: the mode at every unit that may take it, the
optimal mode elsewhere. The mix costs no more than any of them; the pure answers are unchanged
by building the data once for every strategy."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.loader import load_estate
from planner.model import Estate
from planner.optimise import compare_strategies, plan_estate
from planner.optimise.strategies import COMPARED, Comparison
from planner.plan import Plan, SolveStatus, Strategy
from planner.problems import SolverError
from planner.resources import examples_dir

from .checks import check_all
from .estates import random_estate

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))
TOL = 1e-6


def _same_pure(estate: Estate, plans: Comparison, gap: float) -> None:
    """Each pure plan is what plan_estate answers for that strategy alone."""
    for plan in plans:
        alone = plan_estate(estate, strategy=plan.strategy, gap=gap)
        assert plan.status is alone.status, plan.strategy
        assert plan.infeasible == alone.infeasible, plan.strategy
        assert plan.objective == pytest.approx(alone.objective, abs=TOL), plan.strategy
        assert plan.class_decisions == alone.class_decisions, plan.strategy


def _check_where_allowed(estate: Estate, plans: Comparison) -> None:
    best = plans[0]
    assert best.strategy is Strategy.OPTIMAL
    assert [p.strategy for p in plans] == list(COMPARED)
    singles = [p for p in plans if p.strategy is not Strategy.OPTIMAL]
    assert set(plans.where_allowed) == {p.strategy for p in singles}
    for pure in singles:
        answer = plans.where_allowed[pure.strategy]
        plan: Plan = answer.plan
        assert plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
        check_all(plan)
        # The mix may take the forced mode wherever the where-allowed plan does, so it can
        # only be cheaper: the invariant holds for partial strategies too.
        assert best.objective <= plan.objective + TOL * max(1.0, plan.objective), pure.strategy
        if pure.status is not SolveStatus.INFEASIBLE:
            assert plan is pure and not answer.partial
            continue
        # The sites that fall back are exactly the sites that break the pure strategy.
        assert [f.site for f in answer.fallbacks] == [site for site, _ in pure.infeasible]
        assert all(f.devices > 0 and f.reason for f in answer.fallbacks)
        fallen = {f.site for f in answer.fallbacks}
        mode = answer.mode
        forced = sum(c.devices for c in plan.classes
                     if plan.decision_for(c.id).mode is mode)
        assert forced == answer.forced_devices  # fallback units cannot take the mode
        for decision in plan.class_decisions:
            if decision.site not in fallen:
                assert decision.mode is mode, (pure.strategy, decision)
        assert answer.forced_devices + answer.fallback_devices == len(estate.devices)
        assert sum(answer.fallback_modes().values()) == answer.fallback_devices
        assert mode not in answer.fallback_modes(), "a unit that cannot take the mode falls back"


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_examples_price_every_strategy(folder: Path) -> None:
    estate = load_estate(folder / "estate.yaml").estate
    plans = compare_strategies(estate, gap=1e-6, time_limit=60.0)
    assert isinstance(plans, tuple) and isinstance(plans, Comparison)
    _check_where_allowed(estate, plans)
    # The bundled examples are mixed estates: some single mode must apply only in part.
    assert any(a.partial for a in plans.where_allowed.values())


def test_pure_only_skips_the_partial_solves() -> None:
    estate = load_estate(EXAMPLES[0] / "estate.yaml").estate
    plans = compare_strategies(estate, where_allowed=False)
    infeasible = {p.strategy for p in plans if p.status is SolveStatus.INFEASIBLE}
    assert infeasible, "the example has an infeasible pure strategy"
    assert not infeasible & set(plans.where_allowed)


SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 5), capacity=st.sampled_from((4, 25000)))
def test_where_allowed_never_beats_the_mix(seed: int, sites: int, capacity: int) -> None:
    estate = random_estate(seed, sites=sites, capacity=capacity)
    try:
        plans = compare_strategies(estate, gap=1e-9)
    except SolverError as exc:
        assert "no licensing mode is possible" in str(exc)
        return
    _check_where_allowed(estate, plans)
    _same_pure(estate, plans, 1e-9)


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


def test_unknown_options_are_refused() -> None:
    estate = random_estate(1, sites=1)
    with pytest.raises(TypeError, match="forced"):
        compare_strategies(estate, forced={})
