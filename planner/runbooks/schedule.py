"""The recurring round trips a site's runbook schedules: offline report-and-ACK trips and SSM
On-Prem manual syncs, each dated relative to the change window and inside Cisco's window."""

from __future__ import annotations

from dataclasses import dataclass

from planner.cadence import Cadence, offline_trips, onprem_manual_syncs
from planner.model import CostAssumptions
from planner.reporting import DAYS_PER_YEAR


@dataclass(frozen=True, slots=True)
class Recurring:
    task: str
    cadence: Cadence
    days: tuple[int, ...]  # day offsets from the change window, over the first year

    def lines(self) -> list[str]:
        c = self.cadence
        return [f"- {self.task}: every {c.interval_days} days, {c.per_year:g} a year, each inside "
                f"the {c.window_days}-day window ({c.basis}). First year, days after the change "
                f"window: {', '.join(str(d) for d in self.days)}."]


def _days(cadence: Cadence) -> tuple[int, ...]:
    return tuple(range(cadence.interval_days, DAYS_PER_YEAR + cadence.interval_days,
                       cadence.interval_days))[:int(cadence.per_year)]


def site_recurring(costs: CostAssumptions, offline: bool, manual_sync: bool) -> list[Recurring]:
    """What recurs at a site: offline round trips if any device reports offline, manual syncs if
    it hosts an air-gapped SSM On-Prem server."""
    out = []
    if offline:
        c = offline_trips(costs)
        out.append(Recurring("Offline usage report out and acknowledgement back in (every "
                             "offline device)", c, _days(c)))
    if manual_sync:
        c = onprem_manual_syncs(costs)
        out.append(Recurring("SSM On-Prem manual synchronisation (file out, response in)", c,
                             _days(c)))
    return out
