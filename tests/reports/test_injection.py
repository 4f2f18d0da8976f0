"""Hostile text in the input (hostnames, site and account names) stays inert in every output."""

from __future__ import annotations

import re

import pytest

from planner.reports.render import ReportFormat, ReportKind
from tests.reports.conftest import SCRIPT, TEMPLATE, Built
from tests.reports.structure import md_tables

CASES = [(k, f) for k in ReportKind for f in ReportFormat]


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_script_never_reaches_the_output_raw(hostile: Built, kind: ReportKind,
                                             fmt: ReportFormat) -> None:
    text = hostile.render(kind, fmt)
    assert SCRIPT not in text
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown as text, not dropped


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_template_syntax_in_input_is_not_evaluated(hostile: Built, kind: ReportKind,
                                                   fmt: ReportFormat) -> None:
    text = hostile.render(kind, fmt)
    shown = TEMPLATE if fmt is ReportFormat.HTML else r"\{\{7\*7\}\}"
    assert shown in text
    assert "Acme 49" not in text and "49</" not in text


@pytest.mark.parametrize("kind", list(ReportKind))
def test_markdown_cells_cannot_break_tables_or_links(hostile: Built, kind: ReportKind) -> None:
    text = hostile.render(kind, ReportFormat.MD)
    for table in md_tables(text):
        assert {len(row) for row in table} == {len(table[0])}
    assert "](" not in text.replace(r"\](", "")  # no live Markdown link from `[x](y)`
    assert re.search(r"(?<!\\)`", text) is None  # no unescaped backtick opens code
    assert r"Acme \*bold\* \| pipe" in text  # the account name, every character escaped


@pytest.mark.parametrize("kind", list(ReportKind))
def test_html_makes_no_external_request(hostile: Built, kind: ReportKind) -> None:
    text = hostile.render(kind, ReportFormat.HTML)
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert "@import" not in text and "url(" not in text
    assert re.search(r"""(src|href)=["']?(https?:)?//""", text) is None
    # The only absolute URLs: the SVG namespace (never fetched) and cited sources as text.
    for url in re.findall(r"https?://[^\s\"'<)]+", text):
        assert url.startswith(("http://www.w3.org/2000/svg", "https://doi.org/")), url


@pytest.mark.parametrize("kind", list(ReportKind))
def test_markdown_viewer_renders_hostile_text_as_text(hostile: Built, kind: ReportKind) -> None:
    """Through a CommonMark + tables renderer that passes raw HTML (as many viewers do)."""
    from markdown_it import MarkdownIt

    text = hostile.render(kind, ReportFormat.MD)
    page = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<table>") == len(md_tables(text))
    assert "<em>" not in page and "<code>" not in page and "<a " not in page
    assert "{{7*7}}" in page  # shown literally, never evaluated
