"""Per device, what the plan decided, in the terms an inventory tool stores: the facts every
export writes, computed once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.model import Entitlement, Estate, LicensingState, Mode, TermType
from planner.modes import reservation_modes
from planner.reporting import LicenceClass, load_reporting
from planner.runbooks.planned import PlannedEstate


class ReservationState(StrEnum):
    """Where a device stands against its planned reservation."""

    RESERVED = "reserved"  # runs SLR/PLR already, as planned
    TO_RESERVE = "to-reserve"  # planned SLR/PLR, not reserved yet
    TO_RETURN = "to-return"  # reserved today, planned to leave reservation
    NONE = "none"  # neither reserved nor planned to be


@dataclass(frozen=True, slots=True)
class ExportDevice:
    hostname: str
    serial: str
    pid: str
    site: str
    virtual_account: str
    mode: str  # "" when the plan left the device out
    server_site: str
    reservation: ReservationState
    deadline: date | None  # the next licensing deadline; None when none is known
    deadline_reason: str
    licences: tuple[tuple[str, int], ...]
    last_renewal: date | None  # latest start of a term entitlement the device draws on
    expiration: date | None  # earliest end of a term entitlement the device draws on


def _reservation(state: LicensingState, mode: Mode | None) -> ReservationState:
    reserved_now = state in (LicensingState.SLR, LicensingState.PLR)
    if mode in reservation_modes():
        return (ReservationState.RESERVED if reserved_now and state.value == mode.value
                else ReservationState.TO_RESERVE)
    return ReservationState.TO_RETURN if reserved_now else ReservationState.NONE


def _terms(estate: Estate) -> dict[tuple[str, str], list[Entitlement]]:
    out: dict[tuple[str, str], list[Entitlement]] = defaultdict(list)
    for e in estate.entitlements:
        if e.term is TermType.TERM:
            out[(e.virtual_account, e.tag)].append(e)
    return out


def report_window_days() -> int:
    """Days within which a device reporting under the Cisco default SLUP policy must have its
    usage acknowledged, whatever its licence classes (the binding window of
    models/reporting.yaml's default policy)."""
    policy = load_reporting().default
    days = policy.binding_window_days(list(LicenceClass))
    return int(days) if days else 0


def export_devices(planned: PlannedEstate, as_of: date | None) -> list[ExportDevice]:
    """Every planned device, sorted by site, hostname, serial.

    The next deadline is the earlier of: the end of the first term entitlement the device
    draws on in its Virtual Account (from the estate's entitlements), and, for a device that
    reports usage (every mode but SLR and PLR), `as_of` plus the default policy's reporting
    window. Without `as_of` only entitlement ends count.
    """
    terms = _terms(planned.estate)
    window = report_window_days()
    out = []
    for p in planned.devices:
        d = p.device
        lines = [e for u in d.licences for e in terms.get((d.virtual_account, u.tag), ())]
        ends = [e.end for e in lines if e.end is not None]
        starts = [e.start for e in lines if e.start is not None]
        candidates: list[tuple[date, str]] = []
        if ends:
            candidates.append((min(ends), "subscription ends"))
        reports = p.mode is not None and p.mode not in reservation_modes()
        if reports and as_of is not None and window:
            candidates.append((as_of + timedelta(days=window), "usage report acknowledged"))
        deadline, reason = min(candidates) if candidates else (None, "")
        out.append(ExportDevice(
            hostname=d.hostname, serial=d.serial, pid=d.pid, site=d.site,
            virtual_account=d.virtual_account, mode=p.mode.value if p.mode else "",
            server_site=p.server_site or "", reservation=_reservation(d.state, p.mode),
            deadline=deadline, deadline_reason=reason,
            licences=tuple(sorted((u.tag, u.count) for u in d.licences)),
            last_renewal=max(starts) if starts else None,
            expiration=min(ends) if ends else None))
    return sorted(out, key=lambda x: (x.site, x.hostname, x.serial))


def site_modes(planned: PlannedEstate) -> list[tuple[str, str, str]]:
    """(site id, site name, its planned modes joined by '+') for every site, sorted by id."""
    modes: dict[str, set[str]] = defaultdict(set)
    for p in planned.devices:
        if p.mode is not None:
            modes[p.device.site].add(p.mode.value)
    return [(s.id, s.name, "+".join(sorted(modes.get(s.id, ()))))
            for s in sorted(planned.estate.sites, key=lambda s: s.id)]
