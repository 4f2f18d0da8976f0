"""Each cost part on a hand-priced estate, by the one definition docs/model.md section 6 gives,
in the plan, plan.json and summary.txt alike (not only their sum)."""

from __future__ import annotations

import pytest

from planner.catalogue import load_catalogue
from planner.model import (
    ClassificationPolicy,
    DataElement,
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Mode,
    Site,
    SmartAccount,
    VirtualAccount,
)
from planner.modes import load_modes
from planner.optimise import plan_estate
from planner.plan import COST_PARTS
from planner.writers.plan_files import plan_document, summary_text
from tests.estate_builder import build_estate

from .checks import check_all


def _policy(name: str, mode: Mode) -> ClassificationPolicy:
    return ClassificationPolicy(
        name=name, allowed_modes=frozenset({mode}), telemetry_may_leave=frozenset(DataElement),
        exposure_cost_per_device_year=10.0, hostname_privacy=False, allow_mixed_modes=True,
        description=f"{mode.value} only")


def _estate() -> Estate:
    """HQ: three switches in VA A on On-Prem network sync (one server at HQ). OT: one switch in
    VA B that already holds a PLR. B holds three network-advantage, A none: two move to A in one
    batch (B keeps the one its PLR device uses) and A buys one."""
    nadv = load_catalogue().licences["network-advantage"]
    sites = (Site("HQ", "HQ", "net", InternetAccess.DIRECT, tags=("dc",)),
             Site("OT", "OT", "plr", InternetAccess.NONE))
    devices = tuple(Device(f"hq{i}", "C9300-48P", f"FOC{i}", "HQ", "A", "17.9.4",
                           LicensingState.SLUP, (LicenceUse("network-advantage"),))
                    for i in range(3))
    devices += (Device("ot1", "C9300-48P", "FOC9", "OT", "B", "17.9.4", LicensingState.PLR,
                       (LicenceUse("network-advantage"),)),)
    ents = (Entitlement("B", "network-advantage", "network-advantage", nadv.tier, 3,
                        reserved=1),)
    account = SmartAccount("S", "s.example", plr_preapproved=True, export_authorised=True)
    return build_estate(devices, name="hand", account=account,
                        virtual_accounts=(VirtualAccount("A"), VirtualAccount("B")), sites=sites,
                        entitlements=ents,
                        policies=(_policy("net", Mode.ONPREM_NETWORK), _policy("plr", Mode.PLR)))


def test_each_cost_part_matches_its_hand_priced_definition() -> None:
    estate = _estate()
    c, years, rate = estate.costs, estate.costs.horizon_years, estate.costs.labour_rate_per_hour
    net, plr = load_modes()[Mode.ONPREM_NETWORK], load_modes()[Mode.PLR]
    expected = {
        # one network-advantage bought into A (perpetual: once)
        "purchases": load_catalogue().licences["network-advantage"].list_price,
        # one server's VMs over the horizon (no HA), and nothing else
        "servers": c.onprem_server_cost_per_year * years,
        # every hour but the transfer batch: HQ devices and site, the server's setup and sync,
        # the PLR device and its churn, the OT site
        "labour": rate * (3 * net.hours_initial_per_device + net.hours_initial_per_site
                          + years * net.hours_per_site_year
                          + c.onprem_server_setup_hours + years * net.hours_per_server_year
                          + plr.hours_initial_per_device + plr.hours_initial_per_site
                          + years * c.device_churn_per_year * plr.hours_per_change),
        # the policy's price for the share of the five elements each mode sends out
        "exposure": 10.0 * years * (3 * len(net.data_leaving) + 1 * len(plr.data_leaving)) / 5,
        "flexibility": c.flexibility_cost_per_locked_device_year * 1 * years,
        "transfers": c.transfer_hours_per_batch * rate,  # one batch B -> A
        "reservation_uplift": c.plr_uplift_per_device * 1,
    }
    plan = plan_estate(estate)
    check_all(plan)
    assert [(t.source_va, t.target_va, t.items) for t in plan.transfers] == [
        ("B", "A", (("network-advantage", 2),))]
    doc = plan_document(plan)
    summary = summary_text(plan)
    assert set(COST_PARTS) == set(expected)
    for part, money in expected.items():
        assert getattr(plan.costs, part) == pytest.approx(money, abs=1e-6), part
        assert doc["costs"][part] == pytest.approx(money, abs=0.005), part
        assert f"  {part:<20}{money:>16,.2f}" in summary, part
    assert plan.objective == pytest.approx(sum(expected.values()), abs=1e-6)
