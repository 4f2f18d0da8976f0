"""Small hand-made estates for the history tests."""

from __future__ import annotations

from planner.model import (
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Site,
    SmartAccount,
    Tier,
    VirtualAccount,
)
from tests.estate_builder import build_estate


def device(n: int, site: str = "HQ", va: str = "NET", licences: str = "network-advantage",
           version: str = "17.9.4") -> Device:
    uses = tuple(LicenceUse(t) for t in licences.split(",") if t)
    return Device(hostname=f"sw{n:06d}", pid="C9300-48P", serial=f"FOC{n:08d}", site=site,
                  virtual_account=va, version=version, state=LicensingState.SLUP, licences=uses)


def estate(devices: list[Device], *, quantity: int = 10, name: str = "Test Estate") -> Estate:
    return build_estate(
        devices, name=name, account=SmartAccount(name="T", domain="t.example"),
        virtual_accounts=(VirtualAccount("DEFAULT", is_default=True), VirtualAccount("NET")),
        sites=(Site("HQ", "Headquarters", "regulated", InternetAccess.PROXY, tags=("hq",)),
               Site("FAIR", "Fairground", "regulated", InternetAccess.DIRECT,
                    tags=("seasonal",))),
        entitlements=(Entitlement("NET", "network-advantage", "Network Advantage",
                                  Tier.ADVANTAGE, quantity),),
        policies=(), path="/tmp/estate.yaml")
