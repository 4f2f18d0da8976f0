"""Renewal commands: `snapshot add|list|diff` (history) and `renewal` (the renewal read)."""

from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import click

from planner.cli import main
from planner.cli._output import (
    TABLE_WIDTH,
    dump_json,
    output_option,
    render_rows,
    render_tables,
)
from planner.cli._redact import redact_option
from planner.cli.loading import read_estate_result
from planner.cli.options import (
    emit,
    note,
    table_output,
    tabular_output,
    verbosity_options,
    wide_requested,
)
from planner.domains import option_date
from planner.fileio import write_files_atomic
from planner.history import (
    add_snapshot,
    default_db_path,
    diff_snapshots,
    from_estate,
    list_snapshots,
    open_history,
)
from planner.history.diff import Explanation, SnapshotDiff
from planner.loader import reference_date
from planner.model import Estate
from planner.output import check_target
from planner.problems import ExitCode, UsageError
from planner.redact import redactor_for
from planner.renewal import run_renewal
from planner.renewal.findings import Priority
from planner.renewal.ics import render_ics
from planner.renewal.position import WhatIf
from planner.renewal.render import (
    WIDE_FINDING_HEADERS,
    finding_rows,
    render_brief_md,
    render_checklist_md,
    render_table,
)

_DB_HELP = "History database (default: .planner/history.db beside the estate file)."
_SHOWN = 50  # device changes printed in a table; JSON carries them all


def _date(option: str, text: str) -> date:
    return option_date(option, text)


def _db_path(db: Path | None, estate: Path | None) -> Path:
    if db is not None:
        return db
    if estate is not None:
        return default_db_path(estate)
    return Path(".planner") / "history.db"


@main.group("snapshot")
@verbosity_options
def snapshot() -> None:
    """Snapshot history: store an estate's licence and device state by date, list, diff.

    \b
    Example:
      planner snapshot add demo/estate.yaml --date 2026-03-01
      planner snapshot list demo/estate.yaml
      planner snapshot diff 2026-03-01 2026-06-01 --estate demo/estate.yaml
    """


@snapshot.command("add")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Date the snapshot describes (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
@table_output
def snapshot_add(estate: Path, date_text: str | None, db: Path | None, fmt: str) -> None:
    """Store the estate as of a date; a snapshot already stored for that date is replaced.

    \b
    Example:
      planner snapshot add demo/estate.yaml --date 2026-03-01
    """
    when = reference_date(date_text)
    result = read_estate_result(estate, today=when)
    path = _db_path(db, estate)
    conn = open_history(path)
    info = add_snapshot(conn, from_estate(result.estate, when))
    conn.close()
    if fmt == "table":
        emit(textwrap.fill(f"stored snapshot {info.taken.isoformat()} of {info.estate!r}: "
                           f"{info.devices:,} devices in {path}", TABLE_WIDTH,
                           break_long_words=False, break_on_hyphens=False) + "\n")
    else:
        emit(render_rows(("date", "estate", "devices", "database"),
                         [(info.taken.isoformat(), info.estate, info.devices, str(path))], fmt))


def _diff_csv_tables(d: SnapshotDiff) -> list[tuple[str, tuple[str, ...], list[Any]]]:
    """Every part of a diff as titled tables, for the one long CSV."""
    devices: list[tuple[str, str, str, str, str]] = []
    devices += [("added", x.hostname, x.key, "", f"{x.site} / {x.virtual_account}")
                for x in d.added]
    devices += [("removed", x.hostname, x.key, f"{x.site} / {x.virtual_account}", "")
                for x in d.removed]
    devices += [("moved", m.hostname, m.key, f"{m.from_site} / {m.from_va}",
                 f"{m.to_site} / {m.to_va}") for m in d.moved]
    return [
        ("units", ("licence", "site", "before", "after", "change"),
         [(u.tag, u.site, u.before, u.after, u.change) for u in d.units]),
        ("holdings", ("virtual account", "licence", "before", "after"),
         [(h.virtual_account, h.tag, h.before, h.after) for h in d.holdings]),
        ("devices", ("change", "hostname", "key", "from", "to"), devices),
    ]


@snapshot.command("list")
@click.argument("estate", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
@output_option
def snapshot_list(estate: Path | None, db: Path | None, fmt: str) -> None:
    """List the stored snapshots (from --db, or the database beside ESTATE).

    \b
    Example:
      planner snapshot list demo/estate.yaml
    """
    conn = open_history(_db_path(db, estate), readonly=True)
    rows = [(i.taken.isoformat(), i.estate, i.devices, i.source) for i in list_snapshots(conn)]
    emit(render_rows(("date", "estate", "devices", "source"), rows, fmt))


def _diff_dict(d: SnapshotDiff) -> dict[str, Any]:
    return {
        "before": d.before.isoformat(), "after": d.after.isoformat(),
        "devices_before": d.devices_before, "devices_after": d.devices_after,
        "churned": d.churned,
        "added": [asdict(x) for x in d.added], "removed": [asdict(x) for x in d.removed],
        "moved": [asdict(x) for x in d.moved], "relicensed": list(d.relicensed),
        "units": [{"licence": u.tag, "site": u.site, "before": u.before, "after": u.after,
                   "change": u.change, "causes": [_cause(e) for e in u.causes]}
                  for u in d.units],
        "holdings": [{"virtual_account": h.virtual_account, "licence": h.tag,
                      "before": h.before, "after": h.after,
                      "reserved_before": h.reserved_before, "reserved_after": h.reserved_after,
                      "causes": [_cause(e) for e in h.causes]} for h in d.holdings],
    }


def _cause(e: Explanation) -> dict[str, Any]:
    return {"cause": str(e.cause), "change": e.change, "detail": e.detail}


def _why(causes: tuple[Explanation, ...]) -> str:
    return "; ".join(str(e) for e in causes) or "-"


def _diff_tables(d: SnapshotDiff) -> str:
    parts = [f"Snapshot {d.before.isoformat()} -> {d.after.isoformat()}: "
             f"{d.devices_before:,} -> {d.devices_after:,} devices; {len(d.added):,} added, "
             f"{len(d.removed):,} removed, {len(d.moved):,} moved, "
             f"{len(d.relicensed):,} relicensed\n"]
    parts.append(render_rows(("licence", "site", "before", "after", "change", "why"),
                             [(u.tag, u.site, u.before, u.after, u.change, _why(u.causes))
                              for u in d.units],
                             "table", title="\nActive units per licence and site"))
    parts.append(render_rows(("virtual account", "licence", "before", "after", "why"),
                             [(h.virtual_account, h.tag, h.before, h.after, _why(h.causes))
                              for h in d.holdings],
                             "table", title="\nEntitlements per Virtual Account"))
    rows: list[tuple[str, str, str, str, str]] = []
    rows += [("added", x.hostname, x.key, "", f"{x.site} / {x.virtual_account}") for x in d.added]
    rows += [("removed", x.hostname, x.key, f"{x.site} / {x.virtual_account}", "")
             for x in d.removed]
    rows += [("moved", m.hostname, m.key, f"{m.from_site} / {m.from_va}",
              f"{m.to_site} / {m.to_va}") for m in d.moved]
    more = len(rows) - _SHOWN
    parts.append(render_rows(("change", "hostname", "key", "from", "to"), rows[:_SHOWN],
                             "table", title="\nDevices"))
    if more > 0:
        parts.append(f"... and {more:,} more (use --format json for all)\n")
    return "".join(parts)


@snapshot.command("diff")
@click.argument("d1", metavar="D1")
@click.argument("d2", metavar="D2")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
@click.option("--estate", "estate", type=click.Path(path_type=Path, dir_okay=False),
              help="Find the database beside this estate file.")
@table_output
def snapshot_diff(d1: str, d2: str, db: Path | None, estate: Path | None, fmt: str) -> None:
    """Compare two stored snapshots: devices added, removed, moved; units per licence and site.

    \b
    Example:
      planner snapshot diff 2026-03-01 2026-06-01 --estate demo/estate.yaml

    Without --db or --estate the database is .planner/history.db in the current folder.
    """
    conn = open_history(_db_path(db, estate), readonly=True)
    diff = diff_snapshots(conn, _date("D1", d1), _date("D2", d2))
    if fmt == "csv":
        emit(render_tables(_diff_csv_tables(diff), fmt))
        return
    emit(dump_json(_diff_dict(diff)) if fmt == "json" else _diff_tables(diff))


def _keep(estate: Estate, keep: tuple[str, ...]) -> tuple[str, ...]:
    """`--keep` values checked against the estate: a typo must not silently keep nothing."""
    vas = {v.name for v in estate.virtual_accounts}
    tags = {e.tag for e in estate.entitlements}
    for value in keep:
        va, _, tag = value.partition("/")
        ok = (va in vas and tag in tags) if tag else (value in vas or value in tags)
        if not ok:
            raise UsageError(f"--keep {value!r}: not a licence held, a Virtual Account or "
                             "VA/licence of this estate")
    return keep


def _ics(text: str, out: Callable[[str], str]) -> str:
    """Sweep a calendar's unfolded lines (an identifier may straddle a fold), then fold again."""
    from planner.ics import fold

    lines = text.replace("\r\n ", "").split("\r\n")
    return "".join(fold(out(line)) + "\r\n" for line in lines if line)


@main.command("renewal")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--renewal-date", "renewal_text", required=True, metavar="YYYY-MM-DD",
              help="The renewal or true-forward date the plan counts back from.")
@click.option("--since", "since_text", metavar="YYYY-MM-DD",
              help="Measure growth from the snapshot on or before this date "
                   "(default: the oldest).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Reference date (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
@tabular_output("md")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False),
              help="Write renewal.json, renewal.md, hygiene.ics and checklist.md here.")
@click.option("--fail-on", "fail_on", type=click.Choice([p.value for p in Priority]),
              help="Exit 1 when any finding is of this priority or higher (for scripts and CI).")
@click.option("--keep", "keep", multiple=True, metavar="LICENCE|VA|VA/LICENCE",
              help="Keep these idle units (shelfware a programme needs): no drop action "
                   "for them. Repeatable.")
@click.option("--no-downgrade", "no_downgrade", is_flag=True,
              help="Features in use stay: no action sets devices back to the tier owned.")
@redact_option
def renewal(estate: Path, renewal_text: str, since_text: str | None, date_text: str | None,
            db: Path | None, fmt: str, outdir: Path | None, fail_on: str | None,
            keep: tuple[str, ...], no_downgrade: bool, redact: bool) -> None:
    """Read the estate as the vendor's renewal team will, and plan the hygiene before it.

    \b
    Example:
      planner snapshot add demo/estate.yaml --date 2026-03-01
      planner renewal demo/estate.yaml --renewal-date 2027-01-31 -o renewal/

    Findings: true-forward, growth uplift (seasonal/project usage apart), upgrade pitch,
    shelfware, refresh, licensing era and Smart Account hygiene, each with evidence, the
    team's reading, the counter-move and the money at stake. The history database is used
    when it exists (or --db names it).
    """
    when = reference_date(date_text)
    renewal_day = _date("--renewal-date", renewal_text)
    since = _date("--since", since_text) if since_text else None
    if outdir is not None:
        check_target(outdir, folder=True)
    result = read_estate_result(estate, today=when)
    path = _db_path(db, estate)
    conn: sqlite3.Connection | None = None
    if db is not None or path.is_file():
        conn = open_history(path, readonly=True)
    brief = run_renewal(result.estate, reference=when, renewal=renewal_day, since=since,
                        conn=conn, what_if=WhatIf(_keep(result.estate, keep), no_downgrade))
    # The read needs the real names (the history database is keyed by them), so --redact
    # sweeps what was rendered, for every identifier of the estate.
    out = redactor_for([result.estate]).scrub if redact else str
    if outdir is not None:
        files: dict[str, str | bytes] = {
            "renewal.json": out(dump_json(brief.to_dict())),
            "renewal.md": out(render_brief_md(brief)),
            "hygiene.ics": _ics(render_ics(brief.plan, brief.estate), out).encode("utf-8"),
            "checklist.md": out(render_checklist_md(brief)),
        }
        for written in write_files_atomic(outdir, files):
            note(f"wrote {written}")
    elif fmt == "json":
        emit(out(dump_json(brief.to_dict())))
    elif fmt == "md":
        emit(out(render_brief_md(brief)))
    elif fmt == "csv":
        # every column of every finding: CSV is for machines, never shortened
        emit(out(render_rows(WIDE_FINDING_HEADERS, finding_rows(brief, wide=True), fmt)))
    else:
        emit(out(render_table(brief, wide_requested())))
    if fail_on is not None:
        threshold = Priority(fail_on).rank
        hits = sum(1 for f in brief.findings if f.priority.rank <= threshold)
        if hits:
            click.echo(f"planner: {hits} finding(s) of priority {fail_on} or higher", err=True)
            click.get_current_context().exit(int(ExitCode.FINDINGS))
