"""explain: on small estates where the answer is known by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.explain import explain_site, site_exclusions
from planner.model import Estate, LicensingState, Mode
from planner.plan import CostBreakdown, Plan, SiteDecision
from planner.solving import NoPlanError, SolveOptions

from .conftest import sample_plan


def _no_plan(mode: Mode) -> NoPlanError:
    return NoPlanError("fake: no plan", (("DC1", (f"{mode.value}: fake says no",)),))


def fake_planner(estate: Estate, _options: SolveOptions | None = None, *,
                 forced: dict[str, Mode] | None = None) -> Plan:
    """DC1 (regulated, exposure price 8): cssm-direct costs 1000 with 10 device-years of exposure
    (80); SLR costs 1050 with none; cslu 1200; everything else is infeasible."""
    costs = {Mode.CSSM_DIRECT: (1000.0, 80.0), Mode.SLR: (1050.0, 0.0), Mode.CSLU: (1200.0, 80.0)}
    mode = (forced or {}).get("DC1", Mode.CSSM_DIRECT)
    if mode not in costs:
        raise _no_plan(mode)
    total, exposure = costs[mode]
    sites = (SiteDecision("DC1", (mode,), None, 1, exposure=exposure),)
    return sample_plan(estate, sites=sites, costs=CostBreakdown(purchases=total))


def _holding_slr(estate: Estate) -> Estate:
    """DC1's router already holds an SLR: under SLUP only an existing reservation keeps SLR open
    (no new SLR can be requested once the router runs SLUP)."""
    devices = tuple(replace(d, state=LicensingState.SLR) if d.hostname == "dc-rtr1" else d
                    for d in estate.devices)
    return replace(estate, devices=devices)


def test_break_even_exposure_price_is_exact_for_two_plans(estate: Estate) -> None:
    result = explain_site(_holding_slr(estate), "DC1", planner=fake_planner)
    assert result.modes == (Mode.CSSM_DIRECT,)
    alts = {a.mode: a for a in result.alternatives}
    assert alts[Mode.SLR].delta == pytest.approx(50.0)
    assert alts[Mode.CSLU].delta == pytest.approx(200.0)
    assert alts[Mode.OFFLINE].cost is None and alts[Mode.OFFLINE].reasons == (
        "offline: fake says no",)
    # 8 + 50 / (80/8 - 0/8) = 13: above that exposure price SLR is at least as cheap
    assert any("above 13.00 per device-year (now 8.00) and slr" in f for f in result.flips)
    assert any("nearest eligible alternative: slr, USD 50.00 more" in f for f in result.flips)


def test_lever_prices_a_mode_the_policy_forbids(estate: Estate) -> None:
    result = explain_site(estate, "DC1", planner=fake_planner)
    plr = next(a for a in result.alternatives if a.mode is Mode.PLR)
    # ISR at DC1 supports PLR: only pre-approval and export block it, both user levers
    assert plr.lever == ("pre-approve PLR on the Smart Account; obtain export authorisation "
                         "(PLR)")


def test_real_solver_delta_matches_a_forced_resolve(estate: Estate) -> None:
    from planner.optimise import plan_estate

    result = explain_site(estate, "BR1")
    best = plan_estate(estate)
    for alt in result.alternatives:
        if alt.eligible:
            forced = plan_estate(estate, forced={"BR1": alt.mode})
            assert alt.delta == pytest.approx(forced.costs.total - best.costs.total)
            assert alt.delta is not None and alt.delta >= -1e-6  # the plan is optimal
    excluded = {a.mode for a in result.alternatives if not a.eligible and not a.lever}
    assert Mode.CSSM_DIRECT in excluded  # BR1 has no internet


def test_site_exclusions_merge_device_kinds(estate: Estate) -> None:
    # OT2 has two identical devices: reasons are not repeated
    reasons = site_exclusions(estate, "OT2")[Mode.SLR]
    assert len(reasons) == len(set(reasons)) == 1
    empty = replace(estate, devices=tuple(d for d in estate.devices if d.site != "HQ"))
    assert site_exclusions(empty, "HQ")[Mode.CSSM_DIRECT] == ()


def _lever_planner(estate: Estate, _options: SolveOptions | None = None, *,
                   forced: dict[str, Mode] | None = None) -> Plan:
    """PLR pre-approval lowers the estate's optimum by 100 through another site (OT1), while
    DC1 stays cssm-direct: pinning DC1 to PLR costs 20 more than that new optimum."""
    mode = (forced or {}).get("DC1", Mode.CSSM_DIRECT)
    approved = estate.account.plr_preapproved
    base = 1000.0 - (100.0 if approved else 0.0)
    extra = {Mode.CSSM_DIRECT: 0.0, Mode.PLR: 20.0}.get(mode)
    if extra is None or (mode is Mode.PLR and not approved):
        raise _no_plan(mode)
    sites = (SiteDecision("DC1", (mode,), None, 1, labour=10.0 + extra),
             SiteDecision("OT1", (Mode.PLR if approved else Mode.SLR,), None, 1))
    return sample_plan(estate, sites=sites, costs=CostBreakdown(purchases=base + extra))


def test_a_lever_credits_the_site_only_with_what_happens_at_the_site(estate: Estate) -> None:
    """The defect class: a lever's estate-wide saving (another site takes the change) was
    reported as this site's flip. Both effects are now stated, each from a re-solve."""
    result = explain_site(estate, "DC1", planner=_lever_planner)
    plr = next(a for a in result.alternatives if a.mode is Mode.PLR)
    assert plr.effect is not None and not plr.effect.flips
    assert plr.effect.estate_delta == pytest.approx(-100.0)
    assert plr.effect.site_gap == pytest.approx(20.0)
    sentence = next(f for f in result.flips if f.startswith(plr.lever))
    assert "this site would stay cssm-direct" in sentence
    assert "plr would still cost USD 20.00 more" in sentence
    assert "would fall by USD 100.00" in sentence and "other sites taking the change" in sentence
    assert "save" not in sentence
    assert result.site_cost == pytest.approx(10.0) and plr.site_cost == pytest.approx(30.0)


def test_lever_statements_hold_when_re_planned(estate: Estate) -> None:
    """Every lever explain states is checked by applying it and re-planning from scratch."""
    from planner.explain import lever_estate
    from planner.optimise import plan_estate

    # The regulated policy made to forbid CSLU: a policy lever at DC1 beside the PLR one.
    strict = replace(estate, policies=tuple(
        replace(p, allowed_modes=p.allowed_modes - {Mode.CSLU}) if p.name == "regulated" else p
        for p in estate.policies))
    checked = 0
    for variant in (estate, strict):
        best = plan_estate(variant)
        for site in ("DC1", "HQ", "BR1", "OT1"):
            result = explain_site(variant, site)
            for alt in result.alternatives:
                if not alt.lever or alt.effect is None:
                    continue
                checked += 1
                changed, _ = lever_estate(variant, site, alt.mode)
                again = plan_estate(changed)
                assert (alt.mode in again.site_decision(site).modes) == alt.effect.flips
                assert alt.effect.estate_after == pytest.approx(again.costs.total, abs=0.01)
                assert alt.effect.estate_before == pytest.approx(best.costs.total, abs=0.01)
    assert checked >= 3  # policy and pre-approval levers were exercised


def test_site_ids_match_ignoring_case_and_suggest_near_misses(estate: Estate) -> None:
    from planner.problems import UsageError

    assert explain_site(estate, "dc1", planner=fake_planner).site == "DC1"
    with pytest.raises(UsageError) as caught:
        explain_site(estate, "DC2", planner=fake_planner)
    text = str(caught.value)
    assert "did you mean 'DC1'" in text
    assert all(s.id in text for s in estate.sites)  # the full list, not the first twenty
