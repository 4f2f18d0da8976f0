"""TextFSM templates, the project's (models/textfsm) and ntc-templates', compiled once each.

Building a TextFSM object parses its template; doing that per file would dominate the cost of
reading ten thousand captures, so each template is compiled once and `Reset()` between texts.
"""

from __future__ import annotations

import io
from pathlib import Path

import ntc_templates
import textfsm

from planner.resources import models_dir


class ParseError(ValueError):
    """A template refused the text (ntc-templates raise on lines they do not expect)."""


_NTC_DIR = Path(ntc_templates.__file__).resolve().parent / "templates"
_COMPILED: dict[str, textfsm.TextFSM] = {}


def template_path(name: str) -> Path:
    """`ntc:<file>` names an ntc-templates template; anything else one in models/textfsm."""
    if name.startswith("ntc:"):
        return _NTC_DIR / f"{name[4:]}.textfsm"
    return models_dir() / "textfsm" / f"{name}.textfsm"


def _compiled(name: str) -> textfsm.TextFSM:
    fsm = _COMPILED.get(name)
    if fsm is None:
        text = template_path(name).read_text(encoding="utf-8")
        fsm = textfsm.TextFSM(io.StringIO(text))
        _COMPILED[name] = fsm
    return fsm


def parse(name: str, text: str) -> list[dict[str, str | list[str]]]:
    """Rows of `text` parsed with template `name`, as dicts keyed by lower-case value names."""
    fsm = _compiled(name)
    fsm.Reset()
    try:
        rows = fsm.ParseText(text if text.endswith("\n") else text + "\n")
    except textfsm.TextFSMError as exc:
        raise ParseError(f"unexpected line for this command ({exc})") from None
    header = [h.lower() for h in fsm.header]
    return [dict(zip(header, row, strict=True)) for row in rows]


def first(rows: list[dict[str, str | list[str]]], key: str) -> str:
    """The first non-empty string value of `key` in `rows`, or ""."""
    for row in rows:
        value = row.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
