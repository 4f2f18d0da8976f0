"""Build a report's context by kind: one exhaustive table (ReportKind -> builder), so a new kind
is added here or fails the test over every kind, and no kind falls through to another's
builder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from planner.model import Estate
from planner.plan import Detail
from planner.reports.render import ReportKind
from planner.solving import SolveOptions

if TYPE_CHECKING:  # the optimiser (and highspy) load only when a report solves
    from planner.optimise.strategies import Comparison


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What every builder may read: the estate, the reference date and how it was set, the
    command line to print in the report, the solver options and (renewal) the renewal date."""

    estate: Estate
    when: date | None = None
    source: str = ""
    command: str = ""
    options: SolveOptions = field(default_factory=SolveOptions)
    renewal: str | None = None


# Builders import their modules late: `planner report --kind renewal` never loads the solver.
def _compared(req: ReportRequest) -> Comparison:
    """The strategies as the trade-off report reads them: the optimal mix in full (site
    tables, map, executive page), the others as totals; every plan with its (site, mode)
    groups (the exposure register). Totals let the single-mode strategies solve in forked
    workers at scale, sending back only those few records."""
    from planner.optimise import compare_strategies

    return compare_strategies(req.estate, req.options, detail=Detail.TOTALS,
                              optimal_detail=Detail.FULL, footprints=True)


def _summary(req: ReportRequest) -> Any:
    from planner.reports.tradeoff import build_summary

    return build_summary(_compared(req), when=req.when, date_source=req.source,
                         command=req.command)


def _tradeoff(req: ReportRequest) -> Any:
    from planner.reports.tradeoff import build_tradeoff

    return build_tradeoff(_compared(req), when=req.when, date_source=req.source,
                          command=req.command)


def _compliance(req: ReportRequest) -> Any:
    from planner.optimise import plan_estate
    from planner.reports.compliance import build_compliance

    return build_compliance(plan_estate(req.estate, req.options), when=req.when,
                            date_source=req.source, command=req.command)


def _renewal(req: ReportRequest) -> Any:
    from planner.reports.renewal import build_renewal

    return build_renewal(req.estate, when=req.when, date_source=req.source,
                         command=req.command, renewal=req.renewal)


BUILDERS: Mapping[ReportKind, Callable[[ReportRequest], Any]] = MappingProxyType({
    ReportKind.SUMMARY: _summary,
    ReportKind.TRADEOFF: _tradeoff,
    ReportKind.COMPLIANCE: _compliance,
    ReportKind.RENEWAL: _renewal,
})


def build_report(kind: ReportKind, request: ReportRequest) -> Any:
    """Solve what the kind needs and build its context (a KeyError names an unknown kind)."""
    return BUILDERS[ReportKind(kind)](request)
