"""Licences in use at a higher tier than the licence bought: the upgrade pitch.

A device in Virtual Account V reporting licence T is above what was bought when V holds
licences of T's track but only at lower tiers. The pitch is priced as the difference between
T and the highest tier held, per unit (yearly for term licences, once for perpetual ones), each
side priced in V by the one price rule (weighted over V's lines of that licence, never the
last line read).
The same units usually show as over-consumption of T too: the two readings overlap and the
brief never adds them up.
"""

from __future__ import annotations

from planner.model import Tier
from planner.renewal.context import RenewalContext, named
from planner.renewal.findings import Evidence, Finding, FindingKind, priority_for


def upgrade_pitch(ctx: RenewalContext) -> list[Finding]:
    out = []
    for (va, tag), units in sorted(ctx.device_units.items()):
        lic = ctx.licence(tag)
        if lic is None or lic.tier is Tier.ADDON or units <= 0:
            continue
        held = []
        for (hva, htag), holding in ctx.holdings.items():
            other = ctx.licence(htag)
            if (hva == va and holding.quantity > 0 and other is not None
                    and other.track == lic.track and other.tier is not Tier.ADDON):
                held.append(other)
        if not held:
            continue
        top = max(held, key=lambda d: (d.tier.rank, d.tag))
        if top.tier.rank >= lic.tier.rank:
            continue
        step = max(ctx.unit_price(tag, va) - ctx.unit_price(top.tag, va), 0.0)
        money = units * step
        users = ctx.users.get((va, tag), ())
        out.append(Finding(
            kind=FindingKind.UPGRADE_PITCH, subject=f"{va}/{tag}",
            signal=(f"{len(users)} device(s) in {va} report {lic.name} while {va} holds "
                    f"{top.name} at most"),
            evidence=Evidence(
                devices=named(users, ctx.settings.evidence_devices), devices_total=len(users),
                licences=(tag, top.tag), virtual_accounts=(va,),
                numbers=(("units", units), ("bought_tier_quantity",
                                            ctx.holdings[(va, top.tag)].quantity),
                         ("price_step_per_unit", round(step, 6))),
                entitlement_rows=ctx.row_names(va, top.tag) + ctx.row_names(va, tag)),
            reading=(f"Upgrade pitch: the team will propose moving {va} from {top.name} to "
                     f"{lic.name}, starting with the devices named."),
            counter_move=("Disable the higher-tier features these devices do not need (set the "
                          f"licence level back to {top.tag}), or document configured vs "
                          "intended tier and buy the step-up only where it is used."),
            money=money, currency=ctx.currency, priority=priority_for(money, ctx.settings),
            notes=(f"overlaps over-consumption of {tag} in {va} on the same units",),
        ))
    return out
