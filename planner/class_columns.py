"""The plan's classes as columns for the writers: a third of a million classes at a million
devices, so plan.json and devices.csv read each class attribute as one array, never a Python
object per class per file.

Columns are in `plan.classes` order. A class's decision is the last of `plan.class_decisions`
that names its id (what a dict filled in decision order gives). Strings become JSON literals
on whole arrays: quoted by pyarrow, and only the rare value holding a character JSON escapes
(a quote, a backslash, a control character) goes through the `json` module's own encoder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, large_text, pa, pc, string_buffers
from planner.plan import ClassDecision, DeviceClass

# What json.dumps(ensure_ascii=False) escapes in a string: `"`, `\` and U+0000..U+001F.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'
_STR = json.encoder.encode_basestring  # JSONEncoder(ensure_ascii=False)'s string encoder


def strings(values: Sequence[str | None]) -> Any:
    """Python strings (None: null) as one large_string array."""
    return pa.array(values, pa.large_string())


def json_strings(array: Any) -> Any:
    """Each string of a large_string array as a JSON string literal, byte for byte what
    `json.dumps(value, ensure_ascii=False)` writes; a null becomes `null`."""
    quoted = pc.binary_join_element_wise(large_text('"'), array, large_text('"'), large_text(""))
    escaped = holding(array, _JSON_ESCAPED)
    if array.null_count:
        escaped &= array.is_valid().to_numpy(zero_copy_only=False)
    if escaped.any():
        values = array.take(from_numpy(np.flatnonzero(escaped))).to_pylist()
        quoted = pc.replace_with_mask(quoted, from_numpy(escaped),
                                      strings([_STR(v) for v in values]))
    return pc.fill_null(quoted, large_text("null"))


def byte_set(chars: bytes) -> npt.NDArray[np.bool_]:
    """A lookup table: which of the 256 byte values are in `chars`."""
    wanted = np.zeros(256, dtype=bool)
    wanted[np.frombuffer(chars, dtype=np.uint8)] = True
    return wanted


def holding(column: Any, chars: bytes) -> npt.NDArray[np.bool_]:
    """Per string, whether it holds any byte of `chars` (ASCII: never inside a UTF-8 tail),
    found on the data buffer in one pass, not string by string. Bytes below the digits (CSV's
    quote, comma and line ends) are rare in names: one comparison picks the few bytes up to
    the highest of `chars` and only those are looked up. Otherwise (JSON's escapes include the
    backslash, above the digits and capitals) a comparison per run of consecutive byte values
    marks them, several times faster than a lookup per byte. (A null reads as its bytes, none
    when pyarrow made it.)"""
    offsets, data = string_buffers(column)
    out = np.zeros(len(column), dtype=bool)
    if not len(column):
        return out
    span = data[offsets[0]:offsets[-1]]
    if max(chars) < ord("0"):
        low = np.flatnonzero(span <= max(chars))
        hits = low[byte_set(chars)[span[low]]]
    else:
        found = np.zeros(len(span), dtype=bool)
        scratch = np.empty(len(span), dtype=bool)
        for first, last in _runs(sorted(set(chars))):
            if first == last:
                np.equal(span, first, out=scratch)
            elif first == 0:
                np.less_equal(span, last, out=scratch)
            else:
                np.logical_and(span >= first, span <= last, out=scratch)
            found |= scratch
        hits = np.flatnonzero(found)
    out[np.searchsorted(offsets, hits + offsets[0], side="right") - 1] = True
    return out


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct integers as runs of consecutive values: (first, last) each."""
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def json_numbers(values: npt.NDArray[np.int64]) -> Any:
    """Integers as JSON number literals (a large_string array)."""
    return pc.cast(from_numpy(values.astype(np.int64, copy=False)), pa.large_string())


@dataclass(frozen=True, slots=True)
class ClassColumns:
    """Per class (in `plan.classes` order): its id, its decision's index, mode and server site
    (-1 or null where the class has no decision, null where the decision names no server);
    and the classes' order by id."""

    ids: Any  # large_string
    by_id: npt.NDArray[np.int64]  # class indices sorted by id (ties in class order)
    decision: npt.NDArray[np.int32]  # index into the decisions, -1: none
    mode: Any  # large_string, null: no decision
    server_site: Any  # large_string, null: no decision or no server

    def __len__(self) -> int:
        return len(self.ids)


def class_columns(classes: Sequence[DeviceClass],
                  decisions: Sequence[ClassDecision]) -> ClassColumns:
    """The classes' ids and decisions as columns."""
    ids = strings(list(map(attrgetter("id"), classes)))
    # A stable sort on UTF-8 bytes: the order of sorted() on the Python strings.
    by_id: npt.NDArray[np.int64] = pc.sort_indices(ids).to_numpy().astype(np.int64)
    decision = _decision_of_class(ids, by_id, decisions)
    if not decisions:
        empty = pa.nulls(len(classes), pa.large_string())
        return ClassColumns(ids, by_id, decision, empty, empty)
    at = from_numpy(decision, decision < 0)
    modes = strings(list(map(attrgetter("mode"), decisions)))  # StrEnum: each is its value
    servers = strings([d.server_site or None for d in decisions])
    return ClassColumns(ids, by_id, decision, modes.take(at), servers.take(at))


def _decision_of_class(ids: Any, by_id: npt.NDArray[np.int64],
                       decisions: Sequence[ClassDecision]) -> npt.NDArray[np.int32]:
    """Per class, the index of the last decision naming its id (-1: none).

    The solver's decisions come one per class sorted by id: when they match the sorted ids
    and no two classes share an id, that is a permutation and no lookup is needed; otherwise
    each id is looked up by hash.
    """
    out = np.full(len(ids), -1, dtype=np.int32)
    if not decisions or not len(ids):
        return out
    named = strings(list(map(attrgetter("class_id"), decisions)))
    if len(named) == len(ids):
        ranked = ids.take(from_numpy(by_id))
        if (pc.all(pc.equal(named, ranked)).as_py()
                and not pc.any(pc.equal(ranked[1:], ranked[:-1])).as_py()):
            out[by_id] = np.arange(len(ids), dtype=np.int32)
            return out
    last = len(named) - 1
    found = pc.index_in(ids, value_set=named[::-1])  # the first match: the last decision
    valid = found.is_valid().to_numpy(zero_copy_only=False)
    out[valid] = last - found.drop_null().to_numpy()
    return out


def joined_bytes(lines: Any) -> memoryview:
    """The UTF-8 bytes of every string of a large_string array, one after another: a view of
    its data buffer between the first and the last offset, not a copy (the view keeps the
    buffer alive until it is written; a copy of a plan.json block is megabytes of fresh pages)."""
    if not len(lines):
        return memoryview(b"")
    offsets, data = lines.buffers()[1], lines.buffers()[2]
    bounds = np.frombuffer(offsets, dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data).cast("B")[int(bounds[0]):int(bounds[-1])]
