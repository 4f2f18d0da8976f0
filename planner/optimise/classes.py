"""Aggregate identical devices into classes, so the model grows with classes, not with devices.

Two devices fall in one class when everything the model and the eligibility rules read about them
is equal: site, Virtual Account, product family, licence set, software train, licensing state,
and whether the software runs Smart Licensing Using Policy (the one version fact eligibility
reads: `planner.eligibility`). Classes and their devices are sorted, so ids are stable.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, pa, pc
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
    codes: ClassCodes  # per class, the codes of its key (arrays, in class order)
    id_ranks: npt.NDArray[np.int64]  # per class, its id's position in sorted id order

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


def _distinct(keys: npt.NDArray[np.int64],
              space: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """`np.unique(keys, return_inverse=True)` for keys in range(space): a table lookup when the
    space is small (a few distinct PIDs, versions and states), no sort of a million keys. (A
    plain np.unique would also import numpy.ma, ~7 ms, to rule out a masked array.)"""
    if space > max(4 * len(keys), 1 << 16):
        found, inverse = np.unique(keys, return_inverse=True)
        return found, inverse.reshape(-1)
    seen = np.zeros(space, dtype=bool)
    seen[keys] = True
    position = np.cumsum(seen) - 1
    return np.flatnonzero(seen), position[keys]


def _sorted_rows(keys: Sequence[npt.NDArray[np.int64]], sizes: Sequence[int], table: DeviceTable,
                 pid_rank: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64],
                                                           npt.NDArray[np.bool_]]:
    """The rows in class order, each class's rows by serial, hostname, PID and then file order,
    and per position in that order whether it starts a class. Classes are the rows equal on
    `keys` (ranks, so ascending key order is the sort order of the values): one sort does both
    the grouping and the order within classes."""
    n = len(table)
    columns: dict[str, Any] = {}
    if math.prod(max(k, 1) for k in sizes) < 2**62:
        combined = np.zeros(n, dtype=np.int64)
        for key, size in zip(keys, sizes, strict=True):
            combined = combined * max(size, 1) + key
        columns["k"] = combined
    else:
        columns.update((f"k{i}", key) for i, key in enumerate(keys))
    names = list(columns)
    columns.update(p=pid_rank, r=np.arange(n, dtype=np.int64))
    arrays = {k: from_numpy(v) for k, v in columns.items()}  # over numpy's buffers
    arrays.update(s=table.serial, h=table.hostname)
    order: npt.NDArray[np.int64] = pc.sort_indices(
        pa.table(arrays), sort_keys=[(k, "ascending") for k in
                                     (*names, "s", "h", "p", "r")]).to_numpy().astype(np.int64)
    new = np.ones(n, dtype=bool)
    for name in names:
        ranked = np.asarray(columns[name])[order]
        new[1:] &= ranked[1:] == ranked[:-1]
    np.logical_not(new, out=new)
    if n:
        new[0] = True
    return order, new


@dataclass(frozen=True, slots=True)
class ClassCodes:
    """Per class, in class order, the integer codes of its key: what the model's data is worked
    out from with arrays, where a third of a million DeviceClass objects would be slow to read.
    Every class's field value is `<values>[<codes>[i]]` (e.g. its site is
    `sites[site[i]]`)."""

    site: npt.NDArray[np.int64]  # into `sites`
    virtual_account: npt.NDArray[np.int64]  # into `virtual_accounts`
    family: npt.NDArray[np.int64]  # into `family_ids` ("" : PID unknown)
    state: npt.NDArray[np.int64]  # into `states`
    slup: npt.NDArray[np.int64]  # into `slup_texts` ("slup", "classic" or "?")
    licences: npt.NDArray[np.int64]  # into `licence_sets`
    version: npt.NDArray[np.int64]  # the lowest version, into `versions` (sorted low to high)
    devices: npt.NDArray[np.int64]
    members: npt.NDArray[np.int64]
    sites: tuple[str, ...]
    virtual_accounts: tuple[str, ...]
    family_ids: tuple[str, ...]
    states: tuple[str, ...]
    slup_texts: tuple[str, ...]
    licence_sets: tuple[tuple[LicenceUse, ...], ...]
    versions: tuple[str, ...]


def _class_ids(parts: Sequence[tuple[Sequence[str], npt.NDArray[np.int64]]],
               ) -> tuple[list[str], dict[str, int], npt.NDArray[np.int64]]:
    """Each class's id: its key's texts joined by "/" (joined by pyarrow, one column per part);
    where ids written alike collide, every later one takes "#<position>" so ids stay unique.
    And each id's position in the list (the class index) and in sorted id order."""
    if not len(parts[0][1]):
        return [], {}, np.zeros(0, dtype=np.int64)
    columns = [pa.array(values, pa.string()).take(from_numpy(codes)) for values, codes in parts]
    joined = pc.binary_join_element_wise(*columns, pa.scalar("/", pa.string()))
    ids: list[str] = joined.to_pylist()
    index = dict(zip(ids, range(len(ids)), strict=True))
    if len(index) == len(ids):  # no two ids alike
        return ids, index, _ranks_of_text(joined)
    seen: set[str] = set()
    for c, class_id in enumerate(ids):
        if class_id in seen:
            class_id = ids[c] = f"{class_id}#{c}"
        seen.add(class_id)
    index = dict(zip(ids, range(len(ids)), strict=True))
    return ids, index, _ranks_of_text(pa.array(ids, pa.string()))


def _ranks_of_text(texts: Any) -> npt.NDArray[np.int64]:
    """Each text of a pyarrow string array: its position in sorted order (pyarrow sorts UTF-8
    bytes, which is code point order, as Python sorts str)."""
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[pc.sort_indices(texts).to_numpy()] = np.arange(len(texts))
    return ranks


def build_classes(estate: Estate, catalogue: Catalogue) -> Classes:
    """Group the estate's devices into classes (deterministic ids and order).

    Grouping runs on the table's integer codes: the family, train and SLUP answer are worked out
    once per distinct (PID, version, state), the merged licence set once per distinct licences
    cell, and rows are sorted by pyarrow on the ranks of those values (then serial, hostname,
    PID), so the class order is the order of (site, Virtual Account, family, train, state,
    SLUP, licence text) as text. Each class's fields are then read from per-class arrays.
    """
    table = DeviceTable.of(estate.devices)
    n = len(table)
    # Per distinct (PID, version, state): family id, train, state, SLUP answer.
    nv, ns = max(len(table.version.values), 1), max(len(table.state.values), 1)
    meta_key = (table.pid.codes.astype(np.int64) * nv + table.version.codes) * ns \
        + table.state.codes
    metas, meta_of_row = _distinct(meta_key, max(len(table.pid.values), 1) * nv * ns)
    families: dict[str, ProductFamily] = {}
    family_of_pid: dict[str, ProductFamily | None] = {}
    fid_values: dict[str, int] = {}
    train_values: dict[str, int] = {}
    slup_values: dict[str, int] = {}
    state_values: dict[str, int] = {}
    meta_codes = np.zeros((4, len(metas)), dtype=np.int64)
    trains_of: dict[str, str] = {}
    slups_of: dict[tuple[str, str, LicensingState], str] = {}
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
        # PIDs of one family share their versions' answers: each worked out once.
        train = trains_of.get(version)
        if train is None:
            train = trains_of[version] = train_of(version)
        slup = slups_of.get((fid, version, state))
        if slup is None:
            slup = slups_of[(fid, version, state)] = _slup_text(
                slup_state(family, version, state))
        meta_codes[:, m] = (fid_values.setdefault(fid, len(fid_values)),
                            train_values.setdefault(train, len(train_values)),
                            state_values.setdefault(state.value, len(state_values)),
                            slup_values.setdefault(slup, len(slup_values)))
    # The same merged licence set may come from different spellings: one id per merged set,
    # numbered in order of first appearance.
    merged_index: dict[tuple[LicenceUse, ...], int] = {}
    lic_merged = np.array([merged_index.setdefault(merged_licences(cell), len(merged_index))
                           for cell in table.licences.values], dtype=np.int64)
    merged_sets = tuple(merged_index)
    lic_text = ["+".join(f"{u.tag}x{u.count}" if u.count != 1 else u.tag for u in m)
                for m in merged_sets]
    if n:
        present = _distinct(table.licences.codes.astype(np.int64),
                            max(len(table.licences.values), 1))[0]
        first_use = np.full(len(merged_sets), n, dtype=np.int64)
        np.minimum.at(first_use, lic_merged[present], present)
    else:
        first_use = np.zeros(len(merged_sets), dtype=np.int64)
    fids, trains, states, sluts = (tuple(d) for d in (fid_values, train_values, state_values,
                                                      slup_values))
    meta_rows = meta_codes[:, meta_of_row] if n else np.zeros((4, 0), dtype=np.int64)
    lic_rows = lic_merged[table.licences.codes] if n else np.zeros(0, dtype=np.int64)
    ranked = [
        (_ranks(table.site.values), table.site.codes),
        (_ranks(table.virtual_account.values), table.virtual_account.codes),
        (_ranks(fids), meta_rows[0]),
        (_ranks(trains), meta_rows[1]),
        (_ranks(states), meta_rows[2]),
        (_ranks(sluts), meta_rows[3]),
        # Licence text, then (for two sets written alike) the set seen first.
        (_ranks(list(zip(lic_text, first_use.tolist(), strict=True))), lic_rows),
    ]
    keys = [ranks[codes] for ranks, codes in ranked]
    pid_rank = _ranks(table.pid.values)[table.pid.codes]
    order, new = _sorted_rows(keys, [len(ranks) for ranks, _codes in ranked], table, pid_rank)
    group_in_order = np.cumsum(new) - 1
    group = np.empty(n, dtype=np.int64)
    group[order] = group_in_order
    heads = np.flatnonzero(new)
    starts = np.append(heads, n).astype(np.int64)
    sizes = np.diff(starts)
    # Eligibility is judged on the lowest version of the class: every version in it shares
    # the family, the train and the SLUP answer, which is all the rules read.
    versions = table.version.values
    version_rank = _ranks(versions, key=lambda v: (version_key(v), v))
    by_rank = tuple(sorted(versions, key=lambda v: (version_key(v), v)))
    lowest = np.minimum.reduceat(version_rank[table.version.codes[order]], heads) \
        if n else np.zeros(0, dtype=np.int64)
    extra = np.zeros(len(heads), dtype=np.int64)
    stacks = table.members
    if len(stacks):
        # Members beyond the device itself (a stack lists its own serial as member 1 or not).
        own = table.serial.take(from_numpy(np.asarray(stacks.entry_rows(), dtype=np.int64)))
        same = pc.equal(stacks.serial, own).to_numpy(zero_copy_only=False).astype(np.int64)
        beyond = stacks.lengths() - np.add.reduceat(same, stacks.offsets[:-1])
        np.add.at(extra, group[stacks.rows], beyond)
    # Per class, the codes of its first row (every row of a class shares them).
    first = order[heads]
    meta_c = meta_of_row[first]
    codes = ClassCodes(
        site=table.site.codes[first].astype(np.int64),
        virtual_account=table.virtual_account.codes[first].astype(np.int64),
        family=meta_codes[0][meta_c], state=meta_codes[2][meta_c], slup=meta_codes[3][meta_c],
        licences=lic_rows[first], version=lowest.astype(np.int64), devices=sizes,
        members=extra, sites=tuple(table.site.values),
        virtual_accounts=tuple(table.virtual_account.values), family_ids=fids, states=states,
        slup_texts=sluts, licence_sets=merged_sets, versions=by_rank)
    train_c = meta_codes[1][meta_c]
    ids, index, id_ranks = _class_ids([
        (codes.sites, codes.site), (codes.virtual_accounts, codes.virtual_account),
        ([f or "unknown" for f in fids], codes.family), ([t or "-" for t in trains], train_c),
        (states, codes.state), (sluts, codes.slup),
        ([t or "none" for t in lic_text], codes.licences)])
    serials = tuple(table.serial.take(from_numpy(order)).to_pylist())  # a tuple slices to tuples
    bounds = starts.tolist()

    def column(values: Sequence[Any], at: npt.NDArray[np.int64]) -> list[Any]:
        # Through an object array: numpy's take, then one tolist (each value filled in on its
        # own, as numpy would unpack a list of tuples into a 2-D array).
        objects = np.empty(len(values), dtype=object)
        for k, value in enumerate(values):
            objects[k] = value
        got: list[Any] = objects[at].tolist()
        return got

    is_slup = [s == "slup" for s in sluts]
    classes = tuple(map(
        _make_class, ids, column(codes.sites, codes.site), column(fids, codes.family),
        column(merged_sets, codes.licences), column(trains, train_c), sizes.tolist(),
        extra.tolist(), column(codes.virtual_accounts, codes.virtual_account),
        map(serials.__getitem__, map(slice, bounds[:-1], bounds[1:])),
        column(by_rank, codes.version), column(states, codes.state),
        column(is_slup, codes.slup)))
    family_of = _FamilyOf(index, codes.family.tolist(), [families.get(f) for f in fids])
    return Classes(classes, family_of, table, order, starts, group.astype(np.int32), index,
                   codes, id_ranks)


class _FamilyOf(Mapping[str, ProductFamily | None]):
    """Class id -> its product family (None: PID unknown), read through the class index and
    the per-class family codes rather than held in a dict of a third of a million ids."""

    __slots__ = ("_codes", "_families", "_index")

    def __init__(self, index: Mapping[str, int], codes: list[int],
                 families: list[ProductFamily | None]) -> None:
        self._index, self._codes, self._families = index, codes, families

    def __getitem__(self, class_id: str) -> ProductFamily | None:
        return self._families[self._codes[self._index[class_id]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)
