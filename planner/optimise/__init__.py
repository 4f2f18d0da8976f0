"""The optimiser: from an Estate to a Plan (classes, the MILP, solving, mapping back).

`plan_estate` is the one entry point the CLI calls; `compare_strategies` (strategies.py) solves
the forced single-mode strategies beside the optimal mix. docs/model.md states the mathematics.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from planner.collector import bulk_objects
from planner.model import Estate, Mode
from planner.optimise.data import ModelData, build_data
from planner.optimise.extract import Solution
from planner.optimise.formulation import build_model
from planner.optimise.solve import solve
from planner.plan import Plan, SolveStatus, Strategy
from planner.problems import SolverError

__all__ = ["build_data", "compare_strategies", "infeasible_plan", "plan_estate", "solve_data"]


def plan_estate(estate: Estate, *, strategy: Strategy = Strategy.OPTIMAL, solver: str = "highs",
                time_limit: float = 60.0, gap: float = 0.0, threads: int = 1,
                forced: Mapping[str, Mode] | None = None) -> Plan:
    """The cheapest plan for the estate under `strategy` (and any sites pinned by `forced`).

    A forced strategy (or `forced` pins) that some site cannot take returns a Plan with status
    INFEASIBLE naming the sites and reasons, without calling the solver. The optimal strategy
    with a site no mode can serve raises SolverError naming it.
    """
    # Building a million-device plan makes hundreds of thousands of small objects and no cycles:
    # the cyclic GC would rescan them again and again (as the loader also avoids).
    with bulk_objects():
        return _plan(estate, strategy, solver, time_limit, gap, threads, forced)


def _plan(estate: Estate, strategy: Strategy, solver: str, time_limit: float, gap: float,
          threads: int, forced: Mapping[str, Mode] | None) -> Plan:
    start = time.perf_counter()
    data = build_data(estate, forced=forced, only=strategy.forced_mode)
    if data.infeasible:
        if strategy is Strategy.OPTIMAL and not forced:
            lines = [f"{site}: {'; '.join(reasons)}" for site, reasons in
                     sorted(data.infeasible.items())]
            raise SolverError("no licensing mode is possible at these sites:\n" + "\n".join(lines))
        return infeasible_plan(data, strategy, solver)
    return solve_data(data, strategy, solver=solver, time_limit=time_limit, gap=gap,
                      threads=threads, start=start)


def solve_data(data: ModelData, strategy: Strategy, *, solver: str, time_limit: float,
               gap: float, threads: int, start: float | None = None) -> Plan:
    """Solve already-built sets and parameters (every unit has an eligible mode) into a Plan.

    `compare_strategies` builds the data once and derives each strategy's from it."""
    estate = data.estate
    if start is None:
        start = time.perf_counter()
    lm, xs = build_model(data)
    built = time.perf_counter() - start
    result = solve(lm, solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    if result.status is SolveStatus.INFEASIBLE or result.values is None:
        # Every unit has an eligible mode and servers are sized to fit, so this is a defect.
        raise SolverError(f"{result.solver} reports the model infeasible although every site has "
                          "an eligible mode: please report this estate")
    broken = lm.violations(result.values, tol=1e-5)
    if broken:
        raise SolverError(f"{result.solver} returned a plan that breaks the model: "
                          + "; ".join(broken[:5]))
    sol = Solution(data, xs, result.values)
    costs, hours_year, hours_once = sol.costs()
    gap_money = max(0.0, result.objective - result.bound)
    total = costs.total
    return Plan(
        estate=estate, strategy=strategy, status=result.status, objective=total,
        gap=gap_money / total if total > 0 else 0.0, gap_money=gap_money, solver=result.solver,
        solve_seconds=result.seconds, classes=data.classes.classes,
        class_decisions=sol.class_decisions(), sites=sol.sites(),
        servers=sol.server_placements(), transfers=sol.transfers(), purchases=sol.purchases(),
        reservations=sol.reservations(), costs=costs, labour_hours_per_year=hours_year,
        labour_hours_initial=hours_once,
        devices_reserved=sum(u.devices for u, m in zip(data.units, sol.mode, strict=True)
                             if m in (Mode.SLR, Mode.PLR)),
        exposure=sol.exposure(), assumptions=data.assumptions, model_size=lm.size,
        build_seconds=built,
    )


def infeasible_plan(data: ModelData, strategy: Strategy, solver: str) -> Plan:
    """A Plan that says which sites break the strategy and why (no solver call)."""
    return Plan(
        estate=data.estate, strategy=strategy, status=SolveStatus.INFEASIBLE, objective=0.0,
        gap=0.0, gap_money=0.0, solver=solver, solve_seconds=0.0, classes=data.classes.classes,
        infeasible=tuple(sorted(data.infeasible.items())), assumptions=data.assumptions,
    )


from planner.optimise.strategies import compare_strategies  # noqa: E402
