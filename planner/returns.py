"""Reservation returns: a device holding an SLR or PLR today that the plan puts into another mode
(or another Virtual Account) must return its reservation first, so CSSM releases the licences.

The return is a device command that prints a return code, entered in CSSM for the product
instance (CSSM help "Update Reserved Licenses"; Cisco how-to LIC217546). The runbooks put it
before the new mode's steps and on the carry list; the plan lists the returns per Virtual Account.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Device, LicensingState, Mode

_HELD = {LicensingState.SLR: Mode.SLR, LicensingState.PLR: Mode.PLR}


def holds_reservation(state: LicensingState) -> bool:
    """Whether a device in `state` holds a reservation (SLR or PLR) it may have to return."""
    return state in _HELD


@dataclass(frozen=True, slots=True)
class ReturnEntry:
    virtual_account: str  # where the reservation is held today
    site: str
    hostname: str
    pid: str
    serial: str
    units: tuple[str, ...]  # "PID:serial" of every member with its own reservation codes
    held: Mode  # slr or plr
    planned: Mode
    planned_virtual_account: str


def return_entry(device: Device, mode: Mode | None,
                 planned_va: str | None = None) -> ReturnEntry | None:
    """The device's return, or None when it holds no reservation or keeps the one it has."""
    held = _HELD.get(device.state)
    if held is None or mode is None:
        return None
    target_va = planned_va or device.virtual_account
    if mode is held and target_va == device.virtual_account:
        return None
    units = [f"{device.pid}:{device.serial}"]
    units += [f"{m.pid}:{m.serial}" for m in device.members if m.serial != device.serial]
    return ReturnEntry(device.virtual_account, device.site, device.hostname, device.pid,
                       device.serial, tuple(units), held, mode, target_va)
