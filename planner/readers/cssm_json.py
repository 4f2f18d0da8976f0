"""CSSM REST API licence JSON: a list of accounts with `roles[].licenses[]`, or `{licenses: []}`.

Field names as the API prints them: license, quantity, inUse, available, reserved,
virtualAccount, licenseDetails[{licenseType, quantity, startDate, endDate, subscriptionId,
status}] (licensing-facts s3). Problems name the JSON path, e.g. `[0].roles[1].licenses[2]`.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from planner.domains import COUNT_EXPECTED, count_value
from planner.fileio import read_source
from planner.model import Origin
from planner.problems import Problem, error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._common import parse_loose_date
from planner.readers._cssm import Term, entitlements_for, term_type

# The fields of a CSSM licence object and of one licenseDetails entry, as the API prints them
# (read or known and unused). A field outside these is most often a misspelling (`inuse`,
# `quantitiy`) that would silently count as zero: an error, unless `extra_columns: ignore`.
LICENCE_FIELDS = ("license", "quantity", "inUse", "available", "reserved", "virtualAccount",
                  "licenseDetails", "status", "billingType", "pendingQuantity", "ahaApps",
                  "isPortable", "licenseSubstitutions", "licenseType", "tag", "assignedLicenses")
DETAIL_FIELDS = ("licenseType", "quantity", "startDate", "endDate", "subscriptionId", "status",
                 "billingType")
# A UTF-16 surrogate escape that is not half of a pair: JSON allows it, UTF-8 cannot hold it.
_LONE_SURROGATE = re.compile(r"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                             r"|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})")


class CssmJsonReader:
    kind = SourceKind.CSSM_JSON

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        text, digest = read_source(path, display)
        result = ReadResult(sha256=digest)
        if not text.strip():
            result.problems.append(error(display, "file is empty", line=1,
                                         expected="CSSM licence JSON"))
            return result
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            result.problems.append(error(display, f"not valid JSON: {exc.msg}", line=exc.lineno,
                                         expected="CSSM licence JSON"))
            return result
        except ValueError as exc:  # e.g. an integer longer than Python's 4300-digit limit
            result.problems.append(error(display, f"not valid CSSM JSON: {exc}", line=1,
                                         expected="CSSM licence JSON"))
            return result
        except RecursionError:
            # json's C scanner recurses once per nesting level: a hostile file nested
            # tens of thousands deep must be a clear error, not a traceback.
            result.problems.append(error(display, "not valid CSSM JSON: nested too deeply",
                                         line=1, expected="CSSM licence JSON"))
            return result
        surrogate = _LONE_SURROGATE.search(text)
        if surrogate is not None:
            result.problems.append(error(
                display, f"{surrogate.group(0)} is half of a UTF-16 surrogate pair",
                line=text.count("\n", 0, surrogate.start()) + 1,
                position=surrogate.start() - (text.rfind("\n", 0, surrogate.start()) + 1) + 1,
                expected="text that is valid Unicode"))
            return result
        lines = _Lines(text)
        for where, lic in _licence_entries(doc, display, result.problems):
            self._licence(lic, where, lines, ctx, display, result)
        return result

    def _licence(self, lic: Any, where: str, lines: _Lines, ctx: ReadContext, display: str,
                 result: ReadResult) -> None:
        problems = result.problems
        line = lines.find(lic.get("license") if isinstance(lic, dict) else None)
        if not isinstance(lic, dict):
            problems.append(error(display, "licence entry is not an object", column=where,
                                  expected="{license, quantity, inUse, ...}"))
            return
        name = lic.get("license")
        if not isinstance(name, str) or not name.strip():
            problems.append(error(display, "licence has no `license` name", line=line,
                                  column=f"{where}.license", expected="a licence name"))
            return
        before = len(problems)
        if not ctx.extra_columns:
            _unknown_fields(lic, LICENCE_FIELDS, where, display, line, problems)
        counts = {}
        for key in ("quantity", "inUse", "reserved"):
            counts[key] = _count(lic.get(key, 0 if key != "quantity" else None), display, line,
                                 f"{where}.{key}", problems)
        va = lic.get("virtualAccount") or ""
        if not isinstance(va, str):
            problems.append(error(display, "virtualAccount is not text", line=line,
                                  column=f"{where}.virtualAccount", expected="a name"))
            va = ""
        terms = []
        details = lic.get("licenseDetails") or []
        if not isinstance(details, list):
            problems.append(error(display, "licenseDetails is not a list", line=line,
                                  column=f"{where}.licenseDetails", expected="a list"))
            details = []
        for j, d in enumerate(details):
            dwhere = f"{where}.licenseDetails[{j}]"
            if not isinstance(d, dict):
                problems.append(error(display, "licence detail is not an object", line=line,
                                      column=dwhere, expected="{licenseType, quantity, ...}"))
                continue
            if not ctx.extra_columns:
                _unknown_fields(d, DETAIL_FIELDS, dwhere, display, line, problems)
            qty = _count(d.get("quantity"), display, line, f"{dwhere}.quantity", problems)
            dates = {}
            for key in ("startDate", "endDate"):
                raw = d.get(key)
                dates[key] = parse_loose_date(raw) if isinstance(raw, str) else None
                if raw not in (None, "") and dates[key] is None:
                    problems.append(error(display, f"bad date {raw!r}", line=line,
                                          column=f"{dwhere}.{key}",
                                          expected="YYYY-MM-DD or an ISO timestamp"))
            if qty is not None:
                end = dates["endDate"]
                terms.append(Term(qty, term_type(str(d.get("licenseType") or ""), end),
                                  dates["startDate"], end, str(d.get("subscriptionId") or "")))
        if len(problems) > before:
            return
        quantity, in_use, reserved = counts["quantity"], counts["inUse"], counts["reserved"]
        assert quantity is not None and in_use is not None and reserved is not None
        if va:
            result.virtual_accounts.append(va)
        result.entitlements.extend(entitlements_for(
            name, va, quantity, in_use, reserved, terms, ctx, Origin(display, line), where,
            problems))


def _licence_entries(doc: Any, display: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    """(JSON path, licence object) for every licence, whichever of the two shapes `doc` has."""
    if isinstance(doc, dict) and isinstance(doc.get("licenses"), list):
        return [(f"licenses[{i}]", lic) for i, lic in enumerate(doc["licenses"])]
    if isinstance(doc, list):
        out = []
        for i, account in enumerate(doc):
            roles = account.get("roles") if isinstance(account, dict) else None
            if isinstance(account, dict) and isinstance(account.get("licenses"), list):
                out += [(f"[{i}].licenses[{k}]", lic) for k, lic in enumerate(account["licenses"])]
            if not isinstance(roles, list):
                continue
            for j, role in enumerate(roles):
                lics = role.get("licenses") if isinstance(role, dict) else None
                if isinstance(lics, list):
                    out += [(f"[{i}].roles[{j}].licenses[{k}]", lic) for k, lic in enumerate(lics)]
        if out or all(isinstance(a, dict) and ("roles" in a or "licenses" in a) for a in doc):
            return out
    problems.append(error(display, "no licences found", line=1,
                          expected='a list of accounts with roles[].licenses[], or '
                                   '{"licenses": [...]}'))
    return []


def _unknown_fields(obj: dict[Any, Any], known: tuple[str, ...], where: str, display: str,
                   line: int | None, problems: list[Problem]) -> None:
    for key in obj:
        if key in known:
            continue
        hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        problems.append(error(display, f"unknown field {key!r}"
                              + (f"; did you mean {hint[0]!r}?" if hint else ""), line=line,
                              column=f"{where}.{key}",
                              expected="CSSM licence fields " + ", ".join(known)
                              + " (or `extra_columns: ignore` in the estate file)"))


def _count(value: Any, display: str, line: int | None, where: str,
           problems: list[Problem]) -> int | None:
    got = count_value(value)
    if got is None:
        what = "missing" if value is None else (
            "negative" if str(value).strip().startswith("-") else "not a whole number in range")
        problems.append(error(display, f"{where.rsplit('.', 1)[-1]} {value!r} is {what}",
                              line=line, column=where, expected=COUNT_EXPECTED))
    return got


class _Lines:
    """Best-effort line numbers for JSON values: the line where a licence name first appears."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._seen: dict[str, int] = {}

    def find(self, name: object) -> int | None:
        if not isinstance(name, str):
            return None
        needle = json.dumps(name)
        start = self._seen.get(needle, 0)
        pos = self._text.find(needle, start)
        if pos < 0:
            pos = self._text.find(needle)
            if pos < 0:
                return None
        self._seen[needle] = pos + 1
        return self._text.count("\n", 0, pos) + 1
