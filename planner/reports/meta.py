"""The header every report carries: title, estate, account, currency, date, tool version."""

from __future__ import annotations

from datetime import date

from planner import __version__
from planner.plan import Plan
from planner.reports.context import ReportMeta
from planner.reports.reproducibility import NOT_STAMPED


def meta(plan: Plan, kind: str, title: str, when: date | None) -> ReportMeta:
    estate = plan.estate
    return ReportMeta(title=title, kind=kind, estate=estate.name, account=estate.account.name,
                      currency=estate.costs.currency,
                      generated=when.isoformat() if when else NOT_STAMPED,
                      tool_version=__version__, horizon_years=estate.costs.horizon_years)
