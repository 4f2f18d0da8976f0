"""The optimiser's result types: a Plan and everything in it, as frozen data.

The optimiser (`planner.optimise`) produces these; the plan writers, the CLI (`plan`, `compare`,
`explain`), the reports and the runbooks only read them. Every collection is a tuple sorted by id
so that the same inputs always give the same plan, byte for byte, once written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from planner.model import DataElement, Estate, LicenceUse, Mode, StackMember


class SolveStatus(StrEnum):
    """What the solve proved. OPTIMAL: within one currency unit of the best plan. FEASIBLE: the
    time limit or a looser --gap ended the search with a larger proven gap: a usable plan, never
    to be presented as optimal. INFEASIBLE: some site can take no mode the strategy allows (a
    compared strategy's answer; `plan_estate` raises NoPlanError instead). A solver failure is
    never a status: it raises SolverError."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"

    @property
    def has_plan(self) -> bool:
        """True when the solve found a plan to use (OPTIMAL or FEASIBLE)."""
        return self is not SolveStatus.INFEASIBLE


class Detail(StrEnum):
    """How much of a solved plan is mapped back to domain objects. Mapping back costs more
    than solving at a million devices, and `compare` shows only totals; a plan says what it
    holds, and only a FULL plan may be written as plan files or runbooks."""

    FULL = "full"  # everything below, plus per-site decisions and per-device reservations
    CLASSES = "classes"  # TOTALS plus the per-class decisions (exposure registers)
    TOTALS = "totals"  # costs, hours, servers, transfers, purchases, exposure, devices reserved

    def has(self, other: Detail) -> bool:
        """True when a plan mapped back at this detail holds everything `other` holds."""
        order = (Detail.TOTALS, Detail.CLASSES, Detail.FULL)
        return order.index(self) >= order.index(other)


class Strategy(StrEnum):
    """The optimal mix, or one licensing mode forced on every site (`planner compare`)."""

    OPTIMAL = "optimal"
    ALL_CSSM = "all-cssm-direct"
    ALL_CSLU = "all-cslu"
    ALL_ONPREM_NETWORK = "all-onprem-network"
    ALL_ONPREM_MANUAL = "all-onprem-manual"
    ALL_OFFLINE = "all-offline"
    ALL_SLR = "all-slr"
    ALL_PLR = "all-plr"

    @property
    def forced_mode(self) -> Mode | None:
        """The mode this strategy forces on every site; None for the optimal mix."""
        return _STRATEGY_MODE.get(self)

    @classmethod
    def for_mode(cls, mode: Mode) -> Strategy:
        for strategy, forced in _STRATEGY_MODE.items():
            if forced is mode:
                return strategy
        raise KeyError(mode)


class Pricing(StrEnum):
    """Which plan prices a compared strategy."""

    ALL_SITES = "all-sites"  # its own plan: the mode at every site (or the optimal mix)
    WHERE_ALLOWED = "where-allowed"  # the pure strategy is infeasible: its where-allowed plan
    NONE = "none"  # infeasible, and not priced where allowed (--pure-only)


_STRATEGY_MODE: dict[Strategy, Mode] = {
    Strategy.ALL_CSSM: Mode.CSSM_DIRECT,
    Strategy.ALL_CSLU: Mode.CSLU,
    Strategy.ALL_ONPREM_NETWORK: Mode.ONPREM_NETWORK,
    Strategy.ALL_ONPREM_MANUAL: Mode.ONPREM_MANUAL,
    Strategy.ALL_OFFLINE: Mode.OFFLINE,
    Strategy.ALL_SLR: Mode.SLR,
    Strategy.ALL_PLR: Mode.PLR,
}


@dataclass(frozen=True, slots=True)
class DeviceClass:
    """Identical devices aggregated: same site, Virtual Account, family, licence set, software
    train and licensing state. The model grows with classes, not with devices."""

    id: str
    site: str
    family: str  # product family id, "" when the PID is not in the catalogue
    licences: tuple[LicenceUse, ...]  # per device, sorted by tag
    train: str  # software train (major.minor), "" when unknown
    devices: int
    members: int  # stack / HA members over all devices of the class (0 for standalone devices)
    virtual_account: str
    device_serials: tuple[str, ...]  # sorted
    version: str = ""  # the representative version eligibility was judged on (lowest in class)
    state: str = ""  # LicensingState value shared by the class
    runs_slup: bool = False


@dataclass(frozen=True, slots=True)
class ClassDecision:
    class_id: str
    site: str
    mode: Mode
    server_site: str | None = None


@dataclass(frozen=True, slots=True)
class SiteDecision:
    """A site's outcome and what it costs over the horizon (parts sum over its classes)."""

    site: str
    modes: tuple[Mode, ...]
    server_site: str | None
    devices: int
    labour: float = 0.0
    exposure: float = 0.0
    flexibility: float = 0.0
    reservation_uplift: float = 0.0
    labour_hours_per_year: float = 0.0
    excluded: tuple[tuple[Mode, tuple[str, ...]], ...] = ()  # why the other modes were out

    @property
    def total(self) -> float:
        return self.labour + self.exposure + self.flexibility + self.reservation_uplift


@dataclass(frozen=True, slots=True)
class Transfer:
    """One CSSM transfer request: at most 10 licence types (docs/licensing-facts.md section 2)."""

    batch: int
    source_va: str
    target_va: str
    items: tuple[tuple[str, int], ...]  # (tag, quantity), sorted by tag, at most 10


@dataclass(frozen=True, slots=True)
class Purchase:
    """A true-forward purchase into a Virtual Account."""

    virtual_account: str
    tag: str
    quantity: int
    unit_price: float  # per unit; for term licences per year
    total: float  # over the horizon (term licences: unit_price x quantity x years)


@dataclass(frozen=True, slots=True)
class Reservation:
    """What an operator enters in CSSM for one device: its UDI, every member, tags and counts."""

    virtual_account: str
    hostname: str
    pid: str
    serial: str
    members: tuple[StackMember, ...]
    licences: tuple[tuple[str, int], ...]  # (tag reserved, count), sorted by tag
    mode: Mode
    site: str = ""


@dataclass(frozen=True, slots=True)
class ServerPlacement:
    """SSM On-Prem servers at one site, for one sync mode."""

    site: str
    mode: Mode  # onprem-network or onprem-manual
    servers: int  # servers (each an HA pair when `ha`)
    ha: bool
    sites_served: tuple[str, ...]
    devices: int
    virtual_accounts: tuple[str, ...]  # local accounts to create, one per Virtual Account
    running: float = 0.0  # their VMs over the horizon: part of CostBreakdown.servers
    labour: float = 0.0  # their setup and sync hours over the horizon: part of .labour


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Money over the planning horizon, one definition per part (docs/model.md section 6).
    `total` is the sum of the parts (tested part by part on a hand-priced estate)."""

    purchases: float = 0.0  # true-forward licences bought (term licences for every year)
    servers: float = 0.0  # running the SSM On-Prem VMs (two per server when HA); no hours
    labour: float = 0.0  # every hour but transfer batches: devices, members, sites, SLAC,
    #                      reservation churn, server setup and sync, at the labour rate
    exposure: float = 0.0  # licence data leaving sites, at each policy's price
    flexibility: float = 0.0  # devices locked by SLR/PLR
    transfers: float = 0.0  # transfer requests (batches of at most ten licence types)
    reservation_uplift: float = 0.0  # PLR SKU uplift per device

    @property
    def total(self) -> float:
        return (self.purchases + self.servers + self.labour + self.exposure + self.flexibility
                + self.transfers + self.reservation_uplift)

    @property
    def controllable(self) -> float:
        """What the mode and placement decisions move: everything but licence purchases."""
        return self.total - self.purchases


# The parts, in the order every output lists them (plan.json, summary.txt, compare, reports).
COST_PARTS = tuple(f.name for f in fields(CostBreakdown))


@dataclass(frozen=True, slots=True)
class ExposureItem:
    """One licence data element leaving one site's boundary under the plan."""

    site: str
    element: DataElement
    devices: int
    transfers_per_year: float
    cost: float  # over the horizon


@dataclass(frozen=True, slots=True)
class Plan:
    estate: Estate
    strategy: Strategy
    status: SolveStatus
    objective: float  # = costs.total for a solved plan; 0.0 when infeasible
    gap: float  # proven relative gap on the objective (0.0 when optimal)
    gap_money: float  # objective minus the proven lower bound, in the estate's currency
    solver: str
    solve_seconds: float
    classes: tuple[DeviceClass, ...] = ()
    class_decisions: tuple[ClassDecision, ...] = ()
    sites: tuple[SiteDecision, ...] = ()
    servers: tuple[ServerPlacement, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    purchases: tuple[Purchase, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    costs: CostBreakdown = CostBreakdown()
    labour_hours_per_year: float = 0.0  # recurring: syncs, round trips, reservation changes
    labour_hours_initial: float = 0.0  # one-off: setup, reservations, transfers
    devices_reserved: int = 0
    exposure: tuple[ExposureItem, ...] = ()
    infeasible: tuple[tuple[str, tuple[str, ...]], ...] = ()  # site -> reasons
    assumptions: tuple[str, ...] = ()
    model_size: tuple[int, int, int] = (0, 0, 0)  # rows, columns, nonzeros
    build_seconds: float = 0.0
    # What was mapped back: a TOTALS plan has no class decisions, sites or reservations.
    detail: Detail = Detail.FULL
    # Per row of `estate.devices` (when it is a device table), the index in `classes` of the
    # row's class, as grouping found it: the plan writer reads it instead of matching a million
    # serials again. None when not known (a plan built by hand, or a TOTALS plan).
    class_of_row: npt.NDArray[np.int32] | None = field(default=None, compare=False, repr=False)

    @property
    def gap_controllable(self) -> float:
        """The money gap as a share of the controllable spend (purchases dominate the total)."""
        base = self.costs.controllable
        return self.gap_money / base if base > 0 else 0.0

    def exposed_by_element(self) -> dict[DataElement, int]:
        """Per licence data element (catalogue order), the devices whose element leaves their
        site: what differs between strategies, where a plain count of exposed devices would not
        (every mode sends at least the device's identity once)."""
        out = dict.fromkeys(DataElement, 0)
        for item in self.exposure:
            out[item.element] += item.devices
        return out

    def decision_for(self, class_id: str) -> ClassDecision:
        for decision in self.class_decisions:
            if decision.class_id == class_id:
                return decision
        raise KeyError(class_id)

    def site_decision(self, site_id: str) -> SiteDecision:
        for decision in self.sites:
            if decision.site == site_id:
                return decision
        raise KeyError(site_id)
