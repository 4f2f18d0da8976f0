"""`planner ingest`: read a folder of device captures and write a planner devices.csv."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from planner.catalogue import load_catalogue
from planner.cli import main
from planner.cli._output import dump_json, render_rows
from planner.cli.options import emit, note, table_output, warn, wide_requested
from planner.fileio import csv_text, write_atomic
from planner.model import Device
from planner.output import check_target
from planner.problems import UsageError
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers.registry import folder_reader_for

TABLE_LIMIT = 200  # rows per table in the human report; the CSV and JSON hold everything
DEVICE_COLUMNS = ("hostname", "pid", "serial", "site", "smart_account", "virtual_account",
                  "version", "state", "licences", "members")


def devices_csv(devices: Sequence[Device]) -> str:
    """The devices in the planner's devices.csv format, sorted by serial then hostname."""
    rows = []
    for d in sorted(devices, key=lambda d: (d.serial, d.hostname, d.pid)):
        rows.append((d.hostname, d.pid, d.serial, d.site, d.smart_account, d.virtual_account,
                     d.version,
                     d.state.value, ";".join(f"{u.tag}:{u.count}" for u in d.licences),
                     ";".join(f"{m.pid}:{m.serial}" for m in d.members)))
    return csv_text(DEVICE_COLUMNS, rows)


def _report(result: ReadResult, fmt: str, output: Path) -> str:
    devices = [(d.hostname, d.pid, d.serial, d.state.value,
                ";".join(f"{u.tag}:{u.count}" for u in d.licences), len(d.members),
                str(d.origin or "")) for d in result.devices]
    if fmt == "csv":
        return render_rows(("hostname", "pid", "serial", "state", "licences", "members",
                            "origin"), devices, fmt)
    if fmt == "json":
        return dump_json({
            "output": str(output),
            "files": [{"file": f.file, "blocks": f.blocks, "parsed": f.parsed,
                       "skipped": f.skipped, "warnings": f.warnings,
                       "commands": [{"line": c.line, "command": c.command,
                                     "outcome": c.outcome, "detail": c.detail}
                                    for c in f.commands]} for f in result.files],
            "devices": [dict(zip(("hostname", "pid", "serial", "state", "licences", "members",
                                  "origin"), d, strict=True)) for d in devices],
            "warnings": [str(p) for p in result.problems],
        })
    # One row per command output found: what was read, or what was skipped and why. A table
    # of ten thousand clean files helps nobody: past TABLE_LIMIT files, list the files with
    # something skipped or warned about and count the rest (JSON always lists everything).
    files = result.files
    shown = files if len(files) <= TABLE_LIMIT else [f for f in files if f.skipped or
                                                      f.warnings]
    rows = [(f.file, c.line or "", c.command, c.outcome, c.detail)
            for f in shown for c in f.commands]
    text = render_rows(("file", "line", "command", "outcome", "read / why skipped"), rows,
                       "table", title="Commands found, per file")
    if len(shown) < len(files):
        text += f"({len(files) - len(shown):,} more file(s) parsed without warnings)\n"
    # The capture each device came from is under --wide (and in JSON and CSV): the files are
    # listed above, and seven columns of identifiers do not fit 100 characters.
    columns = 7 if wide_requested() else 6
    text += render_rows(("hostname", "pid", "serial", "state", "licences", "members",
                         "origin")[:columns], [d[:columns] for d in devices[:TABLE_LIMIT]],
                        "table", title="\nDevices found")
    if len(devices) > TABLE_LIMIT:
        text += f"({len(devices) - TABLE_LIMIT:,} more device(s): see {output})\n"
    return text + (f"\n{len(result.devices):,} device(s) from {len(result.files):,} file(s), "
                   f"{len(result.problems):,} warning(s)\n")


@main.command("ingest")
@click.argument("folder", type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The devices.csv to write (replaced atomically).")
@click.option("--site", default="", help="Site id for every device (default: blank, to fill "
              "in before `planner validate`).")
@click.option("--virtual-account", "virtual_account", default="",
              help="Virtual Account for every device (default: the one the device prints).")
@table_output
def ingest(folder: Path, output: Path, site: str, virtual_account: str, fmt: str) -> None:
    """Read device captures under FOLDER (recursively) and write a planner devices.csv.

    \b
    Example:
      planner ingest captures/ -o devices.csv --site HQ

    Reads `show version` (IOS, IOS XE, NX-OS and ACI, ASA, IOS-XR) and `show inventory`,
    IOS XE `show license summary|usage|all|status|udi|tech support|reservation`,
    `show license authorization|rum id`, IOS `show license`, NX-OS `show license usage`
    and licence files, ASA `show license all`, IOS-XR `show license platform summary|detail`,
    SLUP RUM reports and SLR codes (see docs/evidence.md). Files may hold one output or a
    whole terminal session; blocks of the same device are merged. The report lists every
    command found in each file with what was read or why it was skipped; warnings go to
    stderr. Exit 0 when the CSV is written, 2 when nothing usable was found.
    `--format csv` prints the devices found (the files read are on stderr as warnings).
    """
    check_target(output, folder=False)
    base = folder if folder.is_dir() else folder.parent
    # Captures are read as the estate loader reads an `inventory: evidence:` folder.
    ctx = ReadContext(load_catalogue(), site=site, virtual_account=virtual_account)
    result = folder_reader_for(SourceKind.EVIDENCE).read_folders([folder], base, ctx)
    for problem in result.problems:
        warn(str(problem))
    if not result.devices:
        raise UsageError(f"no device evidence found under {folder}; nothing was written")
    write_atomic(output, devices_csv(result.devices))
    emit(_report(result, fmt, output))
    note(f"wrote {output}")
