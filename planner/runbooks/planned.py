"""What the plan decided per device, from a solved Plan or from a saved plan.json (planner.plan/1)
checked against the estate it claims to plan."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.catalogue import Catalogue, load_catalogue
from planner.fileio import read_text
from planner.model import Estate, Mode
from planner.optimise.classes import build_classes
from planner.plan import Plan
from planner.problems import InputError, error
from planner.runbooks.types import PlannedDevice
from planner.writers.plan_files import PLAN_SCHEMA, device_assignments


@dataclass(frozen=True, slots=True)
class PlannedEstate:
    estate: Estate
    devices: tuple[PlannedDevice, ...]  # sorted by site, hostname, serial
    manual_servers: tuple[tuple[str, tuple[str, ...]], ...]  # air-gapped On-Prem: site, VAs
    source: str  # "solved" or the plan.json path


def catalogue_of(estate: Estate) -> Catalogue:
    return estate.catalogue or load_catalogue()


def from_plan(plan: Plan) -> PlannedEstate:
    """Every device of a solved plan with its mode, server and reserved licences."""
    reserved = {(r.hostname, r.serial): r.licences for r in plan.reservations}
    devices = tuple(
        PlannedDevice(device, decision.mode if decision else None,
                      decision.server_site if decision else None,
                      reserved.get((device.hostname, device.serial), ()))
        for device, _cls, decision in device_assignments(plan))
    servers = tuple(sorted((p.site, tuple(sorted(p.virtual_accounts))) for p in plan.servers
                           if p.mode is Mode.ONPREM_MANUAL))
    return PlannedEstate(plan.estate, devices, servers, "solved")


def _load_doc(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        doc = json.loads(read_text(path, name))
    except json.JSONDecodeError as exc:
        raise InputError([error(name, f"not valid JSON: {exc.msg}", line=exc.lineno,
                                expected="a plan.json written by 'planner plan'")]) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep; an integer past the limit
        raise InputError([error(name, f"not a usable JSON document ({type(exc).__name__})",
                                expected="a plan.json written by 'planner plan'")]) from None
    if not isinstance(doc, dict) or doc.get("schema") != PLAN_SCHEMA:
        raise InputError([error(name, "not a planner plan file", column="schema",
                                expected=f"schema {PLAN_SCHEMA!r}")])
    return doc


def _mode(value: Any, name: str, where: str) -> Mode | None:
    if value is None:
        return None
    try:
        return Mode(value)
    except ValueError:
        raise InputError([error(name, f"unknown mode {value!r}", column=where,
                                expected=", ".join(m.value for m in Mode))]) from None


def from_plan_file(estate: Estate, path: Path) -> PlannedEstate:
    """Read plan.json and map its class decisions back onto the estate's devices.

    Class ids are deterministic (planner.optimise.classes), so the estate's classes must all be
    in the plan; a plan made for another estate or an older inventory is refused, by name.
    """
    name = str(path)
    doc = _load_doc(path)
    decided: dict[str, tuple[Mode | None, str | None]] = {}
    for i, raw in enumerate(doc.get("classes") or []):
        if not isinstance(raw, dict) or "id" not in raw:
            raise InputError([error(name, "class without an id", column=f"classes[{i}]")])
        decided[str(raw["id"])] = (_mode(raw.get("mode"), name, f"classes[{i}].mode"),
                                   raw.get("server_site"))
    classes = build_classes(estate, catalogue_of(estate))
    missing = [c.id for c in classes.classes if c.id not in decided]
    if missing:
        shown = "; ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5
                                          else "")
        raise InputError([error(name, f"the plan has no decision for {len(missing)} device "
                                f"class(es) of this estate: {shown}", column="classes",
                                expected="a plan.json made from this estate by 'planner plan'")])
    reserved: dict[tuple[str, str], tuple[tuple[str, int], ...]] = {}
    for i, raw in enumerate(doc.get("reservations") or []):
        try:
            key = (str(raw.get("hostname", "")), str(raw.get("serial", "")))
            reserved[key] = tuple(sorted((str(x["tag"]), int(x["count"]))
                                         for x in raw.get("licences") or []))
        except (AttributeError, KeyError, TypeError, ValueError):
            raise InputError([error(name, "reservation without hostname, serial and licences "
                                    "(tag, count)", column=f"reservations[{i}]")]) from None
    rows: list[PlannedDevice] = []
    for klass in classes.classes:
        mode, server = decided[klass.id]
        for device in classes.devices[klass.id]:
            rows.append(PlannedDevice(device, mode, server,
                                      reserved.get((device.hostname, device.serial), ())))
    rows.sort(key=lambda p: (p.device.site, p.device.hostname, p.device.serial))
    servers = tuple(sorted(
        (str(s["site"]), tuple(sorted(str(a["virtual_account"])
                                      for a in s.get("local_accounts") or [])))
        for s in doc.get("servers") or [] if s.get("mode") == Mode.ONPREM_MANUAL.value))
    return PlannedEstate(estate, tuple(rows), servers, name)
