"""A solver-neutral sparse MILP: columns with bounds, costs and integrality; rows in CSR form.

`formulation.py` writes the model here once; `solve.py` hands the same arrays to HiGHS
(highspy, straight from arrays) or to CBC (through PuLP). One representation, two solvers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

INF = math.inf


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
        (objective and bound add up) with far smaller branch-and-bound trees."""
        ids = sorted(set(self.block))
        if len(ids) <= 1:
            return [(self, list(range(len(self.col_names))))]
        out = []
        for bid in ids:
            cols = [j for j, b in enumerate(self.block) if b == bid]
            local = {j: k for k, j in enumerate(cols)}
            sub = LinearModel()
            for j in cols:
                sub.var(self.col_names[j], lb=self.lb[j], ub=self.ub[j],
                        integer=self.integer[j], cost=self.cost[j], whole=self.whole[j])
            for i, name in enumerate(self.row_names):
                s, e = self.starts[i], self.starts[i + 1]
                if s == e or self.block[self.index[s]] != bid:
                    continue
                terms = [(local[self.index[k]], self.value[k]) for k in range(s, e)]
                sub.row(name, terms, lo=self.row_lo[i], hi=self.row_hi[i], cut=self.cut[i])
            out.append((sub, cols))
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
        """Rows and bounds the values break (used by tests and as a guard after solving)."""
        bad = []
        for j, v in enumerate(values):
            if v < self.lb[j] - tol or v > self.ub[j] + tol:
                bad.append(f"bound {self.col_names[j]}={v}")
            if (self.integer[j] or self.whole[j]) and abs(v - round(v)) > 1e-5:
                bad.append(f"integrality {self.col_names[j]}={v}")
        for i, name in enumerate(self.row_names):
            s, e = self.starts[i], self.starts[i + 1]
            act = math.fsum(self.value[k] * values[self.index[k]] for k in range(s, e))
            scale = max(1.0, abs(self.row_lo[i]) if self.row_lo[i] > -INF else 1.0,
                        abs(self.row_hi[i]) if self.row_hi[i] < INF else 1.0)
            if act < self.row_lo[i] - tol * scale or act > self.row_hi[i] + tol * scale:
                bad.append(f"row {name}={act}")
        return bad
