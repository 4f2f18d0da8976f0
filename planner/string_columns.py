"""Whole-column checks on pyarrow string columns, read straight from their buffers.

A string column is one buffer of bytes and one of offsets; numpy and `re` read both without
building a Python string per cell. Used where the readers and validation ask a yes/no question
of a million cells (does any cell need stripping, hold a control character, repeat another):
the answer comes from one pass over the bytes, and only the rare cells it flags are looked at
one by one, by the precise code that always did.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, string_buffers

# Odd 64-bit constants (from splitmix64 and the golden ratio): multiplying by one is a
# bijection on 64-bit words, so folding a word in never loses it.
_MIX_A = np.uint64(0x9E3779B97F4A7C15)
_MIX_B = np.uint64(0xBF58476D1CE4E5B9)
_MIX_C = np.uint64(0x94D049BB133111EB)
# Per byte value: outside `!` to `~` (space, controls, DEL, and every byte of a non-ASCII
# character's UTF-8)?
_NOT_PRINTABLE = np.ones(256, dtype=bool)
_NOT_PRINTABLE[0x21:0x7F] = False


def fingerprints(strings: Any) -> npt.NDArray[np.uint64]:
    """A 64-bit fingerprint per cell of a string array (no nulls): equal cells have equal
    fingerprints, so cells whose fingerprints differ differ. Equal fingerprints do not prove
    equal cells (a collision is possible, if about 2**-64 a pair): a caller that finds a
    repeat must compare the cells themselves."""
    if not len(strings):
        return np.zeros(0, dtype=np.uint64)
    offsets, data = string_buffers(strings)
    lengths = np.diff(offsets)
    out = np.empty(len(lengths), dtype=np.uint64)
    first, last = int(lengths.min()), int(lengths.max())
    if first == last:  # every cell as long (serials usually are): the bytes as they lie
        cells = data[offsets[0]:offsets[-1]].reshape(len(lengths), first)
        out[:] = _fold(cells, first)
        return out
    # Cells grouped by length, each group copied into one run of equal-width rows.
    # Lengths as 16-bit keys when they fit: numpy sorts those by radix, in linear time.
    order = np.argsort(lengths.astype(np.int16) if last < 1 << 15 else lengths, kind="stable")
    grouped = strings.take(from_numpy(order))
    g_offsets, g_data = string_buffers(grouped)
    g_lengths = lengths[order]
    bounds = [*np.flatnonzero(np.diff(g_lengths, prepend=-1)).tolist(), len(order)]
    for start, stop in pairwise(bounds):
        width = int(g_lengths[start])
        lo, hi = int(g_offsets[start]), int(g_offsets[stop])
        out[order[start:stop]] = _fold(g_data[lo:hi].reshape(stop - start, width), width)
    return out


def _fold(cells: npt.NDArray[np.uint8], width: int) -> npt.NDArray[np.uint64]:
    """The fingerprints of equal-width cells (one C-ordered row of bytes each): the width, then
    each 8-byte word of the row, folded in by xor and an odd multiply.

    A row of 8 bytes or more is read as words where it lies, the last word ending at the row's
    end (overlapping the one before when the width is not a multiple of 8: the words still
    determine every byte); a shorter row is padded with zeros to one word."""
    rows = len(cells)
    if width >= 8:
        starts = [min(8 * j, width - 8) for j in range((width + 7) // 8)]
        base = np.ascontiguousarray(cells).reshape(-1)
        words = [np.ndarray((rows,), dtype=np.uint64, buffer=base, offset=at, strides=(width,))
                 for at in starts]
    else:
        padded = np.zeros((rows, 8), dtype=np.uint8)
        padded[:, :width] = cells
        words = [padded.view(np.uint64).reshape(-1)]
    h = np.full(rows, width, dtype=np.uint64)
    h *= _MIX_A  # array arithmetic wraps modulo 2**64 silently, as a hash wants
    h += _MIX_C
    for word in words:
        h ^= word
        h *= _MIX_B
        h ^= h >> np.uint64(31)
    h *= _MIX_C
    h ^= h >> np.uint64(29)
    return h


def all_distinct(prints: npt.NDArray[np.uint64]) -> bool:
    """True when no fingerprint repeats (so no two of their cells are equal): one sort, done in
    place (`prints` comes back sorted)."""
    prints.sort()
    return not bool((prints[1:] == prints[:-1]).any())


def edges_not_printable(strings: Any) -> npt.NDArray[np.bool_]:
    """Per cell: does it start or end with a byte outside printable ASCII without the space
    (`!` to `~`)? Exactly the cells the regex `^[^!-~]|[^!-~]$` matches, as a cell that starts
    or ends with any other character starts or ends with such a byte in UTF-8."""
    offsets, data = string_buffers(strings)
    starts, ends = offsets[:-1], offsets[1:]
    if len(starts) and int((ends - starts).min()) > 0:  # no empty cell (the usual case)
        edges: npt.NDArray[np.bool_] = _NOT_PRINTABLE[data[starts]] | _NOT_PRINTABLE[data[ends - 1]]
        return edges
    nonempty = np.flatnonzero(ends > starts)
    out = np.zeros(len(strings), dtype=bool)
    if len(nonempty):
        out[nonempty] = (_NOT_PRINTABLE[data[starts[nonempty]]]
                         | _NOT_PRINTABLE[data[ends[nonempty] - 1]])
    return out


def all_ascii(strings: Any) -> bool:
    """Is every cell ASCII? One pass over the column's bytes: a UTF-8 string is ASCII exactly
    when none of its bytes is 0x80 or above. (pyarrow's string_is_ascii fills its Unicode tables
    the first time, ~2.5 ms of a 10k-device run.)"""
    if not len(strings):
        return True
    offsets, data = string_buffers(strings)
    body = data[int(offsets[0]):int(offsets[-1])]
    return not len(body) or int(body.max()) < 0x80


def any_control(strings: Any) -> bool:
    """Does any cell hold a C0 control character or DEL (U+0000 to U+001F, U+007F)? In UTF-8
    those bytes encode only those characters, so the column's smallest byte and a search for
    0x7F answer it, a pass over the bytes each, no per-cell work."""
    if not len(strings):
        return False
    offsets, data = string_buffers(strings)
    body = data[int(offsets[0]):int(offsets[-1])]
    return bool(len(body)) and (int(body.min()) < 0x20 or bool((body == 0x7F).any()))
