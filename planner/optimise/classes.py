"""Aggregate identical devices into classes, so the model grows with classes, not with devices.

Two devices fall in one class when everything the model and the eligibility rules read about them
is equal: site, Virtual Account, product family, licence set, software train, licensing state,
and whether the software runs Smart Licensing Using Policy (the one version fact eligibility
reads: `planner.eligibility`). Classes and their devices are sorted, so ids are stable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.catalogue import Catalogue, ProductFamily, runs_slup, version_key
from planner.model import Device, Estate, LicenceUse, LicensingState
from planner.plan import DeviceClass


@dataclass(frozen=True, slots=True)
class Classes:
    """The classes of an estate and, per class id, its devices (sorted by serial, hostname)."""

    classes: tuple[DeviceClass, ...]
    devices: Mapping[str, tuple[Device, ...]]
    families: Mapping[str, ProductFamily | None]  # class id -> family (None: PID unknown)


def train_of(version: str) -> str:
    """The software train: the first two numbers of the version (`17.9.4a` -> `17.9`)."""
    parts = version_key(version)[:2]
    return ".".join(str(p) for p in parts)


def slup_state(family: ProductFamily | None, version: str, state: LicensingState) -> bool | None:
    """Whether the device runs SLUP; None when unknown (as planner.eligibility reads it)."""
    if state is LicensingState.SLUP:
        return True
    if family is None:
        return None
    if family.slup_from is None:
        return False
    if not version:
        return None
    return runs_slup(family, version)


def extra_members(device: Device) -> int:
    """Stack/HA members beyond the device itself: each needs its own reservation codes."""
    return sum(1 for m in device.members if m.serial != device.serial)


def merged_licences(licences: Iterable[LicenceUse]) -> tuple[LicenceUse, ...]:
    """One entry per tag, counts summed, sorted by tag (`a:1;a:1` is `a:2`)."""
    counts: dict[str, int] = defaultdict(int)
    for use in licences:
        counts[use.tag] += use.count
    return tuple(LicenceUse(tag, n) for tag, n in sorted(counts.items()) if n > 0)


_Key = tuple[str, str, str, tuple[LicenceUse, ...], str, str, str]


def _slup_text(value: bool | None) -> str:
    return "?" if value is None else ("slup" if value else "classic")


def build_classes(estate: Estate, catalogue: Catalogue) -> Classes:
    """Group the estate's devices into classes (deterministic ids and order)."""
    groups: dict[_Key, list[Device]] = defaultdict(list)
    family_of: dict[_Key, ProductFamily | None] = {}
    # A million devices share a few hundred PIDs, versions and licence sets: memoise per value.
    pid_family: dict[str, ProductFamily | None] = {}
    lic_sets: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]] = {}
    soft: dict[tuple[str, str, LicensingState], tuple[str, str]] = {}
    for device in estate.devices:
        if device.pid not in pid_family:
            pid_family[device.pid] = catalogue.family_for_pid(device.pid)
        family = pid_family[device.pid]
        licences = lic_sets.get(device.licences)
        if licences is None:
            licences = lic_sets[device.licences] = merged_licences(device.licences)
        fid = family.id if family else ""
        sw = soft.get((fid, device.version, device.state))
        if sw is None:
            slup = slup_state(family, device.version, device.state)
            sw = soft[(fid, device.version, device.state)] = (train_of(device.version),
                                                              _slup_text(slup))
        key: _Key = (device.site, device.virtual_account, fid, licences, sw[0],
                     device.state.value, sw[1])
        groups[key].append(device)
        family_of[key] = family
    classes: list[DeviceClass] = []
    members: dict[str, tuple[Device, ...]] = {}
    families: dict[str, ProductFamily | None] = {}
    for key in sorted(groups, key=_sort_key):
        site, va, family_id, licences, train, state, slup_text = key
        devs = tuple(sorted(groups[key], key=lambda d: (d.serial, d.hostname, d.pid)))
        lic_text = "+".join(f"{u.tag}x{u.count}" if u.count != 1 else u.tag for u in licences)
        class_id = "/".join((site, va, family_id or "unknown", train or "-", state, slup_text,
                             lic_text or "none"))
        if class_id in members:  # ids containing "/" could collide: keep every id unique
            class_id += f"#{len(classes)}"
        # Eligibility is judged on the lowest version of the class: every version in it shares
        # the family, the train and the SLUP answer, which is all the rules read.
        version = min({d.version for d in devs}, key=lambda v: (version_key(v), v))
        classes.append(DeviceClass(
            id=class_id, site=site, family=family_id, licences=licences, train=train,
            devices=len(devs), members=sum(extra_members(d) for d in devs),
            virtual_account=va, device_serials=tuple(d.serial for d in devs),
            version=version, state=state, runs_slup=slup_text == "slup",
        ))
        members[class_id] = devs
        families[class_id] = family_of[key]
    return Classes(tuple(classes), members, families)


def _sort_key(key: _Key) -> tuple[str, ...]:
    site, va, family_id, licences, train, state, slup_text = key
    lic_text = ";".join(f"{u.tag}:{u.count}" for u in licences)
    return (site, va, family_id, train, state, slup_text, lic_text)
