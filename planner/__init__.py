"""Offline-mode licence reservation planner for Cisco estates.

The library API: what a script needs, importable from `planner` itself (docs/library.md).
Names load on first use (PEP 562), so `import planner` and the CLI's start stay cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from planner.clock import reference_date, stamp_date
    from planner.explain import explain_site
    from planner.loader import LoadResult, load_estate
    from planner.model import Estate, Mode
    from planner.optimise import compare_strategies, plan_estate
    from planner.optimise.strategies import Comparison, StrategyResult
    from planner.plan import Detail, Plan, Pricing, SolveStatus, Strategy
    from planner.reports.build import ReportRequest, build_report
    from planner.reports.render import ReportFormat, ReportKind
    from planner.reports.render import render as render_report
    from planner.runbooks import runbook_files
    from planner.runbooks.planned import from_plan as planned_from_plan
    from planner.solving import NoPlanError, SolveOptions, Solver
    from planner.writers.plan_files import render_plan_files, write_plan_files

# public name -> (module, attribute)
_API: dict[str, tuple[str, str]] = {
    "load_estate": ("planner.loader", "load_estate"),
    "LoadResult": ("planner.loader", "LoadResult"),
    "reference_date": ("planner.clock", "reference_date"),
    "stamp_date": ("planner.clock", "stamp_date"),
    "Estate": ("planner.model", "Estate"),
    "Mode": ("planner.model", "Mode"),
    "Plan": ("planner.plan", "Plan"),
    "SolveStatus": ("planner.plan", "SolveStatus"),
    "Strategy": ("planner.plan", "Strategy"),
    "Detail": ("planner.plan", "Detail"),
    "Pricing": ("planner.plan", "Pricing"),
    "SolveOptions": ("planner.solving", "SolveOptions"),
    "Solver": ("planner.solving", "Solver"),
    "NoPlanError": ("planner.solving", "NoPlanError"),
    "Comparison": ("planner.optimise.strategies", "Comparison"),
    "StrategyResult": ("planner.optimise.strategies", "StrategyResult"),
    "plan_estate": ("planner.optimise", "plan_estate"),
    "compare_strategies": ("planner.optimise", "compare_strategies"),
    "explain_site": ("planner.explain", "explain_site"),
    "write_plan_files": ("planner.writers.plan_files", "write_plan_files"),
    "render_plan_files": ("planner.writers.plan_files", "render_plan_files"),
    "ReportKind": ("planner.reports.render", "ReportKind"),
    "ReportFormat": ("planner.reports.render", "ReportFormat"),
    "ReportRequest": ("planner.reports.build", "ReportRequest"),
    "build_report": ("planner.reports.build", "build_report"),
    "render_report": ("planner.reports.render", "render"),
    "planned_from_plan": ("planner.runbooks.planned", "from_plan"),
    "runbook_files": ("planner.runbooks", "runbook_files"),
}

__all__ = [
    "Comparison",
    "Detail",
    "Estate",
    "LoadResult",
    "Mode",
    "NoPlanError",
    "Plan",
    "Pricing",
    "ReportFormat",
    "ReportKind",
    "ReportRequest",
    "SolveOptions",
    "SolveStatus",
    "Solver",
    "Strategy",
    "StrategyResult",
    "__version__",
    "build_report",
    "compare_strategies",
    "explain_site",
    "load_estate",
    "plan_estate",
    "planned_from_plan",
    "reference_date",
    "render_plan_files",
    "render_report",
    "runbook_files",
    "stamp_date",
    "write_plan_files",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'planner' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
