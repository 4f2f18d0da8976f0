"""Smart Licensing Authorization Codes (SLAC): which devices need one, and by which path.

Under Smart Licensing Using Policy, enforced and export-controlled licences (HSECK9: strong
cryptography, router throughput above 250 Mbps, IPsec on Catalyst 9300X/9500X) are authorised one
device (UDI) at a time by a SLAC installed before use. A connected device requests it itself
(`license smart authorization request add <feature> local|all`); an air-gapped one gets it from a
file generated in CSSM for its UDI and imported on the device. A device in SLR or PLR carries the
authorization inside its reservation instead, and software before SLUP has no SLAC.
Sources: models/commands.yaml (`slac-*` steps) and docs/licensing-facts.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from planner.catalogue import Catalogue, ProductFamily, runs_slup
from planner.model import Device, LicenceUse, LicensingState, Mode
from planner.modes import carried_modes, networked_modes


class SlacPath(StrEnum):
    ONLINE = "online"  # the device (or its CSLU / network-synced On-Prem) requests the code
    OFFLINE = "offline"  # generated in CSSM for the UDI, carried in as a file, imported


def gated_licences(licences: Iterable[LicenceUse], catalogue: Catalogue) -> tuple[str, ...]:
    """The enforced or export-controlled licence tags among a device's licences, sorted."""
    out = set()
    for use in licences:
        lic = catalogue.licences.get(use.tag)
        if lic is not None and (lic.export_controlled or lic.enforced):
            out.add(use.tag)
    return tuple(sorted(out))


def knows_slac(family: ProductFamily | None, version: str, state: LicensingState) -> bool:
    """Whether the device's software has SLACs at all: it runs Smart Licensing Using Policy
    (reported so, or a version at or past its family's SLUP release)."""
    if state is LicensingState.SLUP:
        return True
    return family is not None and family.slup_from is not None and bool(version) and \
        runs_slup(family, version)


def slac_path(mode: Mode | None) -> SlacPath | None:
    """How a device in `mode` obtains its SLAC; None in SLR/PLR (the reservation carries it)."""
    if mode in networked_modes():
        return SlacPath.ONLINE
    if mode in carried_modes():
        return SlacPath.OFFLINE
    return None


def needs_slac(family: ProductFamily | None, version: str, state: LicensingState,
               licences: Iterable[LicenceUse], mode: Mode | None,
               catalogue: Catalogue) -> tuple[str, ...]:
    """The licences a device must hold a SLAC for in its planned mode (empty: none): a mode
    that obtains SLACs, software that knows them, and an enforced or export-controlled licence.
    (planner.writers.obligations applies the same three rules to the device columns.)"""
    if slac_path(mode) is None or not knows_slac(family, version, state):
        return ()
    return gated_licences(licences, catalogue)


@dataclass(frozen=True, slots=True)
class SlacEntry:
    """One row of a Virtual Account's SLAC manifest: a device (UDI), its units and licences."""

    virtual_account: str
    site: str
    hostname: str
    pid: str
    serial: str
    units: tuple[str, ...]  # "PID:serial" of every stack member / supervisor (`all` scope)
    licences: tuple[str, ...]
    mode: Mode
    path: SlacPath


def slac_entry(device: Device, mode: Mode | None, catalogue: Catalogue) -> SlacEntry | None:
    """The device's SLAC manifest row in `mode`, or None when it needs no SLAC."""
    family = catalogue.family_for_pid(device.pid)
    tags = needs_slac(family, device.version, device.state, device.licences, mode, catalogue)
    path = slac_path(mode)
    if not tags or path is None or mode is None:
        return None
    return SlacEntry(device.virtual_account, device.site, device.hostname, device.pid,
                     device.serial, units_of(device), tags, mode, path)


def units_of(device: Device) -> tuple[str, ...]:
    """"PID:serial" of the device, then of every stack member or supervisor with a serial of
    its own (each is a UDI of its own): the units a SLAC or a reservation return names."""
    units = [f"{device.pid}:{device.serial}"]
    units += [f"{m.pid}:{m.serial}" for m in device.members if m.serial != device.serial]
    return tuple(units)
