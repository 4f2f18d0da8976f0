"""The licensing-mode catalogue (models/modes.yaml), typed: what each mode needs and costs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from planner.cadence import network_reauths, offline_trips, onprem_manual_syncs
from planner.model import ClassificationPolicy, CostAssumptions, DataElement, Mode
from planner.model_yaml import load_model
from planner.resources import models_dir


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """One licensing mode, as the optimiser and the eligibility rules read it.

    The first fields are the engine contract; the fields after `source` were added later with
    defaults (backward compatible): per-site setup, recurring per-device labour, and the work an
    SSM On-Prem server needs per year (manual syncs are per server, not per site served).
    """

    mode: Mode
    name: str
    needs_internet: bool  # the site itself must reach CSSM (cssm-direct; cslu connected)
    needs_server: bool  # an SSM On-Prem server must serve the site (onprem-*)
    server_needs_internet: bool  # the server site must reach CSSM (onprem-network)
    needs_slup: bool  # offline reporting (and CSLU) needs SLUP software
    reservation: bool  # slr/plr: licences locked to the device
    pooled: bool
    data_leaving: frozenset[DataElement]  # what leaves the site's boundary in this mode
    transfers_per_year: float  # how often that data leaves (automatic or carried)
    manual_trips_per_year: float  # trips across an air gap per site (0 for networked modes)
    hours_initial_per_device: float
    hours_initial_per_member: float  # extra per stack member / supervisor (reservation codes)
    hours_per_site_year: float  # recurring per site: report round trips, collector upkeep
    hours_per_change: float  # per reservation change (device churn)
    source: str
    hours_initial_per_site: float = 0.0
    hours_per_device_year: float = 0.0  # recurring per device: saving reports, importing acks
    hours_per_server_year: float = 0.0  # recurring per On-Prem server: manual syncs
    server_trips_per_year: float = 0.0  # air-gap trips per On-Prem server
    # A recurring task set by a Cisco clock (planner/cadence.py): the yearly fields above are
    # derived from it and these per-occurrence hours, never typed in by hand.
    cadence: str = ""
    hours_per_cadence_site: float = 0.0
    hours_per_cadence_device: float = 0.0
    hours_per_cadence_server: float = 0.0
    # How the device and the reports see the mode (models/modes.yaml, "Fields").
    transport: str = ""  # `license smart transport`: smart, cslu, off; "" for reservations
    carries_media: bool = False  # a recurring sync or report crosses an air gap on media
    reporting_words: str = ""  # how often data leaves, in words
    colour: str = "#bbbbbb"  # chart and map colour

    @property
    def networked(self) -> bool:
        """True when licence data leaves over a network path, without anyone carrying it."""
        return self.needs_internet or self.server_needs_internet

    @property
    def reports_usage(self) -> bool:
        """True when devices send usage reports (every mode but the reservations)."""
        return bool(self.transport)

    @property
    def device_networked(self) -> bool:
        """True when the device pushes its reports over the site network (to CSSM, a CSLU or an
        SSM On-Prem server), even if the server's own sync is carried across an air gap."""
        return self.transport in ("smart", "cslu")


def data_leaving_for(spec: ModeSpec, policy: ClassificationPolicy) -> frozenset[DataElement]:
    """What leaves a site of this policy in this mode: hostnames stay in when privacy is set."""
    if policy.hostname_privacy:
        return spec.data_leaving - {DataElement.HOSTNAME}
    return spec.data_leaving


_BOOL_FIELDS = ("needs_internet", "needs_server", "server_needs_internet", "needs_slup",
                "reservation", "pooled", "carries_media")
_TRANSPORTS = ("smart", "cslu", "off", "")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_FLOAT_FIELDS = tuple(
    f.name for f in fields(ModeSpec)
    if f.name.startswith(("hours_", "transfers_", "manual_trips", "server_trips"))
)


CADENCES = ("report-window", "onprem-sync", "token-reauth")


def with_cadence(spec: ModeSpec, costs: CostAssumptions | None = None) -> ModeSpec:
    """The spec with its yearly trips and hours derived from its Cisco clock (and the estate's
    own margin or sync interval when `costs` sets one)."""
    if spec.cadence == "report-window":
        n = offline_trips(costs).per_year
        return replace(spec, transfers_per_year=n, manual_trips_per_year=n,
                       hours_per_site_year=n * spec.hours_per_cadence_site,
                       hours_per_device_year=n * spec.hours_per_cadence_device)
    if spec.cadence == "onprem-sync":
        n = onprem_manual_syncs(costs).per_year
        return replace(spec, transfers_per_year=n, server_trips_per_year=n,
                       hours_per_server_year=n * spec.hours_per_cadence_server)
    if spec.cadence == "token-reauth":
        return replace(spec, hours_per_server_year=network_reauths().per_year
                       * spec.hours_per_cadence_server)
    return spec


def modes_for(costs: CostAssumptions) -> dict[Mode, ModeSpec]:
    """The mode catalogue as one estate prices it (its own margin or sync interval applied)."""
    base = load_modes()
    if costs.reporting_safety_margin_days is None and \
            costs.onprem_manual_sync_interval_days is None:
        return base
    return {m: with_cadence(spec, costs) for m, spec in base.items()}


def _spec(mode: Mode, raw: dict[str, Any], where: str) -> ModeSpec:
    missing = [k for k in ("name", "data_leaving", "source", "reporting_words", "colour",
                           "transport", *_BOOL_FIELDS) if k not in raw]
    if missing:
        raise ValueError(f"{where}: mode {mode} lacks {', '.join(missing)}")
    values: dict[str, Any] = {name: bool(raw[name]) for name in _BOOL_FIELDS}
    for name in _FLOAT_FIELDS:
        value = float(raw.get(name, 0.0))
        if value < 0:
            raise ValueError(f"{where}: mode {mode} has negative {name}")
        values[name] = value
    transport = str(raw.get("transport") or "")
    if transport not in _TRANSPORTS or (transport == "") != values["reservation"]:
        raise ValueError(f"{where}: mode {mode} has transport {transport!r}; expected one of "
                         "smart, cslu, off (empty only for a reservation)")
    colour = str(raw.get("colour") or "")
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"{where}: mode {mode} has colour {colour!r}; expected #RRGGBB")
    cadence = str(raw.get("cadence") or "")
    if cadence and cadence not in CADENCES:
        raise ValueError(f"{where}: mode {mode} has unknown cadence {cadence!r}")
    return with_cadence(ModeSpec(
        mode=mode,
        name=str(raw["name"]),
        data_leaving=frozenset(DataElement(e) for e in raw["data_leaving"]),
        source=" ".join(str(raw["source"]).split()),
        cadence=cadence,
        transport=transport,
        reporting_words=" ".join(str(raw.get("reporting_words") or "").split()),
        colour=colour,
        **values,
    ))


def read_modes(path: Path) -> dict[Mode, ModeSpec]:
    """Read a mode catalogue file; every Mode must appear exactly once."""
    doc = load_model(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("modes"), dict):
        raise ValueError(f"{path}: expected a mapping with a `modes:` mapping")
    specs: dict[Mode, ModeSpec] = {}
    for key, raw in doc["modes"].items():
        try:
            mode = Mode(key)
        except ValueError:
            raise ValueError(f"{path}: unknown mode {key!r}") from None
        specs[mode] = _spec(mode, raw, str(path))
    absent = sorted(m.value for m in Mode if m not in specs)
    if absent:
        raise ValueError(f"{path}: modes missing from the catalogue: {', '.join(absent)}")
    return {m: specs[m] for m in Mode}


@cache
def load_modes() -> dict[Mode, ModeSpec]:
    """The bundled mode catalogue, read once per process."""
    return read_modes(models_dir() / "modes.yaml")


def modes_where(test: Callable[[ModeSpec], bool]) -> frozenset[Mode]:
    """The modes of the bundled catalogue whose spec passes `test`: the one way code outside the
    optimiser asks "which modes are reservations / need a server / carry media ..."."""
    return frozenset(m for m, spec in load_modes().items() if test(spec))


@cache
def reservation_modes() -> frozenset[Mode]:
    """SLR and PLR in today's catalogue: licences locked to the device."""
    return modes_where(lambda s: s.reservation)


@cache
def server_modes() -> frozenset[Mode]:
    """The SSM On-Prem modes: a server must serve the site."""
    return modes_where(lambda s: s.needs_server)


@cache
def networked_modes() -> frozenset[Mode]:
    """Licence data leaves over a network path, nobody carries it."""
    return modes_where(lambda s: s.networked)


@cache
def carried_modes() -> frozenset[Mode]:
    """A recurring sync or report crosses an air gap on removable media."""
    return modes_where(lambda s: s.carries_media)


@cache
def reporting_modes() -> frozenset[Mode]:
    """Devices send usage reports (every mode but the reservations)."""
    return modes_where(lambda s: s.reports_usage)


@cache
def device_networked_modes() -> frozenset[Mode]:
    """Devices push reports over the site network (to CSSM, a CSLU or an On-Prem server)."""
    return modes_where(lambda s: s.device_networked)


def mode_colour(mode: str) -> str:
    """The chart colour of a mode value (grey for anything not in the catalogue)."""
    try:
        return load_modes()[Mode(mode)].colour
    except ValueError:
        return "#bbbbbb"
