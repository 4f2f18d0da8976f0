"""Eligibility table: one test per exclusion reason, and the allowed cases beside them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from planner.catalogue import ProductFamily, load_catalogue
from planner.eligibility import allowed_modes, mode_exclusions
from planner.graph import analyse_reach
from planner.model import DataElement, Estate, LicensingState, Mode
from planner.modes import load_modes

C9300 = load_catalogue().families["C9300"]
ISR = load_catalogue().families["ISR4000"]
ASA = load_catalogue().families["ASA"]


def excl(estate: Estate, site_id: str, family: ProductFamily | None = C9300,
         version: str = "16.12.4",
         state: LicensingState = LicensingState.CLASSIC) -> dict[Mode, tuple[str, ...]]:
    return mode_exclusions(estate, estate.site(site_id), family, version, state,
                           analyse_reach(estate), load_modes())


def test_every_mode_is_answered(estate: Estate) -> None:
    assert set(excl(estate, "HQ")) == set(Mode)


def test_policy_forbids(estate: Estate) -> None:
    result = excl(estate, "SCIF")
    assert any("policy 'secret' forbids cssm-direct (allowed: slr, plr)" in r
               for r in result[Mode.CSSM_DIRECT])
    assert not any("policy" in r for r in result[Mode.SLR])


def test_unknown_classification(estate: Estate) -> None:
    sites = tuple(replace(s, classification="nato") if s.id == "HQ" else s for s in estate.sites)
    result = excl(replace(estate, sites=sites), "HQ")
    assert all(any("'nato', which has no policy" in r for r in rs) for rs in result.values())


def test_no_internet_path(estate: Estate) -> None:
    result = excl(estate, "BR1")
    assert any("no internet path (internet: none)" in r for r in result[Mode.CSSM_DIRECT])
    assert any("no internet path" in r for r in result[Mode.CSLU])
    assert not excl(estate, "HQ")[Mode.CSSM_DIRECT]


def test_no_server_reaches_without_crossing_a_boundary(estate: Estate) -> None:
    # SCIF has no candidate (policy), so even if its policy allowed On-Prem nothing reaches it
    result = excl(estate, "SCIF")
    assert any("no SSM On-Prem server can reach site SCIF" in r
               for r in result[Mode.ONPREM_MANUAL])


def test_server_without_internet_rules_out_network_sync(estate: Estate) -> None:
    result = excl(estate, "OT1", version="17.9.4", state=LicensingState.SLUP)
    assert any("network sync is impossible" in r for r in result[Mode.ONPREM_NETWORK])
    assert not any("server" in r for r in result[Mode.ONPREM_MANUAL])
    assert Mode.ONPREM_MANUAL in allowed_modes(result)


def test_branch_reaches_dc_server_with_internet(estate: Estate) -> None:
    result = excl(estate, "BR1")
    assert not result[Mode.ONPREM_NETWORK] and not result[Mode.ONPREM_MANUAL]


def test_offline_needs_slup_software(estate: Estate) -> None:
    old = excl(estate, "HQ", version="16.12.4")
    assert any("does not run SLUP (from 17.3.2); upgrade" in r for r in old[Mode.OFFLINE])
    new = excl(estate, "HQ", version="17.9.4", state=LicensingState.SLUP)
    assert not new[Mode.OFFLINE]
    unknown = excl(estate, "HQ", version="", state=LicensingState.UNKNOWN)
    assert any("record the software version" in r for r in unknown[Mode.OFFLINE])
    asa = excl(estate, "HQ", family=ASA, version="9.16(3)")
    assert any("ASA has no Smart Licensing Using Policy" in r for r in asa[Mode.OFFLINE])


def test_new_slr_impossible_on_catalyst_running_slup(estate: Estate) -> None:
    result = excl(estate, "HQ", version="17.9.4", state=LicensingState.SLUP)
    assert result[Mode.SLR] == ("C9300 on 17.9.4 runs SLUP: new SLR is not possible on "
                                "Catalyst 9300 (SLUP guides: reservations made before SLUP "
                                "carry over, a new one cannot be requested; Catalyst 9400 17.4 "
                                "configuration guide, SLUP chapter)",)
    assert not excl(estate, "HQ", version="16.12.4")[Mode.SLR]


def test_existing_reservation_is_kept_under_slup(estate: Estate) -> None:
    assert not excl(estate, "HQ", version="17.9.4", state=LicensingState.SLR)[Mode.SLR]


def test_routers_get_no_new_slr_under_slup_but_keep_an_existing_one(estate: Estate) -> None:
    # The SLUP guides carry reservations over and name no router exception for a new SLR.
    assert excl(estate, "HQ", family=ISR, version="17.9.4", state=LicensingState.SLUP)[Mode.SLR]
    assert not excl(estate, "HQ", family=ISR, version="17.9.4",
                    state=LicensingState.SLR)[Mode.SLR]


def test_slr_not_preapproved(make_estate: Callable[..., Estate]) -> None:
    result = excl(make_estate(slr_preapproved=False), "HQ")
    assert any("not pre-approved for SLR" in r for r in result[Mode.SLR])


def test_family_without_slr_or_plr(estate: Estate) -> None:
    result = excl(estate, "HQ", family=ASA, version="9.16(3)")
    assert any("family ASA has no SLR" in r for r in result[Mode.SLR])
    assert any("family ASA has no PLR" in r for r in result[Mode.PLR])


def test_plr_needs_preapproval_and_export(make_estate: Callable[..., Estate]) -> None:
    result = excl(make_estate(), "HQ", family=ISR, version="17.9.4")
    assert any("not pre-approved for PLR" in r for r in result[Mode.PLR])
    assert any("export not authorised (PLR)" in r for r in result[Mode.PLR])
    ok = excl(make_estate(plr_preapproved=True, export_authorised=True), "HQ", family=ISR,
              version="17.9.4")
    assert not ok[Mode.PLR]


def test_unknown_family_keeps_only_modes_needing_no_family_facts(estate: Estate) -> None:
    result = excl(estate, "HQ", family=None, version="", state=LicensingState.UNKNOWN)
    assert allowed_modes(result) == {Mode.CSSM_DIRECT, Mode.ONPREM_NETWORK, Mode.ONPREM_MANUAL}
    assert any("product family unknown" in r for r in result[Mode.SLR])
    assert any("product family unknown" in r for r in result[Mode.OFFLINE])
    # a device that says it runs SLUP may report offline even when its PID is not catalogued
    slup = excl(estate, "HQ", family=None, version="", state=LicensingState.SLUP)
    assert Mode.OFFLINE in allowed_modes(slup)


def test_precomputed_site_reasons_give_the_same_answer(estate: Estate) -> None:
    from planner.eligibility import site_mode_exclusions

    reach, modes = analyse_reach(estate), load_modes()
    for site in estate.sites:
        cached = site_mode_exclusions(estate, site, reach, modes)
        for family, version, state in ((C9300, "17.9.4", LicensingState.SLUP),
                                       (ISR, "16.9.1", LicensingState.CLASSIC),
                                       (None, "", LicensingState.UNKNOWN)):
            assert mode_exclusions(estate, site, family, version, state, reach, modes,
                                   site_reasons=cached) == mode_exclusions(
                estate, site, family, version, state, reach, modes)


def test_site_reasons_with_a_policy_memo_equal_those_without(estate: Estate) -> None:
    from planner.eligibility import site_mode_exclusions

    reach, modes = analyse_reach(estate), load_modes()
    memo: dict[str, dict[Mode, list[str]]] = {}
    for _ in range(2):  # the second pass reads every policy from the memo
        for site in estate.sites:
            assert site_mode_exclusions(estate, site, reach, modes, memo=memo) == \
                site_mode_exclusions(estate, site, reach, modes)
    assert memo


def test_policy_telemetry_limit_is_a_hard_rule(estate: Estate) -> None:
    # A policy that lets only the UDI leave keeps PLR (sends the UDI) and rules out SLR (which
    # also sends the reserved tags and counts), whatever the allowed modes say.
    policies = tuple(
        replace(p, telemetry_may_leave=frozenset({DataElement.PID_SERIAL}))
        if p.name == "secret" else p for p in estate.policies)
    result = excl(replace(estate, policies=policies), "SCIF")
    assert any("slr sends entitlement-usage" in r and "'secret' does not let leave" in r
               for r in result[Mode.SLR])
    assert not any("telemetry_may_leave" in r for r in result[Mode.PLR])
    assert not any("telemetry_may_leave" in r for r in excl(estate, "SCIF")[Mode.SLR])
