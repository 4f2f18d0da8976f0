"""The typed, frozen context objects the report templates see (and nothing else).

Builders (`tradeoff.py`, `compliance.py`) compute every number and sentence from the Estate, the
Plan(s) and the catalogues; the templates only loop and format. Charts arrive as finished SVG
markup whose every label was escaped by `charts.py`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputHash:
    path: str
    kind: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Reproducibility:
    """What reproduces the report: inputs by hash, versions, the solve and the report date."""

    inputs: tuple[InputHash, ...]
    tool_version: str
    catalogues: tuple[tuple[str, str], ...]  # (catalogue, version), sorted
    solver: str
    status: str
    gap: float  # relative, on the total
    gap_money: float
    generated: str  # ISO date, or "not stamped"
    date_source: str  # "--date", "SOURCE_DATE_EPOCH" or "none"
    command: str  # the command line that regenerates it


@dataclass(frozen=True, slots=True)
class ReportMeta:
    title: str
    kind: str
    estate: str
    account: str
    currency: str
    generated: str
    tool_version: str
    horizon_years: int


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG chart (already escaped) with a caption and a text alternative."""

    id: str
    title: str
    svg: str
    caption: str


@dataclass(frozen=True, slots=True)
class CostPart:
    name: str
    value: float


@dataclass(frozen=True, slots=True)
class StrategyRow:
    strategy: str
    status: str
    feasible: bool
    chosen: bool
    total: float
    parts: tuple[CostPart, ...]
    delta: float  # total minus the optimal plan's total (0 for infeasible strategies)
    devices_reserved: int
    locked_share: float  # devices reserved / all devices
    flexibility: float
    servers: int
    labour_hours_initial: float
    labour_hours_per_year: float
    exposure: float  # the exposure part of the cost
    exposed_by_element: tuple[tuple[str, int], ...]  # (element, devices whose element leaves)
    gap: float
    infeasible_sites: tuple[str, ...]  # site ids that break the strategy
    infeasible_example: str  # "SITE: its first reason"


@dataclass(frozen=True, slots=True)
class ExposureRow:
    """One site's licence data leaving its boundary under one strategy and mode."""

    strategy: str
    site: str
    site_name: str
    classification: str
    mode: str
    elements: tuple[str, ...]
    hostname_kept: bool  # the site's policy keeps hostnames in
    destination: str
    transport: str
    cadence: str
    per_year: float
    devices: int
    members: int
    licences: str  # "tag x count, ..." of what is reported


@dataclass(frozen=True, slots=True)
class ExposureSummary:
    """One strategy's devices in one mode: what leaves, from how many sites, to where."""

    strategy: str
    mode: str
    sites: int
    devices: int
    members: int
    elements: tuple[str, ...]
    destinations: tuple[str, ...]
    cadence: str
    hostname_kept_sites: int


@dataclass(frozen=True, slots=True)
class ClockSummary:
    """Clocks of one kind in one mode that fall due on one date, over every site."""

    mode: str
    clock: str  # the clock without its per-site counts
    due: str
    sites: int
    devices: int
    basis: str


@dataclass(frozen=True, slots=True)
class Register:
    """A long table written in full as CSV beside the document (`file`, set when the document is
    written to a file) and summarised inside it."""

    name: str  # exposure, sites, clocks: the CSV is <document stem>.<name>.csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    file: str = ""  # "" when the document goes to standard output: no CSV is written


@dataclass(frozen=True, slots=True)
class Alternative:
    mode: str
    verdict: str  # "chosen", "excluded", "costs more", "costs less at the site"
    delta: float | None  # site-level cost minus the chosen site-level cost
    reason: str


@dataclass(frozen=True, slots=True)
class SiteRow:
    site: str
    name: str
    classification: str
    internet: str
    enclave: str
    modes: str
    server_site: str
    devices: int
    cost: float
    hours_per_year: float
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """The optimal mix's sites of one classification in one mode."""

    classification: str
    modes: str
    sites: int
    devices: int
    cost: float
    hours_per_year: float


@dataclass(frozen=True, slots=True)
class Flip:
    site: str
    lever: str  # short name of the input
    text: str


@dataclass(frozen=True, slots=True)
class ExecutiveRow:
    """A strategy on the spend the choice of modes controls, against the recommended mix."""

    strategy: str  # marked "*" when priced where allowed
    feasible: bool
    controllable: float
    delta: float  # controllable minus the mix's controllable
    purchases: float


@dataclass(frozen=True, slots=True)
class ExecutiveRisk:
    risk: str
    deadline: str  # ISO date, or a standing condition
    detail: str


@dataclass(frozen=True, slots=True)
class ExecutiveSummary:
    plan: tuple[str, ...]  # one sentence per mode
    verdict: str
    strategies: tuple[ExecutiveRow, ...]
    purchases_common: bool  # every priced strategy buys the same: shown once
    purchases: float  # the mix's purchases
    risks: tuple[ExecutiveRisk, ...]
    renewal: str  # the renewal headline, "" without history


@dataclass(frozen=True, slots=True)
class TradeoffReport:
    meta: ReportMeta
    executive: ExecutiveSummary
    headline: tuple[str, ...]
    strategies: tuple[StrategyRow, ...]
    cost_parts: tuple[str, ...]
    cost_chart: Chart
    exposure: tuple[ExposureRow, ...]
    exposure_summary: tuple[ExposureSummary, ...]
    sites: tuple[SiteRow, ...]
    site_summary: tuple[SiteSummary, ...]
    sites_shown: tuple[SiteRow, ...]  # all sites, or the largest when there are many
    flips: tuple[Flip, ...]
    flips_shown: tuple[Flip, ...]  # the flips of the sites shown
    site_map: Chart
    notes: tuple[str, ...]
    assumptions: tuple[str, ...]
    reproducibility: Reproducibility
    registers: tuple[Register, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassificationRow:
    name: str
    description: str
    sites: int
    devices: int
    allowed_modes: str
    may_leave: str
    hostname_privacy: bool


@dataclass(frozen=True, slots=True)
class Scope:
    estate: str
    account: str
    domain: str
    holder: str
    statement: str
    classifications: tuple[ClassificationRow, ...]
    enclaves: tuple[tuple[str, str], ...]  # (enclave, its sites)
    boundary_links: tuple[tuple[str, str], ...]
    internet_sites: int
    offline_sites: int


@dataclass(frozen=True, slots=True)
class InventoryRow:
    site: str
    name: str
    classification: str
    devices: int
    members: int
    families: str
    states: str
    modes: str


@dataclass(frozen=True, slots=True)
class Inventory:
    devices: int
    members: int
    sites: int
    virtual_accounts: int
    entitlement_lines: int
    families: tuple[tuple[str, int], ...]
    states: tuple[tuple[str, int], ...]
    rows: tuple[InventoryRow, ...]


@dataclass(frozen=True, slots=True)
class Flow:
    """One flow of licence data across a boundary."""

    id: str
    source: str
    classification: str  # the classification it leaves
    mode: str
    elements: tuple[str, ...]
    destination: str
    transport: str
    cadence: str
    devices: int
    beyond_policy: tuple[str, ...]  # elements the source's policy does not list as may-leave


@dataclass(frozen=True, slots=True)
class Clock:
    site: str
    device_class: str
    devices: int
    mode: str
    clock: str
    due: str  # ISO date, or a standing instruction
    basis: str


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    title: str
    statement: str
    satisfied: str
    source: str


@dataclass(frozen=True, slots=True)
class Component:
    """A part of the licensing system the plan uses, and the controls it implements."""

    id: str  # stable key, e.g. "agent-offline", "onprem-DC-EAST-onprem-manual"
    kind: str  # device-agent, cslu, onprem-server, cssm-connection, carried-media
    type: str  # OSCAL component type
    title: str
    description: str
    sites: tuple[str, ...]
    devices: int
    controls: tuple[str, ...]  # control ids, as in the pack's control table


@dataclass(frozen=True, slots=True)
class Risk:
    risk: str
    treatment: str
    # Standing risks hold until acted on before adoption (an unproven optimum, a reseller-held
    # account); the executive page lists them before the dated deadlines.
    standing: bool = False


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    meta: ReportMeta
    plan_summary: tuple[tuple[str, str], ...]
    scope: Scope
    site_map: Chart
    inventory: Inventory
    flows: tuple[Flow, ...]
    clocks: tuple[Clock, ...]
    clock_summary: tuple[ClockSummary, ...]
    report_date: str
    controls: tuple[Control, ...]
    controls_source: str
    components: tuple[Component, ...]
    assumptions: tuple[str, ...]
    risks: tuple[Risk, ...]
    signoff: tuple[str, ...]  # roles
    reproducibility: Reproducibility
    registers: tuple[Register, ...] = ()
