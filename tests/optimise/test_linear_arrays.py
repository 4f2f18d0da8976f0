"""LinearModel's array paths (blocks, violations) against the plain row-by-row reading of the
same model, on generated models: the same sub-models entry for entry, the same rows named."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.optimise.linear import INF, LinearModel


@st.composite
def models(draw: st.DrawFn) -> LinearModel:
    """Columns in 1-3 blocks (each block one run of columns, or blocks interleaved); rows whose
    columns all lie in one block (as the formulation writes them), some empty, some with
    repeated or cancelling terms."""
    lm = LinearModel()
    n = draw(st.integers(1, 12))
    blocks = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    if draw(st.booleans()):  # block by block, as the formulation adds them: each block a run
        blocks.sort()
    for j in range(n):
        lm.var(f"x{j}", lb=draw(st.sampled_from((0.0, 1.0))),
               ub=draw(st.sampled_from((1.0, 5.0, INF))), integer=draw(st.booleans()),
               cost=draw(st.floats(-5, 5, allow_nan=False)), block=blocks[j],
               whole=draw(st.booleans()))
    for i in range(draw(st.integers(0, 12))):
        b = draw(st.integers(0, 2))
        cols = [j for j in range(n) if lm.block[j] == b]
        terms = [(draw(st.sampled_from(cols)), draw(st.sampled_from((1.0, -1.0, 2.5, 0.0))))
                 for _ in range(draw(st.integers(0, 4)))] if cols else []
        lo = draw(st.sampled_from((-INF, 0.0, 1.0)))
        lm.row(f"r{i}", terms, lo=lo, hi=draw(st.sampled_from((INF, 1.0, 3.0))),
               cut=draw(st.booleans()))
    return lm


def _blocks_by_rows(lm: LinearModel) -> list[tuple[LinearModel, list[int]]]:
    """The split read row by row, through the public row and var calls."""
    ids = sorted(set(lm.block))
    if len(ids) <= 1:
        return [(lm, list(range(len(lm.col_names))))]
    out = []
    for bid in ids:
        cols = [j for j, b in enumerate(lm.block) if b == bid]
        local = {j: k for k, j in enumerate(cols)}
        sub = LinearModel()
        for j in cols:
            sub.var(lm.col_names[j], lb=lm.lb[j], ub=lm.ub[j], integer=lm.integer[j],
                    cost=lm.cost[j], whole=lm.whole[j])
        for i, name in enumerate(lm.row_names):
            s, e = lm.starts[i], lm.starts[i + 1]
            if s == e or lm.block[lm.index[s]] != bid:
                continue
            sub.row(name, [(local[lm.index[k]], lm.value[k]) for k in range(s, e)],
                    lo=lm.row_lo[i], hi=lm.row_hi[i], cut=lm.cut[i])
        out.append((sub, cols))
    return out


def _state(lm: LinearModel) -> dict[str, object]:
    return {k: list(v) for k, v in vars(lm).items()}


@settings(max_examples=200, deadline=None, derandomize=True)
@given(lm=models())
def test_blocks_split_as_row_by_row(lm: LinearModel) -> None:
    got = lm.blocks()
    want = _blocks_by_rows(lm)
    assert [cols for _, cols in got] == [cols for _, cols in want]
    for (a, _), (b, _) in zip(got, want, strict=True):
        assert _state(a) == _state(b)
        assert all(type(v) is float for v in a.value) and all(type(i) is int for i in a.index)


def _violations_by_rows(lm: LinearModel, values: list[float], tol: float) -> list[str]:
    bad = []
    for j, v in enumerate(values):
        if v < lm.lb[j] - tol or v > lm.ub[j] + tol:
            bad.append(f"bound {lm.col_names[j]}")
        if (lm.integer[j] or lm.whole[j]) and abs(v - round(v)) > 1e-5:
            bad.append(f"integrality {lm.col_names[j]}")
    for i, name in enumerate(lm.row_names):
        s, e = lm.starts[i], lm.starts[i + 1]
        act = math.fsum(lm.value[k] * values[lm.index[k]] for k in range(s, e))
        scale = max(1.0, abs(lm.row_lo[i]) if lm.row_lo[i] > -INF else 1.0,
                    abs(lm.row_hi[i]) if lm.row_hi[i] < INF else 1.0)
        if act < lm.row_lo[i] - tol * scale or act > lm.row_hi[i] + tol * scale:
            bad.append(f"row {name}")
    return bad


@settings(max_examples=200, deadline=None, derandomize=True)
@given(lm=models(), data=st.data())
def test_violations_name_what_row_by_row_names(lm: LinearModel, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.sampled_from((0.0, 0.5, 1.0, 2.0, 6.0)),
                                min_size=len(lm.col_names), max_size=len(lm.col_names)))
    got = [v.rpartition("=")[0] for v in lm.violations(values, tol=1e-5)]
    assert got == _violations_by_rows(lm, values, 1e-5)
