"""The rendering machinery: every kind x format has a template, escaping, overrides, errors."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from planner.problems import UsageError
from planner.reports.render import (
    TEMPLATES,
    ReportFormat,
    ReportKind,
    environment,
    md_escape,
    render,
)
from planner.resources import templates_dir
from tests.reports.conftest import Built


def test_every_kind_and_format_has_a_builtin_template() -> None:
    assert set(TEMPLATES) == set(product(ReportKind, ReportFormat))
    for (kind, fmt), name in TEMPLATES.items():
        assert (templates_dir() / name).is_file(), name
        assert name.startswith(kind.value) and name.endswith(f".{fmt.value}.j2")
    for shared in ("base.html.j2", "base.md.j2", "macros.html.j2", "macros.md.j2"):
        assert (templates_dir() / shared).is_file()


@pytest.mark.parametrize("char", ["|", "*", "_", "`", "[", "]", "#", "{", "}", "\\", "!"])
def test_md_escape_backslashes_markup(char: str) -> None:
    assert md_escape(f"a{char}b") == f"a\\{char}b"


def test_md_escape_turns_html_into_text_and_keeps_one_line() -> None:
    assert md_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_escape("a & b") == "a &amp; b"
    assert md_escape("two\nlines\r\n| x") == "two lines \\| x"
    assert md_escape(None) == ""


def test_autoescape_only_for_html_templates() -> None:
    env = environment()
    assert env.autoescape("x.html.j2") is True  # type: ignore[operator]
    assert env.autoescape("x.md.j2") is False  # type: ignore[operator]


def test_user_templates_take_precedence(tmp_path: Path, hostile: Built) -> None:
    # A user base layout wraps the built-in report; a user report template replaces one outright.
    (tmp_path / "base.html.j2").write_text(
        "<html><body><p id='user-layout'>OURS</p>{% block content %}{% endblock %}</body></html>",
        encoding="utf-8")
    (tmp_path / "compliance.md.j2").write_text("USER PACK {{ r.meta.estate|md }}\n",
                                               encoding="utf-8")
    html = render(ReportKind.TRADEOFF, ReportFormat.HTML, hostile.tradeoff, user_dir=tmp_path)
    assert "<p id='user-layout'>OURS</p>" in html
    assert 'id="strategy-table"' in html  # the built-in body still renders inside it
    assert "<style>" not in html  # the built-in base was replaced
    md = render(ReportKind.COMPLIANCE, ReportFormat.MD, hostile.compliance, user_dir=tmp_path)
    assert md.startswith("USER PACK Acme &lt;script&gt;")
    # Without the folder the built-ins come back.
    assert "<style>" in render(ReportKind.TRADEOFF, ReportFormat.HTML, hostile.tradeoff)


def test_user_html_template_still_autoescapes(tmp_path: Path, hostile: Built) -> None:
    (tmp_path / "tradeoff.html.j2").write_text("<h1>{{ r.meta.estate }}</h1>\n",
                                              encoding="utf-8")
    html = render(ReportKind.TRADEOFF, ReportFormat.HTML, hostile.tradeoff, user_dir=tmp_path)
    assert html == "<h1>Acme &lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}</h1>\n"


def test_template_typo_is_a_usage_error_naming_the_template(tmp_path: Path,
                                                            hostile: Built) -> None:
    (tmp_path / "tradeoff.md.j2").write_text("line one\n{{ r.meta.no_such_field }}\n",
                                            encoding="utf-8")
    with pytest.raises(UsageError, match=r"tradeoff\.md\.j2.*no_such_field"):
        render(ReportKind.TRADEOFF, ReportFormat.MD, hostile.tradeoff, user_dir=tmp_path)


def test_missing_user_folder_is_a_usage_error(tmp_path: Path, hostile: Built) -> None:
    with pytest.raises(UsageError, match="not a folder"):
        render(ReportKind.TRADEOFF, ReportFormat.MD, hostile.tradeoff,
               user_dir=tmp_path / "absent")
