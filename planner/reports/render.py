"""Render report contexts through jinja2: user templates first, then the built-in ones.

HTML templates autoescape; Markdown templates escape every interpolated value with the `md`
filter, so text from the input (a hostname, a site name) can never become markup, HTML or a
template expression in either format. `StrictUndefined` turns a template typo into an error.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
)

from planner.problems import UsageError
from planner.resources import templates_dir


class ReportKind(StrEnum):
    SUMMARY = "summary"
    TRADEOFF = "tradeoff"
    COMPLIANCE = "compliance"
    RENEWAL = "renewal"


class ReportFormat(StrEnum):
    HTML = "html"
    MD = "md"


# Every kind x format has exactly one template (a test walks every member).
TEMPLATES: dict[tuple[ReportKind, ReportFormat], str] = {
    (ReportKind.SUMMARY, ReportFormat.HTML): "summary.html.j2",
    (ReportKind.SUMMARY, ReportFormat.MD): "summary.md.j2",
    (ReportKind.TRADEOFF, ReportFormat.HTML): "tradeoff.html.j2",
    (ReportKind.TRADEOFF, ReportFormat.MD): "tradeoff.md.j2",
    (ReportKind.COMPLIANCE, ReportFormat.HTML): "compliance.html.j2",
    (ReportKind.COMPLIANCE, ReportFormat.MD): "compliance.md.j2",
    (ReportKind.RENEWAL, ReportFormat.HTML): "renewal.html.j2",
    (ReportKind.RENEWAL, ReportFormat.MD): "renewal.md.j2",
}

# Characters a Markdown viewer would read as markup; `<`/`>` become entities so raw HTML in the
# input stays text. The backslash goes first so the escapes themselves survive.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#!{}~])")


def md_escape(value: object) -> str:
    """One Markdown table cell or inline text: no markup, no HTML, one line."""
    text = "" if value is None else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value + 0.0:,.2f}"
    return f"{currency} {text}" if currency else text


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value + 0.0:,.{digits}f}"


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


def environment(user_dir: Path | None = None) -> Environment:
    """The report Environment: `user_dir` (if any) overrides built-in templates by name."""
    loaders = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(f"--templates {user_dir}: not a folder")
        loaders.append(FileSystemLoader(str(user_dir)))
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                      autoescape=_autoescape, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=md_escape, money=money, number=number, percent=percent)
    return env


def render(kind: ReportKind, fmt: ReportFormat, report: Any, *,
           user_dir: Path | None = None) -> str:
    """Render one report; template errors become a UsageError naming the template."""
    name = TEMPLATES[(kind, fmt)]
    env = environment(user_dir)
    try:
        template = env.get_template(name)
        text = template.render(r=report, kind=kind.value)
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise UsageError(f"template {where}{f':{line}' if line else ''}: {exc}") from None
    return text if text.endswith("\n") else text + "\n"
