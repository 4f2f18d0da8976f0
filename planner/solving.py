"""How to solve, and what a solve may answer: one definition for every command that solves.

`SolveOptions` carries the solver settings from the CLI (whose --solver, --time-limit, --gap
and --threads take their defaults from it) to the optimiser; `NoPlanError` is the one way a
solve says it has no plan. The contract (docs/model.md, section 7): `plan_estate` returns a
Plan whose status has a plan (OPTIMAL or FEASIBLE) or raises NoPlanError, which the CLI maps
to exit 3 with every other SolverError. Only `compare` keeps an infeasible forced strategy as a
result (it shows which sites break it).

This module imports no solver, so the CLI builds options without loading HiGHS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from planner.problems import SolverError, UsageError


class Solver(StrEnum):
    """The MILP solvers: HiGHS (straight from arrays) and PuLP's bundled CBC as the fallback."""

    HIGHS = "highs"
    CBC = "cbc"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """The solver settings, with the defaults every command and library call shares."""

    solver: Solver = Solver.HIGHS
    # Seconds per solve; when it runs out the best plan found is reported with its proven gap.
    time_limit: float = 60.0
    # Relative gap at which to stop early. 0 proves the optimum within one currency unit
    # (solve.PROOF_MONEY); a looser gap may stop earlier, and the plan is then FEASIBLE.
    gap: float = 0.0
    # Solver threads; 1 keeps results reproducible.
    threads: int = 1

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "solver", Solver(self.solver))
        except ValueError:
            raise SolverError(f"unknown solver {self.solver!r} (expected one of: "
                              f"{', '.join(s.value for s in Solver)})") from None
        if not (math.isfinite(self.time_limit) and self.time_limit > 0):
            raise UsageError(f"time limit {self.time_limit!r}: expected a positive number of "
                             "seconds")
        if not (math.isfinite(self.gap) and 0.0 <= self.gap <= 1.0):
            raise UsageError(f"gap {self.gap!r}: expected a relative gap from 0 to 1")
        if isinstance(self.threads, bool) or not isinstance(self.threads, int) \
                or self.threads < 1:
            raise UsageError(f"threads {self.threads!r}: expected a whole number from 1")

    def command_line(self) -> str:
        """The options as CLI flags (reports print the command that reproduces them)."""
        return (f"--solver {self.solver.value} --time-limit {self.time_limit:g} "
                f"--gap {self.gap:g} --threads {self.threads}")


class NoPlanError(SolverError):
    """No plan: some site can take no mode the strategy (or its pins) allows. `infeasible`
    names every such site with its reasons, sorted by site."""

    def __init__(self, message: str, infeasible: tuple[tuple[str, tuple[str, ...]], ...] = ()
                 ) -> None:
        super().__init__(message)
        self.infeasible = infeasible

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason, site by site (what `explain` shows for a pinned mode that is out)."""
        return tuple(r for _site, why in self.infeasible for r in why)


__all__ = ["NoPlanError", "SolveOptions", "Solver"]
