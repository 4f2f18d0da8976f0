"""The renewal read's one price rule, and the entitlement rows every figure is traced to.

The rule (docs/renewal-schema.md, "Prices"), used by every finding and by both sides of the
renewal model:

1. A unit on an entitlement line is priced at that line's `unit_price`.
2. A line without a `unit_price` takes the estate's `prices:` for its licence, else the
   catalogue's list price (models/licences.yaml, a planning assumption, not a quote).
3. A figure that spans several lines of one licence in one Virtual Account (spare units, units
   dropped, a true-forward or growth charged against that VA's baseline) takes the average of
   those lines' prices weighted by their quantity in force; when none is in force (a lapsed
   term), the lines' own quantities weight it. A VA with no line of the licence at all falls
   back to step 2.

A price never comes from another Virtual Account's line: growth at a site is priced in the VA
of the devices that grew, not in the alphabetically first VA holding the licence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PriceSource(StrEnum):
    LINE = "entitlement line"
    WEIGHTED = "weighted over entitlement lines"
    ESTATE = "estate prices:"
    LIST = "catalogue list price"


@dataclass(frozen=True, slots=True)
class Row:
    """One entitlement line as the renewal read sees it at the reference date."""

    virtual_account: str
    tag: str
    quantity: int  # in force at the reference date (0 for a lapsed term or a future order)
    listed: int  # the quantity on the line, in force or not
    term: bool
    price: float  # by rule steps 1-2
    source: PriceSource  # LINE, ESTATE or LIST
    origin: str  # `file:line` of the row (the estate file when the line has no origin)
    lapsed: bool  # a term line that ended before the reference date
    future: bool  # a line whose start is after the reference date


@dataclass(frozen=True, slots=True)
class Price:
    """A unit price with where it came from and the rows it rests on."""

    value: float
    source: PriceSource
    rows: tuple[str, ...] = ()


def weighted(rows: Iterable[Row]) -> Price | None:
    """Rule step 3 over one VA's lines of one licence; None when there are no lines."""
    rows = tuple(rows)
    if not rows:
        return None
    live = [r for r in rows if r.quantity > 0]
    basis = live or [r for r in rows if r.listed > 0] or list(rows)
    weight = sum((r.quantity if live else r.listed) for r in basis)
    if weight <= 0:
        value = sum(r.price for r in basis) / len(basis)
    else:
        value = sum(r.price * (r.quantity if live else r.listed) for r in basis) / weight
    prices = {round(r.price, 6) for r in basis}
    if len(basis) == 1 or len(prices) == 1:
        source = basis[0].source if len({r.source for r in basis}) == 1 else PriceSource.WEIGHTED
    else:
        source = PriceSource.WEIGHTED
    return Price(value, source, tuple(r.origin for r in basis))


def value_of(rows: Iterable[Row]) -> float:
    """Rule steps 1-2 line by line: what the quantities in force are worth (once or per year)."""
    return sum(r.quantity * r.price for r in rows)
