"""The schedule and the ledger as rows, JSON-ready data and an iCalendar file, and the schedule as
Markdown through its template."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.cycle.ledger import Ledger, LedgerRow, ReservationChange
from planner.cycle.schedule import CycleSchedule, Trip
from planner.ics import Event, calendar, uid
from planner.reports.render import render_template

SCHEDULE_TEMPLATE = "cycle-schedule.md.j2"
TRIP_HEADER = ("trip", "crossing", "collect", "ack_import", "latest_allowed", "slack_days",
               "sites", "servers", "devices", "hours")
LEDGER_HEADER = ("site", "hostname", "serial", "standing", "last_report", "last_ack",
                 "next_deadline", "days_left", "interval_days", "policy", "reason", "evidence")
LEDGER_NARROW = LEDGER_HEADER[:8]  # the default table: who, where they stand, the dates
SITE_HEADER = ("site", "devices", "reported", "acknowledged", "ok", "due", "overdue", "unknown",
               "reserved", "next_deadline")


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def _names(names: tuple[str, ...], short: bool) -> str:
    if short and len(names) > 3:
        return f"{';'.join(names[:2])};... ({len(names)})"
    return ";".join(names)


def trip_rows(schedule: CycleSchedule, *, short: bool = False) -> list[tuple[Any, ...]]:
    """One row per trip; `short` abbreviates long site lists for a terminal table."""
    return [(t.id, t.crossing, _d(t.collect), _d(t.ack_import), _d(t.latest_allowed),
             t.margin_days, _names(t.sites, short), _names(t.servers, short), len(t.devices),
             t.hours) for t in schedule.trips]


def _trip_doc(t: Trip) -> dict[str, Any]:
    return {
        "id": t.id, "crossing": t.crossing, "number": t.number, "collect": _d(t.collect),
        "ack_import": _d(t.ack_import), "latest_allowed": _d(t.latest_allowed),
        "slack_days": t.margin_days, "sites": list(t.sites), "servers": list(t.servers),
        "hours": t.hours,
        "steps": [{"step": s.name.value, "day": _d(s.day), "where": s.where, "what": s.detail,
                   "hours": s.hours} for s in t.steps],
        "devices": [{"site": d.site, "hostname": d.hostname, "serial": d.serial,
                     "mode": d.mode.value, "window_days": d.window_days, "policy": d.policy,
                     "first_deadline": _d(d.deadline)} for d in t.devices],
    }


def schedule_doc(schedule: CycleSchedule, estate: str) -> dict[str, Any]:
    return {
        "schema": "planner.cycle-schedule/1", "estate": estate, "from": _d(schedule.start),
        "to": _d(schedule.end), "margin_days": schedule.margin_days,
        "turnaround_days": schedule.turnaround_days,
        "server_sync_every_days": schedule.server_cadence_days, "hours": schedule.hours,
        "trips": [_trip_doc(t) for t in schedule.trips],
        "exempt": [{"site": s, "hostname": h, "why": w} for s, h, w in schedule.exempt],
        "notes": list(schedule.notes),
    }


def schedule_md(schedule: CycleSchedule, estate: str) -> str:
    """schedule.md, from templates/cycle-schedule.md.j2."""
    return render_template(SCHEDULE_TEMPLATE, estate=estate, c=schedule)


def schedule_ics(schedule: CycleSchedule, estate: str) -> str:
    """One all-day event per trip, from collection to ACK import, a reminder a week before."""
    return calendar(f"Offline cycle: {estate}", "offline cycle", schedule.start,
                    (_trip_event(t, estate) for t in schedule.trips))


def _trip_event(t: Trip, estate: str) -> Event:
    steps = "\n".join(f"{s.day.isoformat()} {s.name.value}: {s.where} ({s.hours:g} h)"
                      for s in t.steps)
    detail = (f"Trip {t.id}: {len(t.devices)} device(s) at {', '.join(t.sites) or '-'}; "
              f"servers: {', '.join(t.servers) or '-'}. ACKs must be imported by "
              f"{t.latest_allowed.isoformat()} to keep the margin.\n{steps}\n"
              f"Bundle: planner cycle bundle ESTATE --trip {t.id} -o DIR")
    return Event(uid(estate, t.id, t.collect.isoformat(), domain="planner.cycle"), t.collect,
                 t.ack_import, f"{estate}: licence report round trip {t.crossing}", detail,
                 reminder=f"Prepare trip {t.id}: bundle, media, change record")


def ledger_rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    return [_ledger_row(r) for r in ledger.rows]


def _ledger_row(r: LedgerRow) -> tuple[Any, ...]:
    return (r.site, r.hostname, r.serial, r.standing.value, _d(r.last_report), _d(r.last_ack),
            _d(r.next_deadline), "" if r.days_left is None else r.days_left,
            "" if r.interval_days is None else r.interval_days, r.policy, r.reason,
            ";".join(r.evidence))


def site_rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    return [(s.site or "(not in estate)", s.devices, s.reported, s.acknowledged, s.ok, s.due,
             s.overdue, s.unknown, s.reserved, _d(s.next_deadline)) for s in ledger.sites()]


CHANGE_HEADER = ("site", "hostname", "change", "detail", "step", "title", "member", "commands",
                 "verify", "source")


def _step_rows(c: ReservationChange) -> list[tuple[Any, ...]]:
    return [(c.site, c.hostname, c.change.value, c.detail, i, s.title
             + ("" if s.confirmed else " (CONFIRM BEFORE USE)"), s.member,
             " / ".join(s.lines) or s.note, s.verify, s.source)
            for i, s in enumerate(c.steps, 1)]


def change_rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    """One row per step of every reservation change."""
    return [row for c in ledger.changes for row in _step_rows(c)]


def ledger_doc(ledger: Ledger) -> dict[str, Any]:
    """The whole ledger for machines: devices, sites, unread files and reservation changes."""
    return {
        "schema": "planner.cycle-ledger/1", "as_of": _d(ledger.as_of),
        "due_within_days": ledger.due_days,
        "devices": [dict(zip(LEDGER_HEADER, _ledger_row(r), strict=True)) for r in ledger.rows],
        "sites": [dict(zip(SITE_HEADER, row, strict=True)) for row in site_rows(ledger)],
        "unparsed": [{"file": u.file, "reason": u.reason, "leaves_unknown": list(u.devices)}
                     for u in ledger.unparsed],
        "reservation_changes": [
            {"site": c.site, "hostname": c.hostname, "change": c.change.value,
             "detail": c.detail, "evidence": list(c.evidence),
             "steps": [{"title": s.title, "kind": s.kind.value, "member": s.member,
                        "lines": list(s.lines), "verify": s.verify, "note": s.note,
                        "source": s.source, "confirmed": s.confirmed} for s in c.steps]}
            for c in ledger.changes],
    }
