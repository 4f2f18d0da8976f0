"""planner.arrow.from_numpy: numpy arrays into pyarrow without numpy.ma (and neither validate
nor plan imports it, or dateutil).

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

def _same(got: pa.Array, expected: pa.Array) -> bool:
    """Equal type, nulls and values, NaN included (Array.equals holds NaN unequal to itself)."""
    window = len(expected) + 1
    return bool(got.type == expected.type and got.null_count == expected.null_count
                and got.to_string(window=window) == expected.to_string(window=window))


_DTYPES = st.sampled_from([np.int8, np.int32, np.int64, np.uint16, np.uint64, np.float64,
                           np.bool_])


@given(hnp.arrays(_DTYPES, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40)),
       st.integers(1, 3))
def test_from_numpy_equals_pa_array(values: np.ndarray, step: int) -> None:
    # Strided and transposed views too: the buffer is made contiguous first.
    view = values.T[0] if values.ndim == 2 and values.shape[1] else values.reshape(-1)[::step]
    got = from_numpy(view)
    assert _same(got, pa.array(view))
    got.validate(full=True)


@given(hnp.arrays(_DTYPES, st.integers(0, 80)), st.data())
def test_from_numpy_with_a_mask_equals_pa_array(values: np.ndarray, data: st.DataObject) -> None:
    mask = data.draw(hnp.arrays(np.bool_, len(values)))
    got = from_numpy(values, mask)
    assert _same(got, pa.array(values, mask=mask))
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


def _imported(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", _PROBE, "-q", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False, timeout=120)
    return proc.stderr.strip().splitlines()[-1]


def test_validate_imports_neither_numpy_ma_nor_dateutil() -> None:
    """Reading and validating an estate converts no numpy array with pa.array and hands
    pyarrow no untyped Python scalar (whose type inference imports dateutil)."""
    assert _imported("validate", str(EXAMPLE), "--date", "2026-12-01") == "imported:"


def test_plan_imports_neither_numpy_ma_nor_dateutil(tmp_path: Path) -> None:
    """The same for a whole plan: classes, model data and every plan file."""
    assert _imported("plan", str(EXAMPLE), "-o", str(tmp_path / "plan"),
                     "--date", "2026-12-01") == "imported:"
    assert (tmp_path / "plan" / "plan.json").is_file()
