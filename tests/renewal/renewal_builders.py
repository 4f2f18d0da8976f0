"""Small hand-made estates for the renewal tests, where the right answer is known by hand."""

from __future__ import annotations

from datetime import date

from planner.catalogue import load_catalogue
from planner.model import (
    Device,
    EnterpriseAgreement,
    Entitlement,
    Estate,
    Holder,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Site,
    SmartAccount,
    TermType,
    VirtualAccount,
)

REFERENCE = date(2026, 6, 1)
RENEWAL = date(2026, 12, 1)


def dev(name: str, licences: str = "network-advantage", *, va: str = "NET", site: str = "HQ",
        pid: str = "C9300-48P", version: str = "17.12.4",
        state: LicensingState = LicensingState.SLUP) -> Device:
    uses = tuple(LicenceUse(t.split(":")[0], int(t.split(":")[1]) if ":" in t else 1)
                 for t in licences.split(",") if t)
    return Device(hostname=name, pid=pid, serial=f"SN-{name}", site=site, virtual_account=va,
                  version=version, state=state, licences=uses)


def ent(va: str, tag: str, quantity: int, *, in_use: int = 0, price: float | None = None,
        start: date | None = None, end: date | None = None) -> Entitlement:
    lic = load_catalogue().licence(tag)
    return Entitlement(virtual_account=va, tag=tag, name=lic.name, tier=lic.tier,
                       quantity=quantity, in_use=in_use, term=lic.term, start=start, end=end,
                       unit_price=price)


def estate(devices: list[Device] | tuple[Device, ...] = (),
           entitlements: list[Entitlement] | tuple[Entitlement, ...] = (), *,
           vas: tuple[str, ...] = ("NET",), holder: Holder = Holder.CUSTOMER,
           agreement: EnterpriseAgreement | None = None,
           sites: tuple[Site, ...] | None = None) -> Estate:
    return Estate(
        name="Hand Estate",
        account=SmartAccount(name="Hand", domain="hand.example", holder=holder),
        virtual_accounts=(VirtualAccount("DEFAULT", is_default=True),
                          *(VirtualAccount(v) for v in vas)),
        sites=sites or (
            Site("HQ", "Headquarters", "regulated", InternetAccess.PROXY, tags=("hq",)),
            Site("FAIR", "Fairground", "regulated", InternetAccess.DIRECT, tags=("seasonal",)),
            Site("LAB", "Project lab", "regulated", InternetAccess.DIRECT,
                 tags=("project:pilot",)),
        ),
        links=(),
        devices=tuple(devices),
        entitlements=tuple(entitlements),
        policies=(),
        agreement=agreement,
        path="/nowhere/estate.yaml",
    )


__all__ = ["REFERENCE", "RENEWAL", "TermType", "dev", "ent", "estate"]
