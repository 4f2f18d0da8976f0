"""Join device records from several sources (device CSVs, NetBox, evidence captures) into one.

Records match on (PID, serial), then serial, then hostname (only where one side has no serial).
The first source's non-empty field wins; blanks are filled from later sources; disagreements are
reported as warnings naming both sources, never silently picked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from planner.device_table import DeviceTable
from planner.model import Device, LicensingState
from planner.problems import Problem, warning

# Fields a later source may fill when the earlier record leaves them blank.
_FILLABLE = ("hostname", "pid", "serial", "site", "virtual_account", "version", "state",
             "licences", "members", "smart_account")
# Fields whose disagreement is worth a warning (a version or hostname drift is ordinary).
_CHECKED = ("pid", "site", "virtual_account", "state", "licences")


@dataclass(frozen=True, slots=True)
class DeviceSource:
    """One source's devices, in file order; `name` is how messages name the source."""

    name: str
    devices: Sequence[Device]


@dataclass(frozen=True, slots=True)
class JoinResult:
    devices: DeviceTable
    problems: list[Problem]


def _blank(value: object) -> bool:
    return value in ("", (), None, LicensingState.UNKNOWN)


def _where(device: Device, source: str) -> str:
    return str(device.origin) if device.origin is not None else source


def join_devices(sources: Sequence[DeviceSource]) -> JoinResult:
    """Merge `sources` in order into one device list (first source first, then new devices).

    Duplicates WITHIN one source are kept as separate records (validation reports a duplicate
    serial); only records from different sources are merged. With one source its table is
    returned untouched, so the common case costs nothing; several sources are joined record by
    record and the result made a table again.
    """
    if len(sources) <= 1:
        return JoinResult(DeviceTable.of(sources[0].devices) if sources
                          else DeviceTable.empty(), [])
    merged: list[Device] = []
    owner: list[str] = []  # source name of each merged record's first contributor
    by_pid_serial: dict[tuple[str, str], int] = {}
    by_serial: dict[str, int] = {}
    by_host: dict[str, int] = {}
    problems: list[Problem] = []
    for source in sources:
        claimed: set[int] = set()  # merged records this source already joined (no double-merge)
        for device in source.devices:
            serial = device.serial.strip().upper()
            host = device.hostname.strip().casefold()
            idx = by_pid_serial.get((device.pid.strip().upper(), serial)) if serial else None
            if idx is None and serial:
                idx = by_serial.get(serial)
            if idx is None and host:
                cand = by_host.get(host)
                if cand is not None and (not serial or not merged[cand].serial):
                    idx = cand
            if idx is None or idx in claimed or owner[idx] == source.name:
                idx = len(merged)
                merged.append(device)
                owner.append(source.name)
            else:
                merged[idx] = _merge(merged[idx], device, owner[idx], source.name, problems)
            claimed.add(idx)
            current = merged[idx]
            if current.serial:
                key = current.serial.strip().upper()
                by_serial.setdefault(key, idx)
                by_pid_serial.setdefault((current.pid.strip().upper(), key), idx)
            if current.hostname:
                by_host.setdefault(current.hostname.strip().casefold(), idx)
    return JoinResult(DeviceTable.from_devices(merged), problems)


def _merge(first: Device, later: Device, first_source: str, later_source: str,
           problems: list[Problem]) -> Device:
    changes: dict[str, object] = {}
    for name in _FILLABLE:
        mine, theirs = getattr(first, name), getattr(later, name)
        if _blank(mine) and not _blank(theirs):
            changes[name] = theirs
        elif name in _CHECKED and not _blank(theirs) and mine != theirs:
            where = first.origin.file if first.origin else first_source
            problems.append(warning(
                where, f"device {first.serial or first.hostname}: {name} is {_show(mine)} in "
                f"{_where(first, first_source)} but {_show(theirs)} in "
                f"{_where(later, later_source)}; keeping {_show(mine)}",
                line=first.origin.line if first.origin else None, column=name,
                expected="sources that agree"))
    return dataclasses.replace(first, **changes) if changes else first  # type: ignore[arg-type]


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return repr(";".join(f"{getattr(v, 'tag', getattr(v, 'pid', ''))}:"
                             f"{getattr(v, 'count', getattr(v, 'serial', ''))}" for v in value))
    return repr(str(value))
