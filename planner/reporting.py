"""Smart Licensing Using Policy reporting clocks (models/reporting.yaml), typed.

A device under SLUP reports its licence use and imports an acknowledgement (ACK) on clocks set by
its policy: per licence class, a first report, a recurring report and a report after a change.
This module answers the questions the planner asks of those clocks: which window binds a device
(or a site of devices), how often a round trip must then happen to land inside it with the
planned safety margin. A device's own policy, when a capture shows one, is read by the evidence
readers and applied per device by the offline cycle's ledger (planner.cycle.ledger).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from planner.model_yaml import load_model
from planner.resources import models_dir

DAYS_PER_YEAR = 365


class LicenceClass(StrEnum):
    """The four licence classes a SLUP policy sets clocks for (as `show license status` prints)."""

    UNENFORCED_PERPETUAL = "unenforced-perpetual"
    UNENFORCED_SUBSCRIPTION = "unenforced-subscription"
    ENFORCED = "enforced"
    EXPORT_CONTROLLED = "export-controlled"


@dataclass(frozen=True, slots=True)
class ClassClocks:
    """One licence class's clocks in days; 0 means that report is not required."""

    first_report_days: int
    frequency_days: int
    on_change_days: int

    def windows(self) -> tuple[int, ...]:
        """The non-zero windows, any of which a device of this class must meet."""
        return tuple(d for d in (self.first_report_days, self.frequency_days,
                                 self.on_change_days) if d > 0)


@dataclass(frozen=True, slots=True)
class ReportingPolicy:
    name: str
    ack_required: bool
    classes: dict[LicenceClass, ClassClocks]
    source: str

    def clocks(self, cls: LicenceClass) -> ClassClocks:
        return self.classes[cls]

    def recurring_window_days(self, used: Iterable[LicenceClass]) -> int | None:
        """The tightest recurring window over the classes in use, or None when none recurs.

        Only `frequency_days` recurs on its own; first-report and on-change windows open once (at
        first use, at each change) and are met by the next round trip when the recurring cadence
        is at least as tight, or by a round trip scheduled for the event otherwise.
        """
        days = [self.classes[c].frequency_days for c in set(used)
                if self.classes[c].frequency_days > 0]
        return min(days) if days else None

    def event_window_days(self, used: Iterable[LicenceClass]) -> int | None:
        """The tightest first-report or after-change window over the classes in use."""
        days = [d for c in set(used) for d in (self.classes[c].first_report_days,
                                               self.classes[c].on_change_days) if d > 0]
        return min(days) if days else None

    def binding_window_days(self, used: Iterable[LicenceClass]) -> int | None:
        """The tightest window of any kind over the classes in use (None: no report needed).

        A device that has never consumed a licence passes an empty `used` and needs no report.
        """
        classes = set(used)
        days = [d for c in classes for d in self.classes[c].windows()]
        return min(days) if days else None


@dataclass(frozen=True, slots=True)
class Schedule:
    """The planner's own cadence choice: how far inside a Cisco window a round trip is placed."""

    safety_margin_days: int
    source: str

    def interval_days(self, window_days: int) -> int:
        """Days between planned round trips for a window: the window less the margin.

        Never less than a quarter of the window, so a margin set larger than the window still
        leaves a schedule that can be met (and is then stated, not silently zero).
        """
        return max(window_days - self.safety_margin_days, max(1, window_days // 4))

    def trips_per_year(self, window_days: int) -> float:
        """Round trips a year at this cadence: 365 / interval, rounded up to whole trips."""
        return float(math.ceil(DAYS_PER_YEAR / self.interval_days(window_days)))


@dataclass(frozen=True, slots=True)
class OnPremClocks:
    """CSSM's clocks for an SSM On-Prem server (days), with their sources."""

    alert_after_days: int
    removed_after_days: int
    network_token_days: int
    source: str


@dataclass(frozen=True, slots=True)
class ReportingCatalogue:
    version: str
    policies: dict[str, ReportingPolicy]
    schedule: Schedule
    onprem: OnPremClocks

    @property
    def default(self) -> ReportingPolicy:
        return self.policies[DEFAULT_POLICY]

    def with_margin(self, safety_margin_days: int, source: str) -> ReportingCatalogue:
        """The same catalogue with the estate's own safety margin."""
        return ReportingCatalogue(self.version, self.policies,
                                  Schedule(safety_margin_days, source), self.onprem)


DEFAULT_POLICY = "cisco-default"
_CLOCK_KEYS = ("first_report_days", "frequency_days", "on_change_days")


def _days(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where}: expected a whole number of days (0 or more), got {value!r}")
    return value


def _policy(name: str, raw: Any, where: str) -> ReportingPolicy:
    if not isinstance(raw, dict) or not isinstance(raw.get("classes"), dict):
        raise ValueError(f"{where}: policy {name!r} needs a `classes:` mapping")
    if not str(raw.get("source", "")).strip():
        raise ValueError(f"{where}: policy {name!r} has no source")
    classes: dict[LicenceClass, ClassClocks] = {}
    for cls in LicenceClass:
        entry = raw["classes"].get(cls.value)
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: policy {name!r} lacks class {cls.value!r}")
        classes[cls] = ClassClocks(*(_days(entry.get(k), f"{where}: {name}.{cls}.{k}")
                                     for k in _CLOCK_KEYS))
    extra = sorted(set(raw["classes"]) - {c.value for c in LicenceClass})
    if extra:
        raise ValueError(f"{where}: policy {name!r} has unknown classes {', '.join(extra)}")
    return ReportingPolicy(name=str(raw.get("name", name)), ack_required=bool(raw["ack_required"]),
                           classes=classes, source=" ".join(str(raw["source"]).split()))


def read_reporting(path: Path) -> ReportingCatalogue:
    """Read a reporting-policy file; it must hold the Cisco default policy and a schedule."""
    doc = load_model(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("policies"), dict):
        raise ValueError(f"{path}: expected a mapping with a `policies:` mapping")
    policies = {name: _policy(name, raw, str(path)) for name, raw in doc["policies"].items()}
    if DEFAULT_POLICY not in policies:
        raise ValueError(f"{path}: the {DEFAULT_POLICY!r} policy is missing")
    margin = (doc.get("schedule") or {}).get("safety_margin_days") or {}
    reason = " ".join(str(margin.get("reason", "")).split())
    schedule = Schedule(_days(margin.get("value"), f"{path}: schedule.safety_margin_days"),
                        f"ASSUMPTION: {reason}")
    onprem_raw = doc.get("onprem") or {}
    clocks: dict[str, int] = {}
    sources: list[str] = []
    for key in ("alert_after_days", "removed_after_days", "network_token_days"):
        entry = onprem_raw.get(key) or {}
        if not str(entry.get("source", "")).strip():
            raise ValueError(f"{path}: onprem.{key} has no source")
        clocks[key] = _days(entry.get("value"), f"{path}: onprem.{key}")
        sources.append(" ".join(str(entry["source"]).split()))
    onprem = OnPremClocks(**clocks, source=" ".join(dict.fromkeys(sources)))
    return ReportingCatalogue(str(doc.get("version", "")), policies, schedule, onprem)


@cache
def load_reporting() -> ReportingCatalogue:
    """The bundled reporting-policy catalogue, read once per process."""
    return read_reporting(models_dir() / "reporting.yaml")


def licence_class(term_is_subscription: bool, export_controlled: bool,
                  enforced: bool) -> LicenceClass:
    """The policy class a licence falls in: export control first, then enforcement, then term."""
    if export_controlled:
        return LicenceClass.EXPORT_CONTROLLED
    if enforced:
        return LicenceClass.ENFORCED
    if term_is_subscription:
        return LicenceClass.UNENFORCED_SUBSCRIPTION
    return LicenceClass.UNENFORCED_PERPETUAL
