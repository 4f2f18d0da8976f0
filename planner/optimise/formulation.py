"""The MILP, in one place, written as docs/model.md states it (same symbols, same numbering).

    min  sum_u sum_m c[u,m] z[u,m] + sum_k c_k w[k] + sum_g c_g n[g]
         + sum_(v,u) pi[v,u] p[v,u] + c_tr sum_(v,w) b[v,w]                      (objective)
    (1) sum_{m in E_u} z[u,m] = 1                                every unit takes one mode
    (2) z[u,m] <= w[k]                                           site charge k paid when used
    (3) sum_{g in G_m(u)} a[u,g] = z[u,m]                        On-Prem unit -> one server group
    (4) a[u,g] <= n[g]                                           disaggregated opening
    (5) sum_u N_u a[u,g] <= Cap n[g]                             server capacity
    (6) sum_{t covers u} f[v,t,u] + p[v,u] = D[v,u]              every licence need is met
    (7) sum_u f[v,t,u] + sum_w r[v,w,t] - sum_w r[w,v,t] <= S[v,t]   no VA gives more than it has
    (7c) sum_w r[v,w,t] <= S[v,t]                                a unit moves once, from its holder
    (8) r[v,w,t] <= Rbar[v,w,t] o[v,w,t]                         a transfer line is a licence type
        (o[v,w,t] is b[v,w] itself when the pair could carry at most 10 types)
    (9) sum_t o[v,w,t] <= 10 b[v,w]                              batches of at most 10 types
    (10) o[v,w,t] <= b[v,w]                                      (valid; tightens the LP)
Aliases keep the model small: w[k] is z[u,m] itself when one unit triggers k, and a[u,g] is
z[u,m] itself when one server group can serve u. Tiny costs EPS (below a cent per decision) break
ties deterministically: earlier modes, exact tags before substitutes, no needless transfers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.model import Mode
from planner.optimise.allocation import TRANSFER_BATCH
from planner.optimise.data import ONPREM, ModelData
from planner.optimise.linear import INF, LinearModel

EPS = 1e-4  # tie-break cost per decision step; far below any real cost (a cent)
MODES_BLOCK, ALLOCATION_BLOCK = 0, 1  # no row links them: see LinearModel.blocks
_MODE_RANK = {m: i for i, m in enumerate(Mode)}
_MODE_TEXT = {m: m.value for m in Mode}  # Mode.value is a Python-level property


@dataclass(slots=True)
class Variables:
    """Column indices of every variable, keyed like the mathematics."""

    z: dict[tuple[int, Mode], int] = field(default_factory=dict)
    w: dict[int, int] = field(default_factory=dict)  # site charge k -> column (maybe a z column)
    a: dict[tuple[int, int], int] = field(default_factory=dict)  # (unit, group) -> column
    n: dict[int, int] = field(default_factory=dict)
    f: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (v, t supplied, u needed)
    p: dict[tuple[str, str], int] = field(default_factory=dict)
    r: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (from v, to w, tag t)
    o: dict[tuple[str, str, str], int] = field(default_factory=dict)
    b: dict[tuple[str, str], int] = field(default_factory=dict)


def build_model(data: ModelData) -> tuple[LinearModel, Variables]:
    """The MILP for these sets and parameters."""
    lm = LinearModel()
    xs = Variables()
    define_variables(data, lm, xs)
    define_constraints(data, lm, xs)
    define_objective(data, lm, xs)
    return lm, xs


def define_variables(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    _mode_variables(data, lm, xs)
    _server_variables(data, lm, xs)
    _allocation_variables(data, lm, xs)


def _mode_variables(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    if not data.units:
        return
    # z for every unit at once, unit by unit in mode order: a unit's columns are consecutive,
    # which is what the assignment rows (1) are built from.
    keys = [(u, m) for u, unit in enumerate(data.units) for m in unit.modes]
    first = lm.add_columns(
        [f"z[{data.units[u].id},{_MODE_TEXT[m]}]" for u, m in keys],
        lb=[1.0 if len(unit.modes) == 1 else 0.0 for unit in data.units for _ in unit.modes],
        ub=1.0, integer=True)
    xs.z.update(zip(keys, range(first, first + len(keys)), strict=True))
    for k, charge in enumerate(data.charges):
        if len(charge.units) == 1:
            xs.w[k] = xs.z[(charge.units[0], charge.mode)]
        else:  # continuous suffices: the objective pushes w[k] down onto max_u z[u,m]
            xs.w[k] = lm.var(f"w[{charge.key}]", ub=1.0)


def _server_variables(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    if not data.groups:
        return
    for g, group in enumerate(data.groups):
        xs.n[g] = lm.var(f"n[{group.id}]", ub=float(group.max_servers), integer=True)
    for (u, m), groups in sorted(data.unit_groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for g in groups:
            if len(groups) == 1:
                xs.a[(u, g)] = xs.z[(u, m)]
            else:
                xs.a[(u, g)] = lm.var(f"a[{data.units[u].id},{data.groups[g].id}]", ub=1.0,
                                      integer=True)


def _allocation_variables(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    alloc = data.allocation
    if not alloc.demand:
        return
    held: dict[str, int] = {}
    for (_, t), qty in alloc.supply.items():
        held[t] = held.get(t, 0) + qty
    for (v, u), need in alloc.demand.items():
        for t in alloc.covers[u]:
            if held.get(t, 0) > 0:
                xs.f[(v, t, u)] = lm.var(f"f[{v},{t},{u}]", ub=float(min(need, held[t])),
                                         whole=True, block=ALLOCATION_BLOCK)
        xs.p[(v, u)] = lm.var(f"p[{v},{u}]", ub=float(need), whole=True,
                              block=ALLOCATION_BLOCK)
    # Any VA may send any unit it holds to any other VA that can use it (model.md section 4,
    # transfer space): a line (v, w, t) wherever v holds t and w has a priced need t covers,
    # bounded by both. Cover groups where no VA would buy anything on its own get no lines:
    # a transfer there cannot save a purchase.
    useful = _useful(data)
    short = {k for (_w, k) in alloc.alone}
    for (v, t), qty in alloc.supply.items():
        if alloc.group[t] not in short:
            continue
        for w in alloc.vas:
            cap = min(qty, useful.get((w, t), 0))
            if w == v or cap <= 0:
                continue
            xs.r[(v, w, t)] = lm.var(f"r[{v},{w},{t}]", ub=float(cap), whole=True,
                                     block=ALLOCATION_BLOCK)
    types: dict[tuple[str, str], int] = {}
    for (v, w, _t) in xs.r:
        types[(v, w)] = types.get((v, w), 0) + 1
    for (v, w), n in sorted(types.items()):
        xs.b[(v, w)] = lm.var(f"b[{v},{w}]", ub=float(-(-n // TRANSFER_BATCH)), integer=True,
                              block=ALLOCATION_BLOCK)
        if n <= TRANSFER_BATCH:
            continue  # one batch carries every type this pair could move: no line variables
        for (a, b_, t) in xs.r:
            if (a, b_) == (v, w):
                xs.o[(v, w, t)] = lm.var(f"o[{v},{w},{t}]", ub=1.0, integer=True,
                                         block=ALLOCATION_BLOCK)


def _useful(data: ModelData) -> dict[tuple[str, str], int]:
    """(w, t) -> the needs of w with a price above zero that a unit of t can cover."""
    alloc = data.allocation
    useful: dict[tuple[str, str], int] = {}
    for (w, u), n in alloc.demand.items():
        if alloc.price[(w, u)] > 0:
            for t in alloc.covers[u]:
                useful[(w, t)] = useful.get((w, t), 0) + n
    return useful


def define_constraints(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    _mode_constraints(data, lm, xs)
    _server_constraints(data, lm, xs)
    _allocation_constraints(data, lm, xs)


def _mode_constraints(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    if not data.units:
        return
    # Both families are built from arrays: a row per unit and a row per (charge, unit) are
    # most of the model's rows at scale.
    lengths = np.array([len(unit.modes) for unit in data.units], dtype=np.int64)
    # xs.z holds each unit's columns in its modes' order, unit after unit (_mode_variables).
    z = np.fromiter(xs.z.values(), dtype=np.int64, count=len(xs.z))
    lm.add_rows([f"assign[{unit.id}]" for unit in data.units], lengths, z,  # (1)
                np.ones(len(z), dtype=np.float64), lo=1.0, hi=1.0)
    pairs = [(charge, k, u) for k, charge in enumerate(data.charges) if len(charge.units) > 1
             for u in charge.units]
    z_of, w_of = xs.z, xs.w
    terms = np.array([(z_of[(u, charge.mode)], w_of[k]) for charge, k, u in pairs],
                     dtype=np.int64).reshape(-1)
    lm.add_rows([f"charge[{charge.key},{data.units[u].id}]" for charge, _, u in pairs],  # (2)
                np.full(len(pairs), 2, dtype=np.int64), terms,
                np.tile(np.array([1.0, -1.0]), len(pairs)), hi=0.0)


def _server_constraints(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    if not data.groups:
        return
    # (3) and (4) per (unit, mode) in order, gathered in one pass and added at once: a row per
    # unit and server group is most of an all-On-Prem strategy's model.
    names: list[str] = []
    lengths: list[int] = []
    cols: list[int] = []
    coefs: list[float] = []
    lows: list[float] = []
    load: dict[int, list[tuple[int, float]]] = {g: [] for g in xs.n}
    for (u, m), groups in sorted(data.unit_groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        unit = data.units[u]
        if len(groups) > 1:  # (3)
            names.append(f"server[{unit.id},{m.value}]")
            lengths.append(len(groups) + 1)
            cols.extend([*(xs.a[(u, g)] for g in groups), xs.z[(u, m)]])
            coefs.extend([*(1.0 for _ in groups), -1.0])
            lows.append(0.0)
        for g in groups:  # (4)
            a = xs.a[(u, g)]
            names.append(f"open[{unit.id},{data.groups[g].id}]")
            lengths.append(2)
            cols.extend((a, xs.n[g]))
            coefs.extend((1.0, -1.0))
            lows.append(-INF)
            load[g].append((a, float(unit.devices)))
    lm.add_rows(names, np.asarray(lengths, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                np.asarray(coefs, dtype=np.float64), lo=lows, hi=0.0)
    for g, terms in load.items():  # (5)
        group = data.groups[g]
        lm.row(f"capacity[{group.id}]", [*terms, (xs.n[g], -float(group.capacity))], hi=0.0)


def _allocation_constraints(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    alloc = data.allocation
    if not alloc.demand:
        return
    for (v, u), need in alloc.demand.items():  # (6)
        terms = [(xs.f[(v, t, u)], 1.0) for t in alloc.covers[u] if (v, t, u) in xs.f]
        lm.row(f"demand[{v},{u}]", [*terms, (xs.p[(v, u)], 1.0)], lo=float(need), hi=float(need))
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for (v, t, _), col in xs.f.items():
        out.setdefault((v, t), []).append((col, 1.0))
    for (v, w, t), col in xs.r.items():
        out.setdefault((v, t), []).append((col, 1.0))
        out.setdefault((w, t), []).append((col, -1.0))
    for (v, t), terms in sorted(out.items()):  # (7)
        lm.row(f"balance[{v},{t}]", terms, hi=float(alloc.supply.get((v, t), 0)))
    sends: dict[tuple[str, str], list[int]] = {}
    for (v, _w, t), col in xs.r.items():
        sends.setdefault((v, t), []).append(col)
    for (v, t), cols in sorted(sends.items()):  # (7c) a unit moves once: from its holder
        if len(cols) > 1:
            lm.row(f"holds[{v},{t}]", ((c, 1.0) for c in cols),
                   hi=float(alloc.supply.get((v, t), 0)))
    for (v, w, t), col in xs.r.items():  # (8) a transfer line is one licence type
        gate = xs.o.get((v, w, t), xs.b[(v, w)])
        lm.row(f"line[{v},{w},{t}]", ((col, 1.0), (gate, -lm.ub[col])), hi=0.0)
    bought: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for (w, u), col in xs.p.items():
        bought.setdefault((w, alloc.group[u]), []).append((col, alloc.price[(w, u)]))
    for (w, k), floor in alloc.alone.items():  # (11) valid: w saves on k only through batches in
        gates = [(xs.b[(v, w)], alloc.boost[(v, w, k)]) for v in alloc.vas
                 if (v, w, k) in alloc.boost and (v, w) in xs.b]
        lm.row(f"alone[{w},{k}]", [*bought[(w, k)], *gates], lo=floor, cut=True)
    lines: dict[tuple[str, str], list[int]] = {}
    for key, col in xs.o.items():
        lines.setdefault(key[:2], []).append(col)
    for (v, w), cols in sorted(lines.items()):  # (9) at most ten types per request
        col = xs.b[(v, w)]
        lm.row(f"batches[{v},{w}]", [*((o, 1.0) for o in cols), (col, -float(TRANSFER_BATCH))],
               hi=0.0)
        for o in cols:  # (10) valid, and tighter than (9) alone in the LP
            lm.row(f"batch[{lm.col_names[o]}]", ((o, 1.0), (col, -1.0)), hi=0.0)


def define_objective(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    units, cost = data.units, lm.cost
    totals: dict[int, float] = {}  # UnitCost.total is worked out on each read; units share them
    for (u, m), col in xs.z.items():
        part = units[u].cost[m]
        total = totals.get(id(part))
        if total is None:
            total = totals[id(part)] = part.total
        cost[col] += total + EPS * _MODE_RANK[m]
    for k, col in xs.w.items():
        lm.add_cost(col, data.charges[k].cost)
    for g, col in xs.n.items():
        lm.add_cost(col, data.groups[g].cost)
    for (u, g), col in xs.a.items():
        if col != xs.z.get((u, data.groups[g].mode)):
            lm.add_cost(col, EPS * g)
    alloc = data.allocation
    for (_v, t, need), col in xs.f.items():
        lm.add_cost(col, EPS * alloc.covers[need].index(t))
    for (v, need), col in xs.p.items():  # after every held unit, even at a price of 0
        lm.add_cost(col, alloc.price[(v, need)] + EPS * len(alloc.covers[need]))
    for col in xs.r.values():
        lm.add_cost(col, EPS)
    for col in xs.b.values():
        lm.add_cost(col, alloc.transfer_cost)


__all__ = ["EPS", "ONPREM", "Variables", "build_model", "define_constraints",
           "define_objective", "define_variables"]
