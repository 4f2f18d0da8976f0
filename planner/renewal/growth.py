"""Growth in active units per licence and site since a stored snapshot: the quoted uplift.

Usage the user tagged as seasonal or project-bound (site tags `seasonal` or `project:<name>` in
the estate file) is reported apart, as `growth-tagged`, so it is never folded into the baseline.
"""

from __future__ import annotations

from collections import defaultdict

from planner.history.snapshot import device_key
from planner.model import Device
from planner.renewal.context import RenewalContext, named
from planner.renewal.findings import Evidence, Finding, FindingKind, Priority, priority_for


def current_units(ctx: RenewalContext) -> dict[tuple[str, str], int]:
    """(tag, site) -> active units in the estate as loaded."""
    units: dict[tuple[str, str], int] = defaultdict(int)
    for dev in ctx.estate.devices:
        for use in dev.licences:
            units[(use.tag, dev.site)] += use.count
    return dict(units)


def growth(ctx: RenewalContext) -> list[Finding]:
    hist = ctx.history
    if hist is None or hist.since is None:
        return []
    now = current_units(ctx)
    days = max((ctx.reference - hist.since).days, 1)
    users: dict[tuple[str, str], list[Device]] = defaultdict(list)
    for dev in ctx.estate.devices:
        for use in dev.licences:
            users[(use.tag, dev.site)].append(dev)
    out = []
    for (tag, site), after in sorted(now.items()):
        before = hist.units_then.get((tag, site), 0)
        delta = after - before
        if delta <= 0:
            continue
        usage_tag = ctx.tag_for_site(site)
        new = [d for d in users[(tag, site)] if device_key(d) not in hist.keys_then]
        price = ctx.unit_price(tag)
        money = delta * price
        lic = ctx.licence(tag)
        name = lic.name if lic else tag
        yearly = (delta / before) * 365 / days if before else None
        numbers: list[tuple[str, float]] = [
            ("units_before", before), ("units_now", after), ("growth_units", delta),
            ("days", days), ("unit_price", price)]
        if yearly is not None:
            numbers.append(("annualised_growth_rate", round(yearly, 4)))
        signal = (f"{name} at {site}: {before} -> {after} active unit(s) since "
                  f"{hist.since.isoformat()}")
        if usage_tag:
            kind = FindingKind.GROWTH_TAGGED
            reading = (f"The team will quote these {delta} unit(s) as uplift like any other "
                       f"growth, unless shown as {usage_tag} usage.")
            counter = (f"Show them apart as {usage_tag} usage with its end date; keep them out "
                       "of the baseline commit (a short term or a temporary licence).")
            priority = priority_for(money, ctx.settings)
            if priority is Priority.HIGH:
                priority = Priority.MEDIUM  # tagged usage is the buyer's argument, not exposure
        else:
            kind = FindingKind.GROWTH
            reading = (f"Renewal uplift: {delta} more unit(s) of {name} than at "
                       f"{hist.since.isoformat()}, quoted on top of the renewal.")
            counter = ("Anchor to the baseline commit; show which growth is permanent and "
                       "which is seasonal or project usage; retire replaced devices first.")
            priority = priority_for(money, ctx.settings)
        out.append(Finding(
            kind=kind, subject=f"{site}/{tag}", signal=signal,
            evidence=Evidence(devices=named(new, ctx.settings.evidence_devices),
                              devices_total=len(new), licences=(tag,), sites=(site,),
                              numbers=tuple(numbers)),
            reading=reading, counter_move=counter, money=money, currency=ctx.currency,
            priority=priority,
            notes=(f"site tag: {usage_tag}",) if usage_tag else (),
        ))
    return out
