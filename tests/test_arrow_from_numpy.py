"""planner.arrow.from_numpy: numpy arrays into pyarrow without numpy.ma.

`pa.array(<numpy array>)` makes numpy import numpy.ma (~7 ms) the first time, a seventh of
loading a 10k-device estate; from_numpy builds the array over the numpy buffer instead and
must give exactly what pa.array gives.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from planner.arrow import from_numpy, pa

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "federal-agency" / "estate.yaml"

_DTYPES = st.sampled_from([np.int8, np.int32, np.int64, np.uint16, np.uint64, np.float64,
                           np.bool_])


@given(hnp.arrays(_DTYPES, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40)),
       st.integers(1, 3))
def test_from_numpy_equals_pa_array(values: np.ndarray, step: int) -> None:
    # Strided and transposed views too: the buffer is made contiguous first.
    view = values.T[0] if values.ndim == 2 and values.shape[1] else values.reshape(-1)[::step]
    got = from_numpy(view)
    assert got.equals(pa.array(view))
    got.validate(full=True)


def test_from_numpy_keeps_the_values_alive() -> None:
    got = from_numpy(np.arange(5, dtype=np.int64) * 3)  # the array itself is not kept here
    assert got.to_pylist() == [0, 3, 6, 9, 12]


_PROBE = """
import sys
from planner.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("imported:", *(m for m in ("numpy.ma", "dateutil") if m in sys.modules), file=sys.stderr)
"""


def test_validate_imports_neither_numpy_ma_nor_dateutil() -> None:
    """Reading and validating an estate converts no numpy array with pa.array and hands
    pyarrow no untyped Python scalar (whose type inference imports dateutil)."""
    proc = subprocess.run([sys.executable, "-c", _PROBE, "-q", "validate", str(EXAMPLE),
                           "--date", "2026-12-01"], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "imported:", proc.stderr[-2000:]
