"""Growth in active units per licence, site and Virtual Account since a stored snapshot.

Usage the user tagged as seasonal or project-bound (site tags `seasonal` or `project:<name>` in
the estate file) is reported apart, as `growth-tagged`, so it is never folded into the baseline.
Growth is measured per Virtual Account, because that is where the renewal team prices it: the
units are priced in the VA of the devices that grew (the one price rule, planner.renewal.prices).
The devices named are every device that uses the licence now and did not at `since`: devices
added since and devices relicensed to it alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.history.snapshot import device_key
from planner.model import Device
from planner.renewal.context import RenewalContext, named
from planner.renewal.findings import Evidence, Finding, FindingKind, Priority, priority_for


@dataclass(frozen=True, slots=True)
class Growth:
    """Growth of one licence at one site in one Virtual Account."""

    virtual_account: str
    site: str
    tag: str
    before: int
    after: int
    devices: tuple[Device, ...]  # using the licence now and not at `since`
    usage_tag: str | None  # `seasonal` or `project:<name>` when the site carries one

    @property
    def units(self) -> int:
        return self.after - self.before


def growth_by_va(ctx: RenewalContext) -> list[Growth]:
    """Every (VA, site, licence) whose active units rose since `since`, sorted."""
    hist = ctx.history
    if hist is None or hist.since is None:
        return []
    now: dict[tuple[str, str, str], int] = defaultdict(int)
    users: dict[tuple[str, str, str], list[Device]] = defaultdict(list)
    for dev in ctx.estate.devices:
        for use in dev.licences:
            key = (dev.virtual_account, dev.site, use.tag)
            now[key] += use.count
            users[key].append(dev)
    out = []
    for (va, site, tag), after in sorted(now.items()):
        before = hist.usage_then.get((va, site, tag), 0)
        if after <= before:
            continue
        fresh = tuple(sorted((d for d in users[(va, site, tag)]
                              if (device_key(d), tag) not in hist.licensed_then),
                             key=lambda d: d.hostname))
        out.append(Growth(va, site, tag, before, after, fresh, ctx.tag_for_site(site)))
    return out


def growth(ctx: RenewalContext) -> list[Finding]:
    hist = ctx.history
    if hist is None or hist.since is None:
        return []
    days = max((ctx.reference - hist.since).days, 1)
    found = growth_by_va(ctx)
    vas_at: dict[tuple[str, str], int] = defaultdict(int)
    for g in found:
        vas_at[(g.site, g.tag)] += 1
    out = []
    for g in found:
        price = ctx.price(g.tag, g.virtual_account)
        delta = g.units
        money = delta * price.value
        lic = ctx.licence(g.tag)
        name = lic.name if lic else g.tag
        yearly = (delta / g.before) * 365 / days if g.before else None
        numbers: list[tuple[str, float]] = [
            ("units_before", g.before), ("units_now", g.after), ("growth_units", delta),
            ("days", days), ("unit_price", price.value)]
        if yearly is not None:
            numbers.append(("annualised_growth_rate", round(yearly, 4)))
        where = (f"{g.site}" if vas_at[(g.site, g.tag)] == 1
                 else f"{g.site} in {g.virtual_account}")
        signal = (f"{name} at {where}: {g.before} -> {g.after} active unit(s) since "
                  f"{hist.since.isoformat()}")
        if g.usage_tag:
            kind = FindingKind.GROWTH_TAGGED
            reading = (f"The team will quote these {delta} unit(s) as uplift like any other "
                       f"growth, unless shown as {g.usage_tag} usage.")
            counter = (f"Show them apart as {g.usage_tag} usage with its end date; keep them "
                       "out of the baseline commit (a short term or a temporary licence).")
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
        # Unique per kind: the site and licence, with the VA only where several grew there.
        subject = (f"{g.site}/{g.tag}" if vas_at[(g.site, g.tag)] == 1
                   else f"{g.site}/{g.virtual_account}/{g.tag}")
        out.append(Finding(
            kind=kind, subject=subject, signal=signal,
            evidence=Evidence(devices=named(g.devices, ctx.settings.evidence_devices),
                              devices_total=len(g.devices), licences=(g.tag,),
                              virtual_accounts=(g.virtual_account,), sites=(g.site,),
                              numbers=tuple(numbers),
                              entitlement_rows=ctx.row_names(g.virtual_account, g.tag)),
            reading=reading, counter_move=counter, money=money, currency=ctx.currency,
            priority=priority,
            notes=(f"site tag: {g.usage_tag}",) if g.usage_tag else (),
        ))
    return out
