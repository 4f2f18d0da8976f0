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
from operator import attrgetter

from planner.catalogue import Catalogue, ProductFamily, version_key
from planner.eligibility import slup_answer
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
    """Whether the device runs SLUP; None when unknown (the one rule: eligibility.slup_answer)."""
    return slup_answer(family, version, state)


def extra_members(device: Device) -> int:
    """Stack/HA members beyond the device itself: each needs its own reservation codes."""
    serial = device.serial
    return len(device.members) - sum(m.serial == serial for m in device.members)


def merged_licences(licences: Iterable[LicenceUse]) -> tuple[LicenceUse, ...]:
    """One entry per tag, counts summed, sorted by tag (`a:1;a:1` is `a:2`)."""
    counts: dict[str, int] = defaultdict(int)
    for use in licences:
        counts[use.tag] += use.count
    return tuple(LicenceUse(tag, n) for tag, n in sorted(counts.items()) if n > 0)


_Key = tuple[str, str, str, int, str, str, str]
_DEVICE_ORDER = attrgetter("serial", "hostname", "pid")
_SERIAL = attrgetter("serial")
_VERSION = attrgetter("version")


def _slup_text(value: bool | None) -> str:
    return "?" if value is None else ("slup" if value else "classic")


def build_classes(estate: Estate, catalogue: Catalogue) -> Classes:
    """Group the estate's devices into classes (deterministic ids and order)."""
    # A million devices share a few hundred PIDs, versions and licence sets: memoise per value
    # (and per object: the loader interns licence tuples), and group on small ints first.
    lic_index: dict[tuple[LicenceUse, ...], int] = {}
    lic_by_id: dict[int, int] = {}
    lic_sets: list[tuple[LicenceUse, ...]] = []
    meta_index: dict[tuple[str, str, int], int] = {}
    metas: list[tuple[str, str, str, str]] = []  # (family id, train, state, SLUP text)
    families: dict[str, ProductFamily] = {}
    raw: dict[tuple[str, str, int, int], list[Device]] = defaultdict(list)
    for device in estate.devices:
        lic = lic_by_id.get(id(device.licences))
        if lic is None:
            lic = lic_index.get(device.licences)
            if lic is None:
                lic = lic_index[device.licences] = len(lic_sets)
                lic_sets.append(merged_licences(device.licences))
            lic_by_id[id(device.licences)] = lic
        mkey = (device.pid, device.version, id(device.state))
        meta = meta_index.get(mkey)
        if meta is None:
            family = catalogue.family_for_pid(device.pid)
            if family is not None:
                families[family.id] = family
            slup = slup_state(family, device.version, device.state)
            meta = meta_index[mkey] = len(metas)
            metas.append((family.id if family else "", train_of(device.version),
                          device.state.value, _slup_text(slup)))
        raw[(device.site, device.virtual_account, lic, meta)].append(device)
    # The same merged licence set may come from different spellings: one id per merged set.
    merged_id = {m: i for i, m in enumerate(dict.fromkeys(lic_sets))}
    lic_text = {i: "+".join(f"{u.tag}x{u.count}" if u.count != 1 else u.tag for u in m)
                for m, i in merged_id.items()}
    regroup: dict[_Key, list[Device]] = defaultdict(list)
    for (site, va, lic, meta), found in raw.items():
        fid, train, state, slup_text = metas[meta]
        regroup[(site, va, fid, merged_id[lic_sets[lic]], train, state, slup_text)].extend(found)
    merged_sets = list(merged_id)
    vkey: dict[str, tuple[tuple[int, ...], str]] = {}
    classes: list[DeviceClass] = []
    members: dict[str, tuple[Device, ...]] = {}
    family_of: dict[str, ProductFamily | None] = {}
    for key in sorted(regroup, key=lambda k: _sort_key(k, lic_text)):
        site, va, family_id, lic, train, state, slup_text = key
        devs = tuple(sorted(regroup[key], key=_DEVICE_ORDER))
        class_id = "/".join((site, va, family_id or "unknown", train or "-", state, slup_text,
                             lic_text[lic] or "none"))
        if class_id in members:  # ids containing "/" could collide: keep every id unique
            class_id += f"#{len(classes)}"
        # Eligibility is judged on the lowest version of the class: every version in it shares
        # the family, the train and the SLUP answer, which is all the rules read.
        versions = set(map(_VERSION, devs))
        for v in versions:
            if v not in vkey:
                vkey[v] = (version_key(v), v)
        version = min(versions, key=vkey.__getitem__)
        classes.append(DeviceClass(
            id=class_id, site=site, family=family_id, licences=merged_sets[lic], train=train,
            devices=len(devs), members=sum(extra_members(d) for d in devs if d.members),
            virtual_account=va, device_serials=tuple(map(_SERIAL, devs)),
            version=version, state=state, runs_slup=slup_text == "slup",
        ))
        members[class_id] = devs
        family_of[class_id] = families.get(family_id)
    return Classes(tuple(classes), members, family_of)



def _sort_key(key: _Key, lic_text: dict[int, str]) -> tuple[str, ...]:
    site, va, family_id, lic, train, state, slup_text = key
    return (site, va, family_id, train, state, slup_text, lic_text[lic])
