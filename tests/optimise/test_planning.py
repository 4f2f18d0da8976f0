"""Hand-built estates: classes, transfers in batches, forced strategies, infeasibility, solvers."""

from __future__ import annotations

import importlib

import pytest

import planner.optimise.pipeline as pipeline
from planner.catalogue import load_catalogue
from planner.model import (
    CostAssumptions,
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Link,
    Mode,
    Site,
    SmartAccount,
    StackMember,
    Tier,
    VirtualAccount,
)
from planner.optimise import compare_strategies, plan_estate
from planner.optimise.classes import build_classes
from planner.optimise.solve import solve
from planner.plan import SolveStatus, Strategy
from planner.problems import SolverError
from planner.solving import NoPlanError, SolveOptions
from tests.estate_builder import build_estate

from .checks import check_all

GAP = SolveOptions(gap=1e-9)


def _estate(devices: tuple[Device, ...], *, sites: tuple[Site, ...] | None = None,
            ents: tuple[Entitlement, ...] = (), vas: tuple[str, ...] = ("DEFAULT",),
            links: tuple[Link, ...] = (), costs: CostAssumptions | None = None,
            account: SmartAccount | None = None) -> Estate:
    sites = sites or (Site("HQ", "HQ", "unclassified", InternetAccess.PROXY, tags=("dc",)),)
    return build_estate(devices, account=account or SmartAccount("A", "a.example",
                                                                 slr_preapproved=True),
                        virtual_accounts=(VirtualAccount(v) for v in vas), sites=sites,
                        links=links, entitlements=ents, costs=costs)


def _switch(i: int, site: str = "HQ", va: str = "DEFAULT", tags: tuple[str, ...] = (
        "network-advantage",), members: int = 0, version: str = "17.9.4") -> Device:
    mem = tuple(StackMember("C9300-48P", f"M{i}-{k}") for k in range(members))
    state = LicensingState.SLUP if version >= "17.3.2" else LicensingState.CLASSIC
    return Device(f"sw{i}", "C9300-48P", f"FOC{i:04d}", site, va, version, state,
                  tuple(LicenceUse(t) for t in tags), mem)


def test_identical_devices_form_one_class_with_members_counted() -> None:
    devs = (_switch(1, members=2), _switch(2), _switch(3, version="17.9.5"),
            _switch(4, tags=("network-advantage", "network-advantage")),
            _switch(5, version="17.12.1"))
    classes = build_classes(_estate(devs), load_catalogue())
    sizes = sorted((c.devices, c.members, c.train) for c in classes.classes)
    assert sizes == [(1, 0, "17.12"), (1, 0, "17.9"), (3, 2, "17.9")]
    big = next(c for c in classes.classes if c.devices == 3)
    assert big.device_serials == ("FOC0001", "FOC0002", "FOC0003")
    assert big.version == "17.9.4"
    pair = next(c for c in classes.classes if c.licences[0].count == 2)
    assert pair.licences == (LicenceUse("network-advantage", 2),)
    assert len({c.id for c in classes.classes}) == 3


def test_transfers_come_in_batches_of_at_most_ten_licence_types() -> None:
    cat = load_catalogue()
    tags = sorted(t for t, lic in cat.licences.items() if lic.list_price > 0)[:12]
    assert len(tags) == 12
    ents = tuple(Entitlement("Store", t, t, cat.licences[t].tier, 1) for t in tags)
    dev = Device("r1", "ISR4331/K9", "FDO1", "HQ", "Ops", "17.6.5", LicensingState.SLUP,
                 tuple(LicenceUse(t) for t in tags))
    plan = plan_estate(_estate((dev,), ents=ents, vas=("Ops", "Store")), GAP)
    check_all(plan)
    assert plan.purchases == ()
    assert [len(t.items) for t in plan.transfers] == [10, 2]
    assert [t.batch for t in plan.transfers] == [1, 2]
    moved = sorted(tag for t in plan.transfers for tag, _ in t.items)
    assert moved == tags


def test_higher_tier_covers_lower_and_shortfall_is_bought() -> None:
    ents = (Entitlement("DEFAULT", "network-premier", "Network Premier", Tier.PREMIER, 2),)
    devs = tuple(_switch(i) for i in range(5))
    plan = plan_estate(_estate(devs, ents=ents), GAP)
    check_all(plan)
    (buy,) = plan.purchases
    assert (buy.tag, buy.quantity, buy.unit_price, buy.total) == ("network-advantage", 3, 1200.0,
                                                                  3600.0)


def _two_sites() -> tuple[Site, ...]:
    return (Site("HQ", "HQ", "unclassified", InternetAccess.PROXY, tags=("dc",)),
            Site("VAULT", "Vault", "secret", InternetAccess.NONE))


def test_forced_strategy_infeasible_names_sites_without_calling_the_solver(
        monkeypatch: pytest.MonkeyPatch) -> None:
    estate = _estate((_switch(1), _switch(2, site="VAULT")), sites=_two_sites())

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the solver must not be called for a hopeless model")

    monkeypatch.setattr(pipeline, "solve", boom)
    with pytest.raises(NoPlanError) as caught:
        plan_estate(estate, strategy=Strategy.ALL_CSSM)
    (site, reasons), = caught.value.infeasible
    assert site == "VAULT"
    assert any("policy 'secret' forbids cssm-direct" in r for r in reasons)
    assert str(caught.value).startswith("all-cssm-direct: no feasible plan\n  VAULT: ")


def test_optimal_strategy_with_an_impossible_site_raises_solver_error() -> None:
    account = SmartAccount("A", "a.example")  # no SLR/PLR pre-approval: the vault has no mode
    estate = _estate((_switch(1, site="VAULT"),), sites=_two_sites(), account=account)
    with pytest.raises(NoPlanError, match="VAULT") as caught:
        plan_estate(estate)
    assert isinstance(caught.value, SolverError)  # exit 3, as every solver failure
    assert [site for site, _ in caught.value.infeasible] == ["VAULT"]


def test_compare_prices_every_strategy_and_the_mix_is_cheapest() -> None:
    sites = (*_two_sites(), Site("BR", "Branch", "unclassified", InternetAccess.NONE))
    devs = (*(_switch(i) for i in range(3)), _switch(9, site="VAULT", version="17.2.1"),
            _switch(7, site="BR"))
    estate = _estate(devs, sites=sites, links=(Link("HQ", "BR"),))
    comparison = compare_strategies(estate, GAP)
    assert [r.strategy for r in comparison.results] == list(Strategy)
    best = comparison.optimal
    check_all(best)
    for result in comparison.results[1:]:
        assert result.has_plan is (result.plan is not None) is (not result.infeasible)
        if result.plan is not None:
            assert result.status.has_plan
            assert best.objective <= result.plan.objective + 1e-6


def test_forced_pin_prices_an_alternative() -> None:
    devs = tuple(_switch(i, version="17.2.1") for i in range(3))
    estate = _estate(devs)
    best = plan_estate(estate, GAP)
    alt = plan_estate(estate, GAP, forced={"HQ": Mode.SLR})
    assert alt.status is SolveStatus.OPTIMAL
    check_all(alt)
    assert {d.mode for d in alt.class_decisions} == {Mode.SLR}
    assert alt.objective >= best.objective
    assert alt.devices_reserved == 3 and len(alt.reservations) == 3
    slup = _estate(tuple(_switch(i) for i in range(3)))  # 17.9.4 runs SLUP: no new SLR
    with pytest.raises(NoPlanError) as refused:
        plan_estate(slup, forced={"HQ": Mode.SLR})
    assert "new SLR is not possible" in " ".join(refused.value.reasons)
    assert "with pinned sites" in str(refused.value)


def test_onprem_capacity_places_enough_servers() -> None:
    sites = (Site("DC", "DC", "ot", InternetAccess.NONE, tags=("dc",)),
             Site("P1", "Plant 1", "ot", InternetAccess.NONE),
             Site("P2", "Plant 2", "ot", InternetAccess.NONE))
    devs = tuple(_switch(i, site=s, version="17.2.1") for i, s in
                 enumerate(["DC"] * 3 + ["P1"] * 4 + ["P2"] * 4))
    costs = CostAssumptions(onprem_server_capacity=5, onprem_server_cost_per_year=1.0)
    account = SmartAccount("A", "a.example")  # no SLR: On-Prem manual or nothing (no SLUP)
    estate = _estate(devs, sites=sites, links=(Link("DC", "P1"), Link("DC", "P2")),
                     costs=costs, account=account)
    plan = plan_estate(estate, GAP)
    check_all(plan)
    (placement,) = plan.servers
    assert placement.site == "DC" and placement.mode is Mode.ONPREM_MANUAL
    assert placement.servers == 3 and placement.devices == 11
    assert placement.sites_served == ("DC", "P1", "P2")


def test_empty_model_solves_trivially() -> None:
    from planner.optimise.linear import LinearModel

    result = solve(LinearModel())
    assert result.status is SolveStatus.OPTIMAL and result.values == []
    with pytest.raises(SolverError, match="unknown solver"):
        solve(LinearModel(), SolveOptions(solver="gurobi"))  # type: ignore[arg-type]


def test_estate_without_devices_plans_nothing() -> None:
    plan = plan_estate(_estate(()))
    assert plan.status is SolveStatus.OPTIMAL and plan.objective == 0.0
    assert plan.class_decisions == () and plan.purchases == ()


def test_time_limited_search_is_feasible_with_its_proven_gap(
        monkeypatch: pytest.MonkeyPatch) -> None:
    solve_module = importlib.import_module("planner.optimise.solve")  # the module, not the
    # function of the same name that planner.optimise re-exports
    real = solve_module._solve_highs

    def stopped_early(lm: object, *args: object) -> solve_module.SolveResult:
        found = real(lm, *args)  # type: ignore[arg-type]
        return solve_module.SolveResult(SolveStatus.FEASIBLE, found.values, found.objective,
                                        found.objective - 250.0, found.seconds, "highs")

    monkeypatch.setattr(solve_module, "_solve_highs", stopped_early)
    sites = (Site("DC", "DC", "ot", InternetAccess.NONE, tags=("dc",)),)
    estate = _estate(tuple(_switch(i, site="DC", version="17.2.1") for i in range(3)),
                     sites=sites, account=SmartAccount("A", "a.example"))
    plan = plan_estate(estate)
    assert plan.status is SolveStatus.FEASIBLE  # never presented as optimal
    assert plan.gap_money == pytest.approx(250.0 * 2)  # two blocks, each 250 short of proof
    assert plan.gap == pytest.approx(plan.gap_money / plan.objective)
    assert plan.gap_controllable > plan.gap
