"""Reservation returns: a device holding an SLR or PLR today that the plan puts into another mode
(or another Virtual Account) must return its reservation first, so CSSM releases the licences.

The return is a device command that prints a return code, entered in CSSM for the product
instance (CSSM help "Update Reserved Licenses"; Cisco how-to LIC217546). The runbooks put it
before the new mode's steps and on the carry list; the plan lists the returns per Virtual Account.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Device, LicensingState, Mode
from planner.slac import units_of

_HELD = {LicensingState.SLR: Mode.SLR, LicensingState.PLR: Mode.PLR}


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


def returned_reservation(state: LicensingState, mode: Mode | None, *,
                         moves_account: bool = False) -> Mode | None:
    """The reservation (SLR or PLR) a device in `state` returns when planned into `mode`, or
    None when it holds none, has no planned mode, or keeps the one it has (same mode, same
    Virtual Account). planner.writers.obligations applies it per (state, mode) pair."""
    held = _HELD.get(state)
    if held is None or mode is None or (mode is held and not moves_account):
        return None
    return held


def return_entry(device: Device, mode: Mode | None,
                 planned_va: str | None = None) -> ReturnEntry | None:
    """The device's return, or None when it holds no reservation or keeps the one it has."""
    target_va = planned_va or device.virtual_account
    held = returned_reservation(device.state, mode,
                                moves_account=target_va != device.virtual_account)
    if held is None or mode is None:
        return None
    return ReturnEntry(device.virtual_account, device.site, device.hostname, device.pid,
                       device.serial, units_of(device), held, mode, target_va)
