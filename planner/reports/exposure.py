"""Where each site's licence data goes under a plan: elements, destination, transport, cadence.

Computed from the plan's devices per (site, mode) and the mode catalogue (`data_leaving_for`
applies the site policy's hostname privacy), so the trade-off register and the compliance
data-flow register tell the same story: the compliance pack groups a full plan's class
decisions (`groups`), the trade-off report reads the groups `compare_strategies` returns with
each plan (planner.optimise.footprint), which hold the same devices and licences.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.model import DataElement, Estate, InternetAccess, Mode, Site
from planner.modes import ModeSpec, data_leaving_for, load_modes
from planner.plan import Detail, DeviceClass, Plan
from planner.reports.context import ExposureRow

if TYPE_CHECKING:  # the compliance pack reads groups() without loading the optimiser
    from planner.optimise.footprint import SiteMode

CSSM = "Cisco Smart Software Manager (cloud)"


def route(mode: Mode, site: Site, server_site: str | None) -> tuple[str, str]:
    """(destination, transport) of the licence data of a site in a mode."""
    via = "through the site proxy" if site.internet is InternetAccess.PROXY else "direct"
    server = server_site or "(unplaced)"
    if mode is Mode.CSSM_DIRECT:
        return CSSM, f"HTTPS {via}"
    if mode is Mode.CSLU:
        return f"CSLU collector at {site.id}, then {CSSM}", f"HTTPS {via} from the collector"
    if mode is Mode.ONPREM_NETWORK:
        return (f"SSM On-Prem server at {server}, then {CSSM}",
                "HTTPS to the server inside the boundary; the server syncs over HTTPS")
    if mode is Mode.ONPREM_MANUAL:
        return (f"SSM On-Prem server at {server}, then {CSSM}",
                "HTTPS to the server inside the boundary; sync files carried on removable media")
    if mode is Mode.OFFLINE:
        return CSSM, "removable media: usage report (RUM) out, acknowledgement back"
    if mode is Mode.SLR:
        return CSSM, "removable media or hand-typed codes: request code out, authorization in"
    return CSSM, "removable media or hand-typed code: request code out, authorization in"


def cadence(spec: ModeSpec) -> str:
    return f"{spec.reporting_words}; {spec.transfers_per_year:g} a year"


@dataclass(frozen=True, slots=True)
class Placed:
    """What one site sends in one mode under a plan: what an exposure register row reads, from
    a plan's class decisions (Group) or from a strategy's footprint (SiteMode)."""

    site: Site
    mode: Mode
    server_site: str | None
    devices: int
    members: int
    licences: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Group(Placed):
    """The devices of one site in one mode under a plan, with the classes they come from."""

    families: tuple[str, ...]
    class_ids: tuple[str, ...]


def groups(plan: Plan) -> tuple[Group, ...]:
    """The plan's devices grouped by (site, mode), sorted; empty for an unsolved plan."""
    if not plan.status.has_plan:
        return ()
    if not plan.detail.has(Detail.CLASSES):  # a totals-only plan cannot say where data goes
        raise ValueError(f"the {plan.strategy.value} plan holds no class decisions "
                         f"(mapped back at {plan.detail.value})")
    decisions, classes = plan.class_decisions, plan.classes
    # Decisions and classes are both sorted by class id: read them side by side when they pair
    # up (every class decided), else look the classes up by id.
    if len(decisions) == len(classes) and all(
            c.id == d.class_id for c, d in zip(classes, decisions, strict=True)):
        paired = zip(decisions, classes, strict=True)
    else:
        by_id = {c.id: c for c in classes}
        paired = zip(decisions, [by_id[d.class_id] for d in decisions], strict=True)
    acc: dict[tuple[str, Mode], list[DeviceClass]] = defaultdict(list)
    server: dict[tuple[str, Mode], str | None] = {}
    for decision, cls in paired:
        key = (decision.site, decision.mode)
        acc[key].append(cls)
        if decision.server_site:
            server[key] = decision.server_site
    out = []
    sites = {s.id: s for s in plan.estate.sites}
    for (site_id, mode), members in sorted(acc.items(),
                                           key=lambda kv: (kv[0][0], kv[0][1].value)):
        # Devices per licence set first (a few dozen sets at most), then their tags.
        per_set: dict[int, list[Any]] = {}
        devices = n_members = 0
        for cls in members:
            devices += cls.devices
            n_members += cls.members
            found = per_set.get(id(cls.licences))
            if found is None:
                per_set[id(cls.licences)] = [cls.licences, cls.devices]
            else:
                found[1] += cls.devices
        tags: Counter[str] = Counter()
        for licences, count in per_set.values():
            for use in licences:
                tags[use.tag] += use.count * count
        out.append(Group(
            site=sites[site_id], mode=mode, server_site=server.get((site_id, mode)),
            devices=devices, members=n_members, licences=tuple(sorted(tags.items())),
            families=tuple(sorted({c.family or "unknown" for c in members})),
            class_ids=tuple(sorted(c.id for c in members)),
        ))
    return tuple(out)


def leaving(estate: Estate, group: Group) -> tuple[frozenset[DataElement], bool]:
    """The elements that leave the group's site, and whether its policy keeps hostnames in."""
    return _leaving(estate, group.site, group.mode, group.members)


def _leaving(estate: Estate, site: Site, mode: Mode,
             members: int) -> tuple[frozenset[DataElement], bool]:
    policy = estate.policy(site.classification)
    elements = data_leaving_for(load_modes()[mode], policy)
    if members == 0:
        elements = elements - {DataElement.HA_MEMBERS}  # nothing to send
    return elements, policy.hostname_privacy


def ordered(elements: frozenset[DataElement]) -> tuple[str, ...]:
    return tuple(e.value for e in DataElement if e in elements)


def licence_text(licences: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{tag} x{count}" for tag, count in licences) or "none"


def exposure_rows(plan: Plan, footprint: Sequence[SiteMode] | None = None,
                  ) -> tuple[ExposureRow, ...]:
    """The telemetry exposure register of one plan: one row per site and mode, from the plan's
    (site, mode) groups as `compare_strategies(footprints=True)` returns them, or (None) from
    its class decisions."""
    if not plan.status.has_plan:
        return ()
    if footprint is None:
        return _rows(plan, groups(plan))
    sites = {s.id: s for s in plan.estate.sites}
    return _rows(plan, [Placed(sites[g.site], g.mode, g.server_site, g.devices, g.members,
                               g.licences) for g in footprint])


def _rows(plan: Plan, placed: Sequence[Placed]) -> tuple[ExposureRow, ...]:
    specs = load_modes()
    rows = []
    for group in placed:
        site = group.site
        elements, kept = _leaving(plan.estate, site, group.mode, group.members)
        spec = specs[group.mode]
        destination, transport = route(group.mode, site, group.server_site)
        rows.append(ExposureRow(
            strategy=plan.strategy.value, site=site.id, site_name=site.name,
            classification=site.classification, mode=group.mode.value,
            elements=ordered(elements), hostname_kept=kept, destination=destination,
            transport=transport, cadence=cadence(spec), per_year=spec.transfers_per_year,
            devices=group.devices, members=group.members,
            licences=licence_text(group.licences),
        ))
    return tuple(rows)
