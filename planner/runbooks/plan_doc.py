"""The shape of the parts of a saved plan.json that `runbook --plan` reads, checked up front.

A plan.json may have been edited by hand (or by an adversary). Before any of it is used, every
field the runbook reads is checked for its type and range, and the first few wrong ones are
refused by their JSON path (`reservations[3].licences[0].count`), exit 2, rather than failing
later as an internal error. The declared shape below mirrors models/plan.schema.json for those
fields; fields the runbook does not read are not checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.domains import COUNT_EXPECTED, count_value
from planner.problems import InputError, Problem, error

_MAX_SHOWN = 20

# A field check: (value, JSON path, problems) -> None.
Check = Callable[[Any, str, list[Problem]], None]


def _text(optional: bool = False) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str):
            out.append(_bad(path, value, "text" + (" or null" if optional else "")))
    return check


def _count(value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, int) or count_value(value) is None:  # bool is refused too
        out.append(_bad(path, value, "an integer: " + COUNT_EXPECTED))


def _list_of(item: Check, optional: bool = True) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, list):
            out.append(_bad(path, value, "a list"))
            return
        for i, element in enumerate(value):
            item(element, f"{path}[{i}]", out)
    return check


def _object(fields: dict[str, Check], optional: bool = False) -> Check:
    def check(value: Any, path: str, out: list[Problem]) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dict):
            out.append(_bad(path, value, "an object"))
            return
        for key, field_check in fields.items():
            field_check(value.get(key), f"{path}.{key}" if path else key, out)
    return check


_PLAN = _object({
    "classes": _list_of(_object({"id": _text(), "mode": _text(optional=True),
                                 "server_site": _text(optional=True)})),
    "reservations": _list_of(_object({
        "hostname": _text(), "serial": _text(),
        "licences": _list_of(_object({"tag": _text(), "count": _count}))})),
    "servers": _list_of(_object({
        "site": _text(), "mode": _text(),
        "local_accounts": _list_of(_object({"virtual_account": _text()}))})),
    "estate": _object({"sources": _list_of(_object({
        "kind": _text(), "path": _text(), "sha256": _text()}))}, optional=True),
})


def _bad(path: str, value: Any, expected: str) -> Problem:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return error("", f"{path} is {shown}, of the wrong type or out of range", column=path,
                 expected=expected)


def check_plan_fields(doc: dict[str, Any], name: str) -> None:
    """Raise InputError naming every wrongly typed field the runbook reads (at most 20)."""
    found: list[Problem] = []
    _PLAN(doc, "", found)
    if found:
        raise InputError([Problem(p.severity, name, p.message, p.line, p.column, p.expected)
                          for p in found[:_MAX_SHOWN]])
