"""The report kinds are dispatched from one exhaustive table: every kind has its own builder,
and each builds the context its own templates render."""

from __future__ import annotations

from datetime import date

import pytest

from planner.reports.build import BUILDERS, ReportRequest, build_report
from planner.reports.context import ComplianceReport, TradeoffReport
from planner.reports.render import ReportFormat, ReportKind, render
from planner.reports.renewal import RenewalReport
from tests.reports.conftest import RENEWAL, WHEN, Built

CONTEXT = {ReportKind.SUMMARY: TradeoffReport, ReportKind.TRADEOFF: TradeoffReport,
           ReportKind.COMPLIANCE: ComplianceReport, ReportKind.RENEWAL: RenewalReport}


def test_the_table_covers_every_kind_with_its_own_builder() -> None:
    assert set(BUILDERS) == set(ReportKind) == set(CONTEXT)
    assert len({id(b) for b in BUILDERS.values()}) == len(ReportKind)


def test_an_unknown_kind_is_refused_not_built_as_another() -> None:
    with pytest.raises(ValueError):
        build_report("audit", ReportRequest(None))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(ReportKind), ids=str)
def test_every_kind_builds_and_renders(hostile: Built, kind: ReportKind) -> None:
    request = ReportRequest(hostile.estate, when=date.fromisoformat(WHEN), source="--date",
                            renewal=RENEWAL if kind is ReportKind.RENEWAL else None)
    context = build_report(kind, request)
    assert isinstance(context, CONTEXT[kind])
    assert render(kind, ReportFormat.MD, context).strip()
