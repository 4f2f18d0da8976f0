"""The row-by-row class grouping the columnar one replaced, kept as the tests' oracle.

planner.optimise.classes groups the device table's integer codes with numpy; this is the
grouping it replaced (a dict of Device lists), verbatim but for its names. The equivalence tests
hold the columnar grouping to it: the same classes, ids, order, contents and devices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter

from planner.catalogue import Catalogue, ProductFamily, version_key
from planner.model import Device, Estate, LicenceUse
from planner.optimise.classes import extra_members, merged_licences, slup_state, train_of
from planner.plan import DeviceClass


@dataclass(frozen=True, slots=True)
class RowClasses:
    classes: tuple[DeviceClass, ...]
    devices: Mapping[str, tuple[Device, ...]]
    families: Mapping[str, ProductFamily | None]


_Key = tuple[str, str, str, int, str, str, str]
_DEVICE_ORDER = attrgetter("serial", "hostname", "pid")
_SERIAL = attrgetter("serial")
_VERSION = attrgetter("version")


def _slup_text(value: bool | None) -> str:
    return "?" if value is None else ("slup" if value else "classic")


def build_classes_by_rows(estate: Estate, catalogue: Catalogue) -> RowClasses:
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
    return RowClasses(tuple(classes), members, family_of)



def _sort_key(key: _Key, lic_text: dict[int, str]) -> tuple[str, ...]:
    site, va, family_id, lic, train, state, slup_text = key
    return (site, va, family_id, train, state, slup_text, lic_text[lic])
