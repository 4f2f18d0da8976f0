"""Consumption against entitlement: over-consumption as a true-forward, and shelfware.

Per Virtual Account a shortfall of one licence is first covered by spare units of a higher tier
of the same track in that VA (a higher tier covers a lower one, licensing-facts s3); what
remains is over-consumption. Spare units in other VAs are named as transfer candidates but not
netted off: until someone transfers them, the renewal team reads the VA as over-consumed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from planner.model import Tier
from planner.renewal.context import RenewalContext, named
from planner.renewal.findings import Evidence, Finding, FindingKind, Priority, priority_for


@dataclass(frozen=True, slots=True)
class Balance:
    virtual_account: str
    tag: str
    quantity: int
    demand: int
    covered: int  # shortfall covered by a higher tier held in the same VA
    lent: int  # spare units of this licence covering a lower tier in the same VA

    @property
    def over(self) -> int:
        return max(self.demand - self.quantity - self.covered, 0)

    @property
    def spare(self) -> int:
        return max(self.quantity - self.demand - self.lent, 0)


def balances(ctx: RenewalContext) -> dict[tuple[str, str], Balance]:
    by_va: dict[str, set[str]] = defaultdict(set)
    for va, tag in set(ctx.holdings) | set(ctx.device_units):
        by_va[va].add(tag)
    out: dict[tuple[str, str], Balance] = {}
    for va in sorted(by_va):
        tags = sorted(by_va[va])
        qty = {t: ctx.holdings[(va, t)].quantity if (va, t) in ctx.holdings else 0 for t in tags}
        need = {t: ctx.demand(va, t) for t in tags}
        spare = {t: max(qty[t] - need[t], 0) for t in tags}
        covered: dict[str, int] = defaultdict(int)
        lent: dict[str, int] = defaultdict(int)
        for tag in sorted(tags, key=lambda t: (_rank(ctx, t), t)):
            short = need[tag] - qty[tag]
            lic = ctx.licence(tag)
            if short <= 0 or lic is None or lic.tier is Tier.ADDON:
                continue
            # Cheapest cover first: the lowest higher tier that has spare units.
            for other in sorted((t for t in tags if t != tag), key=lambda t: (_rank(ctx, t), t)):
                donor = ctx.licence(other)
                if donor is None or not donor.covers(lic) or spare[other] <= 0:
                    continue
                take = min(spare[other], short - covered[tag])
                spare[other] -= take
                lent[other] += take
                covered[tag] += take
                if covered[tag] >= short:
                    break
        for tag in tags:
            out[(va, tag)] = Balance(va, tag, qty[tag], need[tag], covered[tag], lent[tag])
    return out


def _rank(ctx: RenewalContext, tag: str) -> int:
    lic = ctx.licence(tag)
    return lic.tier.rank if lic else 0


def over_consumption(ctx: RenewalContext, bal: dict[tuple[str, str], Balance]) -> list[Finding]:
    ea = ctx.estate.agreement
    limit = ctx.settings.evidence_devices
    out = []
    for (va, tag), b in sorted(bal.items()):
        if b.over <= 0:
            continue
        allowance = min(b.over, math.floor(b.quantity * ea.growth_allowance)) if ea else 0
        charged = b.over - allowance
        price = ctx.unit_price(tag, va)  # the VA's baseline, weighted over its lines
        months = ctx.true_forward_months(tag, va)
        money = charged * price * (months / 12 if months else 1)
        elsewhere = sorted((o.virtual_account, o.spare) for o in bal.values()
                           if o.tag == tag and o.virtual_account != va and o.spare > 0)
        users = ctx.users.get((va, tag), ())
        name = _name(ctx, tag)
        numbers: list[tuple[str, float]] = [
            ("entitled", b.quantity), ("in_use", b.demand),
            ("device_units", ctx.device_units.get((va, tag), 0)),
            ("covered_by_higher_tier", b.covered), ("over", b.over),
            ("ea_growth_allowance_units", allowance), ("true_forward_units", charged),
            ("unit_price", price), ("billed_months", months),
            ("spare_in_other_vas", sum(n for _, n in elsewhere))]
        moves = ["suspend or reassign devices that no longer need it"]
        if elsewhere:
            moves.append("transfer spare units from " + ", ".join(
                f"{v} ({n})" for v, n in elsewhere))
        moves.append("otherwise accept the true-forward at the baseline price, not list")
        period = (f"for {months} month{'s' if months != 1 else ''} to the agreement end"
                  if ea and months
                  else "for one year" if months else "once (perpetual)")
        reading = (f"True-forward charge: {charged} unit(s) of {name} above the baseline, "
                   f"billed {period}" + (f" after the EA growth allowance of {allowance}"
                                         if allowance else "") + "; not retroactive.")
        if charged == 0:
            reading = (f"Within the EA growth allowance ({allowance} unit(s)): no charge at "
                       "this true-forward, but the team will reset the baseline upward.")
        out.append(Finding(
            kind=FindingKind.OVER_CONSUMPTION, subject=f"{va}/{tag}",
            signal=f"{b.demand} unit(s) of {name} in use in {va} against {b.quantity} entitled",
            evidence=Evidence(devices=named(users, limit), devices_total=len(users),
                              licences=(tag,), virtual_accounts=(va,), numbers=tuple(numbers),
                              entitlement_rows=ctx.row_names(va, tag)),
            reading=reading, counter_move="Before renewal: " + "; ".join(moves) + ".",
            money=money, currency=ctx.currency,
            priority=priority_for(money, ctx.settings,
                                  Priority.MEDIUM if charged else Priority.LOW),
        ))
    return out


def shelfware(ctx: RenewalContext, bal: dict[tuple[str, str], Balance]) -> list[Finding]:
    held: dict[str, list[Balance]] = defaultdict(list)
    for b in bal.values():
        held[b.tag].append(b)
    out = []
    for tag in sorted(held):
        rows = held[tag]
        quantity = sum(b.quantity for b in rows)
        if quantity <= 0 or any(b.demand or b.lent for b in rows):
            continue
        vas = tuple(sorted(b.virtual_account for b in rows if b.quantity))
        money = sum(ctx.holding_value(b.virtual_account, tag) for b in rows)
        term = any(ctx.is_term(tag, v) for v in vas)
        name = _name(ctx, tag)
        # Substitution candidates: licences of the same track that are over-consumed.
        lic = ctx.licence(tag)
        subs = sorted({b.tag for b in bal.values() if b.over > 0 and b.tag != tag
                       and lic is not None and (other := ctx.licence(b.tag)) is not None
                       and other.track == lic.track})
        swap = (f" Substitute toward {', '.join(subs)}, which is over-consumed." if subs
                else "")
        out.append(Finding(
            kind=FindingKind.SHELFWARE, subject=tag,
            signal=f"{quantity} unit(s) of {name} entitled, none in use",
            evidence=Evidence(licences=(tag, *subs), virtual_accounts=vas, numbers=(
                ("entitled", quantity), ("in_use", 0), ("term", 1 if term else 0),
                # weighted over every line counted (the price rule, step 3)
                ("unit_price", round(money / quantity, 6))),
                entitlement_rows=tuple(o for v in vas for o in ctx.row_names(v, tag))),
            reading=("The renewal team will defend these units against a drop and renew them "
                     "as they are." if term else "Paid once and idle: the team will still "
                     "count them in the support renewal and the installed base."),
            counter_move=("Push a drop of the idle units or a substitution toward a licence "
                          "in use; do not pay for shelfware." if term else "Drop them from the "
                          "support renewal or trade them for a licence in use; buy no more.")
            + swap,
            money=money, currency=ctx.currency, priority=priority_for(money, ctx.settings),
        ))
    return out


def _name(ctx: RenewalContext, tag: str) -> str:
    lic = ctx.licence(tag)
    return lic.name if lic else tag
