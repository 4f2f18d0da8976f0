"""Long registers: summarised inside a document, written in full as CSV beside it.

A printed trade-off report or compliance pack must fit a reader's hands (the exposure register
by site and strategy, or the clocks by site and device class, ran to over a hundred pages). The
document shows a summary by strategy and mode, or by mode, clock and date; the full rows go to a
CSV file next to the document, which the document links by file name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from planner.fileio import csv_text
from planner.reports.context import (
    Clock,
    ClockSummary,
    ExposureRow,
    ExposureSummary,
    Flip,
    Register,
    SiteRow,
    SiteSummary,
)

# A document lists every site while it has at most this many; beyond it, the summary by
# classification and mode and the largest sites by devices, with every site in the register.
SITES_IN_FULL = 40
SITES_SHOWN = 20

_DETAIL = re.compile(r"\s*\([^)]*\)")


def summarise_exposure(rows: Sequence[ExposureRow]) -> tuple[ExposureSummary, ...]:
    acc: dict[tuple[str, str], list[ExposureRow]] = defaultdict(list)
    order: list[tuple[str, str]] = []
    for row in rows:
        key = (row.strategy, row.mode)
        if key not in acc:
            order.append(key)
        acc[key].append(row)
    out = []
    for strategy, mode in order:
        group = acc[(strategy, mode)]
        elements = tuple(dict.fromkeys(e for r in group for e in r.elements))
        destinations = tuple(sorted({_DETAIL.sub("", _place(r.destination)) for r in group}))
        out.append(ExposureSummary(
            strategy=strategy, mode=mode, sites=len({r.site for r in group}),
            devices=sum(r.devices for r in group), members=sum(r.members for r in group),
            elements=elements, destinations=destinations, cadence=group[0].cadence,
            hostname_kept_sites=len({r.site for r in group if r.hostname_kept})))
    return tuple(out)


def _place(destination: str) -> str:
    """'SSM On-Prem server at DC-EAST, then ...' -> 'SSM On-Prem server, then ...': the site
    names are in the CSV; the summary says where data goes by kind."""
    return re.sub(r" at [^,]+", "", destination)


def summarise_clocks(clocks: Sequence[Clock]) -> tuple[ClockSummary, ...]:
    acc: dict[tuple[str, str, str], list[Clock]] = defaultdict(list)
    for clock in clocks:
        acc[(clock.mode, _DETAIL.sub("", clock.clock), clock.due)].append(clock)
    out = []
    for (mode, kind, due), group in sorted(acc.items(), key=lambda kv: (kv[0][2], kv[0][0],
                                                                         kv[0][1])):
        out.append(ClockSummary(mode=mode, clock=kind, due=due,
                                sites=len({c.site for c in group}),
                                devices=sum(c.devices for c in group), basis=group[0].basis))
    return tuple(out)


def summarise_sites(sites: Sequence[SiteRow]) -> tuple[SiteSummary, ...]:
    acc: dict[tuple[str, str], list[SiteRow]] = defaultdict(list)
    for site in sites:
        acc[(site.classification, site.modes)].append(site)
    return tuple(SiteSummary(classification=k[0], modes=k[1], sites=len(g),
                             devices=sum(s.devices for s in g), cost=sum(s.cost for s in g),
                             hours_per_year=sum(s.hours_per_year for s in g))
                 for k, g in sorted(acc.items()))


def sites_shown(sites: Sequence[SiteRow]) -> tuple[SiteRow, ...]:
    """Every site, or (beyond SITES_IN_FULL) the SITES_SHOWN largest by devices, in id order."""
    if len(sites) <= SITES_IN_FULL:
        return tuple(sites)
    largest = sorted(sites, key=lambda s: (-s.devices, s.site))[:SITES_SHOWN]
    return tuple(sorted(largest, key=lambda s: s.site))


def flips_register(flips: Sequence[Flip]) -> Register:
    return Register(name="flips", title="What would flip each site's decision",
                    columns=("site", "input", "what it would take"),
                    rows=tuple((f.site, f.lever, f.text) for f in flips))


def exposure_register(rows: Sequence[ExposureRow]) -> Register:
    return Register(
        name="exposure", title="Telemetry exposure register, by strategy, site and mode",
        columns=("strategy", "site", "site name", "classification", "mode", "data elements",
                 "hostname kept inside", "destination", "transport", "cadence",
                 "transfers a year", "devices", "HA/stack members", "licences reported"),
        rows=tuple((r.strategy, r.site, r.site_name, r.classification, r.mode,
                    "; ".join(r.elements), "yes" if r.hostname_kept else "no", r.destination,
                    r.transport, r.cadence, f"{r.per_year:g}", str(r.devices), str(r.members),
                    r.licences) for r in rows))


def sites_register(sites: Sequence[SiteRow], currency: str) -> Register:
    return Register(
        name="sites", title="Per-site decisions and every alternative",
        columns=("site", "site name", "classification", "internet", "enclave", "mode",
                 "server site", "devices", f"site cost ({currency})", "hours a year",
                 "alternative", "verdict", f"extra site cost ({currency})", "reason"),
        rows=tuple((s.site, s.name, s.classification, s.internet, s.enclave, s.modes,
                    s.server_site, str(s.devices), f"{s.cost:.2f}", f"{s.hours_per_year:.1f}",
                    a.mode, a.verdict, "" if a.delta is None else f"{a.delta:.2f}", a.reason)
                   for s in sites for a in s.alternatives))


def clocks_register(clocks: Sequence[Clock]) -> Register:
    return Register(
        name="clocks", title="Licensing clocks by site and device class",
        columns=("site", "device class", "devices", "mode", "clock", "due", "basis"),
        rows=tuple((c.site, c.device_class, str(c.devices), c.mode, c.clock, c.due, c.basis)
                   for c in clocks))


def register_text(register: Register) -> str:
    """The register as CSV (cells neutralised against spreadsheet formulas)."""
    return csv_text(register.columns, register.rows)


R = TypeVar("R")


def name_registers(report: R, document: Path) -> R:
    """The report with each register's file name set: `<document stem>.<register>.csv`, in the
    document's folder, so the document's links resolve wherever the folder is copied."""
    registers: tuple[Register, ...] = getattr(report, "registers", ())
    if not registers:
        return report
    named = tuple(replace(reg, file=f"{document.stem}.{reg.name}.csv") for reg in registers)
    return replace(report, registers=named)  # type: ignore[type-var]
