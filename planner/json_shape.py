"""Declared shapes for JSON documents a user may have edited, checked up front.

A saved document (plan.json) may have been edited by hand, or by an adversary. Before any of it
is used, every field a reader uses is checked for its type and range, and the first few wrong
ones are refused by their JSON path (`classes[3].reserved[0].devices`), exit 2, rather than
failing later as an internal error. The combinators here know no document's field names: the
module that owns a document declares its shape with them (planner.plan_document).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.domains import COUNT_EXPECTED, count_value
from planner.problems import InputError, Problem, error

MAX_SHOWN = 20

# A field check: (value, JSON path, problems) -> None.
Check = Callable[[Any, str, list[Problem]], None]


def text(optional: bool = False) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str):
            out.append(_bad(path, value, "text" + (" or null" if optional else "")))
    return check


def count(optional: bool = False) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, int) or count_value(value) is None:  # bool is refused too
            out.append(_bad(path, value, "an integer: " + COUNT_EXPECTED))
    return check


def list_of(item: Check, optional: bool = True) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, list):
            out.append(_bad(path, value, "a list"))
            return
        for i, element in enumerate(value):
            item(element, f"{path}[{i}]", out)
    return check


def obj(fields: dict[str, Check], optional: bool = False) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dict):
            out.append(_bad(path, value, "an object"))
            return
        for key, field_check in fields.items():
            field_check(value.get(key), f"{path}.{key}" if path else key, out)
    return check


def _bad(path: str, value: Any, expected: str) -> Problem:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return error("", f"{path} is {shown}, of the wrong type or out of range", column=path,
                 expected=expected)


def check_shape(shape: Check, doc: Any, name: str) -> None:
    """Raise InputError naming every wrongly typed field of `doc` (at most MAX_SHOWN), each
    under the file `name`."""
    found: list[Problem] = []
    shape(doc, "", found)
    if found:
        raise InputError([Problem(p.severity, name, p.message, p.line, p.column, p.expected)
                          for p in found[:MAX_SHOWN]])
