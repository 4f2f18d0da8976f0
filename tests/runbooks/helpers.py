"""Hand-built estates and helpers for the runbook tests (no loader, no solver)."""

from __future__ import annotations

from collections.abc import Iterable

from planner.catalogue import load_catalogue
from planner.model import (
    ClassificationPolicy,
    DataElement,
    Device,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Mode,
    Site,
    SmartAccount,
    StackMember,
)
from planner.runbooks.catalogue import load_command_catalogue
from planner.runbooks.steps import device_runbook
from planner.runbooks.types import DeviceRunbook, PlannedDevice, RunbookSettings
from tests.estate_builder import build_estate

POLICIES = (
    ClassificationPolicy("open", frozenset(Mode), frozenset(DataElement), hostname_privacy=False),
    ClassificationPolicy("regulated", frozenset(Mode),
                         frozenset(DataElement) - {DataElement.HOSTNAME}),
    ClassificationPolicy("ot", frozenset(Mode),
                         frozenset({DataElement.PID_SERIAL, DataElement.ENTITLEMENT_USAGE})),
    ClassificationPolicy("secret", frozenset({Mode.SLR, Mode.PLR}),
                         frozenset({DataElement.PID_SERIAL})),
)
SITES = (
    Site("NET", "Internet site", "open", InternetAccess.DIRECT),
    Site("PRX", "Proxy site", "regulated", InternetAccess.PROXY),
    Site("OT1", "Substation", "ot", InternetAccess.NONE),
    Site("DC1", "Data centre", "regulated", InternetAccess.PROXY, tags=("dc",)),
    Site("VAULT", "Vault", "secret", InternetAccess.NONE),
)


def make_device(hostname: str, pid: str, version: str, state: str, site: str = "VAULT",
                members: Iterable[str] = (), licences: str = "network-advantage:1") -> Device:
    uses = tuple(LicenceUse(t, int(n)) for t, n in (x.split(":") for x in licences.split(";")))
    return Device(hostname=hostname, pid=pid, serial=f"SN{hostname.upper()}", site=site,
                  virtual_account="DEFAULT", version=version, state=LicensingState(state),
                  licences=uses,
                  members=tuple(StackMember(pid, s) for s in members))


def make_estate(devices: Iterable[Device]) -> Estate:
    return build_estate(devices, name="Runbook fixtures",
                        account=SmartAccount("Runco", "run.example"), sites=SITES,
                        policies=POLICIES)


def runbook(device: Device, mode: Mode | None, *, server: str | None = None,
            reserved: tuple[tuple[str, int], ...] = (),
            settings: RunbookSettings | None = None) -> DeviceRunbook:
    estate = make_estate([device])
    return device_runbook(estate, PlannedDevice(device, mode, server, reserved),
                          load_catalogue(), load_command_catalogue(),
                          settings or RunbookSettings())


def titles(rb: DeviceRunbook) -> list[str]:
    return [s.title for s in rb.steps]


def all_lines(rb: DeviceRunbook) -> list[str]:
    return [line for s in rb.steps for line in s.lines]
