"""The forced single-mode strategies beside the optimal mix (`planner compare`).

Each single-mode strategy is answered twice (docs/model.md, strategies):
- pure: the mode at every site; INFEASIBLE, naming every site that cannot take it and why,
  when some site cannot;
- where allowed: the mode at every decision unit where it is eligible, the optimal mode
  elsewhere (the fallback), so a strategy that cannot apply everywhere still has a price.
The sets and parameters are built once and each strategy's are derived from them: eligibility,
classes and the allocation network do not depend on the strategy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from planner.collector import bulk_objects
from planner.model import Estate, Mode
from planner.modes import ModeSpec, load_modes
from planner.optimise.data import (
    MODES,
    ModelData,
    Unit,
    build_data,
    prune_dominated,
    server_groups,
    site_charges,
)
from planner.plan import Plan, SolveStatus, Strategy
from planner.problems import SolverError

COMPARED = (Strategy.OPTIMAL, Strategy.ALL_CSSM, Strategy.ALL_CSLU, Strategy.ALL_ONPREM_NETWORK,
            Strategy.ALL_ONPREM_MANUAL, Strategy.ALL_OFFLINE, Strategy.ALL_SLR, Strategy.ALL_PLR)


@dataclass(frozen=True, slots=True)
class Fallback:
    """Devices at one site that cannot take the strategy's mode, and what they took instead."""

    site: str
    devices: int
    modes: tuple[tuple[Mode, int], ...]  # (mode the optimiser gave them, devices)
    reason: str  # the first reason the strategy's mode is out there


@dataclass(frozen=True, slots=True)
class WhereAllowed:
    """A single-mode strategy applied where it is eligible, the optimal mode elsewhere."""

    strategy: Strategy
    mode: Mode
    plan: Plan  # solved; the pure strategy's own plan when no site falls back
    fallbacks: tuple[Fallback, ...] = ()  # sorted by site

    @property
    def partial(self) -> bool:
        return bool(self.fallbacks)

    @property
    def fallback_sites(self) -> int:
        return len(self.fallbacks)

    @property
    def fallback_devices(self) -> int:
        return sum(f.devices for f in self.fallbacks)

    @property
    def forced_devices(self) -> int:
        return len(self.plan.estate.devices) - self.fallback_devices

    def fallback_modes(self) -> dict[Mode, int]:
        """Devices that fell back, by the mode they took (Mode order)."""
        taken: Counter[Mode] = Counter()
        for fallback in self.fallbacks:
            for mode, devices in fallback.modes:
                taken[mode] += devices
        return {m: taken[m] for m in MODES if taken[m]}

    def fallback_short(self) -> str:
        """'7 sites: slr, onprem-manual' (most devices first), or '-' when none falls back."""
        if not self.fallbacks:
            return "-"
        taken = sorted(self.fallback_modes().items(), key=lambda kv: (-kv[1], MODES.index(kv[0])))
        sites = "site" if self.fallback_sites == 1 else "sites"
        return f"{self.fallback_sites} {sites}: {', '.join(m.value for m, _ in taken)}"

    def fallback_text(self) -> str:
        """'3 sites, 120 devices: slr 100, plr 20', or '-' when the mode applies everywhere."""
        if not self.fallbacks:
            return "-"
        modes = ", ".join(f"{m.value} {n:,}" for m, n in self.fallback_modes().items())
        sites = "site" if self.fallback_sites == 1 else "sites"
        return f"{self.fallback_sites} {sites}, {self.fallback_devices:,} devices: {modes}"


class Comparison(tuple[Plan, ...]):
    """The pure strategies' plans in COMPARED order (the optimal mix first), as a tuple, and
    `where_allowed`: each single-mode strategy's where-allowed answer."""

    where_allowed: dict[Strategy, WhereAllowed]

    def __new__(cls, plans: Iterable[Plan],
                where_allowed: Mapping[Strategy, WhereAllowed] | None = None) -> Comparison:
        obj = super().__new__(cls, tuple(plans))
        obj.where_allowed = dict(where_allowed or {})
        return obj


def compare_strategies(estate: Estate, *, where_allowed: bool = True,
                       **same: Any) -> Comparison:
    """Solve every strategy in COMPARED with the same options; infeasible ones say why, and
    (with `where_allowed`) are also priced where their mode is eligible.

    The optimal mix is solved too (a SolverError from it propagates: no plan is possible)."""
    unknown = sorted(set(same) - {"strategy", "solver", "time_limit", "gap", "threads"})
    if unknown:  # as plan_estate would say; `forced` pins do not combine with strategies
        raise TypeError(f"compare_strategies() got unexpected options: {', '.join(unknown)}")
    options = {k: v for k, v in same.items() if k != "strategy"}
    with bulk_objects():  # as plan_estate: many small objects, no cycles
        return _compare(estate, where_allowed, options)


def _compare(estate: Estate, where_allowed: bool, options: dict[str, Any]) -> Comparison:
    from planner.optimise import infeasible_plan, solve_data

    solver = str(options.get("solver", "highs"))
    time_limit = float(options.get("time_limit", 60.0))
    gap = float(options.get("gap", 0.0))
    threads = int(options.get("threads", 1))

    def solve(data: ModelData, strategy: Strategy) -> Plan:
        return solve_data(data, strategy, solver=solver, time_limit=time_limit, gap=gap,
                          threads=threads)

    specs = load_modes()
    base = build_data(estate, modes=specs, prune=False)
    if base.infeasible:
        lines = [f"{site}: {'; '.join(reasons)}" for site, reasons in
                 sorted(base.infeasible.items())]
        raise SolverError("no licensing mode is possible at these sites:\n" + "\n".join(lines))
    plans: list[Plan] = []
    priced: dict[Strategy, WhereAllowed] = {}
    for strategy in COMPARED:
        mode = strategy.forced_mode
        if mode is None:
            plans.append(solve(derive(base, list(base.units), specs), strategy))
            continue
        pinned = [pin(u, mode) if mode in u.modes else u for u in base.units]
        blocked = [u for u in base.units if mode not in u.modes]
        if not blocked:
            plan = solve(derive(base, pinned, specs), strategy)
            plans.append(plan)
            priced[strategy] = WhereAllowed(strategy, mode, plan)
            continue
        plans.append(infeasible_plan(replace(base, infeasible=pure_reasons(blocked, mode)),
                                     strategy, solver))
        if where_allowed:
            plan = solve(derive(base, pinned, specs), strategy)
            priced[strategy] = WhereAllowed(strategy, mode, plan, fallbacks(blocked, mode, plan))
    return Comparison(plans, priced)


def pin(unit: Unit, mode: Mode) -> Unit:
    """The unit with `mode` its only choice; the other eligible modes say the strategy pins it
    (as `build_data(only=mode)` words it)."""
    why = f"strategy pins site {unit.site} to {mode.value}"
    excluded = {m: unit.excluded.get(m, ()) + ((why,) if m in unit.modes and m is not mode
                                              else ()) for m in MODES}
    return replace(unit, modes=(mode,), cost={mode: unit.cost[mode]},
                   excluded={m: r for m, r in excluded.items() if r})


def pure_reasons(blocked: list[Unit], mode: Mode) -> dict[str, tuple[str, ...]]:
    """Site -> why `mode` is out there, worded as `build_data(only=mode)` words it."""
    out: dict[str, tuple[str, ...]] = {}
    for unit in blocked:
        why = tuple(f"{mode.value}: {r}" for r in unit.excluded.get(mode, ()))
        out[unit.site] = tuple(dict.fromkeys(out.get(unit.site, ()) + why))
    return out


def derive(base: ModelData, units: list[Unit], specs: Mapping[Mode, ModeSpec]) -> ModelData:
    """The strategy's sets from the unpruned base: prune, then the charges and server groups
    its units can trigger (the same steps as `build_data`, without rebuilding the rest)."""
    estate = base.estate
    kept = prune_dominated(units, site_charges(estate, units, specs))
    groups, unit_groups = server_groups(estate, base.reach, kept, specs)
    return replace(base, units=tuple(kept), charges=site_charges(estate, kept, specs),
                   groups=groups, unit_groups=unit_groups, infeasible={})


def fallbacks(blocked: list[Unit], mode: Mode, plan: Plan) -> tuple[Fallback, ...]:
    """Per site, the devices of the units that could not take `mode` and the modes they got."""
    taken = {d.class_id: d.mode for d in plan.class_decisions}
    size = {c.id: c.devices for c in plan.classes}
    modes: dict[str, Counter[Mode]] = {}
    reason: dict[str, str] = {}
    for unit in blocked:
        got = modes.setdefault(unit.site, Counter())
        for c in unit.class_ids:
            got[taken[c]] += size[c]
        reason.setdefault(unit.site, next(iter(unit.excluded.get(mode, ())), ""))
    return tuple(Fallback(site, sum(modes[site].values()),
                          tuple((m, modes[site][m]) for m in MODES if modes[site][m]),
                          reason[site]) for site in sorted(modes))


def solved(plan: Plan) -> bool:
    return plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
