"""A solver-neutral sparse MILP: columns with bounds, costs and integrality; rows in CSR form.

`formulation.py` writes the model here once; `solve.py` hands the same arrays to HiGHS
(highspy, straight from arrays) or to CBC (through PuLP). One representation, two solvers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

INF = math.inf
T = TypeVar("T")


def _taker(at: list[int]) -> Callable[[list[T]], list[T]]:
    """A function picking the items at positions `at` (ascending) of a list: a slice when they
    are one run, as a block's columns and rows usually are (the formulation adds them block by
    block)."""
    if at and at[-1] - at[0] + 1 == len(at):
        first, stop = at[0], at[-1] + 1
        return lambda items: items[first:stop]
    return lambda items: [items[i] for i in at]


class LinearModel:
    """min c'x  s.t.  row_lo <= A x <= row_hi,  lb <= x <= ub,  x_j integer where flagged."""

    def __init__(self) -> None:
        self.col_names: list[str] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.block: list[int] = []  # independent blocks share no row: solved one by one
        # Continuous columns that are whole at every vertex once the integer columns are fixed
        # (a network block): `solve` re-solves such a block as an LP without its cut rows if
        # the MILP left them fractional.
        self.whole: list[bool] = []
        self.cut: list[bool] = []  # valid inequalities: dropped when re-solving for a vertex
        self.row_names: list[str] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def var(self, name: str, *, lb: float = 0.0, ub: float = INF, integer: bool = False,
            cost: float = 0.0, block: int = 0, whole: bool = False) -> int:
        self.block.append(block)
        self.whole.append(whole)
        self.col_names.append(name)
        self.lb.append(lb)
        self.ub.append(ub)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.col_names) - 1

    def add_columns(self, names: list[str], *, lb: float | Sequence[float] = 0.0,
                    ub: float | Sequence[float] = INF, integer: bool = False,
                    block: int = 0, whole: bool = False) -> int:
        """Many columns at once, as `var` would add them one by one (cost 0); the first one's
        index (they are numbered on from it)."""
        n, first = len(names), len(self.col_names)
        self.col_names.extend(names)
        self.lb.extend([lb] * n if isinstance(lb, float) else lb)
        self.ub.extend([ub] * n if isinstance(ub, float) else ub)
        self.cost.extend([0.0] * n)
        self.integer.extend([integer] * n)
        self.block.extend([block] * n)
        self.whole.extend([whole] * n)
        if not len(self.lb) == len(self.ub) == len(self.col_names):
            raise ValueError("add_columns: one bound per name")
        return first

    def add_rows(self, names: list[str], lengths: npt.NDArray[np.int64],
                 index: npt.NDArray[np.int64], value: npt.NDArray[np.float64], *,
                 lo: float | Sequence[float] = -INF, hi: float | Sequence[float] = INF,
                 cut: bool = False) -> None:
        """Many rows at once, exactly as `row` would add them one by one: row i holds the next
        `lengths[i]` (column, coefficient) terms of `index` and `value`, and its bounds are
        `lo` and `hi` (one for every row, or one per row). A family of rows is built from
        arrays this way instead of term by term; rows repeating a column (merged in term
        order by `row`) take `row` itself."""
        n = len(names)
        los = [lo] * n if isinstance(lo, float) else list(lo)
        his = [hi] * n if isinstance(hi, float) else list(hi)
        if (len(los) != n or len(his) != n or int(np.sum(lengths)) != len(index)
                or len(index) != len(value)):
            raise ValueError("add_rows: one length and one bound per row, one value per term")
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        order = np.lexsort((index, rows))  # stable: equal columns keep their term order
        col, coef, rows = index[order], value[order], rows[order]
        if np.any((rows[1:] == rows[:-1]) & (col[1:] == col[:-1])):
            ends = np.cumsum(lengths).tolist()
            for i, name in enumerate(names):
                s, e = (ends[i - 1] if i else 0), ends[i]
                self.row(name, zip(index[s:e].tolist(), value[s:e].tolist(), strict=True),
                         lo=los[i], hi=his[i], cut=cut)
            return
        kept = coef != 0.0
        at = len(self.index)
        self.index.extend(col[kept].tolist())
        self.value.extend(coef[kept].tolist())
        per_row = np.bincount(rows[kept], minlength=n)
        self.starts.extend((at + np.cumsum(per_row)).tolist())
        self.row_names.extend(names)
        self.row_lo.extend(los)
        self.row_hi.extend(his)
        self.cut.extend([cut] * n)

    def add_cost(self, col: int, amount: float) -> None:
        self.cost[col] += amount

    def row(self, name: str, terms: Iterable[tuple[int, float]], *, lo: float = -INF,
            hi: float = INF, cut: bool = False) -> int:
        merged: dict[int, float] = {}
        for col, coef in terms:
            merged[col] = merged.get(col, 0.0) + coef
        for col in sorted(merged):
            if merged[col] != 0.0:
                self.index.append(col)
                self.value.append(merged[col])
        self.starts.append(len(self.index))
        self.row_names.append(name)
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        self.cut.append(cut)
        return len(self.row_names) - 1

    def blocks(self) -> list[tuple[LinearModel, list[int]]]:
        """The model split into its declared blocks: (sub-model, its columns in this model).

        Blocks that share no row are independent: solving them apart proves the same optimum
        (objective and bound add up) with far smaller branch-and-bound trees. A row belongs to
        the block of its first column (a row never spans blocks); empty rows to none. The
        split is done on arrays: the rows are already merged and sorted, and renumbering the
        columns of a block keeps their order, so each sub-model holds the same rows entry for
        entry."""
        ids = sorted(set(self.block))
        if len(ids) <= 1:
            return [(self, list(range(len(self.col_names))))]
        block = np.asarray(self.block, dtype=np.int64)
        index = np.asarray(self.index, dtype=np.int64)
        value = np.asarray(self.value, dtype=np.float64)
        starts = np.asarray(self.starts, dtype=np.int64)
        lengths = np.diff(starts)
        row_block = np.full(len(self.row_names), -1, dtype=np.int64)
        filled = lengths > 0
        row_block[filled] = block[index[starts[:-1][filled]]]
        entry_block = np.repeat(row_block, lengths)
        out = []
        for bid in ids:
            cols = np.flatnonzero(block == bid)
            local = np.full(len(self.col_names), -1, dtype=np.int64)
            local[cols] = np.arange(len(cols), dtype=np.int64)
            rows = np.flatnonzero(row_block == bid).tolist()
            entries = entry_block == bid
            sub = LinearModel()
            picked = cols.tolist()
            take_col, take_row = _taker(picked), _taker(rows)
            sub.col_names = take_col(self.col_names)
            sub.lb = take_col(self.lb)
            sub.ub = take_col(self.ub)
            sub.cost = take_col(self.cost)
            sub.integer = take_col(self.integer)
            sub.whole = take_col(self.whole)
            sub.block = [0] * len(picked)
            sub.row_names = take_row(self.row_names)
            sub.row_lo = take_row(self.row_lo)
            sub.row_hi = take_row(self.row_hi)
            sub.cut = take_row(self.cut)
            sub.index = local[index[entries]].tolist()
            sub.value = value[entries].tolist()
            sub.starts = [0, *np.cumsum(lengths[rows]).tolist()]
            out.append((sub, picked))
        return out

    def fixed_without_cuts(self, values: list[float]) -> LinearModel:
        """This model with every integer column fixed at its (rounded) value and the cut rows
        dropped: for a block whose other columns are `whole`, an LP whose vertices are whole."""
        out = LinearModel()
        for j, name in enumerate(self.col_names):
            if self.integer[j]:
                v = float(round(values[j]))
                out.var(name, lb=v, ub=v, cost=self.cost[j])
            else:
                out.var(name, lb=self.lb[j], ub=self.ub[j], cost=self.cost[j],
                        whole=self.whole[j])
        for i, name in enumerate(self.row_names):
            if not self.cut[i]:
                s, e = self.starts[i], self.starts[i + 1]
                out.row(name, ((self.index[k], self.value[k]) for k in range(s, e)),
                        lo=self.row_lo[i], hi=self.row_hi[i])
        return out

    def fractional_whole(self, values: list[float], tol: float = 1e-6) -> bool:
        """Whether some `whole` column is not whole in `values`."""
        return any(w and abs(v - round(v)) > tol for w, v in zip(self.whole, values, strict=True))

    @property
    def size(self) -> tuple[int, int, int]:
        """(rows, columns, nonzeros)."""
        return len(self.row_names), len(self.col_names), len(self.index)

    def objective(self, values: list[float]) -> float:
        return math.fsum(c * v for c, v in zip(self.cost, values, strict=True))

    def violations(self, values: list[float], tol: float = 1e-6) -> list[str]:
        """Rows and bounds the values break (used by tests and as a guard after solving).
        Checked on arrays; only the rows and columns found wanting are named."""
        x = np.asarray(values, dtype=np.float64)
        lb = np.asarray(self.lb, dtype=np.float64)
        ub = np.asarray(self.ub, dtype=np.float64)
        whole = np.asarray(self.integer, dtype=bool) | np.asarray(self.whole, dtype=bool)
        out_of_bounds = (x < lb - tol) | (x > ub + tol)
        fractional = whole & (np.abs(x - np.round(x)) > 1e-5)
        bad = []
        for j in np.flatnonzero(out_of_bounds | fractional).tolist():
            if out_of_bounds[j]:
                bad.append(f"bound {self.col_names[j]}={values[j]}")
            if fractional[j]:
                bad.append(f"integrality {self.col_names[j]}={values[j]}")
        if not self.row_names:
            return bad
        lengths = np.diff(np.asarray(self.starts, dtype=np.int64)).astype(np.int64)
        rows = np.repeat(np.arange(len(self.row_names), dtype=np.int64), lengths)
        index = np.asarray(self.index, dtype=np.int64)
        terms = np.asarray(self.value, dtype=np.float64) * x[index]
        act = np.bincount(rows, weights=terms, minlength=len(self.row_names))
        lo = np.asarray(self.row_lo, dtype=np.float64)
        hi = np.asarray(self.row_hi, dtype=np.float64)
        scale = np.maximum(1.0, np.maximum(np.where(np.isfinite(lo), np.abs(lo), 1.0),
                                           np.where(np.isfinite(hi), np.abs(hi), 1.0)))
        for i in np.flatnonzero((act < lo - tol * scale) | (act > hi + tol * scale)).tolist():
            bad.append(f"row {self.row_names[i]}={act[i]}")
        return bad
