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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from planner.collector import bulk_objects
from planner.model import Estate, Mode
from planner.modes import ModeSpec, load_modes
from planner.optimise.data import (
    MODES,
    ModelData,
    Unit,
    UnitCost,
    build_data,
    prune_dominated,
    restrict_charges,
    server_groups,
)
from planner.optimise.extract import Solution
from planner.optimise.footprint import Footprints, SiteMode
from planner.optimise.forked import can_fork, cores, forked_map
from planner.optimise.pipeline import no_plan, solve_units
from planner.plan import Detail, Plan, Pricing, SolveStatus, Strategy
from planner.solving import SolveOptions

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
    footprint: tuple[SiteMode, ...] | None = None  # its (site, mode) groups, when asked for

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


@dataclass(frozen=True, slots=True)
class StrategyResult:
    """One compared strategy, answered once: the pure strategy's plan, or the sites that break
    it and why; for a single mode, also its where-allowed answer."""

    strategy: Strategy
    plan: Plan | None  # the pure strategy's plan; None when some site cannot take its mode
    infeasible: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (site, reasons), sorted by site
    where_allowed: WhereAllowed | None = None  # every single mode (unless --pure-only)
    footprint: tuple[SiteMode, ...] | None = None  # the pure plan's groups, when asked for

    @property
    def status(self) -> SolveStatus:
        return self.plan.status if self.plan is not None else SolveStatus.INFEASIBLE

    @property
    def has_plan(self) -> bool:
        """The pure strategy has a plan (OPTIMAL or FEASIBLE)."""
        return self.plan is not None

    @property
    def priced(self) -> Plan | None:
        """The plan whose costs the strategy shows: its own, else its where-allowed plan."""
        if self.plan is not None:
            return self.plan
        return self.where_allowed.plan if self.where_allowed is not None else None

    @property
    def priced_footprint(self) -> tuple[SiteMode, ...] | None:
        """The (site, mode) groups of the plan that prices the strategy (see `priced`); None
        when not asked for (or nothing prices it)."""
        if self.plan is not None:
            return self.footprint
        return self.where_allowed.footprint if self.where_allowed is not None else None

    @property
    def pricing(self) -> Pricing:
        if self.plan is not None:
            return Pricing.ALL_SITES
        return Pricing.WHERE_ALLOWED if self.where_allowed is not None else Pricing.NONE

    @property
    def devices_in_mode(self) -> int | None:
        """Devices in the strategy's mode under the plan that prices it (the optimal mix: all);
        None when unpriced."""
        if self.priced is None:
            return None
        if self.where_allowed is not None:
            return self.where_allowed.forced_devices
        return len(self.priced.estate.devices)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every strategy in COMPARED order, the optimal mix first (it always has a plan)."""

    results: tuple[StrategyResult, ...]

    def __post_init__(self) -> None:
        if not self.results or self.results[0].strategy is not Strategy.OPTIMAL \
                or self.results[0].plan is None:
            raise ValueError("a comparison starts with the solved optimal mix")

    @property
    def optimal(self) -> Plan:
        plan = self.results[0].plan
        assert plan is not None  # __post_init__
        return plan

    @property
    def estate(self) -> Estate:
        return self.optimal.estate

    def result(self, strategy: Strategy) -> StrategyResult:
        for item in self.results:
            if item.strategy is strategy:
                return item
        raise KeyError(strategy)


def compare_strategies(estate: Estate, options: SolveOptions | None = None, *,
                       where_allowed: bool = True, detail: Detail = Detail.FULL,
                       optimal_detail: Detail | None = None, footprints: bool = False,
                       workers: int | None = None) -> Comparison:
    """Solve every strategy in COMPARED with the same options; infeasible ones say why, and
    (with `where_allowed`) are also priced where their mode is eligible.

    `detail` says how much of each single-mode plan to map back, `optimal_detail` (default:
    the same) the optimal mix's: a command that shows only totals skips the per-class and
    per-device extraction; `footprints` adds each plan's (site, mode) groups, read from its
    decision units at any detail. The optimal mix is solved too (NoPlanError when no plan is
    possible). `workers` > 1 solves the single-mode strategies in that many forked processes
    beside the optimal mix (None: see `parallel_workers`); the answer is the same."""
    options = options or SolveOptions()
    with bulk_objects():  # as plan_estate: many small objects, no cycles
        return _compare(estate, options, where_allowed, detail, optimal_detail or detail,
                        footprints, workers)


# Below this many decision units a strategy solves in a fraction of a second: forking and
# sending the answers back would cost about what running them side by side saves.
PARALLEL_UNITS = 20_000


def parallel_workers(units: int, options: SolveOptions, detail: Detail) -> int:
    """How many worker processes solve the single-mode strategies (1: none, all in-process).

    One per core, only when each core is free for it (a one-thread solve), the model is large
    enough to gain, and the plans are mapped back to totals only. Per-class decisions would
    cross the pipe: at 1M devices unpickling them cost the parent more than solving in
    parallel saved (19.3 s CPU in one process against 15.0 s parent + 16.1 s workers, and
    slower by wall time). A FULL plan also reads the columnar device table, whose library
    threads must not be forked under."""
    if (options.threads > 1 or detail is not Detail.TOTALS or units < PARALLEL_UNITS
            or not can_fork()):
        return 1
    return min(cores(), len(COMPARED) - 1)


def _compare(estate: Estate, options: SolveOptions, where_allowed: bool, detail: Detail,
             optimal_detail: Detail, footprints: bool, workers: int | None) -> Comparison:
    specs = load_modes()
    base = build_data(estate, modes=specs, prune=False)
    if base.infeasible:
        raise no_plan(Strategy.OPTIMAL, base.infeasible)
    singles = COMPARED[1:]
    # Built before any fork: the workers inherit the unit sums and send back a few records.
    sums = Footprints(base) if footprints else None

    def optimal() -> StrategyResult:
        plan, sol = solve_units(derive(base, list(base.units), specs), Strategy.OPTIMAL,
                                options, detail=optimal_detail)
        return StrategyResult(Strategy.OPTIMAL, plan, footprint=_footprint(sums, sol))

    def single(index: int) -> StrategyResult:
        return _single(base, specs, singles[index], options, where_allowed, detail, sums)

    if workers is None:
        workers = parallel_workers(len(base.units), options, detail)
    if workers <= 1:
        return Comparison((optimal(), *(single(i) for i in range(len(singles)))))
    sent, best = forked_map(lambda i: _Sent.of(single(i)), len(singles), workers, optimal)
    return Comparison((best, *(answer.result(base) for answer in sent)))


def _footprint(sums: Footprints | None, sol: Solution) -> tuple[SiteMode, ...] | None:
    if sums is None:
        return None
    groups = sol.data.groups
    return sums.of(sol.mode, [None if g is None else groups[g].site for g in sol.group])


def _single(base: ModelData, specs: Mapping[Mode, ModeSpec], strategy: Strategy,
            options: SolveOptions, where_allowed: bool, detail: Detail,
            sums: Footprints | None = None) -> StrategyResult:
    """One single-mode strategy: pure when every unit may take its mode, else the sites that
    break it and (with `where_allowed`) its where-allowed plan."""
    mode = strategy.forced_mode
    assert mode is not None
    pinned = pin_all(base.units, mode)
    blocked = [u for u in base.units if mode not in u.modes]
    if not blocked:
        plan, sol = solve_units(derive(base, pinned, specs), strategy, options, detail=detail)
        footprint = _footprint(sums, sol)
        return StrategyResult(strategy, plan, where_allowed=WhereAllowed(
            strategy, mode, plan, footprint=footprint), footprint=footprint)
    reasons = tuple(sorted(pure_reasons(blocked, mode).items()))
    answer = None
    if where_allowed:
        plan, sol = solve_units(derive(base, pinned, specs), strategy, options, detail=detail)
        taken = {unit.id: m for unit, m in zip(sol.data.units, sol.mode, strict=True)}
        answer = WhereAllowed(strategy, mode, plan, fallbacks(blocked, mode, taken),
                              _footprint(sums, sol))
    return StrategyResult(strategy, None, reasons, answer)


# What every plan of a comparison shares with the parent's data: never sent back by a worker.
_SHARED = frozenset({"estate", "classes", "assumptions"})


def _lean(plan: Plan) -> dict[str, Any]:
    return {f.name: getattr(plan, f.name) for f in fields(Plan) if f.name not in _SHARED}


def _dress(lean: dict[str, Any], base: ModelData) -> Plan:
    return Plan(estate=base.estate, classes=base.classes.classes, assumptions=base.assumptions,
                **lean)


@dataclass(frozen=True, slots=True)
class _Sent:
    """A worker's StrategyResult without what the parent already holds (the estate, the
    classes, the assumptions): what crosses the pipe."""

    strategy: Strategy
    plan: dict[str, Any] | None
    infeasible: tuple[tuple[str, tuple[str, ...]], ...]
    # (mode, its plan or None when it is the pure plan, fallbacks, footprint)
    where_allowed: tuple[Mode, dict[str, Any] | None, tuple[Fallback, ...],
                         tuple[SiteMode, ...] | None] | None
    footprint: tuple[SiteMode, ...] | None

    @classmethod
    def of(cls, result: StrategyResult) -> _Sent:
        wa = result.where_allowed
        return cls(result.strategy, _lean(result.plan) if result.plan else None,
                   result.infeasible,
                   None if wa is None else
                   (wa.mode, None if wa.plan is result.plan else _lean(wa.plan), wa.fallbacks,
                    wa.footprint), result.footprint)

    def result(self, base: ModelData) -> StrategyResult:
        plan = _dress(self.plan, base) if self.plan is not None else None
        answer = None
        if self.where_allowed is not None:
            mode, lean, falls, footprint = self.where_allowed
            priced = plan if lean is None else _dress(lean, base)
            assert priced is not None
            answer = WhereAllowed(self.strategy, mode, priced, falls, footprint)
        return StrategyResult(self.strategy, plan, self.infeasible, answer, self.footprint)


def pin(unit: Unit, mode: Mode) -> Unit:
    """The unit with `mode` its only choice; the other eligible modes say the strategy pins it
    (as `build_data(only=mode)` words it)."""
    why = f"strategy pins site {unit.site} to {mode.value}"
    excluded = {m: unit.excluded.get(m, ()) + ((why,) if m in unit.modes and m is not mode
                                              else ()) for m in MODES}
    # Built directly, not through dataclasses.replace: a million-device estate pins hundreds
    # of thousands of units per strategy.
    return Unit(id=unit.id, site=unit.site, class_ids=unit.class_ids, devices=unit.devices,
                members=unit.members, vas=unit.vas, modes=(mode,), cost={mode: unit.cost[mode]},
                excluded={m: r for m, r in excluded.items() if r})


def pin_all(units: Sequence[Unit], mode: Mode) -> list[Unit]:
    """Every unit that may take `mode` pinned to it (`pin`), the others as they are. Units
    share their cost and reason mappings (data.py), so the pinned ones share theirs too: each
    is built once per distinct mapping (and, for the reasons, per site) rather than per unit."""
    reasons: dict[tuple[str, int, tuple[Mode, ...]], Mapping[Mode, tuple[str, ...]]] = {}
    costs: dict[int, Mapping[Mode, UnitCost]] = {}
    out = []
    for unit in units:  # holds every keyed mapping alive, so id() keys stay their own
        if mode not in unit.modes:
            out.append(unit)
            continue
        key = (unit.site, id(unit.excluded), unit.modes)
        excluded = reasons.get(key)
        if excluded is None:
            excluded = reasons[key] = pin(unit, mode).excluded
        cost = costs.get(id(unit.cost))
        if cost is None:
            cost = costs[id(unit.cost)] = {mode: unit.cost[mode]}
        out.append(Unit(id=unit.id, site=unit.site, class_ids=unit.class_ids,
                        devices=unit.devices, members=unit.members, vas=unit.vas,
                        modes=(mode,), cost=cost, excluded=excluded))
    return out


def pure_reasons(blocked: list[Unit], mode: Mode) -> dict[str, tuple[str, ...]]:
    """Site -> why `mode` is out there, worded as `build_data(only=mode)` words it."""
    out: dict[str, tuple[str, ...]] = {}
    for unit in blocked:
        why = tuple(f"{mode.value}: {r}" for r in unit.excluded.get(mode, ()))
        out[unit.site] = tuple(dict.fromkeys(out.get(unit.site, ()) + why))
    return out


def derive(base: ModelData, units: list[Unit], specs: Mapping[Mode, ModeSpec]) -> ModelData:
    """The strategy's sets from the unpruned base: prune, then the charges and server groups
    its units can trigger (the same steps as `build_data`, without rebuilding the rest).

    `units` are the base's units with their modes narrowed or kept (pinned, then pruned), so
    their charges are the base's charges trimmed (`restrict_charges`), not built again."""
    estate = base.estate
    kept = prune_dominated(units, restrict_charges(base.charges, units))
    groups, unit_groups = server_groups(estate, base.reach, kept, specs)
    return replace(base, units=tuple(kept), charges=restrict_charges(base.charges, kept),
                   groups=groups, unit_groups=unit_groups, infeasible={})


def fallbacks(blocked: list[Unit], mode: Mode,
              taken: Mapping[str, Mode]) -> tuple[Fallback, ...]:
    """Per site, the devices of the units that could not take `mode` and the modes they got
    (`taken`: unit id -> the mode the where-allowed plan gave it)."""
    modes: dict[str, Counter[Mode]] = {}
    reason: dict[str, str] = {}
    for unit in blocked:
        modes.setdefault(unit.site, Counter())[taken[unit.id]] += unit.devices
        reason.setdefault(unit.site, next(iter(unit.excluded.get(mode, ())), ""))
    return tuple(Fallback(site, sum(modes[site].values()),
                          tuple((m, modes[site][m]) for m in MODES if modes[site][m]),
                          reason[site]) for site in sorted(modes))
