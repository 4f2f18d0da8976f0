"""The ledger: where each device stands in its report/ACK cycle, from evidence only.

A device is *acknowledged* only when a capture prints a `Last ACK received` date, and *reported*
only when one prints a report push, a report file write or the device's RUM report is in the
folder. The next deadline is the `Next ACK deadline` the device itself printed. Nothing is
assumed: a device with no readable capture is `unknown`, and when a capture failed to parse the
ledger names the devices that capture mentions, so the operator knows which gaps it leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from planner.catalogue import estate_catalogue
from planner.cycle.clock import interval_days, printed_date
from planner.evidence.group import group_records
from planner.evidence.ingest import map_files, walk
from planner.evidence.records import DeviceEvidence
from planner.model import Device, Estate, LicensingState, Mode
from planner.problems import Problem, Severity, UsageError
from planner.reporting import ClassClocks, LicenceClass, ReportingPolicy, load_reporting
from planner.runbooks.catalogue import load_command_catalogue
from planner.runbooks.steps import reservation_change_steps
from planner.runbooks.types import RunbookSettings, Step


class Standing(StrEnum):
    """Where a device stands on the day the ledger is read."""

    OK = "ok"  # acknowledged, next deadline beyond the due horizon
    DUE = "due"  # next deadline within the due horizon
    OVERDUE = "overdue"  # next deadline passed
    UNKNOWN = "unknown"  # no evidence, or evidence without a deadline
    RESERVED = "reserved"  # SLR/PLR: a reservation, no report/ACK cycle


@dataclass(frozen=True, slots=True)
class LedgerRow:
    site: str  # "" for a capture of a device the estate does not list
    hostname: str
    serial: str
    pid: str
    standing: Standing
    last_report: date | None = None
    last_ack: date | None = None
    next_deadline: date | None = None
    days_left: int | None = None  # next_deadline - as_of
    interval_days: int | None = None  # `Reporting push interval`
    policy: str = ""  # policy in use, with the ACK requirement
    evidence: tuple[str, ...] = ()  # file:line of every capture block used
    reason: str = ""  # why unknown, or a note
    clocks: ReportingPolicy | None = None  # the policy the capture shows, as the schedule reads it

    @property
    def reported(self) -> bool:
        return self.last_report is not None

    @property
    def acknowledged(self) -> bool:
        return self.last_ack is not None

    @property
    def in_estate(self) -> bool:
        return bool(self.site)


@dataclass(frozen=True, slots=True)
class SiteLine:
    site: str
    devices: int
    reported: int
    acknowledged: int
    ok: int
    due: int
    overdue: int
    unknown: int
    reserved: int
    next_deadline: date | None


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A file that gave no usable evidence, and the estate devices it names."""

    file: str
    reason: str
    devices: tuple[str, ...]  # hostnames (serial when no hostname) of estate devices it names


class Change(StrEnum):
    REPLACED = "replaced"  # the chassis the estate reserved for is gone: return, then reserve
    MEMBER_ADDED = "member-added"  # a stack member with no reservation of its own
    MEMBER_REMOVED = "member-removed"  # a reserved member gone: release its licences


@dataclass(frozen=True, slots=True)
class ReservationChange:
    """A reservation change the cycle met, with its runbook steps, so none is left orphaned."""

    site: str
    hostname: str
    change: Change
    detail: str
    steps: tuple[Step, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ledger:
    as_of: date
    due_days: int
    rows: tuple[LedgerRow, ...]
    unparsed: tuple[Unparsed, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    changes: tuple[ReservationChange, ...] = ()

    def sites(self) -> tuple[SiteLine, ...]:
        by_site: dict[str, list[LedgerRow]] = {}
        for row in self.rows:
            by_site.setdefault(row.site, []).append(row)
        out = []
        for site, rows in sorted(by_site.items()):
            deadlines = [r.next_deadline for r in rows if r.next_deadline is not None]
            count = {s: sum(1 for r in rows if r.standing is s) for s in Standing}
            out.append(SiteLine(site, len(rows), sum(r.reported for r in rows),
                                sum(r.acknowledged for r in rows), count[Standing.OK],
                                count[Standing.DUE], count[Standing.OVERDUE],
                                count[Standing.UNKNOWN], count[Standing.RESERVED],
                                min(deadlines) if deadlines else None))
        return tuple(out)


def _has_clock(rec: DeviceEvidence) -> bool:
    return bool(rec.last_ack or rec.next_ack_deadline or rec.last_report_push
                or rec.reporting_interval or rec.policy)


def _policy_text(rec: DeviceEvidence) -> str:
    if rec.policy is None:
        return ""
    name = rec.policy.name or "policy in use"
    if rec.policy.ack_required is None:
        return name
    return f"{name} (ACK {'required' if rec.policy.ack_required else 'not required'})"


# How `show license status` names the classes of its `Policy:` block (lower case, by prefix).
_CLASS_NAMES = (("unenforced/non-export perpetual", LicenceClass.UNENFORCED_PERPETUAL),
                ("unenforced/non-export subscription", LicenceClass.UNENFORCED_SUBSCRIPTION),
                ("enforced", LicenceClass.ENFORCED), ("export", LicenceClass.EXPORT_CONTROLLED))


def policy_clocks(rec: DeviceEvidence) -> ReportingPolicy | None:
    """The policy a capture shows, as planner.reporting reads policies; classes the capture
    does not print keep the Cisco default (a partial block says nothing about the others)."""
    if rec.policy is None or not rec.policy.attributes:
        return None
    default = load_reporting().default
    classes = dict(default.classes)
    for name, first, frequency, change in rec.policy.attributes:
        cls = next((c for prefix, c in _CLASS_NAMES if name.lower().startswith(prefix)), None)
        if cls is not None:
            classes[cls] = ClassClocks(first, frequency, change)
    ack = default.ack_required if rec.policy.ack_required is None else rec.policy.ack_required
    return ReportingPolicy(rec.policy.name or "as captured", ack, classes,
                           f"captured: {rec.where}")


def _standing(deadline: date | None, as_of: date, due_days: int) -> Standing:
    if deadline is None:
        return Standing.UNKNOWN
    left = (deadline - as_of).days
    if left < 0:
        return Standing.OVERDUE
    return Standing.DUE if left <= due_days else Standing.OK


def _row(site: str, device: Device | None, rec: DeviceEvidence, as_of: date,
         due_days: int) -> LedgerRow:
    last_ack = printed_date(rec.last_ack)
    deadline = printed_date(rec.next_ack_deadline)
    last_report = printed_date(rec.last_report_push)  # a RUM report gives its own date
    reason = ""
    if deadline is None:
        reason = ("the capture shows no next ACK deadline" if _has_clock(rec)
                  else "the capture holds no reporting clocks (add `show license status`)")
    elif last_ack is None:
        reason = "no ACK received yet according to the capture"
    return LedgerRow(
        site=site, hostname=device.hostname if device else rec.hostname,
        serial=device.serial if device else rec.serial, pid=device.pid if device else rec.pid,
        standing=_standing(deadline, as_of, due_days), last_report=last_report,
        last_ack=last_ack, next_deadline=deadline,
        days_left=(deadline - as_of).days if deadline else None,
        interval_days=interval_days(rec.reporting_interval), policy=_policy_text(rec),
        evidence=rec.blocks or (rec.where,), reason=reason, clocks=policy_clocks(rec))


def _keys(device: Device) -> list[str]:
    keys = [f"sn:{device.serial.upper()}"] if device.serial else []
    keys += [f"sn:{m.serial.upper()}" for m in device.members if m.serial]
    if device.hostname:
        keys.append(f"host:{device.hostname.casefold()}")
    return keys


def _rec_keys(rec: DeviceEvidence) -> list[str]:
    keys = [f"sn:{rec.serial.upper()}"] if rec.serial else []
    keys += [f"sn:{m.serial.upper()}" for m in rec.members if m.serial]
    if rec.hostname:
        keys.append(f"host:{rec.hostname.casefold()}")
    return keys


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,}")


def _mentions(path: Path, index: dict[str, Device]) -> tuple[str, ...]:
    """Estate devices whose serial or hostname appears in a file that did not parse."""
    try:
        text = path.read_bytes()[: 4 << 20].decode("utf-8", "replace")
    except OSError:
        return ()
    found: dict[str, None] = {}
    for token in _TOKEN.findall(text):
        for key in (f"sn:{token.upper()}", f"host:{token.casefold()}"):
            device = index.get(key)
            if device is not None:
                found.setdefault(device.hostname or device.serial, None)
    return tuple(sorted(found))


def read_ledger(estate: Estate, folders: Sequence[Path], *, as_of: date,
                due_days: int = 30, base: Path | None = None) -> Ledger:
    """The ledger of every estate device (and every captured device the estate lacks)."""
    if due_days < 0:
        raise UsageError(f"the due horizon must be 0 days or more, not {due_days}")
    root = base or (folders[0] if folders else Path("."))
    missing = [str(f) for f in folders if not f.exists()]
    if missing:
        raise UsageError(f"evidence folder not found: {', '.join(missing)}")
    files = list(walk(list(folders), root))
    items: list[tuple[int, DeviceEvidence]] = []
    problems: list[Problem] = []
    failed: dict[str, tuple[Path, str]] = {}
    paths = dict((source, path) for path, source in files)
    for parsed, found, report in map_files(files):
        items.extend(parsed)
        problems.extend(found)
        if not parsed:
            reasons = [p.message for p in found] or ["no licensing output found"]
            failed[report.file] = (paths[report.file], "; ".join(reasons))
    records = group_records(items, problems)
    kept = {b.split(" ", 1)[0].rsplit(":", 1)[0] for r in records for b in r.blocks}
    # Captures that name no device (a bare `show license status` prints neither serial nor
    # hostname) are dropped by grouping; the ledger still shows their clocks, by file.
    nameless = [rec for _s, rec in items
                if _has_clock(rec) and not (rec.serial or rec.hostname or rec.pid)
                and rec.source not in kept]

    index: dict[str, Device] = {}
    for device in estate.devices:
        for key in _keys(device):
            index.setdefault(key, device)
    matched: dict[tuple[str, str, str], DeviceEvidence] = {}
    strays: list[DeviceEvidence] = []
    for rec in records:
        hit = next((index[k] for k in _rec_keys(rec) if k in index), None)
        if hit is None:
            strays.append(rec)
        else:
            matched[(hit.site, hit.hostname, hit.serial)] = rec

    unparsed = tuple(Unparsed(name, reason, _mentions(path, index))
                     for name, (path, reason) in sorted(failed.items()))
    left_unknown: dict[str, str] = {}
    for u in unparsed:
        for host in u.devices:
            left_unknown.setdefault(host, u.file)

    rows: list[LedgerRow] = []
    for device in sorted(estate.devices, key=lambda d: (d.site, d.hostname, d.serial)):
        seen = matched.get((device.site, device.hostname, device.serial))
        # The inventory's reservation state gives way to a capture that shows report clocks:
        # the device has left its reservation for a reporting mode (e.g. SLR to On-Prem).
        reserved = device.state in (LicensingState.SLR, LicensingState.PLR) and not (
            seen is not None and (seen.next_ack_deadline or seen.last_ack))
        if seen is not None and not reserved:
            rows.append(_row(device.site, device, seen, as_of, due_days))
            continue
        if reserved:
            rows.append(LedgerRow(device.site, device.hostname, device.serial, device.pid,
                                  Standing.RESERVED, evidence=seen.blocks if seen else (),
                                  reason=f"{device.state.value.upper()}: a reservation has no "
                                  "report/ACK cycle"))
            continue
        culprit = left_unknown.get(device.hostname or device.serial)
        reason = (f"its capture {culprit} did not parse" if culprit
                  else "no capture of this device in the evidence")
        rows.append(LedgerRow(device.site, device.hostname, device.serial, device.pid,
                              Standing.UNKNOWN, reason=reason))
    for rec in (*strays, *nameless):
        row = _row("", None, rec, as_of, due_days)
        note = "not in the estate inventory"
        rows.append(replace(row, reason=f"{note}; {row.reason}" if row.reason else note))
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    changes = tuple(c for device in sorted(estate.devices,
                                           key=lambda d: (d.site, d.hostname, d.serial))
                    for c in reservation_changes(estate, device, matched.get(
                        (device.site, device.hostname, device.serial))))
    return Ledger(as_of, due_days, tuple(rows), unparsed, warnings, changes)


def _unit(pid: str, serial: str) -> str:
    return f"{pid}:{serial}"


def reservation_changes(estate: Estate, device: Device, rec: DeviceEvidence | None
                        ) -> list[ReservationChange]:
    """What changed under a reserved device since the inventory was written, from its capture.

    The capture joined the device on serial or hostname; a serial the estate does not know under
    the same hostname is a replaced chassis, and member serials that differ are members added or
    removed. Each comes with its steps from the runbook command catalogue.
    """
    if rec is None or device.state not in (LicensingState.SLR, LicensingState.PLR):
        return []
    mode = Mode.SLR if device.state is LicensingState.SLR else Mode.PLR
    known = {device.serial.upper()} | {m.serial.upper() for m in device.members}
    seen_members = {m.serial.upper(): m for m in rec.members if m.serial}
    catalogue = estate_catalogue(estate)
    commands = load_command_catalogue()
    settings = RunbookSettings()
    out: list[ReservationChange] = []

    def add(change: Change, detail: str, target: Device, units: tuple[str, ...]) -> None:
        steps = reservation_change_steps(estate, target, mode, change.value, units, catalogue,
                                         commands, settings)
        out.append(ReservationChange(device.site, device.hostname, change, detail, steps,
                                     rec.blocks or (rec.where,)))

    if rec.serial and rec.serial.upper() not in known:
        new = replace(device, pid=rec.pid or device.pid, serial=rec.serial,
                      members=tuple(m for m in rec.members if m.serial
                                    and m.serial != rec.serial) or device.members)
        old_units = (_unit(device.pid, device.serial),
                     *(_unit(m.pid, m.serial) for m in device.members))
        add(Change.REPLACED, f"the capture shows {rec.serial} where the inventory reserved "
            f"{device.serial}: return the old reservation, reserve the new chassis", new,
            old_units)
        return out
    if not seen_members:
        return out
    added = tuple(_unit(m.pid, m.serial) for key, m in sorted(seen_members.items())
                  if key not in known)
    if added:
        add(Change.MEMBER_ADDED, f"stack member(s) {', '.join(added)} are not in the inventory "
            "and hold no reservation of their own", device, added)
    gone = tuple(_unit(m.pid, m.serial) for m in device.members
                 if m.serial.upper() not in seen_members)
    if gone:
        add(Change.MEMBER_REMOVED, f"reserved member(s) {', '.join(gone)} no longer appear in "
            "the capture", device, gone)
    return out


def parse_fail_on(value: str) -> tuple[str, int]:
    """`overdue` or `due-within:DAYS` -> (kind, days)."""
    if value == "overdue":
        return "overdue", 0
    kind, sep, days = value.partition(":")
    if kind == "due-within" and sep and days.isdigit():
        return "due-within", int(days)
    raise UsageError(f"--fail-on {value!r}: expected 'overdue' or 'due-within:DAYS' "
                     "(e.g. due-within:14)")


def failing(ledger: Ledger, fail_on: tuple[str, int]) -> list[LedgerRow]:
    """The rows that trip `--fail-on`: overdue, or a deadline within DAYS (overdue included)."""
    kind, days = fail_on
    if kind == "overdue":
        return [r for r in ledger.rows if r.standing is Standing.OVERDUE]
    return [r for r in ledger.rows if r.days_left is not None and r.days_left <= days]


def reading_lines(ledger: Ledger) -> Iterable[str]:
    """One line per file that gave no usable evidence, for stderr."""
    for u in ledger.unparsed:
        left = f"; leaves unknown: {', '.join(u.devices)}" if u.devices else ""
        yield f"{u.file}: not read ({u.reason}){left}"
