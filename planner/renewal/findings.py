"""What the renewal read produces: findings, their kinds and priorities, and the thresholds.

Every finding pairs a signal in the telemetry with how the vendor's renewal team will read it
and the buyer's counter-move (licensing-facts s5), with the evidence and the money at stake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FindingKind(StrEnum):
    OVER_CONSUMPTION = "over-consumption"
    GROWTH = "growth"
    GROWTH_TAGGED = "growth-tagged"  # growth at sites the user tagged seasonal or project
    UPGRADE_PITCH = "upgrade-pitch"
    SHELFWARE = "shelfware"
    REFRESH = "refresh"
    LICENSING_ERA = "licensing-era"
    VA_NO_DEVICES = "va-no-devices"
    VA_DORMANT = "va-dormant"
    DEFAULT_VA_STRANDED = "default-va-stranded"
    VA_COUNT = "va-count"
    RESELLER_HELD = "reseller-held"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 0, "medium": 1, "low": 2}[self.value]


@dataclass(frozen=True, slots=True)
class RenewalSettings:
    """Thresholds of the renewal read; each is a documented, overridable ASSUMPTION."""

    high_money: float = 10_000.0  # money at stake from which a finding is high priority
    medium_money: float = 1_000.0  # ... medium priority
    refresh_minor_gap: int = 6  # trains behind current (same major) that count as "far below"
    # Virtual Account sprawl: more VAs than max(floor, min(cap, devices / devices_each)).
    va_count_floor: int = 10  # VAs any organisation's business units explain
    va_devices_each: int = 250  # a large estate split by region: one VA per this many devices
    va_count_cap: int = 50  # beyond this no estate size explains the count
    high_churn_rate: float = 0.10  # devices changed between the last two snapshots / devices
    dominant_share: float = 0.5  # collaboration/security share of devices that means high churn
    pack_days_before: int = 90  # consolidated hygiene pack, days before renewal
    evidence_devices: int = 20  # devices named in a finding's evidence (the total is kept)
    # Effort of the hygiene actions, in hours, priced at the estate's `costs.labour_rate_per_hour`
    # (transfers use `costs.transfer_hours_per_batch`, the figure the planner itself uses).
    hours_per_device_change: float = 0.25  # set one device's licence level back, in a window
    hours_per_drop_line: float = 0.5  # one licence of one VA on the drop list, agreed
    hours_per_va_close: float = 1.0  # move what is left and close one Virtual Account
    hours_per_segmented_site: float = 2.0  # document a site's seasonal/project usage and end date
    top_actions: int = 5  # actions on the brief's first page


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the finding rests on: devices and licences named, and the numbers."""

    devices: tuple[str, ...] = ()  # hostnames, sorted, at most `evidence_devices`
    devices_total: int = 0
    licences: tuple[str, ...] = ()
    virtual_accounts: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    numbers: tuple[tuple[str, float], ...] = ()
    # `file:line` of every entitlement row the finding rests on, lapsed and future ones included
    entitlement_rows: tuple[str, ...] = ()

    def number(self, name: str) -> float:
        for key, value in self.numbers:
            if key == name:
                return value
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    subject: str  # what the finding is about, e.g. `NET/network-advantage`; unique per kind
    signal: str  # what the telemetry shows
    evidence: Evidence
    reading: str  # how the renewal team will read it
    counter_move: str  # what the buyer should do
    money: float  # at stake, in `currency`; 0 where the signal carries no direct price
    currency: str
    priority: Priority
    notes: tuple[str, ...] = field(default=())
    # the money's basis in words: `per year`, `N months billed`, `perpetual, once`, ...
    basis: str = field(default="")
    # ids of the renewal-model lines this finding moves (planner.renewal.position), set by
    # the read once both sides are built
    lines: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.subject}"

    def to_dict(self) -> dict[str, Any]:
        ev = self.evidence
        return {
            "id": self.id, "kind": str(self.kind), "subject": self.subject,
            "signal": self.signal, "reading": self.reading, "counter_move": self.counter_move,
            "money": round(self.money, 2), "currency": self.currency,
            "money_basis": self.basis,
            "priority": str(self.priority), "notes": list(self.notes),
            "lines": list(self.lines),
            "evidence": {
                "devices": list(ev.devices), "devices_total": ev.devices_total,
                "licences": list(ev.licences), "virtual_accounts": list(ev.virtual_accounts),
                "sites": list(ev.sites), "numbers": {k: v for k, v in ev.numbers},
                "entitlement_rows": list(ev.entitlement_rows),
            },
        }


def money_basis(kind: FindingKind, *, term: bool | None, months: int = 0) -> str:
    """The basis of a finding's money in words (docs/renewal-schema.md, "Finding kinds")."""
    if kind in (FindingKind.REFRESH, FindingKind.LICENSING_ERA, FindingKind.VA_COUNT):
        return "no price"
    if term is None:  # a whole holding: term and perpetual lines together
        return "per year for term lines, once for perpetual ones"
    if kind is FindingKind.OVER_CONSUMPTION and term:
        return f"{months} month{'s' if months != 1 else ''} billed"
    return "per year" if term else "perpetual, once"


def priority_for(money: float, settings: RenewalSettings,
                 floor: Priority = Priority.LOW) -> Priority:
    """Priority by money at stake, never below the risk floor the signal itself carries."""
    if money >= settings.high_money:
        by_money = Priority.HIGH
    elif money >= settings.medium_money:
        by_money = Priority.MEDIUM
    else:
        by_money = Priority.LOW
    return by_money if by_money.rank < floor.rank else floor


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """Priority first, then money (largest first), then kind and subject: stable output."""
    return tuple(sorted(findings, key=lambda f: (f.priority.rank, -round(f.money, 2),
                                                 str(f.kind), f.subject)))
