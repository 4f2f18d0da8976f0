"""The round trips of the next year, dated so every device's ACK lands inside its window.

A *crossing* is one way across an air gap: the enclave a site sits in (sites of one enclave
share it), or the site itself when it has no enclave. Offline-reporting devices cross at their
own site's crossing; devices served by an air-gapped SSM On-Prem server cross with the server's
manual synchronisation, at the server site's crossing.

Each device has a window (models/reporting.yaml through planner.reporting): the tightest report
window of the licence classes it uses, under the Cisco default policy unless its capture shows
another. A round trip collects the reports on day 0 and imports the ACKs `turnaround` days
later. The schedule keeps, for every device,

    first import  <= its deadline (start, or the evidenced next ACK deadline) - margin
    next import   <= previous import + window - margin

and for every manual On-Prem server, a synchronisation at least as often as planner.cadence's
interval (the one the optimiser prices). Collect and import days
fall Monday to Friday, found by moving a trip earlier (earlier is always still in time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.cadence import onprem_manual_syncs
from planner.catalogue import Catalogue, estate_catalogue
from planner.model import CostAssumptions, Device, Estate, Mode
from planner.modes import carried_modes, load_modes
from planner.optimise.classes import slup_state
from planner.reporting import ReportingCatalogue, ReportingPolicy, licence_class
from planner.runbooks.planned import PlannedEstate

CARRIED_MODES = carried_modes()  # the catalogue's carries_media modes
HORIZON_DAYS = 365  # "the next year"
# ASSUMPTION: two days from collecting the reports to importing the ACKs (carry out and upload
# on day 0-1, the ACK is downloaded as soon as CSSM has processed the upload, carried in and
# imported on day 2). Set your own with --turnaround; the margin must absorb any slip beyond it.
DEFAULT_TURNAROUND_DAYS = 2
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class StepName(StrEnum):
    COLLECT = "collect"
    CARRY_OUT = "carry out"
    UPLOAD = "upload"
    DOWNLOAD_ACK = "download ACK"
    CARRY_IN = "carry in"
    IMPORT = "import"
    VERIFY = "verify"


@dataclass(frozen=True, slots=True)
class DeviceWindow:
    """One device the cycle must keep inside its report/ACK window."""

    site: str
    hostname: str
    serial: str
    mode: Mode
    crossing: str
    server_site: str | None  # the manual On-Prem server that relays it, if any
    window_days: int  # the tightest window of the licence classes it uses
    policy: str  # the policy the window comes from
    deadline: date  # the first ACK deadline the schedule must meet (before margin)
    basis: str  # why that deadline: the start date, or the evidenced next ACK deadline


@dataclass(frozen=True, slots=True)
class TripStep:
    name: StepName
    day: date
    where: str
    detail: str
    hours: float


@dataclass(frozen=True, slots=True)
class Trip:
    id: str
    crossing: str
    number: int  # 1-based within its crossing
    collect: date  # day 0: reports collected, carried out
    ack_import: date  # ACKs carried in and imported
    sites: tuple[str, ...]
    servers: tuple[str, ...]  # manual On-Prem servers synchronised on this trip
    devices: tuple[DeviceWindow, ...]
    steps: tuple[TripStep, ...]
    latest_allowed: date  # the latest import date that still kept every window with margin

    @property
    def hours(self) -> float:
        return round(sum(s.hours for s in self.steps), 2)

    @property
    def margin_days(self) -> int:
        return (self.latest_allowed - self.ack_import).days


@dataclass(frozen=True, slots=True)
class CycleSchedule:
    start: date
    end: date
    margin_days: int
    turnaround_days: int
    trips: tuple[Trip, ...]
    devices: tuple[DeviceWindow, ...]
    exempt: tuple[tuple[str, str, str], ...]  # (site, hostname, why) carried-mode devices skipped
    server_cadence_days: int
    notes: tuple[str, ...] = ()

    def trip(self, trip_id: str) -> Trip | None:
        return next((t for t in self.trips if t.id == trip_id), None)

    @property
    def hours(self) -> float:
        return round(sum(t.hours for t in self.trips), 2)


def crossing_of(estate: Estate, site_id: str) -> str:
    site = estate.site(site_id)
    return site.enclave or site.id


def _window(device: Device, catalogue: Catalogue,
            policy: ReportingPolicy) -> tuple[int | None, str]:
    classes = []
    for use in device.licences:
        if use.count <= 0:
            continue
        try:
            lic = catalogue.licence(use.tag)
        except KeyError:
            continue
        classes.append(licence_class(lic.term.value == "term", lic.export_controlled,
                                     lic.enforced))
    return policy.binding_window_days(classes), policy.name


def device_windows(planned: PlannedEstate, start: date, reporting: ReportingCatalogue,
                   deadlines: Mapping[str, date] | None = None,
                   policies: Mapping[str, ReportingPolicy] | None = None
                   ) -> tuple[list[DeviceWindow], list[tuple[str, str, str]]]:
    """Every device in a carried mode with its window; and those that need no round trip.

    `deadlines` and `policies` (by serial) come from the ledger where a capture shows them.
    """
    estate = planned.estate
    catalogue = estate_catalogue(estate)
    default = reporting.default
    out: list[DeviceWindow] = []
    exempt: list[tuple[str, str, str]] = []
    for p in planned.devices:
        if p.mode not in CARRIED_MODES:
            continue
        d = p.device
        family = catalogue.family_for_pid(d.pid)
        slup = slup_state(family, d.version, d.state)
        if not slup:
            if p.mode is Mode.ONPREM_MANUAL:
                exempt.append((d.site, d.hostname, "not on Smart Licensing Using Policy: it "
                               "renews with the On-Prem server, which the server's "
                               "synchronisations keep in time"))
            else:
                exempt.append((d.site, d.hostname, "not on Smart Licensing Using Policy: "
                               "offline reporting does not apply"))
            continue
        policy = (policies or {}).get(d.serial, default)
        window, name = _window(d, catalogue, policy)
        if window is None:
            exempt.append((d.site, d.hostname, "uses no licence that needs a report under "
                           f"{name} (a product instance with no licence in use reports nothing)"))
            continue
        crossing = crossing_of(estate, p.server_site if p.mode is Mode.ONPREM_MANUAL
                               and p.server_site else d.site)
        evidenced = (deadlines or {}).get(d.serial)
        if evidenced is not None:
            deadline, basis = evidenced, "next ACK deadline shown by the device"
        else:
            deadline = start + timedelta(days=window)
            basis = (f"no evidence: the clock is taken to start on {start.isoformat()} "
                     "(record a 'planner cycle status' read, or pass --evidence, to use the "
                     "deadline the device shows)")
        out.append(DeviceWindow(d.site, d.hostname, d.serial, p.mode, crossing,
                                p.server_site if p.mode is Mode.ONPREM_MANUAL else None,
                                window, name, deadline, basis))
    return out, exempt


def _working_days(target: date, turnaround: int) -> date:
    """The latest collect day, importing by `target`, with both days Monday to Friday.

    Some weekday pair is always found within a week, whatever the turnaround.
    """
    collect = target - timedelta(days=turnaround)
    for _ in range(7):
        if collect.weekday() < 5 and (collect + timedelta(days=turnaround)).weekday() < 5:
            return collect
        collect -= timedelta(days=1)
    return target - timedelta(days=turnaround)


def server_cadence_days(costs: CostAssumptions | None = None) -> int:
    """Days between manual On-Prem synchronisations: planner.cadence's interval (the tighter of
    CSSM's removal of an unsynchronised instance and the devices' ACK window, less the margin,
    or the estate's own interval), the same figure the optimiser prices."""
    return onprem_manual_syncs(costs).interval_days


def _hours(mode: Mode) -> tuple[float, float, float]:
    """(per crossing trip, per device per trip, per server sync) from the mode catalogue."""
    spec = load_modes()[mode]
    per_trip = spec.hours_per_site_year / spec.manual_trips_per_year \
        if spec.manual_trips_per_year else 0.0
    per_device = spec.hours_per_device_year / spec.transfers_per_year \
        if spec.transfers_per_year else 0.0
    per_sync = spec.hours_per_server_year / spec.server_trips_per_year \
        if spec.server_trips_per_year else 0.0
    return per_trip, per_device, per_sync


def _steps(collect: date, ack_import: date, crossing: str, devices: list[DeviceWindow],
           servers: list[str]) -> tuple[TripStep, ...]:
    offline = [d for d in devices if d.mode is Mode.OFFLINE]
    carry, per_device, _ = _hours(Mode.OFFLINE)
    _, _, per_sync = _hours(Mode.ONPREM_MANUAL)
    half = per_device / 2  # saving the report, then importing the ACK
    off_sites = sorted({d.site for d in offline})
    upload = collect + timedelta(days=min(1, (ack_import - collect).days))
    collect_where = "; ".join(
        ([f"devices at {', '.join(off_sites)} ({len(offline)})"] if offline else [])
        + [f"SSM On-Prem at {s}" for s in servers])
    steps = [
        TripStep(StepName.COLLECT, collect, collect_where,
                 "; ".join((["save each device's usage report (license smart save usage)"]
                            if offline else [])
                           + (["export each local account's manual synchronisation file"]
                              if servers else []))
                 + "; record their SHA-256 ('planner cycle seal DIR --leg out')",
                 round(half * len(offline) + per_sync * len(servers) / 2, 2)),
        TripStep(StepName.CARRY_OUT, collect, f"{crossing} boundary to the CSSM workstation",
                 "media under the media-transfer procedure; custody record signed at hand-over",
                 round(carry / 2 if offline else 0.0, 2)),
        TripStep(StepName.UPLOAD, upload, "CSSM (internet side)",
                 "verify the bundle ('planner cycle verify DIR'), then upload the usage files "
                 "to their Virtual Accounts and the synchronisation files to CSSM", 0.0),
        TripStep(StepName.DOWNLOAD_ACK, upload, "CSSM (internet side)",
                 "download each ACK and synchronisation response; record their SHA-256 "
                 "('planner cycle seal DIR --leg in')", 0.0),
        TripStep(StepName.CARRY_IN, ack_import, f"CSSM workstation to the {crossing} side",
                 "media under the media-transfer procedure; custody record signed at hand-over",
                 round(carry / 2 if offline else 0.0, 2)),
        TripStep(StepName.IMPORT, ack_import, collect_where,
                 "verify the bundle again, then import "
                 + " and ".join((["each ACK on its device (license smart import)"]
                                 if offline else [])
                                + (["each synchronisation response, then sync the devices"]
                                   if servers else [])),
                 round(half * len(offline) + per_sync * len(servers) / 2, 2)),
        TripStep(StepName.VERIFY, ack_import, collect_where,
                 "capture 'show license status' from every device and run 'planner cycle status' "
                 "on the captures: each must show the new Last ACK received", 0.0),
    ]
    return tuple(steps)


def _trip_id(crossing: str, collect: date) -> str:
    return f"{_SAFE.sub('_', crossing).strip('._') or 'crossing'}-{collect:%Y%m%d}"


def _crossing_trips(crossing: str, devices: list[DeviceWindow], servers: list[str],
                    start: date, end: date, margin: int, turnaround: int,
                    cadence: int) -> tuple[list[Trip], list[str]]:
    notes: list[str] = []
    # The latest first import that keeps every device (and server) inside its window.
    latest = min([d.deadline - timedelta(days=margin) for d in devices]
                 + ([start + timedelta(days=cadence)] if servers else []))
    earliest_import = start + timedelta(days=turnaround)
    if latest < earliest_import:
        late = sorted(d.hostname for d in devices
                      if d.deadline - timedelta(days=margin) < earliest_import)
        notes.append(f"{crossing}: {len(late)} device(s) cannot keep the {margin}-day margin "
                     f"on the first trip (deadline too close; {', '.join(late[:5])}"
                     f"{' ...' if len(late) > 5 else ''}): travel at once")
        latest = earliest_import
    step = min([d.window_days - margin for d in devices] + ([cadence] if servers else []))
    if step < turnaround + 1:
        raise ValueError(f"{crossing}: a window of {step + margin} days less a {margin}-day "
                         f"margin leaves {step} days, shorter than a {turnaround}-day round trip")
    trips: list[Trip] = []
    target = latest
    while True:
        collect = _working_days(target, turnaround)
        if collect < start:
            notes.append(f"{crossing}: the first trip must leave on {start.isoformat()}, the "
                         "start date itself, to keep the margin (no working day is left "
                         "before it)")
            collect = start
        ack_import = collect + timedelta(days=turnaround)
        number = len(trips) + 1
        trips.append(Trip(
            id=_trip_id(crossing, collect), crossing=crossing, number=number, collect=collect,
            ack_import=ack_import,
            sites=tuple(sorted({d.site for d in devices})), servers=tuple(servers),
            devices=tuple(devices),
            steps=_steps(collect, ack_import, crossing, devices, servers),
            latest_allowed=target))
        target = ack_import + timedelta(days=step)
        if target - timedelta(days=turnaround) > end:
            break
    return trips, notes


def schedule_cycle(planned: PlannedEstate, start: date, reporting: ReportingCatalogue, *,
                   margin_days: int | None = None, turnaround_days: int = DEFAULT_TURNAROUND_DAYS,
                   deadlines: Mapping[str, date] | None = None,
                   policies: Mapping[str, ReportingPolicy] | None = None) -> CycleSchedule:
    """The round trips from `start` for a year, per crossing, in date order."""
    costs = planned.estate.costs
    if margin_days is not None:
        margin = margin_days
    elif costs.reporting_safety_margin_days is not None:  # the estate's own margin
        margin = costs.reporting_safety_margin_days
    else:
        margin = reporting.schedule.safety_margin_days
    if margin < 0 or turnaround_days < 0:
        raise ValueError("the margin and the turnaround are whole days, 0 or more")
    end = start + timedelta(days=HORIZON_DAYS)
    windows, exempt = device_windows(planned, start, reporting, deadlines, policies)
    cadence = server_cadence_days(costs)
    by_crossing: dict[str, list[DeviceWindow]] = {}
    for w in windows:
        by_crossing.setdefault(w.crossing, []).append(w)
    servers: dict[str, list[str]] = {}
    for site, _vas in planned.manual_servers:
        servers.setdefault(crossing_of(planned.estate, site), []).append(site)
    trips: list[Trip] = []
    notes: list[str] = []
    for crossing in sorted(set(by_crossing) | set(servers)):
        found, said = _crossing_trips(crossing, by_crossing.get(crossing, []),
                                      sorted(servers.get(crossing, [])), start, end, margin,
                                      turnaround_days, cadence)
        trips += found
        notes += said
    trips.sort(key=lambda t: (t.collect, t.crossing))
    return CycleSchedule(start, end, margin, turnaround_days, tuple(trips), tuple(windows),
                         tuple(sorted(exempt)), cadence, tuple(notes))


def imports_of(schedule: CycleSchedule, crossing: str) -> list[date]:
    return [t.ack_import for t in schedule.trips if t.crossing == crossing]


def breaches(schedule: CycleSchedule) -> Iterable[str]:
    """Every device or server left outside its window with margin: empty for a sound schedule.

    Independent of how trips were placed: it walks each device's own imports.
    """
    margin = timedelta(days=schedule.margin_days)
    horizon = schedule.end
    for d in schedule.devices:
        imports = imports_of(schedule, d.crossing)
        due = d.deadline - margin
        for day in imports:
            if day > due and due >= schedule.start + timedelta(days=schedule.turnaround_days):
                yield f"{d.site}/{d.hostname}: ACK imported {day} after {due}"
            due = day + timedelta(days=d.window_days) - margin
        if due < horizon:
            yield f"{d.site}/{d.hostname}: no import by {due} before the horizon {horizon}"
    servers = {t.crossing: t.servers for t in schedule.trips if t.servers}
    for crossing, names in sorted(servers.items()):
        due = schedule.start + timedelta(days=schedule.server_cadence_days)
        for day in imports_of(schedule, crossing):
            if day > due:
                yield f"On-Prem {', '.join(names)}: synchronised {day} after {due}"
            due = day + timedelta(days=schedule.server_cadence_days)
        if due < horizon:
            yield f"On-Prem {', '.join(names)}: no synchronisation by {due} before {horizon}"
