"""`planner cycle`: schedule, bundle, seal, verify, status and history of the offline cycle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from planner.cli import main
from planner.cli._output import columns, dump_json, output_option, render_rows
from planner.cli.options import (
    emit,
    note,
    table_output,
    verbosity_options,
    warn,
    wide_requested,
)
from planner.domains import option_date
from planner.problems import ExitCode, PlannerError, UsageError

if TYPE_CHECKING:
    from planner.cycle.ledger import Ledger
    from planner.cycle.schedule import CycleSchedule
    from planner.model import Estate
    from planner.reporting import ReportingPolicy
    from planner.runbooks.planned import PlannedEstate

F = TypeVar("F", bound=Callable[..., Any])


class CheckFailed(PlannerError):
    """A bundle check or a --fail-on condition failed: exit 1, the reasons already printed."""

    exit_code = ExitCode.FINDINGS


def _date(option: str, text: str) -> date:
    # The planner's one date domain: 9999-12-01 would overflow the schedule's arithmetic.
    return option_date(option, text)


def _schedule_options(func: F) -> F:
    options = [
        click.argument("estate", type=click.Path(path_type=Path, dir_okay=False)),
        click.option("--plan", "plan_file", required=True,
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="The plan.json written by 'planner plan' for this estate."),
        click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
                     help="First day of the year to schedule."),
        click.option("--margin", type=click.IntRange(min=0), default=None,
                     help="Days before each window closes by which ACKs must be imported "
                     "(default: the estate's costs.reporting_safety_margin_days, else "
                     "models/reporting.yaml's 15)."),
        click.option("--turnaround", type=click.IntRange(min=0, max=30), default=None,
                     help="Days from collecting the reports to importing the ACKs (default 2)."),
        click.option("--evidence", "evidence", multiple=True,
                     type=click.Path(path_type=Path, exists=True),
                     help="Captures whose next ACK deadline and policy replace the assumed "
                     "start of each device's clock (repeatable); without it, the deadlines of "
                     "the latest recorded 'cycle status --record' read are used, if any."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _build(estate: Path, plan_file: Path, start: str, margin: int | None,
           turnaround: int | None, evidence: tuple[Path, ...]
           ) -> tuple[Estate, PlannedEstate, CycleSchedule]:
    from planner.cli.loading import read_estate
    from planner.cycle.ledger import read_ledger
    from planner.cycle.schedule import DEFAULT_TURNAROUND_DAYS, schedule_cycle
    from planner.reporting import load_reporting
    from planner.runbooks.planned import from_plan_file

    when = _date("--from", start)
    loaded = read_estate(estate, False, when)
    planned = from_plan_file(loaded, plan_file)
    deadlines: dict[str, date] = {}
    policies: dict[str, ReportingPolicy] = {}
    if evidence:
        ledger = read_ledger(loaded, list(evidence), as_of=when)
        for line in _unread(ledger):
            warn(line)
        deadlines = {r.serial: r.next_deadline for r in ledger.rows
                     if r.in_estate and r.serial and r.next_deadline is not None}
        policies = {r.serial: r.clocks for r in ledger.rows
                    if r.in_estate and r.serial and r.clocks is not None}
    else:
        from planner.cycle.record import recorded_deadlines
        from planner.history.store import default_db_path

        read_on, deadlines = recorded_deadlines(default_db_path(estate), when)
        if deadlines:
            click.echo(f"using the next ACK deadlines of {len(deadlines)} device(s) recorded by "
                       f"'planner cycle status' on {read_on} (--evidence reads captures "
                       "instead)", err=True)
    try:
        schedule = schedule_cycle(planned, when, load_reporting(), margin_days=margin,
                                  turnaround_days=DEFAULT_TURNAROUND_DAYS if turnaround is None
                                  else turnaround, deadlines=deadlines, policies=policies)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return loaded, planned, schedule


def _unread(ledger: Ledger) -> list[str]:
    from planner.cycle.ledger import reading_lines

    return list(reading_lines(ledger))


@main.group("cycle")
@verbosity_options
def cycle() -> None:
    """Run the offline cycle: report round trips, carried bundles, the ACK ledger.

    \b
    Example:
      planner cycle schedule demo/estate.yaml --plan demo/plan/plan.json --from 2027-01-04 \\
          -o demo/cycle
      planner cycle bundle demo/estate.yaml --plan demo/plan/plan.json --from 2027-01-04 \\
          --trip LAB-FOR-20270317 -o demo/trip1
      planner cycle seal demo/trip1 --leg out
      planner cycle verify demo/trip1 --expect DIGEST
      planner cycle status demo/estate.yaml --evidence captures/ --fail-on overdue
      planner cycle history demo/estate.yaml
    """


@cycle.command("schedule")
@_schedule_options
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False),
              help="Write schedule.md, schedule.csv, schedule.json and cycle.ics here.")
@output_option
def schedule_cmd(estate: Path, plan_file: Path, start: str, margin: int | None,
                 turnaround: int | None, evidence: tuple[Path, ...], outdir: Path | None,
                 fmt: str) -> None:
    """The round trips of the next year, each device's ACK inside its window with margin.

    \b
    Example:
      planner cycle schedule demo/estate.yaml --plan demo/plan/plan.json --from 2027-01-04

    Sites planned offline, and air-gapped SSM On-Prem servers (manual sync), get dated trips;
    sites of one enclave share a crossing. Each trip lists its steps (collect, carry out,
    upload, download ACK, carry in, import, verify) with labour from models/modes.yaml.
    """
    from planner.cycle.render import (
        TRIP_HEADER,
        schedule_doc,
        schedule_ics,
        schedule_md,
        trip_rows,
    )
    from planner.fileio import csv_text, write_files_atomic
    from planner.output import check_target

    if outdir is not None:
        check_target(outdir, folder=True)
    loaded, _planned, schedule = _build(estate, plan_file, start, margin, turnaround, evidence)
    name = loaded.name
    for remark in schedule.notes:
        warn(f"note: {remark}")
    if fmt == "json":
        click.echo(dump_json(schedule_doc(schedule, name)), nl=False)
    else:
        headers: Sequence[str] = TRIP_HEADER
        rows: Sequence[Sequence[object]] = trip_rows(schedule, short=fmt == "table")
        if fmt == "table":  # servers and hours under --wide: the rest fits 100 columns
            headers, rows = columns(headers, rows, ("trip", "crossing", "collect", "ack_import",
                                                    "latest_allowed", "slack_days", "sites",
                                                    "devices"))
        emit(render_rows(headers, rows, fmt))
    if outdir is not None:
        write_files_atomic(outdir, {
            "schedule.md": schedule_md(schedule, name),
            "schedule.csv": csv_text(TRIP_HEADER, trip_rows(schedule)),
            "schedule.json": dump_json(schedule_doc(schedule, name)),
            "cycle.ics": schedule_ics(schedule, name),
        })
        note(f"wrote {len(schedule.trips)} trip(s) to {outdir}")


@cycle.command("bundle")
@_schedule_options
@click.option("--trip", "trip_id", required=True, help="Trip id from 'planner cycle schedule'.")
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="A new, empty folder for the bundle.")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Seal the manifest with HMAC-SHA256 under this key (keep it off the media).")
@table_output
def bundle_cmd(estate: Path, plan_file: Path, start: str, margin: int | None,
               turnaround: int | None, evidence: tuple[Path, ...], trip_id: str, outdir: Path,
               key_file: Path | None, fmt: str) -> None:
    """Write what an operator carries through the gap for one trip.

    \b
    Example:
      planner cycle bundle demo/estate.yaml --plan demo/plan/plan.json --from 2027-01-04 \\
          --trip LAB-FOR-20270317 -o demo/trip1

    Per device the commands and the files expected back, a custody record to sign (Markdown
    and CSV), devices.csv and manifest.json with the SHA-256 of every file. Prints the
    manifest's SHA-256: write it on the custody record.
    """
    from planner.cycle.bundle import bundle_files, write_bundle
    from planner.cycle.manifest import digest_of, read_key
    from planner.output import check_target

    key = read_key(key_file)
    check_target(outdir, folder=True)
    _loaded, planned, schedule = _build(estate, plan_file, start, margin, turnaround, evidence)
    trip = schedule.trip(trip_id)
    if trip is None:
        known = ", ".join(t.id for t in schedule.trips[:8])
        raise UsageError(f"--trip {trip_id!r} is not in the schedule from {start} (trips: "
                         f"{known}{' ...' if len(schedule.trips) > 8 else ''}); run "
                         "'planner cycle schedule' with the same --plan and --from")
    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())):
        raise UsageError(f"{outdir}: the bundle folder must be new or empty (a bundle is never "
                         "written over another)")
    files, manifest = bundle_files(planned, schedule, trip)
    write_bundle(outdir, files, manifest, key)
    digest = digest_of(outdir)
    _digest_out(fmt, ("trip", "devices", "manifest_sha256"), (trip.id, len(trip.devices), digest))
    note(f"wrote bundle {trip.id} for {len(trip.devices)} device(s) to {outdir}; manifest "
         "SHA-256 above")


def _digest_out(fmt: str, headers: tuple[str, ...], row: tuple[object, ...]) -> None:
    """The table form is the bare digest (for the custody record and for scripts); JSON and
    CSV carry it with what it seals."""
    if fmt == "table":
        emit(f"{row[-1]}\n")
    elif fmt == "json":
        emit(dump_json(dict(zip(headers, row, strict=True))))
    else:
        emit(render_rows(headers, [row], fmt))


def _record(db: Path | None, event_kind: str, folder: Path, ok: bool, files: int,
            detail: str, when: str | None) -> None:
    if db is None:
        return
    import json

    from planner.cycle.manifest import MANIFEST, SCHEMA
    from planner.cycle.record import Event, add_event
    from planner.fileio import sha256_file
    from planner.history.store import open_history
    from planner.loader import reference_date

    doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if doc.get("schema") != SCHEMA:
        return
    conn = open_history(db)
    try:
        add_event(conn, Event(reference_date(when), event_kind, str(doc.get("trip", "")),
                              str(doc.get("crossing", "")), sha256_file(folder / MANIFEST),
                              files, ok, detail))
    finally:
        conn.close()


@cycle.command("seal")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--leg", type=click.Choice(("out", "in")), required=True,
              help="out: the collected reports under out/; in: the ACKs under in/.")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The key the bundle was sealed with (HMAC-SHA256).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="Record the seal in this history database (the estate's is "
              ".planner/history.db beside it: the compliance pack reads sync dates there).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Date recorded (default today).")
@table_output
def seal_cmd(folder: Path, leg: str, key_file: Path | None, db: Path | None,
             date_text: str | None, fmt: str) -> None:
    """Record the SHA-256 of the files of one leg and re-seal the manifest.

    \b
    Example:
      planner cycle seal demo/trip1 --leg out

    Refused (exit 2, nothing changed) when an expected file is missing or unexpected, or the
    bundle already fails its check. Prints the new manifest SHA-256 for the custody record.
    """
    from planner.cycle.manifest import Leg, SealRefused, digest_of, read_key, render, seal_leg
    from planner.fileio import write_atomic

    key = read_key(key_file)
    try:
        manifest, found = seal_leg(folder, Leg(leg), key)
    except SealRefused as exc:
        for line in str(exc).split("; "):
            warn(f"{folder}: {line}")
        raise UsageError(f"{folder}: the {leg} leg was not sealed; nothing changed") from None
    write_atomic(folder / "manifest.json", render(manifest, key))
    digest = digest_of(folder)
    _record(db, f"seal-{leg}", folder, True, len(manifest.sealed[Leg(leg)]), "", date_text)
    _digest_out(fmt, ("leg", "files", "manifest_sha256"),
                (leg, len(manifest.sealed[Leg(leg)]), digest))
    note(f"sealed the {leg} leg ({len(manifest.sealed[Leg(leg)])} file(s)); manifest "
         f"SHA-256 above ({found.checked} file(s) under seal)")


@cycle.command("verify")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The key the manifest was sealed with (HMAC-SHA256).")
@click.option("--expect", "expect", metavar="SHA256",
              help="The manifest SHA-256 written on the signed custody record.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="Record the verification in this history database (the estate's is "
              ".planner/history.db beside it).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Date recorded (default today).")
@output_option
def verify_cmd(folder: Path, key_file: Path | None, expect: str | None, db: Path | None,
               date_text: str | None, fmt: str) -> None:
    """Check a bundle against its manifest: missing, extra or altered files fail (exit 1).

    \b
    Example:
      planner cycle verify demo/trip1 --expect 3f5a...

    An edited manifest is refused (exit 1). Files expected on a leg not sealed yet are listed
    as pending, not failures.
    """
    from planner.cycle.manifest import (
        MANIFEST,
        ManifestRefused,
        check,
        describe,
        digest_of,
        load,
        read_key,
    )

    key = read_key(key_file)
    try:
        manifest = load(folder, key)
    except ManifestRefused as exc:
        _record_failed(db, folder, str(exc), date_text)
        raise
    digest = digest_of(folder)
    found = check(folder, manifest)
    rows = [tuple(p.split(": ", 1)) for p in describe(found)]
    if expect is not None and expect.strip().lower() != digest:
        rows.insert(0, ("manifest digest", f"{MANIFEST} SHA-256 is {digest}, not "
                        f"{expect.strip().lower()} as on the custody record"))
    problems = [f"{label}: {what}" for label, what in rows]
    rows += [("pending", f"{path} ({leg.value} leg not sealed)") for leg, path in found.pending]
    if fmt == "json":
        click.echo(dump_json({"trip": manifest.trip, "manifest_sha256": digest,
                              "ok": not problems, "checked": found.checked,
                              "problems": problems,
                              "pending": [p for _l, p in found.pending]}), nl=False)
    elif rows:
        click.echo(render_rows(("result", "file"), rows, fmt), nl=False)
    _record(db, "verify", folder, not problems, found.checked, "; ".join(problems), date_text)
    if problems:
        raise CheckFailed(f"{folder}: bundle {manifest.trip} FAILED its check ({len(problems)} "
                          "problem(s)); do not use these files")
    note(f"{folder}: bundle {manifest.trip} verified: {found.checked} file(s) match the "
         f"manifest (SHA-256 {digest})")


def _record_failed(db: Path | None, folder: Path, detail: str, when: str | None) -> None:
    if db is None:
        return
    from planner.cycle.record import Event, add_event
    from planner.fileio import sha256_file
    from planner.history.store import open_history
    from planner.loader import reference_date

    conn = open_history(db)
    try:
        add_event(conn, Event(reference_date(when), "verify", folder.name, "",
                              sha256_file(folder / "manifest.json"), 0, False, detail))
    finally:
        conn.close()


@cycle.command("status")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--evidence", "evidence", multiple=True, required=True,
              type=click.Path(path_type=Path, exists=True),
              help="Folder (or file) of captures: show license status / tech support, RUM "
              "reports (repeatable).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Day the ledger is read for (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--due-within", "due_days", type=click.IntRange(min=0), default=30,
              show_default=True, help="A deadline this close counts as due.")
@click.option("--fail-on", "fail_on", metavar="overdue|due-within:DAYS",
              help="Exit 1 when any device is overdue, or due within DAYS (for schedulers).")
@click.option("--sites", "by_site", is_flag=True, help="One row per site instead of per device.")
@click.option("--changes", "changes", is_flag=True,
              help="The reservation changes met (replaced devices, stack members added or "
              "removed), one row per runbook step, instead of the devices.")
@click.option("--record", is_flag=True, help="Store this read in the history database.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="History database (default: .planner/history.db beside ESTATE).")
@output_option
def status_cmd(estate: Path, evidence: tuple[Path, ...], date_text: str | None, due_days: int,
               fail_on: str | None, by_site: bool, changes: bool, record: bool,
               db: Path | None, fmt: str) -> None:
    """The ledger: per device, reported, acknowledged, due, overdue, and the next deadline.

    \b
    Example:
      planner cycle status demo/estate.yaml --evidence captures/ --fail-on due-within:14

    Only what the captures show counts: a device is acknowledged when a capture prints its last
    ACK, and its deadline is the next ACK deadline it printed. Files that do not parse are
    listed with their reason and the devices they leave unknown.
    """
    from planner.cli.loading import read_estate
    from planner.cycle.ledger import failing, parse_fail_on, read_ledger
    from planner.cycle.render import (
        CHANGE_HEADER,
        LEDGER_HEADER,
        LEDGER_NARROW,
        SITE_HEADER,
        change_rows,
        ledger_doc,
        ledger_rows,
        site_rows,
    )
    from planner.loader import reference_date

    if by_site and changes:
        raise UsageError("--sites and --changes are two views: choose one")
    condition = parse_fail_on(fail_on) if fail_on else None
    when = reference_date(date_text)
    loaded = read_estate(estate, False, when)
    ledger = read_ledger(loaded, list(evidence), as_of=when, due_days=due_days)
    for line in _unread(ledger):
        warn(line)
    if fmt == "json":
        emit(dump_json(ledger_doc(ledger)))
    elif by_site:
        emit(render_rows(SITE_HEADER, site_rows(ledger), fmt))
    elif changes:
        emit(render_rows(CHANGE_HEADER, change_rows(ledger), fmt))
    elif fmt == "table" and not wide_requested():  # the rest under --wide: 100 columns
        narrow = len(LEDGER_NARROW)
        emit(render_rows(LEDGER_NARROW, [r[:narrow] for r in ledger_rows(ledger)], fmt))
    else:
        emit(render_rows(LEDGER_HEADER, ledger_rows(ledger), fmt))
    if ledger.changes and not changes and fmt != "json":
        note(f"{len(ledger.changes)} reservation change(s) met (replaced devices, stack "
             "members added or removed): see --changes for their steps")
    if record:
        from planner.cycle.record import add_read
        from planner.history.store import default_db_path, open_history

        conn = open_history(db or default_db_path(estate))
        try:
            add_read(conn, ledger, ";".join(str(p) for p in evidence))
        finally:
            conn.close()
    if condition is not None:
        hits = failing(ledger, condition)
        if hits:
            raise CheckFailed(f"{len(hits)} device(s) {condition[0]}"
                              f"{f' {condition[1]} days' if condition[0] != 'overdue' else ''}"
                              f" as of {when.isoformat()}")


@cycle.command("history")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="History database (default: .planner/history.db beside ESTATE).")
@click.option("--acks", "show_acks", is_flag=True,
              help="Every ACK each device has shown instead of the crossings.")
@output_option
def history_cmd(estate: Path | None, db: Path | None, show_acks: bool, fmt: str) -> None:
    """Every crossing (seal, verification) and every ACK over time, from the history database.

    \b
    Example:
      planner cycle history demo/estate.yaml
      planner cycle history demo/estate.yaml --acks --format csv
    """
    from planner.cycle.record import acks, events
    from planner.history.store import default_db_path, open_history

    path = db or (default_db_path(estate) if estate else Path(".planner") / "history.db")
    conn = open_history(path, readonly=True)
    try:
        rows: list[tuple[object, ...]]
        if show_acks:
            rows = [(a.site, a.hostname, a.serial, a.last_ack, a.first_read, a.last_read,
                     a.next_deadline) for a in acks(conn)]
            header: tuple[str, ...] = ("site", "hostname", "serial", "last_ack", "first_seen",
                                       "last_seen", "next_deadline")
        else:
            rows = [(e.day.isoformat(), e.kind, e.trip, e.crossing, e.files,
                     "ok" if e.ok else "failed", e.manifest_sha256, e.detail)
                    for e in events(conn)]
            header = ("day", "event", "trip", "crossing", "files", "result", "manifest_sha256",
                      "detail")
    finally:
        conn.close()
    click.echo(render_rows(header, rows, fmt), nl=False)
