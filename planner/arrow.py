"""pyarrow, imported in one place so that its memory pool is chosen before it starts.

pyarrow picks its default allocator (mimalloc) as it starts, so the choice must be made before
the first import. The C library's allocator serves the large column buffers with mmap and
unmaps them when freed, so one stage's columns do not stack on the next stage's peak. Measured,
`planner validate` at a million devices: 595 MiB peak with it against 737 MiB with jemalloc
and more with mimalloc. A pool the user chose with ARROW_DEFAULT_MEMORY_POOL is left alone.
Every module imports pyarrow from here (tests/test_arrow_pool.py).
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

__all__ = ["as_large", "from_numpy", "large_text", "pa", "pa_csv", "pc", "string_buffers"]


def large_text(value: str) -> Any:
    """A large_string scalar: pyarrow's string kernels take one string type at a time."""
    return pa.scalar(value, pa.large_string())


def as_large(column: Any) -> Any:
    """A string column as large_string (a table may hold string or large_string)."""
    return column if column.type == pa.large_string() else pc.cast(column, pa.large_string())


def string_buffers(strings: Any) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8]]:
    """A string array's cell bounds in its data buffer (one more offset than cells; int32, or
    int64 for a large_string array) and the data buffer itself, as numpy views (any slice)."""
    offset_type = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    _validity, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
        strings.offset:strings.offset + len(strings) + 1]
    data = np.zeros(0, np.uint8) if data_buffer is None else np.frombuffer(data_buffer, np.uint8)
    return offsets, data


def from_numpy(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None = None) -> Any:
    """A numpy array of numbers or booleans as a pyarrow array (numbers share the buffer),
    null where `mask` is true (as `pa.array(values, mask=mask)`).

    `pa.array(<numpy array>)` asks numpy for `np.ma` to rule out a masked array, and numpy
    imports numpy.ma (~7 ms) the first time it is asked: a whole 10k-device plan takes ~0.15 s
    from files to plan files, so every conversion builds the array over the buffer instead.
    """
    validity = None
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little"))
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [validity, pa.py_buffer(bits)])
    contiguous = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(contiguous.dtype), len(contiguous),
                                 [validity, pa.py_buffer(contiguous)])
