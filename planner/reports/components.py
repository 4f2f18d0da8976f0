"""The parts of the licensing system a plan uses, and the controls each implements.

One list, built from the plan and `models/components.yaml`, feeds both the compliance pack's
component table and the OSCAL component definition, so the two cannot disagree. A part appears
only when the plan uses it: no CSLU collector in a pack whose sites use none.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from planner.fileio import read_text
from planner.model import Mode
from planner.model_yaml import safe_load
from planner.modes import load_modes
from planner.plan import Plan
from planner.reports.context import Component, Flow
from planner.reports.exposure import CSSM, Group, groups
from planner.resources import models_dir

KINDS = ("licensing-plan", "device-agent", "cslu", "onprem-server", "cssm-connection",
         "carried-media")


@dataclass(frozen=True, slots=True)
class ComponentDef:
    kind: str
    type: str
    title: str
    description: str
    controls: tuple[str, ...]


@cache
def load_component_defs() -> dict[str, ComponentDef]:
    """models/components.yaml, keyed by kind; every kind of KINDS must be there."""
    doc = safe_load(read_text(models_dir() / "components.yaml"))
    out = {}
    for kind, entry in doc["components"].items():
        out[kind] = ComponentDef(kind, str(entry["type"]), " ".join(str(entry["title"]).split()),
                                 " ".join(str(entry["description"]).split()),
                                 tuple(str(c) for c in entry["controls"]))
    missing = set(KINDS) - set(out)
    if missing:
        raise ValueError(f"models/components.yaml: no entry for {', '.join(sorted(missing))}")
    return out


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _make(kind: str, key: str, sites: tuple[str, ...], devices: int, known: set[str],
          **values: object) -> Component:
    spec = load_component_defs()[kind]
    facts: dict[str, object] = {"devices": devices, "site_count": len(sites), **values}
    for text in (spec.title, spec.description):
        missing = fields(text) - set(facts)
        if missing:
            raise ValueError(f"models/components.yaml {kind}: unknown placeholder(s) "
                             f"{', '.join(sorted(missing))}")
    return Component(id=key, kind=kind, type=spec.type, title=spec.title.format_map(facts),
                     description=spec.description.format_map(facts), sites=sites,
                     devices=devices, controls=tuple(c for c in spec.controls if c in known))


def components(plan: Plan, flows: tuple[Flow, ...], control_ids: tuple[str, ...],
               grouped: Sequence[Group] | None = None) -> tuple[Component, ...]:
    """The components the plan uses, in a fixed order; controls limited to `control_ids`.

    A control the catalogue of components names but the pack does not carry is left out here
    and caught by a test of the two models files, so a pack never cites a control it omits.
    """
    known = set(control_ids)
    specs = load_modes()
    by_mode: dict[Mode, list[tuple[str, int]]] = defaultdict(list)
    for group in groups(plan) if grouped is None else grouped:
        by_mode[group.mode].append((group.site.id, group.devices))
    out: list[Component] = [_make(
        "licensing-plan", "licensing-plan", tuple(sorted(s.id for s in plan.estate.sites)),
        len(plan.estate.devices), known, estate=plan.estate.name)]
    for mode in Mode:  # catalogue order: the same every run
        if mode not in by_mode:
            continue
        sites = tuple(sorted({s for s, _ in by_mode[mode]}))
        out.append(_make("device-agent", f"agent-{mode.value}", sites,
                         sum(n for _, n in by_mode[mode]), known, mode=mode.value))
    if Mode.CSLU in by_mode:
        sites = tuple(sorted({s for s, _ in by_mode[Mode.CSLU]}))
        out.append(_make("cslu", "cslu", sites, sum(n for _, n in by_mode[Mode.CSLU]), known))
    for placement in sorted(plan.servers, key=lambda p: (p.site, p.mode.value)):
        sync = ("files carried on removable media" if placement.mode is Mode.ONPREM_MANUAL
                else "scheduled network sync over HTTPS")
        out.append(_make("onprem-server", f"onprem-{placement.site}-{placement.mode.value}",
                         tuple(sorted(placement.sites_served)), placement.devices, known,
                         site=placement.site, mode=placement.mode.value, sync=sync))
    # Flows that reach Cisco: over a network when the mode is networked, else carried by hand.
    to_cisco = [f for f in flows if f.destination.endswith(CSSM)]
    networked = sorted({f.source for f in to_cisco if specs[Mode(f.mode)].networked})
    if networked:
        out.append(_make("cssm-connection", "cssm-connection", tuple(networked),
                         sum(f.devices for f in flows if f.source in networked), known,
                         source_count=len(networked)))
    carried = sorted({f.source for f in to_cisco if not specs[Mode(f.mode)].networked})
    if carried:
        out.append(_make("carried-media", "carried-media", tuple(carried),
                         sum(f.devices for f in flows if f.source in carried), known))
    return tuple(out)
