"""Golden structure of every report of every bundled example: headings, sections, tables, charts.

Set PLANNER_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review
the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.reports.render import ReportFormat, ReportKind
from tests.reports.conftest import Built
from tests.reports.structure import html_outline, md_outline, md_tables

GOLDEN = Path(__file__).parent / "golden"


def _check(name: str, outline: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        path.write_text(outline, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with PLANNER_UPDATE_GOLDEN=1"
    assert outline == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(ReportKind))
def test_html_structure(example: Built, kind: ReportKind) -> None:
    text = example.render(kind, ReportFormat.HTML)
    outline = html_outline(text)
    _check(f"{example.name}-{kind.value}.html.txt", outline)
    assert "section #reproducibility" in outline
    assert outline.count("svg .chart") >= 1


@pytest.mark.parametrize("kind", list(ReportKind))
def test_md_structure(example: Built, kind: ReportKind) -> None:
    text = example.render(kind, ReportFormat.MD)
    # The renewal brief titles one section per finding: data, not structure.
    depth = 2 if kind is ReportKind.RENEWAL else 3
    _check(f"{example.name}-{kind.value}.md.txt", md_outline(text, depth=depth))
    for table in md_tables(text):  # every row has as many cells as its header
        assert {len(row) for row in table} == {len(table[0])}, table[0]


def test_every_example_site_in_the_reports(example: Built) -> None:
    """Every site is in the map and the sites register; the per-site table lists them all, or
    (for a large estate) the largest, beside a summary that still counts every site."""
    html = example.render(ReportKind.TRADEOFF, ReportFormat.HTML)
    pack = example.render(ReportKind.COMPLIANCE, ReportFormat.MD)
    shown = {s.site for s in example.tradeoff.sites_shown}
    register = next(r for r in example.tradeoff.registers if r.name == "sites")
    for site in example.estate.sites:
        assert (f'id="site-{site.id}"' in html) == (site.id in shown)
        assert f'data-site="{site.id}"' in html
        assert site.id in {row[0] for row in register.rows}
        assert f"| {site.id} |" in pack
    if len(shown) < len(example.estate.sites):
        assert sum(g.sites for g in example.tradeoff.site_summary) == len(example.estate.sites)
