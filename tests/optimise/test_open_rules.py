"""The rules docs/model.md states for cases the inputs leave open: unknown software, clamped
supply, held reservations, the On-Prem candidate of an untagged component."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.catalogue import load_catalogue
from planner.eligibility import slup_answer
from planner.explain import lever_estate
from planner.graph import analyse_reach
from planner.model import (
    ClassificationPolicy,
    DataElement,
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
    VirtualAccount,
)
from planner.optimise import plan_estate
from planner.validate import validate_estate
from tests.estate_builder import build_estate, preset_policies

from .checks import check_all

C9300 = load_catalogue().family_for_pid("C9300-48P")


def _only(mode: Mode, *more: Mode) -> ClassificationPolicy:
    return ClassificationPolicy(
        name="only", allowed_modes=frozenset({mode, *more}),
        telemetry_may_leave=frozenset(DataElement), exposure_cost_per_device_year=0.0,
        hostname_privacy=False, allow_mixed_modes=True, description="restricted")


def _estate(devices: tuple[Device, ...], policy: ClassificationPolicy,
            ents: tuple[Entitlement, ...] = ()) -> Estate:
    site = Site("OT1", "OT site", policy.name, InternetAccess.NONE)
    return build_estate(devices, account=SmartAccount("S", "s.example", slr_preapproved=True),
                        virtual_accounts=(VirtualAccount("A"),), sites=(site,),
                        entitlements=ents, policies=(*preset_policies(), policy))


def _switch(i: int, version: str, state: LicensingState) -> Device:
    return Device(f"sw{i}", "C9300-48P", f"FOC{i}", "OT1", "A", version, state,
                  (LicenceUse("network-advantage"),))


@pytest.mark.parametrize(("version", "state", "expected"), [
    ("", LicensingState.CLASSIC, False), ("17.9.4", LicensingState.CLASSIC, False),
    ("", LicensingState.SLUP, True), ("16.12.4", LicensingState.SLUP, True),
    ("", LicensingState.UNKNOWN, None), ("17.9.4", LicensingState.UNKNOWN, True),
    ("16.12.4", LicensingState.UNKNOWN, False), ("", LicensingState.EVALUATION, None),
])
def test_licensing_state_decides_first_then_the_version(
        version: str, state: LicensingState, expected: bool | None) -> None:
    assert slup_answer(C9300, version, state) is expected


def test_blank_version_classic_device_is_planned_on_an_slr_only_site() -> None:
    plan = plan_estate(_estate((_switch(1, "", LicensingState.CLASSIC),), _only(Mode.SLR)))
    check_all(plan)
    assert [d.mode for d in plan.class_decisions] == [Mode.SLR]


def test_blank_version_unknown_state_keeps_only_modes_valid_either_way() -> None:
    estate = _estate((_switch(1, "", LicensingState.UNKNOWN),),
                     _only(Mode.OFFLINE, Mode.SLR, Mode.ONPREM_MANUAL))
    site = estate.sites[0]
    estate = replace(estate, sites=(replace(site, tags=("server",)),))
    plan = plan_estate(estate)
    assert [d.mode for d in plan.class_decisions] == [Mode.ONPREM_MANUAL]
    why = dict(plan.sites[0].excluded)
    assert any("software version unknown" in r for r in why[Mode.OFFLINE])
    assert any("software version unknown" in r for r in why[Mode.SLR])
    problems = validate_estate(estate, catalogue=load_catalogue(), lines={},
                               today=date(2026, 12, 1))
    warned = [p for p in problems if "no software version" in p.message]
    assert len(warned) == 1 and "sw1" in warned[0].message
    # explain's lever: record the version; priced as SLUP for offline, pre-SLUP for SLR
    for mode, state in ((Mode.OFFLINE, LicensingState.SLUP), (Mode.SLR, LicensingState.CLASSIC)):
        changed, levers = lever_estate(estate, "OT1", mode)
        assert any(lever.startswith("software version unknown") for lever in levers)
        assert changed.devices[0].state is state
        forced = plan_estate(changed, forced={"OT1": mode})
        assert [d.mode for d in forced.class_decisions] == [mode]


def test_supply_below_zero_is_clamped_and_the_row_warned() -> None:
    tier = load_catalogue().licences["network-advantage"].tier
    ents = (Entitlement("A", "network-advantage", "network-advantage", tier, 2, in_use=3,
                        reserved=1),)
    estate = _estate((_switch(1, "16.12.4", LicensingState.CLASSIC),), _only(Mode.SLR), ents)
    plan = plan_estate(estate)
    assert [(p.tag, p.quantity) for p in plan.purchases] == [("network-advantage", 1)]
    problems = validate_estate(estate, catalogue=load_catalogue(), lines={},
                               today=date(2026, 12, 1))
    assert any("supply clamped at 0" in p.message for p in problems)


def test_a_held_reservation_stays_eligible_and_the_plan_says_so() -> None:
    # The C9300 family forbids new SLR under SLUP; this device already holds one.
    device = _switch(1, "17.9.4", LicensingState.SLR)
    plan = plan_estate(_estate((device,), _only(Mode.SLR)))
    assert [d.mode for d in plan.class_decisions] == [Mode.SLR]
    assert any("already hold an SLR reservation" in a for a in plan.assumptions)


def test_untagged_component_offers_its_largest_online_site_for_network_sync() -> None:
    sites = (Site("BIG", "Big", "unclassified", InternetAccess.NONE),
             Site("SMALL", "Small", "unclassified", InternetAccess.DIRECT))
    devices = tuple(Device(f"d{i}", "C9300-48P", f"S{i}", "BIG" if i < 3 else "SMALL", "A",
                           "17.9.4", LicensingState.SLUP) for i in range(4))
    estate = build_estate(devices, account=SmartAccount("S", "s.example"),
                          virtual_accounts=(VirtualAccount("A"),), sites=sites,
                          links=(Link("BIG", "SMALL"),))
    reach = analyse_reach(estate)
    assert reach.candidates == ("BIG", "SMALL")
    assert reach.servers_for("BIG") == ("BIG", "SMALL")
