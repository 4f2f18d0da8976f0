"""`planner export netbox|nautobot|cyclonedx`: a plan written back to the team's own tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.cli import main
from planner.cli._output import render_rows
from planner.cli._redact import redact_option
from planner.cli.loading import read_estate
from planner.cli.options import emit, note, table_output, verbosity_options
from planner.problems import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def _plan_inputs(func: F) -> F:
    options = [
        click.argument("plan_file", metavar="PLAN",
                       type=click.Path(path_type=Path, dir_okay=False, exists=True)),
        click.option("--estate", "estate", required=True,
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="The estate the plan was made from (it is checked against the plan)."),
        click.option("--date", "date_text", metavar="YYYY-MM-DD",
                     help="Date deadlines count from (default: the plan's date, "
                          "SOURCE_DATE_EPOCH, else only subscription ends count)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _planned(estate: Path, plan_file: Path, date_text: str | None) -> tuple[Any, Any]:
    from planner.plan_document import stamped_date
    from planner.runbooks.planned import from_plan_file
    from planner.writers.plan_files import generated_date

    when = generated_date(date_text)
    if when is None:
        stamped = stamped_date(plan_file)
        if stamped:
            when = generated_date(stamped[:10])
    loaded = read_estate(estate, False, when)
    return from_plan_file(loaded, plan_file), when


def _summary(files: dict[str, str], outdir: Path, fmt: str) -> None:
    rows = [(name, max(text.count("\n") - 1, 0)) for name, text in sorted(files.items())]
    emit(render_rows(("file", "rows"), rows, fmt))
    note(f"wrote {len(files)} file(s) to {outdir}")


@main.group("export")
@verbosity_options
def export() -> None:
    """Write a plan back to NetBox, Nautobot or a CycloneDX licence BOM.

    \b
    Example:
      planner export netbox demo/plan/plan.json --estate demo/estate.yaml -o demo/netbox
      planner export nautobot demo/plan/plan.json --estate demo/estate.yaml -o demo/nautobot
      planner export cyclonedx demo/plan/plan.json --estate demo/estate.yaml -o demo/bom.json
    """


def _inventory(tool_name: str) -> Callable[..., None]:
    def command(plan_file: Path, estate: Path, date_text: str | None, outdir: Path,
                device_ids: Path | None, site_ids: Path | None, fmt: str) -> None:
        from planner.exports import export_devices, site_modes
        from planner.exports.inventory import Tool, inventory_files, read_ids
        from planner.fileio import write_files_atomic

        def ids(path: Path | None) -> dict[str, str] | None:
            if path is None:
                return None
            try:
                return read_ids(path.read_text(encoding="utf-8-sig"), str(path))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise UsageError(str(exc)) from None

        planned, when = _planned(estate, plan_file, date_text)
        files = inventory_files(Tool(tool_name), export_devices(planned, when),
                                site_modes(planned), ids(device_ids), ids(site_ids))
        write_files_atomic(outdir, dict(files))
        _summary(files, outdir, fmt)
        if device_ids is None:
            note("rows are keyed by name: add each object's id (--device-ids/--site-ids with an "
                 f"export from {tool_name}) for the import to update, not create, them")

    return command


for _tool, _site in (("netbox", "sites"), ("nautobot", "locations")):
    _cmd = _inventory(_tool)
    _cmd.__doc__ = f"""Write {_tool} bulk-import CSVs: custom fields, then devices and {_site}.

    \b
    Example:
      planner export {_tool} demo/plan/plan.json --estate demo/estate.yaml -o demo/{_tool}

    custom-fields.csv defines the licensing custom fields (import it first); devices.csv sets
    per device its planned mode, server site, Virtual Account, reservation state and next
    licensing deadline; {_site}.csv sets each site's modes. With --device-ids/--site-ids (a
    CSV export from {_tool} with ID and Name columns) rows carry the id {_tool} needs to
    update the existing objects; see docs/exports.md.
    """
    for _decorator in reversed([
        export.command(_tool),
        _plan_inputs,
        click.option("-o", "--output", "outdir", required=True,
                     type=click.Path(path_type=Path, file_okay=False),
                     help="Folder for the import files."),
        click.option("--device-ids", type=click.Path(path_type=Path, dir_okay=False,
                                                     exists=True),
                     help=f"A device export from {_tool} (ID, Name): fills the id column."),
        click.option("--site-ids", type=click.Path(path_type=Path, dir_okay=False,
                                                   exists=True),
                     help=f"A {_site[:-1]} export from {_tool} (ID, Name): fills the id "
                          "column."),
        table_output,
    ]):
        _cmd = _decorator(_cmd)


@export.command("cyclonedx")
@_plan_inputs
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The BOM file to write (CycloneDX 1.6 JSON).")
@table_output
@redact_option
def cyclonedx_cmd(plan_file: Path, estate: Path, date_text: str | None, output: Path,
                  fmt: str, redact: bool) -> None:
    """Write a CycloneDX 1.6 licence BOM: each device a component with its licences.

    \b
    Example:
      planner export cyclonedx demo/plan/plan.json --estate demo/estate.yaml -o demo/bom.json

    Each licence sits under the device's licenses[].license.licensing: licensor (Cisco),
    licensee and purchaser (the Smart Account), licence types (subscription or perpetual,
    and device), last renewal and expiration from the entitlements. docs/exports.md says
    which field comes from where. Prints one row per device.
    """
    from planner.catalogue import estate_catalogue
    from planner.exports import export_devices
    from planner.exports.cyclonedx import licence_bom
    from planner.fileio import write_atomic

    planned, when = _planned(estate, plan_file, date_text)
    scrub: Callable[[str], str] = str
    if redact:  # a BOM to share: the plan tokenised, then the rendered BOM swept
        from planner.redact import Redactor

        redactor = Redactor()
        planned = redactor.planned(planned)
        scrub = redactor.scrub
    devices = export_devices(planned, when)
    versions = {f"device:{p.device.serial or p.device.hostname}": p.device.version
                for p in planned.devices}
    write_atomic(output, scrub(licence_bom(devices, planned.estate,
                                           estate_catalogue(planned.estate), versions, when)))
    emit(render_rows(("hostname", "site", "mode", "licences", "expiration"),
                     [(d.hostname, d.site, d.mode, len(d.licences),
                       d.expiration.isoformat() if d.expiration else "") for d in devices], fmt))
    note(f"wrote {output}")
