"""Aggregate identical devices into classes, so the model grows with classes, not with devices.

Two devices fall in one class when everything the model and the eligibility rules read about them
is equal: site, Virtual Account, product family, licence set, software train, licensing state,
and whether the software runs Smart Licensing Using Policy (the one version fact eligibility
reads: `planner.eligibility`). Classes and their devices are sorted, so ids are stable.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import pa, pc
from planner.catalogue import Catalogue, ProductFamily, version_key
from planner.device_table import DeviceTable
from planner.eligibility import slup_answer
from planner.model import Device, Estate, LicenceUse, LicensingState
from planner.plan import DeviceClass
from planner.readers._build import fast_constructor


@dataclass(frozen=True, slots=True)
class Classes:
    """The classes of an estate, and which device rows each holds.

    Class i holds the table rows `order[starts[i]:starts[i + 1]]`, sorted by serial, hostname
    and PID; `class_of_row[r]` is the index of row r's class. Devices are built from the table
    only where an output names them one by one (`devices_of`).
    """

    classes: tuple[DeviceClass, ...]
    families: Mapping[str, ProductFamily | None]  # class id -> family (None: PID unknown)
    table: DeviceTable
    order: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]  # len(classes) + 1 offsets into `order`
    class_of_row: npt.NDArray[np.int32]
    index: Mapping[str, int]  # class id -> position in `classes`

    def rows(self, class_id: str) -> npt.NDArray[np.int64]:
        """The table rows of one class, in the class's device order."""
        i = self.index[class_id]
        return self.order[int(self.starts[i]):int(self.starts[i + 1])]

    def devices_of(self, class_ids: Sequence[str]) -> list[tuple[Device, ...]]:
        """The devices of each class in `class_ids` (sorted by serial, hostname, PID), built
        in one pass over the rows they hold."""
        spans = [self.rows(cid) for cid in class_ids]
        rows = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
        built = self.table.rows(rows)
        out: list[tuple[Device, ...]] = []
        at = 0
        for span in spans:
            out.append(tuple(built[at:at + len(span)]))
            at += len(span)
        return out


# A third of a million classes at a million devices: built without per-field setattr calls.
_make_class = fast_constructor(DeviceClass)


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


def _slup_text(value: bool | None) -> str:
    return "?" if value is None else ("slup" if value else "classic")


def _ranks(values: Sequence[Any], key: Callable[[Any], Any] | None = None) -> npt.NDArray[np.int64]:
    """Each value's position in sorted order (ties share no rank: sorted is stable)."""
    order = sorted(range(len(values)), key=(lambda i: values[i]) if key is None
                   else (lambda i: key(values[i])))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values), dtype=np.int64)
    return ranks


def _group(keys: Sequence[npt.NDArray[np.int64]],
           sizes: Sequence[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(first row of each group, group of each row) for rows grouped on equal `keys`, groups in
    ascending key order (the keys are ranks, so that is the sort order of the values)."""
    if math.prod(max(n, 1) for n in sizes) < 2**62:
        combined = np.zeros(len(keys[0]), dtype=np.int64)
        for key, n in zip(keys, sizes, strict=True):
            combined = combined * max(n, 1) + key
        _unique, first, group = np.unique(combined, return_index=True, return_inverse=True)
        return first, group.reshape(-1)
    order = np.lexsort(tuple(reversed(keys)))
    stacked = np.stack([k[order] for k in keys])
    new = np.ones(len(order), dtype=bool)
    new[1:] = (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    return order[new], group


def build_classes(estate: Estate, catalogue: Catalogue) -> Classes:
    """Group the estate's devices into classes (deterministic ids and order).

    Grouping runs on the table's integer codes: the family, train and SLUP answer are worked out
    once per distinct (PID, version, state), the merged licence set once per distinct licences
    cell, and rows are grouped by numpy on the ranks of those values, so the class order is the
    order of (site, Virtual Account, family, train, state, SLUP, licence text) as text.
    """
    table = DeviceTable.of(estate.devices)
    n = len(table)
    # Per distinct (PID, version, state): family id, train, state, SLUP answer.
    nv, ns = max(len(table.version.values), 1), max(len(table.state.values), 1)
    meta_key = (table.pid.codes.astype(np.int64) * nv + table.version.codes) * ns \
        + table.state.codes
    metas, meta_of_row = np.unique(meta_key, return_inverse=True)
    meta_of_row = meta_of_row.reshape(-1)
    families: dict[str, ProductFamily] = {}
    family_of_pid: dict[str, ProductFamily | None] = {}
    fid_values: dict[str, int] = {}
    train_values: dict[str, int] = {}
    slup_values: dict[str, int] = {}
    state_values: dict[str, int] = {}
    meta_codes = np.zeros((4, len(metas)), dtype=np.int64)
    for m, key in enumerate(metas.tolist()):
        pid = table.pid.values[key // (nv * ns)]
        version = table.version.values[key // ns % nv]
        state = table.state.values[key % ns]
        if pid not in family_of_pid:
            family_of_pid[pid] = catalogue.family_for_pid(pid)
        family = family_of_pid[pid]
        if family is not None:
            families[family.id] = family
        fid = family.id if family else ""
        train = train_of(version)
        slup = _slup_text(slup_state(family, version, state))
        meta_codes[:, m] = (fid_values.setdefault(fid, len(fid_values)),
                            train_values.setdefault(train, len(train_values)),
                            state_values.setdefault(state.value, len(state_values)),
                            slup_values.setdefault(slup, len(slup_values)))
    # The same merged licence set may come from different spellings: one id per merged set,
    # numbered in order of first appearance.
    merged_index: dict[tuple[LicenceUse, ...], int] = {}
    lic_merged = np.array([merged_index.setdefault(merged_licences(cell), len(merged_index))
                           for cell in table.licences.values], dtype=np.int64)
    merged_sets = list(merged_index)
    lic_text = ["+".join(f"{u.tag}x{u.count}" if u.count != 1 else u.tag for u in m)
                for m in merged_sets]
    if n:
        present = np.unique(table.licences.codes)
        first_use = np.full(len(merged_sets), n, dtype=np.int64)
        np.minimum.at(first_use, lic_merged[present], present)
    else:
        first_use = np.zeros(len(merged_sets), dtype=np.int64)
    fids, trains, states, sluts = (list(d) for d in (fid_values, train_values, state_values,
                                                     slup_values))
    ranked = [
        (_ranks(table.site.values), table.site.codes),
        (_ranks(table.virtual_account.values), table.virtual_account.codes),
        (_ranks(fids), meta_codes[0][meta_of_row]),
        (_ranks(trains), meta_codes[1][meta_of_row]),
        (_ranks(states), meta_codes[2][meta_of_row]),
        (_ranks(sluts), meta_codes[3][meta_of_row]),
        # Licence text, then (for two sets written alike) the set seen first.
        (_ranks(list(zip(lic_text, first_use.tolist(), strict=True))),
         lic_merged[table.licences.codes] if n else np.zeros(0, dtype=np.int64)),
    ]
    keys = [ranks[codes] for ranks, codes in ranked]
    first, group = _group(keys, [len(ranks) for ranks, _codes in ranked]) if n else (
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    # Rows in class order, each class's devices by serial, hostname, PID (then file order).
    pid_rank = _ranks(table.pid.values)[table.pid.codes]
    order = pc.sort_indices(pa.table({
        "c": group, "s": table.serial, "h": table.hostname, "p": pid_rank,
        "r": np.arange(n, dtype=np.int64)}), sort_keys=[(k, "ascending") for k in "cshpr"]
    ).to_numpy().astype(np.int64)
    sizes = np.bincount(group, minlength=len(first)) if n else np.zeros(0, dtype=np.int64)
    starts = np.zeros(len(first) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    # Eligibility is judged on the lowest version of the class: every version in it shares
    # the family, the train and the SLUP answer, which is all the rules read.
    versions = table.version.values
    version_rank = _ranks(versions, key=lambda v: (version_key(v), v))
    by_rank = sorted(versions, key=lambda v: (version_key(v), v))
    lowest = np.minimum.reduceat(version_rank[table.version.codes[order]], starts[:-1]) \
        if n else np.zeros(0, dtype=np.int64)
    extra = np.zeros(len(first), dtype=np.int64)
    stacks = table.members
    if len(stacks):
        # Members beyond the device itself (a stack lists its own serial as member 1 or not).
        own = table.serial.take(pa.array(stacks.entry_rows(), type=pa.int64()))
        same = pc.equal(stacks.serial, own).to_numpy(zero_copy_only=False).astype(np.int64)
        beyond = stacks.lengths() - np.add.reduceat(same, stacks.offsets[:-1])
        np.add.at(extra, group[stacks.rows], beyond)
    serials = table.serial.take(pa.array(order)).to_pylist()
    # Per class, the codes of its first row (every row of a class shares them), as lists: the
    # loop below runs once per class, a third of a million times at a million devices.
    meta_c = meta_of_row[first]
    site_c = table.site.codes[first].tolist()
    va_c = table.virtual_account.codes[first].tolist()
    fid_c, train_c, state_c, slup_c = (meta_codes[k][meta_c].tolist() for k in range(4))
    lic_c = lic_merged[table.licences.codes[first]].tolist() if n else []
    site_values, va_values = table.site.values, table.virtual_account.values
    classes: list[DeviceClass] = []
    family_of: dict[str, ProductFamily | None] = {}
    index: dict[str, int] = {}
    bounds = starts.tolist()
    low_c, members_c = lowest.tolist(), extra.tolist()
    make = _make_class
    for c in range(len(bounds) - 1):
        site, va = site_values[site_c[c]], va_values[va_c[c]]
        family_id, train = fids[fid_c[c]], trains[train_c[c]]
        state, slup_text, lic = states[state_c[c]], sluts[slup_c[c]], lic_c[c]
        class_id = "/".join((site, va, family_id or "unknown", train or "-", state, slup_text,
                             lic_text[lic] or "none"))
        if class_id in index:  # ids containing "/" could collide: keep every id unique
            class_id += f"#{len(classes)}"
        a, b = bounds[c], bounds[c + 1]
        classes.append(make(class_id, site, family_id, merged_sets[lic], train, b - a,
                            members_c[c], va, tuple(serials[a:b]), by_rank[low_c[c]], state,
                            slup_text == "slup"))
        index[class_id] = c
        family_of[class_id] = families.get(family_id)
    return Classes(tuple(classes), family_of, table, order, starts,
                   group.astype(np.int32), index)
