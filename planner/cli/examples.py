"""`planner example` and `planner generate`: estates to start from, bundled or synthetic."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from planner.cli import main
from planner.cli._output import render_rows
from planner.cli.options import emit, note, table_output
from planner.examples import check_target, list_examples, write_example
from planner.generate import REFERENCE_DATE, generate_estate, write_estate
from planner.problems import UsageError


@main.command("example")
@click.argument("name", required=False)
@click.argument("directory", required=False,
                type=click.Path(file_okay=False, dir_okay=True, path_type=Path))
@click.option("--list", "list_", is_flag=True, help="List the bundled examples and exit.")
@click.option("--force", is_flag=True,
              help="Write into a non-empty folder, overwriting files of the same name.")
@table_output
def example(name: str | None, directory: Path | None, list_: bool, force: bool,
            fmt: str) -> None:
    """Write the bundled example estate NAME into DIRECTORY.

    \b
    Examples:
      planner example --list
      planner example federal-agency demo
      planner validate demo/estate.yaml
    """
    if list_:
        infos = list_examples()
        rows = [(i.name, i.devices, i.description) for i in infos]
        emit(render_rows(("example", "devices", "description"), rows, fmt))
        return
    if not name or directory is None:
        known = ", ".join(i.name for i in list_examples())
        raise click.UsageError(f"give an example NAME and a DIRECTORY (known: {known}), "
                               "or --list")
    written = write_example(name, directory, force=force)
    emit(render_rows(("example", "directory", "files"), [(name, str(directory), len(written))],
                     fmt))
    note(f"next: planner validate {directory / 'estate.yaml'}")


@main.command("generate")
@click.option("--devices", type=click.IntRange(min=1, max=10_000_000), required=True,
              help="Number of devices (stacks count once; members are listed on the row).")
@click.option("--sites", type=click.IntRange(min=1, max=1_000_000), required=True,
              help="Number of sites.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same arguments give byte-identical files.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD",
              help=f"Date subscription terms are drawn around [default: {REFERENCE_DATE}].")
@click.option("--force", is_flag=True,
              help="Write into a non-empty folder, overwriting files of the same name.")
@click.argument("directory", type=click.Path(file_okay=False, dir_okay=True, path_type=Path))
@table_output
def generate(devices: int, sites: int, seed: int, as_of: datetime | None, force: bool,
             directory: Path, fmt: str) -> None:
    """Write a realistic synthetic estate of any size into DIRECTORY.

    Real PIDs and licence names, data centres, branches, regulated offices, OT substations,
    classified enclaves and air-gapped sites, stacks with member serials, shortfalls and
    shelfware. Byte-identical for the same arguments.

    \b
    Examples:
      planner generate --devices 5000 --sites 120 --seed 7 big
      planner validate big/estate.yaml
    """
    try:
        check_target(directory, force=force)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    files = generate_estate(devices, sites, seed,
                            as_of=as_of.date() if as_of else REFERENCE_DATE)
    write_estate(directory, files)
    emit(render_rows(("directory", "devices", "sites", "seed", "files"),
                     [(str(directory), devices, sites, seed, len(files))], fmt))
    note(f"next: planner validate {directory / 'estate.yaml'}")
