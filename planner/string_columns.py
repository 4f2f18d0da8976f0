"""Whole-column checks on pyarrow string columns, read straight from their buffers.

A string column is one buffer of bytes and one of offsets; numpy and `re` read both without
building a Python string per cell. Used where the readers and validation ask a yes/no question
of a million cells (does any cell need stripping, hold a control character, repeat another):
the answer comes from one pass over the bytes, and only the rare cells it flags are looked at
one by one, by the precise code that always did.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import pa

# Odd 64-bit constants (from splitmix64 and the golden ratio): multiplying by one is a
# bijection on 64-bit words, so folding a word in never loses it.
_MIX_A = np.uint64(0x9E3779B97F4A7C15)
_MIX_B = np.uint64(0xBF58476D1CE4E5B9)
_MIX_C = np.uint64(0x94D049BB133111EB)
_ROWS_AT_ONCE = 1 << 16  # rows padded to whole words at a time (bounds the scratch memory)


def _buffers(strings: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Each cell's start and end in the data buffer (one more offset than cells), and the data
    buffer itself, for a string or large_string array (any slice of one)."""
    offset_type = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    _validity, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
        strings.offset:strings.offset + len(strings) + 1].astype(np.int64)
    data = np.zeros(0, np.uint8) if data_buffer is None else np.frombuffer(data_buffer, np.uint8)
    return offsets, data


def fingerprints(strings: Any) -> npt.NDArray[np.uint64]:
    """A 64-bit fingerprint per cell of a string array (no nulls): equal cells have equal
    fingerprints, so cells whose fingerprints differ differ. Equal fingerprints do not prove
    equal cells (a collision is possible, if about 2**-64 a pair): a caller that finds a
    repeat must compare the cells themselves."""
    if not len(strings):
        return np.zeros(0, dtype=np.uint64)
    offsets, data = _buffers(strings)
    lengths = np.diff(offsets)
    out = np.empty(len(lengths), dtype=np.uint64)
    first, last = int(lengths.min()), int(lengths.max())
    if first == last:  # every cell as long (serials usually are): the bytes as they lie
        cells = data[offsets[0]:offsets[-1]].reshape(len(lengths), first)
        out[:] = _fold(cells, first)
        return out
    # Cells grouped by length, each group copied into one run of equal-width rows.
    order = np.argsort(lengths, kind="stable")
    grouped = strings.take(pa.array(order, type=pa.int64()))
    g_offsets, g_data = _buffers(grouped)
    g_lengths = lengths[order]
    bounds = [*np.flatnonzero(np.diff(g_lengths, prepend=-1)).tolist(), len(order)]
    for start, stop in pairwise(bounds):
        width = int(g_lengths[start])
        lo, hi = int(g_offsets[start]), int(g_offsets[stop])
        out[order[start:stop]] = _fold(g_data[lo:hi].reshape(stop - start, width), width)
    return out


def _fold(cells: npt.NDArray[np.uint8], width: int) -> npt.NDArray[np.uint64]:
    """The fingerprints of equal-width cells (one row of bytes each), a block of rows at a
    time: the length, then each 8-byte word, folded in by xor and an odd multiply."""
    out = np.empty(len(cells), dtype=np.uint64)
    words = (width + 7) // 8
    for start in range(0, len(cells), _ROWS_AT_ONCE):
        block = cells[start:start + _ROWS_AT_ONCE]
        padded = np.zeros((len(block), words * 8), dtype=np.uint8)
        padded[:, :width] = block
        as_words = padded.view(np.uint64)
        h = np.full(len(block), width, dtype=np.uint64)
        h *= _MIX_A  # array arithmetic wraps modulo 2**64 silently, as a hash wants
        h += _MIX_C
        for j in range(words):
            h ^= as_words[:, j]
            h *= _MIX_B
            h ^= h >> np.uint64(31)
        h *= _MIX_C
        h ^= h >> np.uint64(29)
        out[start:start + len(block)] = h
    return out


def all_distinct(prints: npt.NDArray[np.uint64]) -> bool:
    """True when no fingerprint repeats (so no two of their cells are equal): one sort."""
    ordered = np.sort(prints)
    return not bool((ordered[1:] == ordered[:-1]).any())


def edges_not_printable(strings: Any) -> npt.NDArray[np.bool_]:
    """Per cell: does it start or end with a byte outside printable ASCII without the space
    (`!` to `~`)? Exactly the cells the regex `^[^!-~]|[^!-~]$` matches, as a cell that starts
    or ends with any other character starts or ends with such a byte in UTF-8."""
    offsets, data = _buffers(strings)
    nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
    out = np.zeros(len(strings), dtype=bool)
    if len(nonempty):
        first = data[offsets[nonempty]]
        last = data[offsets[nonempty + 1] - 1]
        out[nonempty] = ((first < 0x21) | (first > 0x7E)) | ((last < 0x21) | (last > 0x7E))
    return out


def any_match(strings: Any, pattern: re.Pattern[bytes]) -> bool:
    """Does any cell hold a match of `pattern`, a pattern of single bytes that cannot match
    across a cell boundary (a character class)? One scan of the column's bytes."""
    if not len(strings):
        return False
    offsets, data = _buffers(strings)
    return pattern.search(data[int(offsets[0]):int(offsets[-1])].data) is not None
