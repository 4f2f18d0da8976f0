"""Turning one CSSM licence line (JSON or CSV) into entitlements, shared by both CSSM readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.model import Entitlement, Origin, TermType
from planner.problems import Problem, warning
from planner.readers import ReadContext


@dataclass(frozen=True, slots=True)
class Term:
    """One `licenseDetails[]` entry: a purchase with its own quantity and dates."""

    quantity: int
    term: TermType
    start: date | None
    end: date | None
    subscription_id: str


def term_type(licence_type: str, end: date | None) -> TermType:
    """CSSM's licenseType: PERPETUAL is perpetual; TERM/SUBSCRIPTION, or any end date, is term."""
    kind = licence_type.strip().upper()
    if kind == "PERPETUAL":
        return TermType.PERPETUAL
    if kind in ("TERM", "SUBSCRIPTION") or end is not None:
        return TermType.TERM
    return TermType.PERPETUAL


def entitlements_for(name: str, virtual_account: str, quantity: int, in_use: int, reserved: int,
                     terms: list[Term], ctx: ReadContext, origin: Origin, where: str | None,
                     problems: list[Problem]) -> list[Entitlement]:
    """Entitlements for one CSSM licence line; one per term when CSSM lists several.

    In-use and reserved counts are per licence, not per term: they are assigned to the terms in
    order of latest end first (perpetual first), each up to its quantity, the rest to the last
    one, so totals per licence always equal CSSM's figures.
    """
    tag = ctx.catalogue.canonical_tag(name)
    if tag is None:
        # The CSSM catalogue is far larger than the planner's: skip the line, but say so.
        problems.append(warning(origin.file, f"CSSM licence {name!r} matches no licence in the "
                                "planner's catalogue; its entitlements are ignored",
                                line=origin.line, column=where,
                                expected="a licence in models/licences.yaml (add an alias)"))
        return []
    licence = ctx.catalogue.licence(tag)
    if terms and sum(t.quantity for t in terms) != quantity:
        problems.append(warning(origin.file, f"CSSM licence {name!r}: term quantities add up to "
                                f"{sum(t.quantity for t in terms)}, licence quantity is "
                                f"{quantity}; using the terms", line=origin.line, column=where,
                                expected="licenseDetails quantities summing to quantity"))
    if not terms:
        terms = [Term(quantity, licence.term, None, None, "")]
    ordered = sorted(terms, key=lambda t: (t.end is not None, -(t.end or date.min).toordinal()))
    left_use, left_res = in_use, reserved
    out = []
    for i, t in enumerate(ordered):
        last = i == len(ordered) - 1
        use = left_use if last else min(left_use, t.quantity)
        res = left_res if last else min(left_res, max(t.quantity - use, 0))
        left_use -= use
        left_res -= res
        out.append(Entitlement(
            virtual_account=virtual_account, tag=tag, name=licence.name, tier=licence.tier,
            quantity=t.quantity, in_use=use, reserved=res, term=t.term, start=t.start,
            end=t.end, subscription_id=t.subscription_id, origin=origin))
    return out
