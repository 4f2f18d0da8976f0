"""What a generated estate is made of: site kinds, site specs and the estate plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planner.model import InternetAccess, Link, SmartAccount

# Dates in generated files are relative to this fixed day, never to "today": the same arguments
# must give the same bytes on any day. Pass `as_of` to move it.
REFERENCE_DATE = date(2026, 12, 1)

DEVICE_HEADER = ("hostname", "pid", "serial", "site", "virtual_account", "version", "state",
                 "licences", "members")
ENTITLEMENT_HEADER = ("virtual_account", "licence", "quantity", "in_use", "reserved", "term",
                      "start", "end", "subscription_id", "unit_price")


class SiteKind(StrEnum):
    """What a site is; decides its device mix, its size and its licensing reality."""

    DC = "dc"
    HQ = "hq"
    CAMPUS = "campus"
    BRANCH = "branch"
    OT_CONTROL = "ot-control"
    SUBSTATION = "substation"
    ENCLAVE = "enclave"
    AIRGAP = "airgap"


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One site of a plan: what the estate file says about it, plus how to fill it."""

    id: str
    name: str
    kind: SiteKind
    classification: str
    internet: InternetAccess
    weight: float  # relative share of the estate's devices
    enclave: str | None = None
    tags: tuple[str, ...] = ()
    virtual_account: str | None = None  # every device here goes to this VA (enclaves, OT)


@dataclass(frozen=True, slots=True)
class EstatePlan:
    """Everything `render_plan` needs: the account, the Virtual Accounts, sites and links."""

    name: str
    account: SmartAccount
    virtual_accounts: tuple[tuple[str, str], ...]  # (name, description); the first is Default
    sites: tuple[SiteSpec, ...]
    links: tuple[Link, ...]
    devices: int
    role_va: dict[str, str]  # device role (as, ds, cs, nx, rtr, wlc, fw, ise) -> VA
    dormant_va: str | None = None  # holds entitlements and no devices (the messy one)
    stray_share: float = 0.03  # devices never moved out of the Default VA
    agreement: tuple[date, date] | None = None
    header: str = ""  # comment lines at the top of estate.yaml
    extra_yaml: str = ""  # verbatim top-level YAML (policies:, costs:, prices: ...)
    as_of: date = REFERENCE_DATE
    shelfware: tuple[tuple[str, str, int], ...] = ()  # (VA, tag, quantity) bought, never used
    extra_inventory: tuple[tuple[str, str], ...] = ()  # (inventory key, file) beyond the CSVs
    # VAs that bought the lowest tier of every track while their devices run higher tiers
    # (the upgrade pitch): their orders are held at that tier, beyond what reservations need.
    essentials_vas: tuple[str, ...] = ()
    # (VA, tag, quantity, start): licences ordered ahead of a project, in force from `start`.
    orders: tuple[tuple[str, str, int, date], ...] = ()
