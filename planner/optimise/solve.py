"""Solve a LinearModel: HiGHS straight from arrays by default, CBC through PuLP as the fallback.

PuLP does not raise when a solve fails, and HiGHS reports a time-limited search as a status, not
an error: every outcome is mapped to a SolveStatus here and checked. A time-limited search that
found a plan returns it as FEASIBLE with the proven gap, never as OPTIMAL.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from planner.optimise.linear import INF, LinearModel
from planner.plan import SolveStatus
from planner.problems import SolverError
from planner.solving import SolveOptions, Solver

SEED = 20261129  # fixed: the same inputs give the same plan
# A plan is "optimal" when its cost is proven within one currency unit of the best possible
# (docs/model.md section 7): the default run proves that; a looser --gap may stop earlier and
# the plan is then reported as feasible with its proven gap.
PROOF_MONEY = 1.0


@dataclass(frozen=True, slots=True)
class SolveResult:
    status: SolveStatus
    values: list[float] | None
    objective: float  # of the model (including tie-break costs)
    bound: float  # proven lower bound on the objective
    seconds: float
    solver: str

    @property
    def gap(self) -> float:
        if self.values is None:
            return 0.0
        return max(0.0, self.objective - self.bound) / max(abs(self.objective), 1e-9)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints its banner on fd 1 from C++; plan data goes to stdout, so hide it."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def solve(lm: LinearModel, options: SolveOptions | None = None) -> SolveResult:
    """Solve; raises SolverError only when the solver itself fails (not for infeasibility).

    The status is OPTIMAL only when the proven gap (objective less bound) is at most
    PROOF_MONEY; a search stopped by the time limit or by a looser relative `gap` is FEASIBLE.
    `time_limit` applies to the whole model: its blocks share it.
    """
    options = options or SolveOptions()
    solver, time_limit, gap, threads = (options.solver, options.time_limit, options.gap,
                                        options.threads)
    if not lm.col_names:
        return SolveResult(SolveStatus.OPTIMAL, [], 0.0, 0.0, 0.0, solver.value)
    start = time.perf_counter()
    values = [0.0] * len(lm.col_names)
    parts: list[SolveResult] = []
    blocks = lm.blocks()
    each = PROOF_MONEY / len(blocks)  # the blocks' gaps add up
    for sub, cols in blocks:
        left = max(time_limit - (time.perf_counter() - start), 1.0)
        part = _solve_block(sub, solver, left, gap, each, threads)
        if part.status is SolveStatus.INFEASIBLE or part.values is None:
            return SolveResult(SolveStatus.INFEASIBLE, None, 0.0, 0.0,
                               time.perf_counter() - start, solver.value)
        for j, v in zip(cols, part.values, strict=True):
            values[j] = v
        parts.append(part)
    objective = math.fsum(p.objective for p in parts)
    bound = math.fsum(p.bound for p in parts)
    proven = all(p.status is SolveStatus.OPTIMAL for p in parts) and \
        objective - bound <= PROOF_MONEY + 1e-9
    return SolveResult(SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE, values,
                       objective, bound, time.perf_counter() - start, solver.value)


def _solve_block(sub: LinearModel, solver: Solver, time_limit: float, gap: float, money: float,
                 threads: int) -> SolveResult:
    """One block: the MILP, then, when continuous `whole` columns came back fractional (the
    valid cut rows can leave a face of optima), the same block as an LP with the integer
    columns fixed and the cuts dropped, whose simplex vertex is whole (a network matrix)."""
    part = (_solve_highs(sub, time_limit, gap, money, threads) if solver is Solver.HIGHS
            else _solve_cbc(sub, time_limit, gap, money, threads))
    if part.values is None or not sub.fractional_whole(part.values):
        return part
    lp = sub.fixed_without_cuts(part.values)
    again = (_solve_highs(lp, time_limit, 0.0, money, threads) if solver is Solver.HIGHS
             else _solve_cbc(lp, time_limit, 0.0, money, threads))
    if again.values is None or lp.fractional_whole(again.values):
        raise SolverError(f"{solver} left whole quantities fractional: please report this estate")
    objective = sub.objective(again.values)
    status = part.status if objective <= part.objective + 1e-6 else SolveStatus.FEASIBLE
    return SolveResult(status, again.values, objective, min(part.bound, objective),
                       part.seconds + again.seconds, part.solver)


_scheduler_threads: list[int] = []  # the thread count HiGHS' process-wide pool was built with


def _solve_highs(lm: LinearModel, time_limit: float, gap: float, money: float,
                 threads: int) -> SolveResult:
    start = time.perf_counter()
    if _scheduler_threads and _scheduler_threads[0] != threads:
        # HiGHS keeps one thread pool per process; a solve asking for another size fails
        # ("Not Set") unless the pool is rebuilt first.
        highspy.Highs.resetGlobalScheduler(True)
        _scheduler_threads.clear()
    if not _scheduler_threads:
        _scheduler_threads.append(threads)
    with _quiet_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    for name, value in (("output_flag", False), ("time_limit", float(time_limit)),
                        ("mip_rel_gap", float(gap)), ("mip_abs_gap", float(money)),
                        ("random_seed", SEED % 2147483647),
                        ("threads", int(threads)), ("mip_feasibility_tolerance", 1e-7)):
        h.setOptionValue(name, value)
    # The model goes over as arrays in one call (HiGHS reads their buffers): filling a HighsLp
    # converts every entry of every list one by one.
    with _quiet_stdout():
        if h.passModel(
                len(lm.col_names), len(lm.row_names), len(lm.index),
                int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize), 0.0,
                np.asarray(lm.cost, dtype=np.float64), np.asarray(lm.lb, dtype=np.float64),
                # Infinite bounds as HiGHS spells them (clipping leaves finite bounds as they are).
                np.minimum(np.asarray(lm.ub, dtype=np.float64), highspy.kHighsInf),
                np.maximum(np.asarray(lm.row_lo, dtype=np.float64), -highspy.kHighsInf),
                np.minimum(np.asarray(lm.row_hi, dtype=np.float64), highspy.kHighsInf),
                np.asarray(lm.starts, dtype=np.int32), np.asarray(lm.index, dtype=np.int32),
                np.asarray(lm.value, dtype=np.float64),
                np.where(np.asarray(lm.integer, dtype=bool), int(highspy.HighsVarType.kInteger),
                         int(highspy.HighsVarType.kContinuous)).astype(np.int32),
        ) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS rejected the model (passModel failed)")
        run = h.run()
    seconds = time.perf_counter() - start
    if run == highspy.HighsStatus.kError:
        raise SolverError(f"HiGHS failed: {h.modelStatusToString(h.getModelStatus())}")
    status = h.getModelStatus()
    info = h.getInfo()
    has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kInfeasible:
        return SolveResult(SolveStatus.INFEASIBLE, None, 0.0, 0.0, seconds, "highs")
    if not has_plan:
        reason = h.modelStatusToString(status)
        raise SolverError(f"HiGHS found no plan ({reason}) within {time_limit:g} s: raise "
                          "--time-limit or check the estate")
    values = list(h.getSolution().col_value)
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else objective
    if not any(lm.integer):  # an LP: an optimal status proves its objective
        bound = objective
    optimal = status == highspy.HighsModelStatus.kOptimal
    return SolveResult(SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE, values, objective,
                       min(bound, objective), seconds, "highs")


def _solve_cbc(lm: LinearModel, time_limit: float, gap: float, money: float,
               threads: int) -> SolveResult:
    import pulp

    start = time.perf_counter()
    prob, cols = _to_pulp(lm, relax=False)
    cmd = _cbc(msg=False, timeLimit=time_limit, gapRel=gap, gapAbs=money, threads=threads,
                            options=[f"randomSeed {SEED % 2147483647}",
                                     f"randomCbcSeed {SEED % 2147483647}"])
    prob.solve(cmd)
    if prob.status == pulp.LpStatusInfeasible or prob.sol_status == pulp.LpSolutionInfeasible:
        return SolveResult(SolveStatus.INFEASIBLE, None, 0.0, 0.0,
                           time.perf_counter() - start, "cbc")
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        raise SolverError(f"CBC found no plan ({pulp.LpStatus[prob.status]}) within "
                          f"{time_limit:g} s")
    values = [float(c.varValue or 0.0) for c in cols]
    objective = lm.objective(values)
    # CBC through PuLP reports no dual bound: the LP relaxation is a proven (if loose) one.
    relaxed, rcols = _to_pulp(lm, relax=True)
    relaxed.solve(_cbc(msg=False, timeLimit=time_limit, threads=threads))
    bound = objective
    if relaxed.status == pulp.LpStatusOptimal:
        bound = min(objective, lm.objective([float(c.varValue or 0.0) for c in rcols]))
    optimal = prob.sol_status == pulp.LpSolutionOptimal
    if optimal:  # CBC stopped within gapRel or gapAbs: the proven gap is at most the larger
        bound = max(bound, objective - max(gap * abs(objective), money))
        optimal = objective - bound <= money + 1e-9
    return SolveResult(SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE, values, objective,
                       bound, time.perf_counter() - start, "cbc")


def _cbc(**options: Any) -> Any:
    """PuLP's bundled CBC; PuLP 3.3 warns it moves to an extra in 4.0, which we pin below."""
    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def _to_pulp(lm: LinearModel, *, relax: bool) -> tuple[Any, list[Any]]:
    import pulp

    prob = pulp.LpProblem("planner", pulp.LpMinimize)
    cols = [prob.add_variable(f"x{j}", lowBound=lm.lb[j], upBound=None if lm.ub[j] == INF
                              else lm.ub[j], cat=pulp.LpInteger if lm.integer[j] and not relax
                              else pulp.LpContinuous) for j in range(len(lm.col_names))]
    prob += pulp.LpAffineExpression([(cols[j], c) for j, c in enumerate(lm.cost) if c != 0.0])
    for i in range(len(lm.row_names)):
        s, e = lm.starts[i], lm.starts[i + 1]
        expr = pulp.LpAffineExpression([(cols[lm.index[k]], lm.value[k]) for k in range(s, e)])
        lo, hi = lm.row_lo[i], lm.row_hi[i]
        if lo == hi:
            prob += expr == lo, f"r{i}"
        else:
            if lo > -INF:
                prob += expr >= lo, f"r{i}lo"
            if hi < INF:
                prob += expr <= hi, f"r{i}hi"
    return prob, cols
