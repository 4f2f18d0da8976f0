"""The optimiser's pipeline: an Estate to its sets and parameters, the MILP, the solve, a Plan.

The contract (planner.solving): `plan_estate` returns a Plan whose status has a plan (OPTIMAL
or FEASIBLE) or raises NoPlanError naming every site that can take no allowed mode and why.
docs/model.md states the mathematics.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from planner.collector import bulk_objects
from planner.model import Estate, Mode
from planner.modes import reservation_modes
from planner.optimise.data import ModelData, build_data
from planner.optimise.extract import Solution
from planner.optimise.formulation import build_model
from planner.optimise.solve import solve
from planner.plan import Detail, Plan, Strategy
from planner.problems import SolverError
from planner.solving import NoPlanError, SolveOptions

# How many sites, and reasons per site, a NoPlanError's message lists (it carries them all).
_SITES_SHOWN, _REASONS_SHOWN = 12, 3


def plan_estate(estate: Estate, options: SolveOptions | None = None, *,
                strategy: Strategy = Strategy.OPTIMAL,
                forced: Mapping[str, Mode] | None = None) -> Plan:
    """The cheapest plan for the estate under `strategy` (and any sites pinned by `forced`).

    Raises NoPlanError, without calling the solver, when some site can take no mode the
    strategy and pins allow; SolverError when the solver fails or finds no plan in time.
    """
    options = options or SolveOptions()
    with bulk_objects():
        start = time.perf_counter()
        data = build_data(estate, forced=forced, only=strategy.forced_mode)
        if data.infeasible:
            raise no_plan(strategy, data.infeasible, pinned=bool(forced))
        return solve_data(data, strategy, options, start=start)


def no_plan(strategy: Strategy, infeasible: Mapping[str, tuple[str, ...]], *,
            pinned: bool = False) -> NoPlanError:
    """The error for sites that can take no allowed mode: every site and reason is carried;
    the message lists the first few distinct reasons of the first few sites."""
    found = tuple(sorted((site, tuple(why)) for site, why in infeasible.items()))
    if strategy is Strategy.OPTIMAL and not pinned:
        lines = [f"{site}: {'; '.join(why)}" for site, why in found]
        return NoPlanError("no licensing mode is possible at these sites:\n" + "\n".join(lines),
                           found)
    lines = [f"{strategy.value}{' with pinned sites' if pinned else ''}: no feasible plan"]
    for site, why in found[:_SITES_SHOWN]:
        distinct = list(dict.fromkeys(why))
        more = (f" (+{len(distinct) - _REASONS_SHOWN} more)"
                if len(distinct) > _REASONS_SHOWN else "")
        lines.append(f"  {site}: {'; '.join(distinct[:_REASONS_SHOWN])}{more}")
    if len(found) > _SITES_SHOWN:
        lines.append(f"  ... and {len(found) - _SITES_SHOWN} more site(s)")
    return NoPlanError("\n".join(lines), found)


def solve_data(data: ModelData, strategy: Strategy, options: SolveOptions, *,
               detail: Detail = Detail.FULL, start: float | None = None) -> Plan:
    """Solve already-built sets and parameters (every unit has an eligible mode) into a Plan,
    mapping back what `detail` asks for."""
    return solve_units(data, strategy, options, detail=detail, start=start)[0]


def solve_units(data: ModelData, strategy: Strategy, options: SolveOptions, *,
                detail: Detail = Detail.FULL, start: float | None = None,
                ) -> tuple[Plan, Solution]:
    """`solve_data`, and the solution it was read from (the mode and server group of each
    decision unit): what `compare_strategies`, which builds the data once and derives each
    strategy's, reads the fallbacks and footprints from."""
    estate = data.estate
    if start is None:
        start = time.perf_counter()
    lm, xs = build_model(data)
    built = time.perf_counter() - start
    result = solve(lm, options)
    if not result.status.has_plan or result.values is None:
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
    full = detail is Detail.FULL
    reserved = reservation_modes()
    plan = Plan(
        estate=estate, strategy=strategy, status=result.status, objective=total,
        gap=gap_money / total if total > 0 else 0.0, gap_money=gap_money, solver=result.solver,
        solve_seconds=result.seconds, classes=data.classes.classes,
        class_decisions=sol.class_decisions() if detail.has(Detail.CLASSES) else (),
        sites=sol.sites() if full else (),
        servers=sol.server_placements(), transfers=sol.transfers(), purchases=sol.purchases(),
        reservations=sol.reservations() if full else (), costs=costs,
        labour_hours_per_year=hours_year, labour_hours_initial=hours_once,
        devices_reserved=sum(u.devices for u, m in zip(data.units, sol.mode, strict=True)
                             if m in reserved),
        exposure=sol.exposure(), assumptions=data.assumptions, model_size=lm.size,
        build_seconds=built, detail=detail,
        class_of_row=data.classes.class_of_row if full and data.classes.table is estate.devices
        else None,
    )
    return plan, sol
