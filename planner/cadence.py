"""How often the recurring licensing work happens: Cisco's clocks turned into trips a year.

Offline reporting and SSM On-Prem manual sync are round trips across an air gap that must land
inside Cisco's windows (models/reporting.yaml); network sync needs a token re-authentication
whenever its 180-day access token expires. This module is the one place that turns those clocks
and the planner's safety margin into yearly counts, so the optimiser's prices, the runbooks'
schedules and the compliance pack's clocks agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.model import CostAssumptions
from planner.reporting import DAYS_PER_YEAR, LicenceClass, ReportingCatalogue, load_reporting


@dataclass(frozen=True, slots=True)
class Cadence:
    """One recurring task: every `interval_days`, `per_year` times a year, inside `window_days`."""

    interval_days: int
    window_days: int
    per_year: float
    basis: str


def _margin(costs: CostAssumptions | None, cat: ReportingCatalogue) -> int:
    if costs is not None and costs.reporting_safety_margin_days is not None:
        return costs.reporting_safety_margin_days
    return cat.schedule.safety_margin_days


def report_window_days(cat: ReportingCatalogue | None = None) -> int:
    """The recurring report-and-ACK window of the Cisco default policy for subscriptions."""
    cat = cat or load_reporting()
    window = cat.default.recurring_window_days([LicenceClass.UNENFORCED_SUBSCRIPTION])
    if window is None:  # a policy without a recurring report: the change window binds instead
        window = cat.default.binding_window_days(list(LicenceClass)) or DAYS_PER_YEAR
    return window


def onprem_sync_limit_days(cat: ReportingCatalogue | None = None) -> int:
    """The longest allowed gap between manual syncs: the tighter of CSSM's removal of an
    unsynchronised instance and the devices' report-and-ACK window (ACKs come through syncs)."""
    cat = cat or load_reporting()
    return min(cat.onprem.removed_after_days, report_window_days(cat))


def _every(window: int, margin: int, basis: str) -> Cadence:
    interval = max(window - margin, max(1, window // 4))
    return Cadence(interval, window, float(math.ceil(DAYS_PER_YEAR / interval)), basis)


def offline_trips(costs: CostAssumptions | None = None) -> Cadence:
    """Offline reporting: a report-and-ACK round trip per site, inside the 90-day window."""
    cat = load_reporting()
    margin = _margin(costs, cat)
    return _every(report_window_days(cat), margin,
                  f"Cisco default policy: report and ACK within {report_window_days(cat)} days "
                  f"(subscription licences); {margin}-day safety margin")


def onprem_manual_syncs(costs: CostAssumptions | None = None) -> Cadence:
    """SSM On-Prem manual (file) sync: per server, inside the binding window."""
    cat = load_reporting()
    limit = onprem_sync_limit_days(cat)
    chosen = costs.onprem_manual_sync_interval_days if costs is not None else None
    if chosen is not None:
        interval = min(max(chosen, 1), limit)
        return Cadence(interval, limit, float(math.ceil(DAYS_PER_YEAR / interval)),
                       f"estate's own interval of {interval} days (limit {limit} days)")
    margin = _margin(costs, cat)
    return _every(limit, margin, f"CSSM removes an On-Prem instance after "
                  f"{cat.onprem.removed_after_days} days without sync and devices need an ACK "
                  f"within {report_window_days(cat)} days; {margin}-day safety margin")


def network_reauths() -> Cadence:
    """SSM On-Prem network sync: a manual re-authentication whenever the access token expires."""
    days = load_reporting().onprem.network_token_days
    return Cadence(days, days, DAYS_PER_YEAR / days,
                   f"the scheduled-sync access token lasts {days} days")
