"""What the plan decided per device, from a solved Plan or from a saved plan.json (either schema
version, planner.plan_document) checked against the estate it claims to plan."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from planner.catalogue import estate_catalogue
from planner.eligibility import mode_exclusions
from planner.encode import one_line
from planner.graph import analyse_reach
from planner.model import Device, Estate, LicensingState, Mode
from planner.modes import carried_modes, load_modes, server_modes
from planner.optimise.classes import Classes, build_classes
from planner.plan import ClassDecision, Plan
from planner.plan_document import SavedPlan, read_plan
from planner.problems import InputError, error
from planner.runbooks.types import PlannedDevice
from planner.writers.device_columns import PlannedRows, planned_rows


@dataclass(frozen=True, slots=True)
class PlannedEstate:
    estate: Estate
    devices: tuple[PlannedDevice, ...]  # sorted by site, hostname, serial
    manual_servers: tuple[tuple[str, tuple[str, ...]], ...]  # air-gapped On-Prem: site, VAs
    source: str  # "solved" or the plan.json path


def _in_order(rows: PlannedRows) -> Iterator[tuple[Device, ClassDecision | None]]:
    return rows.devices(rows.order.tolist())


def from_plan(plan: Plan) -> PlannedEstate:
    """Every device of a solved plan with its mode, server and reserved licences."""
    reserved = {(r.hostname, r.serial): r.licences for r in plan.reservations}
    devices = tuple(
        PlannedDevice(device, decision.mode if decision else None,
                      decision.server_site if decision else None,
                      reserved.get((device.hostname, device.serial), ()))
        for device, decision in _in_order(planned_rows(plan)))
    servers = tuple(sorted((p.site, tuple(sorted(p.virtual_accounts))) for p in plan.servers
                           if p.mode in carried_modes()))
    return PlannedEstate(plan.estate, devices, servers, "solved")


def same_inputs(saved: SavedPlan, estate: Estate) -> None:
    """Refuse a plan made from other input files: plan.json records every input's SHA-256."""
    name = saved.path
    if saved.sources is None:
        raise InputError([error(name, "the plan records no input hashes, so it cannot be "
                                "checked against this estate", column="estate.sources",
                                expected="a plan.json written by 'planner plan'")])
    planned = {(kind, rel): sha for kind, rel, sha in saved.sources}
    current = {(s.kind, s.path): s.sha256 for s in estate.sources}
    problems = []
    for key in sorted(set(planned) | set(current)):
        kind, rel = key
        if key not in current:
            why = "was an input of the plan but is not one of this estate"
        elif key not in planned:
            why = "is an input of this estate but not of the plan"
        elif planned[key] != current[key]:
            why = (f"changed since the plan was made (sha256 {current[key][:12]}..., the plan "
                   f"has {planned[key][:12]}...)")
        else:
            continue
        problems.append(error(name, f"{kind} file {one_line(rel)} {why}",
                              column="estate.sources",
                              expected="the plan of these very inputs: rerun 'planner plan'"))
    if problems:
        raise InputError(problems)


def recheck(estate: Estate, classes: Classes,
            decided: Mapping[str, tuple[Mode | None, str | None]], name: str) -> None:
    """Every decision in the plan, checked again against the estate's eligibility rules: a
    tampered or stale plan.json must not put a site into a mode its policy forbids (a secret
    site without internet into cssm-direct), nor serve it from an On-Prem server that cannot
    reach it, nor mix modes at a site whose policy does not allow it."""
    specs = load_modes()
    reach = analyse_reach(estate)
    sites = {s.id: s for s in estate.sites}
    memo: dict[tuple[str, str, str, str], dict[Mode, tuple[str, ...]]] = {}
    modes_at: dict[str, set[Mode]] = {}
    problems = []
    for cls in classes.classes:
        mode, server = decided[cls.id]
        if mode is None:
            continue
        site = sites[cls.site]
        modes_at.setdefault(cls.site, set()).add(mode)
        key = (cls.site, cls.family, cls.version, cls.state)
        verdict = memo.get(key)
        if verdict is None:
            verdict = memo[key] = mode_exclusions(
                estate, site, classes.families[cls.id], cls.version, LicensingState(cls.state),
                reach, specs)
        reasons = list(verdict[mode])
        if mode in server_modes():
            if not server or cls.site not in reach.serves.get(str(server), frozenset()):
                reasons.append(f"On-Prem server site {one_line(str(server or 'none'))} cannot "
                               f"serve site {one_line(cls.site)}")
            elif specs[mode].server_needs_internet and server not in reach.cssm:
                reasons.append(f"On-Prem server site {one_line(str(server))} has no path to "
                               "CSSM, which this mode needs")
        if reasons:
            problems.append(error(name, f"site {one_line(cls.site)}: mode {mode.value} is not "
                                  f"allowed for class {one_line(cls.id)}: "
                                  f"{'; '.join(dict.fromkeys(reasons))}", column="classes",
                                  expected="a mode the estate's rules allow (rerun 'planner "
                                           "plan')"))
    for site_id, modes in sorted(modes_at.items()):
        if len(modes) > 1 and not estate.policy(sites[site_id].classification).allow_mixed_modes:
            problems.append(error(name, f"site {one_line(site_id)}: modes "
                                  f"{', '.join(sorted(m.value for m in modes))} mixed, but its "
                                  "policy allows one mode per site", column="classes",
                                  expected="one mode per site"))
    if problems:
        raise InputError(problems[:50])


def from_plan_file(estate: Estate, path: Path) -> PlannedEstate:
    """Read plan.json (either schema version) and map its class decisions back onto the
    estate's devices.

    The plan must come from these very input files (their SHA-256 in plan.json), every
    estate class must have a decision (class ids are deterministic), and every decision must
    pass the estate's eligibility rules again; anything else is refused, by name, exit 2.
    """
    saved = read_plan(path)
    name = saved.path
    decided = saved.decisions
    same_inputs(saved, estate)
    classes = build_classes(estate, estate_catalogue(estate))
    missing = [c.id for c in classes.classes if c.id not in decided]
    if missing:
        shown = "; ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5
                                          else "")
        raise InputError([error(name, f"the plan has no decision for {len(missing)} device "
                                f"class(es) of this estate: {shown}", column="classes",
                                expected="a plan.json made from this estate by 'planner plan'")])
    recheck(estate, classes, decided, name)
    rows: list[PlannedDevice] = []
    ids = [klass.id for klass in classes.classes]
    for klass, devices in zip(classes.classes, classes.devices_of(ids), strict=True):
        mode, server = decided[klass.id]
        reserved = saved.reserved(klass.id, devices)
        for device in devices:
            rows.append(PlannedDevice(device, mode, server,
                                      reserved.get((device.hostname, device.serial), ())))
    rows.sort(key=lambda p: (p.device.site, p.device.hostname, p.device.serial))
    carried = carried_modes()
    servers = tuple(sorted((s.site, s.virtual_accounts) for s in saved.servers
                           if s.mode in carried))
    return PlannedEstate(estate, tuple(rows), servers, name)
