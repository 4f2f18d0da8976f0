"""The MILP as it was written before the constraint families were built from arrays: every
column through `var` and every row through `row`, term by term. Kept as the reference the array
build must match exactly (tests/optimise/test_formulation_arrays.py); not used by the planner."""

from __future__ import annotations

from planner.model import Mode
from planner.optimise.allocation import TRANSFER_BATCH
from planner.optimise.data import ModelData
from planner.optimise.formulation import EPS, Variables
from planner.optimise.linear import LinearModel

_MODE_RANK = {m: i for i, m in enumerate(Mode)}
ALLOCATION_BLOCK = 1


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
    for u, unit in enumerate(data.units):
        single = len(unit.modes) == 1
        for m in unit.modes:
            xs.z[(u, m)] = lm.var(f"z[{unit.id},{m.value}]", lb=1.0 if single else 0.0, ub=1.0,
                                  integer=True)
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
    for u, unit in enumerate(data.units):  # (1)
        lm.row(f"assign[{unit.id}]", ((xs.z[(u, m)], 1.0) for m in unit.modes), lo=1.0, hi=1.0)
    for k, charge in enumerate(data.charges):  # (2)
        if len(charge.units) > 1:
            for u in charge.units:
                lm.row(f"charge[{charge.key},{data.units[u].id}]",
                       ((xs.z[(u, charge.mode)], 1.0), (xs.w[k], -1.0)), hi=0.0)


def _server_constraints(data: ModelData, lm: LinearModel, xs: Variables) -> None:
    if not data.groups:
        return
    load: dict[int, list[tuple[int, float]]] = {g: [] for g in xs.n}
    for (u, m), groups in sorted(data.unit_groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        unit = data.units[u]
        if len(groups) > 1:  # (3)
            lm.row(f"server[{unit.id},{m.value}]",
                   [(xs.a[(u, g)], 1.0) for g in groups] + [(xs.z[(u, m)], -1.0)], lo=0.0, hi=0.0)
        for g in groups:  # (4)
            lm.row(f"open[{unit.id},{data.groups[g].id}]", ((xs.a[(u, g)], 1.0), (xs.n[g], -1.0)),
                   hi=0.0)
            load[g].append((xs.a[(u, g)], float(unit.devices)))
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
    for (u, m), col in xs.z.items():
        lm.add_cost(col, data.units[u].cost[m].total + EPS * _MODE_RANK[m])
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
