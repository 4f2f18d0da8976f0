"""Render report contexts through jinja2: user templates first, then the built-in ones.

HTML templates autoescape; Markdown templates escape every interpolated value with the `md`
filter, so text from the input (a hostname, a site name) can never become markup, HTML or a
template expression in either format. `StrictUndefined` turns a template typo into an error.
Every template, built-in or the user's (`--templates DIR`), renders in `TemplateSandbox`, which
keeps it to the documented context: no Python internals, modules or files.
"""

from __future__ import annotations

import inspect
import io
import os
import re
import types
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
from jinja2.sandbox import ImmutableSandboxedEnvironment

from planner.encode import code_span, fence
from planner.money import money
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


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value + 0.0:,.{digits}f}"


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox (no dunder attributes, no mutating the context), narrowed
    further: a template reads the context's data and may call methods of the planner's own
    context objects and of plain values (str, list, dict, dates), nothing else. So neither a
    user template (`--templates`) nor a value in the context can reach Python internals, a
    module, a class, or a file (a Path's read_text, an open file) from a template."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return super().is_safe_attribute(obj, attr, value) and _template_safe(value)


_PLAIN_TYPES = (str, bytes, int, float, bool, list, tuple, dict, set, frozenset)


def _template_safe(value: Any) -> bool:
    if isinstance(value, (types.ModuleType, type, os.PathLike, io.IOBase)):
        return False
    if not callable(value):
        return True
    if type(value).__module__.startswith("jinja2."):  # a macro of an imported template
        return True
    owner = getattr(value, "__self__", None)
    if inspect.ismethod(value):  # a Python method: only the planner's own objects
        return type(owner).__module__.startswith(("planner.", "jinja2."))  # loop.cycle
    if isinstance(value, types.BuiltinMethodType):  # str.upper, dict.items, date.isoformat
        return isinstance(owner, _PLAIN_TYPES) or type(owner).__module__ == "datetime"
    return False


def environment(user_dir: Path | None = None) -> Environment:
    """The sandboxed report Environment: `user_dir` (if any) overrides built-in templates by
    name; built-in and user templates see exactly the same, documented context."""
    if user_dir is not None and not user_dir.is_dir():
        raise UsageError(f"--templates {user_dir}: not a folder")
    loaders = []
    if user_dir is not None:
        loaders.append(FileSystemLoader(str(user_dir)))
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = TemplateSandbox(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                      autoescape=_autoescape, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=md_escape, money=money, number=number, percent=percent, fence=fence,
                       code=code_span)
    return env


def render_template(name: str, *, user_dir: Path | None = None, **context: Any) -> str:
    """Render one template by name with `context`; a template error becomes a UsageError naming
    the template (and its line). Every document the planner writes comes through here."""
    return render_in(environment(user_dir), name, **context)


def render_in(env: Environment, name: str, **context: Any) -> str:
    """`render_template` in an Environment the caller keeps, so a template rendered once per
    site is compiled once per run."""
    try:
        text = env.get_template(name).render(**context)
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise UsageError(f"template {where}{f':{line}' if line else ''}: {exc}") from None
    return text if text.endswith("\n") else text + "\n"


def render(kind: ReportKind, fmt: ReportFormat, report: Any, *,
           user_dir: Path | None = None) -> str:
    """Render one report; template errors become a UsageError naming the template."""
    return render_template(TEMPLATES[(kind, fmt)], user_dir=user_dir, r=report, kind=kind.value)
