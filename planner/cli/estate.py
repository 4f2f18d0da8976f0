"""Estate commands: validate, example, generate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.cli import main
from planner.cli._output import Table, dump_json, render_tables
from planner.cli.options import emit, table_output, warn
from planner.collector import keep_until_exit

if TYPE_CHECKING:
    from planner.summary import EstateSummary


@main.command("validate")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@table_output
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Reference date for expired terms (default: SOURCE_DATE_EPOCH, else today).")
def validate(estate: Path, strict: bool, fmt: str, date_text: str | None) -> None:
    """Read and check an estate; print what it holds. Writes nothing.

    \b
    Example:
      planner validate demo/estate.yaml
      planner validate demo/estate.yaml --strict --format json

    Every problem is listed on stderr with file, line (or YAML path), field and what was
    expected. Exit 0 when the estate loads (warnings are printed), 2 on any error, or on any
    warning with --strict.
    """
    # Imported here: every `planner` command imports this module, only validate needs these.
    from planner.loader import load_estate, reference_date
    from planner.summary import summarise

    result = load_estate(estate, strict=strict, today=reference_date(date_text))
    for problem in result.warnings:
        warn(str(problem))
    summary = summarise(result.estate, catalogue=result.catalogue, tally=result.tally)
    if fmt == "json":
        data = summary.as_dict()
        data["warnings"] = [str(p) for p in result.warnings]
        data["problems"] = [p.as_dict() for p in result.warnings]
        emit(dump_json(data))
    else:
        heading = f"Estate: {summary.name} (Smart Account {summary.account}), " \
                  f"{summary.devices:,} devices\n"
        emit(render_tables(_tables(summary), fmt, heading=heading))
    _keep_until_exit(result)


# Above this many devices, freeing the estate one object at a time as the command returns
# costs most of a second (a million devices, members and origins) for memory the OS takes
# back at exit anyway. Small estates (and in-process test runs) are freed as usual.
_KEEP_FROM_DEVICES = 50_000


def _keep_until_exit(result: object) -> None:
    estate = getattr(result, "estate", None)
    if len(getattr(estate, "devices", ())) < _KEEP_FROM_DEVICES:
        return
    keep_until_exit(result)


def _tables(s: EstateSummary) -> list[Table]:
    site_rows = [list(r) for r in s.devices_by_site]
    if s.other_sites[0]:
        site_rows.append([f"({s.other_sites[0]:,} more sites)", "", s.other_sites[1]])
    site_rows.append(["total", "", s.devices])
    return [
        ("Sites by classification", ("classification", "sites", "devices"),
         s.sites_by_classification),
        ("Devices by family", ("family", "devices"), s.devices_by_family),
        ("Devices by site", ("site", "classification", "devices"), site_rows),
        ("Virtual Accounts", ("virtual account", "devices", "entitled units"),
         s.virtual_accounts),
        ("Entitlements vs use", ("licence", "entitled", "in use (CSSM)", "used by devices",
                                 "balance"),
         [(x.tag, x.entitled, x.in_use_cssm, x.used_by_devices, x.balance) for x in s.licences]),
    ]
