"""The planner's own entitlement CSV: what the Smart Account holds, per Virtual Account.

Columns: virtual_account, licence, quantity, in_use, reserved, term, start, end,
subscription_id, unit_price. A licence the catalogue does not know is an error here: these files
are written for the planner, so an unknown name is a typo, not a product we have not heard of.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.domains import DATE_EXPECTED, MAX_AMOUNT, calendar_date, parse_amount
from planner.fileio import read_source
from planner.model import Entitlement, Origin, TermType
from planner.problems import Problem, error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._common import (
    count_problem,
    csv_rows,
    empty_file,
    match_header,
    parse_count,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "virtual_account": ("va", "virtual account"),
    "licence": ("license", "licence name", "license name"),
    "quantity": ("qty",),
    "in_use": ("inuse", "in use"),
    "reserved": (),
    "term": ("term type", "license type"),
    "start": ("start date", "start_date"),
    "end": ("end date", "end_date", "expires"),
    "subscription_id": ("subscription", "subscription id"),
    "unit_price": ("price", "unit price"),
}
REQUIRED = ("virtual_account", "licence", "quantity")
_TERMS = {t.value: t for t in TermType}


class EntitlementsCsvReader:
    kind = SourceKind.ENTITLEMENTS

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        text, digest = read_source(path, display)
        result = ReadResult(sha256=digest)
        rows = csv_rows(text)
        first = next(rows, None)
        header = first[1] if first else None
        if header is None or not any(h.strip() for h in header):
            result.problems.append(empty_file(display, "a header line: " + ",".join(COLUMNS)))
            return result
        cols, missing = match_header(header, COLUMNS, REQUIRED, display,
                                     extra_columns=ctx.extra_columns)
        if missing:
            result.problems.extend(missing)
            return result
        seen_rows = False
        for line, row in rows:
            seen_rows = True
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                result.problems.append(error(display, f"row has {len(row)} cells, header has "
                                             f"{len(header)}", line=line,
                                             expected="one cell per header column"))
                continue
            cell = {name: row[i].strip() for name, i in cols.items()}
            ent = _entitlement(cell, ctx, display, line, result.problems)
            if ent is not None:
                result.entitlements.append(ent)
        if not seen_rows and not result.problems:
            result.problems.append(error(display, "file has a header but no entitlements",
                                         line=1, expected="at least one entitlement row"))
        return result


def _entitlement(cell: dict[str, str], ctx: ReadContext, display: str, line: int,
                 problems: list[Problem]) -> Entitlement | None:
    before = len(problems)

    def bad(column: str, message: str, expected: str) -> None:
        problems.append(error(display, message, line=line, column=column, expected=expected))

    name = cell["licence"]
    tag = ctx.catalogue.canonical_tag(name)
    if tag is None:
        bad("licence", f"unknown licence {name!r}" if name else "licence is blank",
            "a licence from models/licences.yaml, e.g. network-advantage")
    counts: dict[str, int] = {}
    for column in ("quantity", "in_use", "reserved"):
        raw = cell.get(column, "")
        if not raw and column != "quantity":
            counts[column] = 0
            continue
        value = parse_count(raw)
        if value is None:
            problems.append(count_problem(display, line, column, raw) if raw else
                            error(display, f"{column} is blank", line=line, column=column,
                                  expected="a whole number >= 0"))
        else:
            counts[column] = value
    term_raw = cell.get("term", "").lower()
    term: TermType | None = None
    if term_raw:
        term = _TERMS.get(term_raw)
        if term is None:
            bad("term", f"unknown term {cell['term']!r}", "perpetual|term")
    dates: dict[str, date | None] = {}
    for column in ("start", "end"):
        raw = cell.get(column, "")
        got = calendar_date(raw) if raw else None
        dates[column] = got if isinstance(got, date) else None
        if isinstance(got, str):
            bad(column, f"bad date {raw!r}: {column} {got}", DATE_EXPECTED)
    start, end = dates["start"], dates["end"]
    if start and end and end < start:
        bad("end", f"end {end} is before start {start}", "end on or after start")
    price: float | None = None
    raw_price = cell.get("unit_price", "")
    if raw_price:
        price = parse_amount(raw_price)
        if price is None:
            bad("unit_price", f"unit_price {raw_price!r} is not a price",
                f"a finite number from 0 to {MAX_AMOUNT:,.0f} in ASCII digits, or blank for "
                "the catalogue price")
    if len(problems) > before or tag is None:
        return None
    licence = ctx.catalogue.licence(tag)
    return Entitlement(
        virtual_account=cell["virtual_account"], tag=tag, name=licence.name, tier=licence.tier,
        quantity=counts["quantity"], in_use=counts["in_use"], reserved=counts["reserved"],
        term=term or (TermType.TERM if end else licence.term), start=start, end=end,
        subscription_id=cell.get("subscription_id", ""), unit_price=price,
        origin=Origin(display, line))
