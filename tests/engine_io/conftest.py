"""Small hand-built estates for the engine I/O tests (graph, eligibility, plan files, CLI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
    StackMember,
    Tier,
    VirtualAccount,
)
from tests.estate_builder import build_estate

ALL_DATA = frozenset(DataElement)


def policies() -> tuple[ClassificationPolicy, ...]:
    """The four presets of models/policies.yaml, written out so the tests do not need a loader."""
    return (
        ClassificationPolicy("unclassified", frozenset(Mode), ALL_DATA, 0.0,
                             allow_mixed_modes=True),
        ClassificationPolicy("regulated", frozenset(Mode), ALL_DATA - {DataElement.HOSTNAME}, 8.0),
        ClassificationPolicy("ot", frozenset({Mode.ONPREM_MANUAL, Mode.OFFLINE, Mode.SLR,
                                              Mode.PLR}),
                             ALL_DATA - {DataElement.HOSTNAME}, 25.0),
        ClassificationPolicy("secret", frozenset({Mode.SLR, Mode.PLR}),
                             frozenset({DataElement.PID_SERIAL, DataElement.ENTITLEMENT_USAGE,
                                        DataElement.HA_MEMBERS}), 60.0),
    )


def sample_estate(**account: Any) -> Estate:
    """HQ (internet) - DC1 (dc, proxy) - BR1 (no internet); DC1 =boundary= SCIF and OT1."""
    sa = dict(name="Northwind", domain="northwind.example", slr_preapproved=True,
              plr_preapproved=False, export_authorised=False)
    sa.update(account)
    sites = (
        Site("HQ", "Headquarters", "unclassified", InternetAccess.DIRECT, tags=("hq",)),
        Site("DC1", "Data centre", "regulated", InternetAccess.PROXY, tags=("dc",)),
        Site("BR1", "Branch 1", "regulated", InternetAccess.NONE),
        Site("SCIF", "Enclave", "secret", InternetAccess.NONE, enclave="scif-1"),
        Site("OT1", "Substation", "ot", InternetAccess.NONE, enclave="ot-net"),
        Site("OT2", "Substation 2", "ot", InternetAccess.NONE, enclave="ot-net"),
    )
    links = (
        Link("HQ", "DC1"),
        Link("DC1", "BR1"),
        Link("DC1", "SCIF", crosses_boundary=True),
        Link("DC1", "OT1", crosses_boundary=True),
        Link("OT1", "OT2"),
    )
    na = (LicenceUse("network-advantage"), LicenceUse("dna-advantage"))
    devices = (
        Device("hq-sw1", "C9300-48P", "FOC0001", "HQ", "HQ-Network", "17.9.4",
               LicensingState.SLUP, na,
               (StackMember("C9300-48P", "FOC0001"), StackMember("C9300-48P", "FOC0002"))),
        Device("dc-rtr1", "ISR4451-X/K9", "FDO0001", "DC1", "DEFAULT", "17.6.5",
               LicensingState.SLUP, (LicenceUse("network-advantage"),)),
        Device("br-sw1", "C9300-24T", "FOC0101", "BR1", "DEFAULT", "16.12.4",
               LicensingState.CLASSIC, na),
        Device("scif-sw1", "C9300-24T", "FOC0201", "SCIF", "DEFAULT", "16.12.4",
               LicensingState.CLASSIC, na,
               (StackMember("C9300-24T", "FOC0201"), StackMember("C9300-24T", "FOC0202"),
                StackMember("C9300-24T", "FOC0203"))),
        Device("ot-sw1", "C9300-24T", "FOC0301", "OT1", "DEFAULT", "17.9.4",
               LicensingState.SLUP, na),
        Device("ot-sw2", "C9300-24T", "FOC0302", "OT2", "DEFAULT", "17.9.4",
               LicensingState.SLUP, na),
        Device("ot-sw3", "C9300-24T", "FOC0303", "OT2", "DEFAULT", "17.9.4",
               LicensingState.SLUP, na),
    )
    ents = (
        Entitlement("DEFAULT", "network-advantage", "Network Advantage", Tier.ADVANTAGE, 10),
        Entitlement("DEFAULT", "dna-advantage", "DNA Advantage", Tier.ADVANTAGE, 3),
        Entitlement("HQ-Network", "network-advantage", "Network Advantage", Tier.ADVANTAGE, 1),
    )
    return build_estate(
        devices, name="Northwind test", account=SmartAccount(**sa),
        virtual_accounts=(VirtualAccount("DEFAULT", is_default=True),
                          VirtualAccount("HQ-Network")),
        sites=sites, links=links, entitlements=ents, policies=policies())


@pytest.fixture
def estate() -> Estate:
    return sample_estate()


@pytest.fixture
def make_estate() -> Callable[..., Estate]:
    return sample_estate


def sample_plan(estate: Estate | None = None, **changes: Any) -> Any:
    """A hand-built Plan over sample_estate(): the writers' tests need no solver."""
    from planner.plan import (
        ClassDecision,
        CostBreakdown,
        DeviceClass,
        ExposureItem,
        Plan,
        Purchase,
        Reservation,
        ServerPlacement,
        SiteDecision,
        SolveStatus,
        Strategy,
        Transfer,
    )

    est = estate or sample_estate()
    classes, decisions = [], []
    chosen = {"HQ": Mode.CSSM_DIRECT, "DC1": Mode.ONPREM_NETWORK, "BR1": Mode.ONPREM_NETWORK,
              "SCIF": Mode.SLR, "OT1": Mode.OFFLINE, "OT2": Mode.OFFLINE}
    for i, dev in enumerate(sorted(est.devices, key=lambda d: d.serial)):
        cid = f"k{i:02d}"
        classes.append(DeviceClass(cid, dev.site, "C9300", dev.licences, dev.version[:4], 1,
                                   len(dev.members), dev.virtual_account, (dev.serial,),
                                   dev.version, dev.state.value))
        mode = chosen[dev.site]
        decisions.append(ClassDecision(cid, dev.site, mode,
                                       "DC1" if mode is Mode.ONPREM_NETWORK else None))
    scif = next(d for d in est.devices if d.site == "SCIF")
    plan = Plan(
        estate=est, strategy=Strategy.OPTIMAL, status=SolveStatus.OPTIMAL, objective=1234.5,
        gap=0.0, gap_money=0.0, solver="highs", solve_seconds=0.123,
        classes=tuple(classes), class_decisions=tuple(decisions),
        sites=tuple(SiteDecision(s, (m,), "DC1" if m is Mode.ONPREM_NETWORK else None,
                                 sum(1 for d in est.devices if d.site == s), labour=10.0)
                    for s, m in sorted(chosen.items())),
        servers=(ServerPlacement("DC1", Mode.ONPREM_NETWORK, 1, False, ("BR1", "DC1"), 2,
                                 ("DEFAULT",)),),
        transfers=(Transfer(1, "DEFAULT", "HQ-Network", (("dna-advantage", 1),)),),
        purchases=(Purchase("DEFAULT", "dna-advantage", 4, 300.0, 1200.0),),
        reservations=(Reservation("DEFAULT", scif.hostname, scif.pid, scif.serial, scif.members,
                                  (("dna-advantage", 1), ("network-advantage", 1)), Mode.SLR,
                                  "SCIF"),),
        costs=CostBreakdown(purchases=1200.0, servers=24.5, labour=10.0),
        labour_hours_per_year=3.0, labour_hours_initial=5.0, devices_reserved=1,
        exposure=(ExposureItem("HQ", DataElement.PID_SERIAL, 1, 12.17, 0.0),),
        model_size=(10, 20, 30), build_seconds=0.01,
    )
    from dataclasses import replace

    return replace(plan, **changes)
