"""Device-side runbooks: per-device licensing steps and CLI from a plan (issue 8).

`build_runbooks` turns what the plan decided per device into ordered steps and carry trips;
`runbook_files` renders them (Markdown per site, a command file per device, ansible-vars.yml).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from planner.catalogue import estate_catalogue
from planner.encode import UnsafeValue, one_line
from planner.problems import InputError, error
from planner.runbooks.carry import Trip, site_trips
from planner.runbooks.catalogue import load_command_catalogue
from planner.runbooks.planned import PlannedEstate
from planner.runbooks.render import render_files
from planner.runbooks.steps import device_runbook
from planner.runbooks.types import DeviceRunbook, RunbookSettings

__all__ = ["build_runbooks", "runbook_files"]


def build_runbooks(planned: PlannedEstate, settings: RunbookSettings | None = None,
                   ) -> tuple[list[DeviceRunbook], Mapping[str, tuple[Trip, ...]]]:
    """Every device's runbook (sorted by site, hostname, serial) and each site's carry trips."""
    chosen = settings or RunbookSettings()
    catalogue = estate_catalogue(planned.estate)
    commands = load_command_catalogue()
    runbooks = []
    for p in planned.devices:
        try:
            runbooks.append(device_runbook(planned.estate, p, catalogue, commands, chosen))
        except UnsafeValue as exc:
            raise InputError([error(planned.source, f"device {one_line(p.device.hostname)!r} "
                                    f"(serial {one_line(p.device.serial)!r}): {exc}",
                                    expected="single-line printable text")]) from None
    return runbooks, site_trips(runbooks, planned.manual_servers)


def runbook_files(planned: PlannedEstate, settings: RunbookSettings | None = None,
                  generated: str | None = None, html: bool = True,
                  templates: Path | None = None) -> dict[str, str | bytes]:
    """Every runbook file, rendered in memory: relative path -> content."""
    runbooks, trips = build_runbooks(planned, settings)
    return render_files(planned.estate, runbooks, trips, planned.source, generated, html,
                        templates)
