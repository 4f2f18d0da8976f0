"""Every money figure in every document format is written the one way (planner.money): the
currency code, a space, the amount with thousands separators and two decimals. Each report kind
in HTML and Markdown, the renewal brief, its checklist and its terminal table, on every bundled
example: no amount followed by its currency code, and every code followed by a number is
followed by an amount in the one format. A chart's bar labels may use the compact form
(planner.money.money_compact: "USD 321.3k"); their tooltips carry the full figure."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from planner.renewal import run_renewal
from planner.renewal.render import render_brief_md, render_checklist_md, render_table
from planner.reports.render import ReportFormat, ReportKind
from tests.reports.conftest import RENEWAL, WHEN, Built

AMOUNT = r"-?\d{1,3}(?:,\d{3})*\.\d{2}"
COMPACT = r"-?\d{1,3}(?:,\d{3})*(?:\.\d[kMB])?"  # chart labels only
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def documents(example: Built) -> dict[str, str]:
    docs = {f"{kind}.{fmt}": example.render(kind, fmt)
            for kind in ReportKind for fmt in ReportFormat}
    brief = run_renewal(example.estate, reference=date.fromisoformat(WHEN),
                        renewal=date.fromisoformat(RENEWAL))
    docs.update({"renewal brief.md": render_brief_md(brief),
                 "renewal checklist.md": render_checklist_md(brief),
                 "renewal table": render_table(brief),
                 "renewal table --wide": render_table(brief, wide=True)})
    return docs


def _check(text: str, code: str, allowed: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))  # HTML cells as their text
    # amount first: one space between (a wider gap is the next column of a terminal table)
    bad = re.findall(rf"\d(?:[\d,]*\d)?(?:\.\d+)? {code}\b", text)
    for figure in re.findall(rf"\b{code} (-?\d[\d,.]*[kMB]?)", text):
        figure = figure.rstrip(".,")  # a sentence's full stop or a list's comma
        if not re.fullmatch(allowed, figure):
            bad.append(f"{code} {figure}")
    return bad


def misprinted(text: str, code: str) -> list[str]:
    """The money figures in `text` not in the one format (charts: or the compact one)."""
    charts = SVG.findall(text)
    return (_check(SVG.sub(" ", text), code, AMOUNT)
            + [bad for svg in charts for bad in _check(svg, code, f"{AMOUNT}|{COMPACT}")])


def test_misprinted_finds_every_other_way() -> None:
    assert misprinted("USD 1,234.00 and <td>USD 0.50</td>; USD 12.00.\n12.00  USD", "USD") == []
    assert misprinted("1,234.00 USD, USD 1234.00, USD 12, USD 1,234.5, USD 3.2k", "USD") == [
        "1,234.00 USD", "USD 1234.00", "USD 12", "USD 1,234.5", "USD 3.2k"]
    chart = '<svg viewBox="0 0 9 9"><text>USD 321.3k</text><title>USD 1.5</title></svg>'
    assert misprinted(chart, "USD") == ["USD 1.5"]


def test_every_money_figure_in_the_one_format(example: Built) -> None:
    code = example.estate.costs.currency
    found = {name: bad for name, text in documents(example).items()
             if (bad := misprinted(text, code))}
    if not found:
        return
    pytest.fail(f"{example.name}: money not in the one format: {found}")
