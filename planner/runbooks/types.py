"""Runbook data: steps, carry items, per-device runbooks and the settings that fill placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from planner.model import Device, Mode


class StepKind(StrEnum):
    DEVICE = "device"  # CLI on the device
    PORTAL = "portal"  # in CSSM, CSLU or SSM On-Prem
    CARRY = "carry"  # move a file or code across the boundary by hand
    MANUAL = "manual"  # no confirmed command: the operator obtains it from the named source


class Direction(StrEnum):
    OUT = "out"  # from the device's site to the CSSM workstation
    IN = "in"  # from the CSSM workstation to the device


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    kind: StepKind
    context: str = ""  # "config" or "exec" for device steps
    lines: tuple[str, ...] = ()
    verify: str = ""
    expect: str = ""
    source: str = ""  # "title <url>" of the Cisco document
    confirmed: bool = True
    note: str = ""  # why manual confirmation is needed, or guidance
    member: str = ""  # "PID:serial" when the step is per stack member / supervisor


@dataclass(frozen=True, slots=True)
class CarryItem:
    """One file or code an operator carries across the boundary on a given trip."""

    trip: int  # 1 out (request codes, usage), 2 in (authorizations, ACKs), 3 out (confirmations)
    direction: Direction
    kind: str
    site: str
    hostname: str
    member: str  # "PID:serial" or "" for the whole device
    item: str  # file name or code description
    pick_up: str  # where it is collected
    deliver: str  # where it goes


@dataclass(frozen=True, slots=True)
class PlannedDevice:
    """A device with what the plan decided for it (from a solved Plan or a saved plan.json)."""

    device: Device
    mode: Mode | None
    server_site: str | None = None
    reserved: tuple[tuple[str, int], ...] = ()  # (tag, count) to reserve (slr/plr)


@dataclass(frozen=True, slots=True)
class RunbookSettings:
    """Values the plan cannot know; anything missing stays a visible <placeholder>."""

    server_urls: Mapping[str, str] = field(default_factory=dict)  # server site -> transport URL
    cslu_url: str = ""
    proxy_host: str = ""
    proxy_port: str = ""


@dataclass(frozen=True, slots=True)
class DeviceRunbook:
    hostname: str
    pid: str
    serial: str
    site: str
    virtual_account: str
    family: str  # product family id, "" when unknown
    version: str
    state: str
    mode: Mode | None
    server_site: str | None
    platform: str  # command-catalogue platform id, "" when none applies
    units: tuple[str, ...]  # "PID:serial" of the device then each further stack member
    variables: Mapping[str, object]
    prechecks: tuple[Step, ...]
    steps: tuple[Step, ...]
    rollback: tuple[Step, ...]
    carry: tuple[CarryItem, ...]

    @property
    def unconfirmed(self) -> tuple[Step, ...]:
        """Steps the operator must confirm or obtain before the change window."""
        return tuple(s for s in (*self.prechecks, *self.steps, *self.rollback)
                     if not s.confirmed or s.kind is StepKind.MANUAL)
