"""The estate model: one typed, immutable picture of a customer's Cisco estate.

Every reader produces these objects and every later stage (graph, optimisation, reports, the
renewal read, runbooks) consumes them. Closed sets are enums; everything else is a frozen
dataclass so that a model, once validated, cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotation only: the catalogue module imports this one
    from planner.catalogue import Catalogue


class Holder(StrEnum):
    """Who holds the Smart Account: the customer should; a reseller-held account can vanish."""

    CUSTOMER = "customer"
    RESELLER = "reseller"


class InternetAccess(StrEnum):
    """How a site reaches the internet (and so the public CSSM)."""

    DIRECT = "direct"
    PROXY = "proxy"
    NONE = "none"


class LicensingState(StrEnum):
    """What a device runs today (docs/licensing-facts.md sections 2 and 4)."""

    CLASSIC = "classic"  # classic Smart Licensing registration (pre-SLUP)
    SLUP = "slup"  # Smart Licensing Using Policy
    SLR = "slr"
    PLR = "plr"
    EVALUATION = "evaluation"
    UNKNOWN = "unknown"


class Mode(StrEnum):
    """The seven licensing modes a site or device class can take (docs/licensing-facts.md s2)."""

    CSSM_DIRECT = "cssm-direct"
    CSLU = "cslu"
    ONPREM_NETWORK = "onprem-network"
    ONPREM_MANUAL = "onprem-manual"
    OFFLINE = "offline"
    SLR = "slr"
    PLR = "plr"


class Tier(StrEnum):
    """Licence tiers; a higher tier may cover a lower one of its track (licensing-facts s3)."""

    ESSENTIALS = "essentials"
    ADVANTAGE = "advantage"
    PREMIER = "premier"
    ADDON = "addon"  # stand-alone feature licences (HSECK9, throughput, ...): no substitution

    @property
    def rank(self) -> int:
        return _TIER_RANK[self]


_TIER_RANK = {Tier.ESSENTIALS: 1, Tier.ADVANTAGE: 2, Tier.PREMIER: 3, Tier.ADDON: 0}


class TermType(StrEnum):
    PERPETUAL = "perpetual"
    TERM = "term"


class DataElement(StrEnum):
    """Licence data elements a device or server can send out (docs/licensing-facts.md section 2)."""

    PID_SERIAL = "pid-serial"
    ENTITLEMENT_USAGE = "entitlement-usage"
    SOFTWARE_VERSION = "software-version"
    HOSTNAME = "hostname"
    HA_MEMBERS = "ha-member-serials"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from, so every message can name file and line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class SmartAccount:
    name: str
    domain: str
    holder: Holder = Holder.CUSTOMER
    slr_preapproved: bool = False
    plr_preapproved: bool = False
    export_authorised: bool = False


@dataclass(frozen=True, slots=True)
class VirtualAccount:
    name: str
    description: str = ""
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    classification: str
    internet: InternetAccess
    enclave: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """An undirected network path between two sites."""

    a: str
    b: str
    crosses_boundary: bool = False


@dataclass(frozen=True, slots=True)
class StackMember:
    pid: str
    serial: str


@dataclass(frozen=True, slots=True)
class LicenceUse:
    """A licence a device consumes, by canonical short tag (e.g. `network-advantage`)."""

    tag: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class Device:
    hostname: str
    pid: str
    serial: str
    site: str
    virtual_account: str
    version: str = ""
    state: LicensingState = LicensingState.UNKNOWN
    licences: tuple[LicenceUse, ...] = ()
    members: tuple[StackMember, ...] = ()
    origin: Origin | None = field(default=None, compare=False)
    # The Smart Account the device reports (`show license status`); last, so positional
    # construction by the devices CSV reader keeps its order.
    smart_account: str = ""


@dataclass(frozen=True, slots=True)
class Entitlement:
    virtual_account: str
    tag: str
    name: str
    tier: Tier
    quantity: int
    in_use: int = 0
    reserved: int = 0
    term: TermType = TermType.PERPETUAL
    start: date | None = None
    end: date | None = None
    subscription_id: str = ""
    unit_price: float | None = None  # None: the licence catalogue's list-price assumption applies
    origin: Origin | None = field(default=None, compare=False)

    @property
    def available(self) -> int:
        return max(self.quantity - self.in_use - self.reserved, 0)


@dataclass(frozen=True, slots=True)
class ClassificationPolicy:
    """What a site classification allows: which modes, and which licence data may leave it."""

    name: str
    allowed_modes: frozenset[Mode]
    telemetry_may_leave: frozenset[DataElement]
    # The price the organisation puts on one device's licence data leaving the boundary for one
    # year: it turns "telemetry exposure" into a term the optimiser can weigh against labour.
    exposure_cost_per_device_year: float = 0.0
    hostname_privacy: bool = True
    allow_mixed_modes: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class CostAssumptions:
    """Money and effort assumptions; every default is documented in models/costs.yaml."""

    currency: str = "USD"
    labour_rate_per_hour: float = 95.0
    horizon_years: int = 3
    onprem_server_cost_per_year: float = 6000.0
    onprem_server_setup_hours: float = 24.0
    onprem_server_capacity: int = 25000
    onprem_ha: bool = False
    device_churn_per_year: float = 0.10
    flexibility_cost_per_locked_device_year: float = 15.0
    transfer_hours_per_batch: float = 0.5
    plr_uplift_per_device: float = 500.0
    slac_hours_online_per_device: float = 0.1
    slac_hours_offline_per_device: float = 0.5
    # Cadence overrides (None: derive from models/reporting.yaml). The margin places recurring
    # round trips inside Cisco's windows; the On-Prem manual sync interval may not exceed the
    # binding window (CSSM's 90-day removal, the devices' 90-day report-and-ACK window).
    reporting_safety_margin_days: int | None = None
    onprem_manual_sync_interval_days: int | None = None


@dataclass(frozen=True, slots=True)
class EnterpriseAgreement:
    start: date
    end: date
    growth_allowance: float = 0.20


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An input file the estate was read from, hashed for the reproducibility block."""

    path: str
    kind: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Estate:
    name: str
    account: SmartAccount
    virtual_accounts: tuple[VirtualAccount, ...]
    sites: tuple[Site, ...]
    links: tuple[Link, ...]
    # A planner.device_table.DeviceTable when loaded (columns, built into Device records on
    # demand); estates built in code may pass a tuple.
    devices: Sequence[Device]
    entitlements: tuple[Entitlement, ...]
    policies: tuple[ClassificationPolicy, ...]
    costs: CostAssumptions = CostAssumptions()
    agreement: EnterpriseAgreement | None = None
    sources: tuple[SourceFile, ...] = ()
    path: str = ""  # the estate file itself; relative paths inside it resolve against its folder
    # The catalogue as this estate sees it (models/ plus the file's `prices:` and `products:`),
    # set by the loader; None means the shipped catalogue. Derived data, so not compared.
    catalogue: Catalogue | None = field(default=None, compare=False, repr=False)

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)

    def policy(self, classification: str) -> ClassificationPolicy:
        for p in self.policies:
            if p.name == classification:
                return p
        raise KeyError(classification)
