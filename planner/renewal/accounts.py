"""Smart Account hygiene: the account hierarchy as the renewal team's audit follow-up sees it.

ASSUMPTION (documented in docs/renewal-schema.md): more Virtual Accounts than
max(`va_count_floor`, min(`va_count_cap`, devices / `va_devices_each`)) is unusual. A VA is
dormant when it had no devices and the same holdings in every stored snapshot and still has
none now (needs two snapshots).
"""

from __future__ import annotations

import math
from collections import defaultdict

from planner.model import Holder
from planner.renewal.consumption import Balance
from planner.renewal.context import RenewalContext
from planner.renewal.findings import Evidence, Finding, FindingKind, Priority, priority_for


def _holdings_of(ctx: RenewalContext, va: str) -> list[tuple[str, int]]:
    return sorted((tag, h.quantity) for (v, tag), h in ctx.holdings.items()
                  if v == va and h.quantity > 0)


def _value(ctx: RenewalContext, va: str) -> float:
    """Every holding of the VA priced line by line (the price rule, steps 1-2)."""
    return sum(ctx.holding_value(va, tag) for tag, _ in _holdings_of(ctx, va))


def _rows(ctx: RenewalContext, va: str) -> tuple[str, ...]:
    return tuple(o for tag in sorted({t for v, t in ctx.rows if v == va})
                 for o in ctx.row_names(va, tag))


def _fingerprint(ctx: RenewalContext, va: str) -> str:
    return ";".join(f"{t}:{q}" for t, q in _holdings_of(ctx, va))


def dormant_vas(ctx: RenewalContext) -> set[str]:
    hist = ctx.history
    if hist is None or len(hist.snapshots) < 2:
        return set()
    seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for act in hist.activity:
        seen[act.virtual_account].append((act.devices, act.holdings))
    busy = {d.virtual_account for d in ctx.estate.devices}
    out = set()
    for va in ctx.estate.virtual_accounts:
        rows = seen.get(va.name, [])
        if va.is_default or va.name in busy or len(rows) < len(hist.snapshots):
            continue
        if all(n == 0 for n, _ in rows) and {h for _, h in rows} == {_fingerprint(ctx, va.name)}:
            out.add(va.name)
    return out


def va_findings(ctx: RenewalContext) -> list[Finding]:
    busy = {d.virtual_account for d in ctx.estate.devices}
    dormant = dormant_vas(ctx)
    out = []
    for va in sorted(ctx.estate.virtual_accounts, key=lambda v: v.name):
        held = _holdings_of(ctx, va.name)
        if va.is_default or va.name in busy:
            continue
        money = _value(ctx, va.name)
        lic = tuple(t for t, _ in held)
        numbers = tuple((f"entitled {t}", float(q)) for t, q in held)
        if va.name in dormant:
            assert ctx.history is not None
            first = ctx.history.snapshots[0].isoformat()
            out.append(Finding(
                kind=FindingKind.VA_DORMANT, subject=va.name,
                signal=(f"{va.name} has had no devices and no change since {first} "
                        f"({len(ctx.history.snapshots)} snapshots)"),
                evidence=Evidence(licences=lic, virtual_accounts=(va.name,),
                                  numbers=(("snapshots", len(ctx.history.snapshots)),
                                           *numbers),
                                  entitlement_rows=_rows(ctx, va.name)),
                reading=("A dormant pool: the team reads abandoned Virtual Accounts as weak "
                         "governance and uses any entitlements stranded there to defend a "
                         "renewal of them."),
                counter_move=("Move its entitlements to the VAs that consume them and close "
                              "the VA before the renewal opens." if held else
                              "Close the VA before the renewal opens: it holds nothing and "
                              "has held nothing since the first snapshot."),
                money=money, currency=ctx.currency,
                priority=priority_for(money, ctx.settings, Priority.MEDIUM),
            ))
        elif held:
            out.append(Finding(
                kind=FindingKind.VA_NO_DEVICES, subject=va.name,
                signal=f"{va.name} holds {sum(q for _, q in held)} licence(s) and no devices",
                evidence=Evidence(licences=lic, virtual_accounts=(va.name,), numbers=numbers,
                                  entitlement_rows=_rows(ctx, va.name)),
                reading=("Entitlements with nothing consuming them read as shelfware in a "
                         "pool nobody watches; the team renews them as they are."),
                counter_move=("Transfer the licences to the VAs that are short, or drop them "
                              "at renewal; then close or re-purpose the VA."),
                money=money, currency=ctx.currency,
                priority=priority_for(money, ctx.settings),
            ))
    return out


def default_va_stranded(ctx: RenewalContext, bal: dict[tuple[str, str], Balance]) -> list[Finding]:
    defaults = {v.name for v in ctx.estate.virtual_accounts if v.is_default}
    out = []
    for (va, tag), b in sorted(bal.items()):
        if va not in defaults or b.spare <= 0:
            continue
        short = sorted(o.virtual_account for o in bal.values() if o.tag == tag and o.over > 0)
        money = ctx.yearly_or_once(tag, b.spare, va)
        target = ("transfer them to " + ", ".join(short) + " where they are short"
                  if short else "assign them to the VA of the business unit that will use "
                  "them, or drop them at renewal")
        out.append(Finding(
            kind=FindingKind.DEFAULT_VA_STRANDED, subject=f"{va}/{tag}",
            signal=f"{b.spare} unit(s) of {tag} sit unused in the Default Virtual Account {va}",
            evidence=Evidence(licences=(tag,), virtual_accounts=(va, *short), numbers=(
                ("entitled", b.quantity), ("in_use", b.demand), ("stranded", b.spare),
                ("unit_price", ctx.unit_price(tag, va))),
                entitlement_rows=ctx.row_names(va, tag)),
            reading=("Licences never distributed from the Default VA read as unmanaged: "
                     "shelfware to renew and an audit question."),
            counter_move=f"Before renewal: {target}.", money=money, currency=ctx.currency,
            priority=priority_for(money, ctx.settings),
        ))
    return out


def va_count_threshold(ctx: RenewalContext) -> int:
    """How many Virtual Accounts the estate's structure explains (an ASSUMPTION).

    VAs stand for business units, regions or operating domains: `va_count_floor` covers any
    organisation's business units, and a large estate split by region earns one more per
    `va_devices_each` devices, up to `va_count_cap`. Sites do not earn VAs: a VA per branch,
    project or order is exactly the sprawl the renewal team reads.
    """
    s = ctx.settings
    by_size = min(s.va_count_cap, math.ceil(len(ctx.estate.devices) / s.va_devices_each))
    return max(s.va_count_floor, by_size)


def va_count(ctx: RenewalContext) -> list[Finding]:
    count = len(ctx.estate.virtual_accounts)
    limit = va_count_threshold(ctx)
    if count <= limit:
        return []
    per_va: dict[str, int] = defaultdict(int)
    for dev in ctx.estate.devices:
        per_va[dev.virtual_account] += 1
    names = sorted(v.name for v in ctx.estate.virtual_accounts)
    empty = [n for n in names if not per_va.get(n)]
    # Thin: holds devices, but fewer than a tenth of what one VA of a structured estate holds.
    thin_below = max(ctx.settings.va_devices_each // 10, 1)
    thin = [n for n in names if 0 < per_va.get(n, 0) < thin_below]
    devices = len(ctx.estate.devices)
    return [Finding(
        kind=FindingKind.VA_COUNT, subject=ctx.estate.account.name,
        signal=(f"{count} Virtual Accounts for {devices} device(s) (threshold {limit}); "
                f"{len(empty)} without devices, {len(thin)} with fewer than {thin_below}"),
        evidence=Evidence(virtual_accounts=tuple(empty + thin), numbers=(
            ("virtual_accounts", count), ("threshold", limit), ("devices", devices),
            ("devices_per_va", round(devices / count, 1)), ("without_devices", len(empty)),
            ("thin", len(thin)))),
        reading=("An unusual hierarchy: a Virtual Account per project, order or acquisition "
                 "that was never closed. The team reads the sprawl as a compliance question "
                 "and a fragmented estate to consolidate on its terms."),
        counter_move=("Consolidate Virtual Accounts by business unit before the renewal "
                      "opens: move the licences and devices of project VAs to the business "
                      "unit that runs them, starting with those without devices, then close "
                      "them."),
        money=0.0, currency=ctx.currency, priority=Priority.MEDIUM,
    )]


def reseller_held(ctx: RenewalContext) -> list[Finding]:
    acct = ctx.estate.account
    if acct.holder is not Holder.RESELLER:
        return []
    money = sum(ctx.holding_value(va, tag) for va, tag in ctx.holdings)
    return [Finding(
        kind=FindingKind.RESELLER_HELD, subject=acct.name,
        signal=f"Smart Account {acct.name} ({acct.domain}) is held by a reseller",
        evidence=Evidence(virtual_accounts=tuple(sorted(v.name for v in
                                                        ctx.estate.virtual_accounts)),
                          numbers=(("entitled_units", sum(h.quantity for h in
                                                          ctx.holdings.values())),)),
        reading=("The account, and every entitlement in it, can leave with the reseller; the "
                 "team negotiates with whoever holds it."),
        counter_move=("Take ownership of the Smart Account (customer as holder, reseller as "
                      "a delegated user) before the renewal opens."),
        money=money, currency=ctx.currency, priority=Priority.HIGH,
    )]
