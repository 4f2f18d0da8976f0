"""What an operator takes through the gap for one trip: commands, expected files, custody forms,
and the sealed manifest (planner.cycle.manifest)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from planner.catalogue import estate_catalogue
from planner.cycle.manifest import (
    MANIFEST,
    Leg,
    Manifest,
    files_in,
    render,
    sha256_bytes,
)
from planner.cycle.schedule import CycleSchedule, Trip
from planner.fileio import csv_text, sha256_file
from planner.model import Mode
from planner.output import OutputError, write_file, write_folder
from planner.reports.render import render_template
from planner.runbooks.catalogue import load_command_catalogue
from planner.runbooks.planned import PlannedEstate
from planner.runbooks.steps import round_trip_steps
from planner.runbooks.types import PlannedDevice, RunbookSettings, Step

DEVICE_HEADER = ("site", "hostname", "pid", "serial", "mode", "server_site", "window_days",
                 "policy", "first_deadline", "carry_out", "carry_in", "commands_before",
                 "commands_after")
TRIP_TEMPLATE = "cycle-trip.md.j2"
CUSTODY_TEMPLATE = "cycle-custody.md.j2"
CUSTODY_HEADER = ("leg", "from", "to", "files", "manifest_sha256", "media_id", "carried_by",
                  "handed_over_at_utc", "received_by", "signature_carrier",
                  "signature_receiver")


@dataclass(frozen=True, slots=True)
class DevicePack:
    planned: PlannedDevice
    before: tuple[Step, ...]
    after: tuple[Step, ...]
    carry_out: str  # path inside the bundle, "" when nothing is carried for the device itself
    carry_in: str


def _lines(steps: tuple[Step, ...]) -> list[str]:
    out: list[str] = []
    for step in steps:
        out.append(f"! {step.title}" + ("" if step.confirmed else " (CONFIRM BEFORE USE)"))
        if step.note and not step.lines:
            out.append(f"!   {step.note}")
        prefix = "" if step.confirmed else "! "
        out += [f"{prefix}{line}" for line in step.lines]
        if step.verify:
            out.append(f"{prefix}{step.verify}")
    return out


def _safe(part: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in part).strip("._")
    return cleaned or "_"


def device_packs(planned: PlannedEstate, trip: Trip) -> list[DevicePack]:
    estate = planned.estate
    catalogue = estate_catalogue(estate)
    commands = load_command_catalogue()
    settings = RunbookSettings()
    wanted = {(d.site, d.hostname, d.serial) for d in trip.devices}
    packs = []
    for p in planned.devices:
        d = p.device
        if (d.site, d.hostname, d.serial) not in wanted:
            continue
        before, after, names = round_trip_steps(estate, p, catalogue, commands, settings)
        site = _safe(d.site)
        if p.mode is Mode.OFFLINE:
            out_name = PurePosixPath(names["usage_file"].split(":", 1)[-1]).name
            in_name = PurePosixPath(names["ack_file"].split(":", 1)[-1]).name
            packs.append(DevicePack(p, before, after, f"out/{site}/{_safe(out_name)}",
                                    f"in/{site}/{_safe(in_name)}"))
        else:
            packs.append(DevicePack(p, before, after, "", ""))
    return packs


def server_files(planned: PlannedEstate, trip: Trip) -> list[tuple[str, str, str]]:
    """(server site, carry-out path, carry-in path) per local account of each synced server."""
    out = []
    for site, vas in planned.manual_servers:
        if site not in trip.servers:
            continue
        for va in vas or ("all-accounts",):
            stem = f"onprem-sync-{_safe(va)}"
            out.append((site, f"out/{_safe(site)}/{stem}.request",
                        f"in/{_safe(site)}/{stem}.response"))
    return out


def _readme(planned: PlannedEstate, schedule: CycleSchedule, trip: Trip,
            packs: list[DevicePack], servers: list[tuple[str, str, str]]) -> str:
    """README.md, from templates/cycle-trip.md.j2: the trip's steps, custody and devices."""
    windows = {(w.site, w.hostname, w.serial): w for w in trip.devices}
    devices = []
    for pack in packs:
        d = pack.planned.device
        devices.append({"site": d.site, "hostname": d.hostname, "serial": d.serial,
                        "window_days": windows[(d.site, d.hostname, d.serial)].window_days,
                        "carry_out": pack.carry_out, "carry_in": pack.carry_in})
    return render_template(TRIP_TEMPLATE, estate=planned.estate.name, c=schedule, t=trip,
                           devices=devices, servers=servers)


def _custody_md(trip: Trip, files_out: int, files_in: int) -> str:
    """custody.md, from templates/cycle-custody.md.j2: a form per leg to sign by hand."""
    legs = [("out", f"{trip.crossing} enclave", "CSSM workstation", files_out),
            ("in", "CSSM workstation", f"{trip.crossing} enclave", files_in)]
    return render_template(CUSTODY_TEMPLATE, t=trip, legs=legs)


def bundle_files(planned: PlannedEstate, schedule: CycleSchedule, trip: Trip
                 ) -> tuple[dict[str, str | bytes], Manifest]:
    """The bundle's files and its manifest, not yet sealed over what is on the media."""
    packs = device_packs(planned, trip)
    servers = server_files(planned, trip)
    windows = {(w.site, w.hostname, w.serial): w for w in trip.devices}
    files: dict[str, str | bytes] = {}
    rows = []
    for pack in packs:
        d = pack.planned.device
        w = windows[(d.site, d.hostname, d.serial)]
        files[f"commands/{_safe(d.site)}/{_safe(d.hostname or d.serial)}.txt"] = "\n".join(
            [f"! {d.hostname} ({d.pid} {d.serial}) at {d.site}: trip {trip.id}",
             "! before carrying out:", *(_lines(pack.before) or ["!   nothing on the device"]),
             "! after the files come back in:", *_lines(pack.after), ""])
        rows.append((d.site, d.hostname, d.pid, d.serial, w.mode.value, w.server_site or "",
                     w.window_days, w.policy, w.deadline.isoformat(), pack.carry_out,
                     pack.carry_in, " / ".join(line for s in pack.before for line in s.lines),
                     " / ".join(line for s in pack.after for line in s.lines)))
    files["devices.csv"] = csv_text(DEVICE_HEADER, rows)
    files["README.md"] = _readme(planned, schedule, trip, packs, servers)
    carry_out = sorted([p.carry_out for p in packs if p.carry_out] + [o for _s, o, _i in servers])
    carry_in = sorted([p.carry_in for p in packs if p.carry_in] + [i for _s, _o, i in servers])
    files["custody.md"] = _custody_md(trip, len(carry_out), len(carry_in))
    # The file counts are known now; digests, media, names, times and signatures are filled in
    # by hand at each hand-over.
    files["custody.csv"] = csv_text(CUSTODY_HEADER, [
        ("out", f"{trip.crossing} enclave", "CSSM workstation", len(carry_out), "", "", "", "",
         "", "", ""),
        ("in", "CSSM workstation", f"{trip.crossing} enclave", len(carry_in), "", "", "", "",
         "", "", "")])
    manifest = Manifest(
        trip=trip.id, estate=planned.estate.name, crossing=trip.crossing,
        created=trip.collect.isoformat(),
        expected={Leg.BUNDLE: tuple(sorted(files)), Leg.OUT: tuple(carry_out),
                  Leg.IN: tuple(carry_in)},
        sealed={Leg.BUNDLE: {name: sha256_bytes(content) for name, content in files.items()}},
        extra={"collect": trip.collect.isoformat(), "ack_import": trip.ack_import.isoformat(),
               "latest_allowed": trip.latest_allowed.isoformat(), "sites": list(trip.sites),
               "servers": list(trip.servers), "devices": len(trip.devices),
               "margin_days": schedule.margin_days})
    return files, manifest


def write_bundle(folder: Path, files: dict[str, str | bytes], manifest: Manifest,
                 key: bytes | None) -> Manifest:
    """Write the bundle, then seal exactly what is on the media (the output writer's own record
    of the files it wrote included), and write the manifest last."""
    write_folder(folder, files)
    regular, other = files_in(folder)
    if other or not set(files) <= set(regular):
        raise OutputError(f"{folder}: the bundle on disk is not what was written "
                          f"({', '.join(other or sorted(set(files) - set(regular)))})")
    on_disk = {rel: sha256_file(folder / rel) for rel in regular}
    changed = [rel for rel, content in files.items() if on_disk[rel] != sha256_bytes(content)]
    if changed:
        raise OutputError(f"{folder}: files changed while being written: {', '.join(changed)}")
    sealed = replace(manifest, expected={**manifest.expected, Leg.BUNDLE: tuple(regular)},
                     sealed={Leg.BUNDLE: on_disk})
    write_file(folder / MANIFEST, render(sealed, key))
    return sealed
