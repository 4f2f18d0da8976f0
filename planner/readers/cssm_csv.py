"""CSSM web export CSV: the Smart Account's licence view, one row per licence and Virtual Account.

No public sample of the UI's export headers exists (licensing-facts s3), so both the UI labels
("License", "Quantity", "In Use", "Available", "Reserved", "Virtual Account", "Expires") and the
API names (license, quantity, inUse, ...) are accepted, case- and space-insensitively.
"""

from __future__ import annotations

from pathlib import Path

from planner.fileio import read_source
from planner.model import Origin, TermType
from planner.problems import error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._common import (
    count_problem,
    export_rows,
    parse_count,
    parse_loose_date,
)
from planner.readers._cssm import Term, entitlements_for, term_type

COLUMNS: dict[str, tuple[str, ...]] = {
    "License": ("licence", "license name", "licence name"),
    "Quantity": ("purchased", "qty"),
    "In Use": ("inuse",),
    "Available": (),
    "Reserved": (),
    "Virtual Account": ("virtualaccount", "va"),
    "Expires": ("end date", "enddate", "expiration", "expiration date", "expiry"),
    "Start Date": ("startdate", "start"),
    "License Type": ("licensetype", "licence type", "type", "term"),
    "Subscription Id": ("subscriptionid", "subscription"),
}
REQUIRED = ("License", "Quantity")
# Cells CSSM prints for a licence that does not expire.
_NEVER = {"", "-", "never", "n/a", "na", "perpetual", "none"}


class CssmCsvReader:
    kind = SourceKind.CSSM_CSV

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        text, digest = read_source(path, display)
        result = ReadResult(sha256=digest)
        problems = result.problems
        for line, cell in export_rows(text, display, COLUMNS, REQUIRED, "a CSSM export",
                                      "licence", problems,
                                      extra_columns=ctx.extra_columns):
            before = len(problems)
            counts: dict[str, int] = {}
            for column in ("Quantity", "In Use", "Reserved"):
                raw = cell.get(column, "")
                value = parse_count(raw) if raw or column == "Quantity" else 0
                if value is None:
                    problems.append(count_problem(display, line, column, raw) if raw else
                                    error(display, f"{column} is blank", line=line,
                                          column=column, expected="a whole number >= 0"))
                else:
                    counts[column] = value
            if not cell["License"]:
                problems.append(error(display, "License is blank", line=line, column="License",
                                      expected="a licence name"))
            expires_raw = cell.get("Expires", "")
            end = None
            if expires_raw.lower() not in _NEVER:
                end = parse_loose_date(expires_raw)
                if end is None:
                    problems.append(error(display, f"bad date {expires_raw!r}", line=line,
                                          column="Expires",
                                          expected="a date such as 2027-01-31, or Never"))
            start_raw = cell.get("Start Date", "")
            start = parse_loose_date(start_raw) if start_raw else None
            if start_raw and start is None:
                problems.append(error(display, f"bad date {start_raw!r}", line=line,
                                      column="Start Date", expected="a date such as 2025-02-01"))
            if len(problems) > before:
                continue
            kind = term_type(cell.get("License Type", ""), end)
            terms = [] if end is None and kind is TermType.PERPETUAL and not start else [
                Term(counts["Quantity"], kind, start, end, cell.get("Subscription Id", ""))]
            va = cell.get("Virtual Account", "")
            if va:
                result.virtual_accounts.append(va)
            result.entitlements.extend(entitlements_for(
                cell["License"], va, counts["Quantity"], counts["In Use"], counts["Reserved"],
                terms, ctx, Origin(display, line), None, problems))
        return result
