"""The licence network's parameters: supplies, demands, tier cover, prices, spare and lack.

docs/model.md section 3. Everything here is about entitlements and Virtual Accounts; it does not
depend on the modes, which is why the allocation is a block of its own in the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from planner.catalogue import Catalogue
from planner.model import Estate, LicensingState, TermType
from planner.optimise.classes import Classes

RESERVED_STATES = frozenset({LicensingState.SLR.value, LicensingState.PLR.value})
TRANSFER_BATCH = 10  # licence types per CSSM transfer request (docs/licensing-facts.md section 2)


@dataclass(frozen=True, slots=True)
class Allocation:
    """The licence network: supplies S[v,t], demands D[v,u], who covers whom, unit prices."""

    vas: tuple[str, ...]
    supply: Mapping[tuple[str, str], int]
    demand: Mapping[tuple[str, str], int]
    covers: Mapping[str, tuple[str, ...]]  # need tag u -> supply tags t that cover it (u first)
    price: Mapping[tuple[str, str], float]  # (v, u) -> money per unit over the horizon
    unit_price: Mapping[tuple[str, str], float]  # (v, u) -> quoted unit price (per year if term)
    transfer_cost: float  # per batch
    spare: Mapping[tuple[str, str], int]  # G[v,t]: units v holds beyond covering its own needs
    lack: Mapping[tuple[str, str], int]  # L[v,u]: need u in v its own holdings cannot cover


def own_cover(supply: Mapping[str, int], demand: Mapping[str, int],
              covers: Mapping[str, tuple[str, ...]],
              rank: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """A VA's own holdings against its own needs: (spare per tag, lack per need).

    Highest-tier needs first, each from the lowest tier that covers it: in nested tiers this
    covers as much as any order can, and leaves the cheapest needs uncovered."""
    left = dict(supply)
    lack: dict[str, int] = {}
    for need in sorted(demand, key=lambda u: (-rank.get(u, 0), u)):
        want = demand[need]
        for t in sorted(covers[need], key=lambda t: (rank.get(t, 0), t)):
            take = min(want, left.get(t, 0))
            if take:
                left[t] -= take
                want -= take
        if want:
            lack[need] = want
    return {t: n for t, n in left.items() if n > 0}, lack


def build_allocation(estate: Estate, classes: Classes, cat: Catalogue) -> Allocation:
    """S, D, cov, prices, spare and lack for the estate (docs/model.md section 3)."""
    costs = estate.costs
    demand: dict[tuple[str, str], int] = defaultdict(int)
    reserved_need: dict[tuple[str, str], int] = defaultdict(int)
    for cls in classes.classes:
        for use in cls.licences:
            demand[(cls.virtual_account, use.tag)] += use.count * cls.devices
            if cls.state in RESERVED_STATES:
                reserved_need[(cls.virtual_account, use.tag)] += use.count * cls.devices
    held: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    quoted: dict[tuple[str, str], float] = {}
    quoted_any: dict[str, float] = {}
    for ent in estate.entitlements:
        acc = held[(ent.virtual_account, ent.tag)]
        acc[0] += ent.quantity
        acc[1] += ent.in_use
        acc[2] += ent.reserved
        if ent.unit_price is not None:
            key = (ent.virtual_account, ent.tag)
            quoted[key] = min(quoted.get(key, ent.unit_price), ent.unit_price)
            quoted_any[ent.tag] = min(quoted_any.get(ent.tag, ent.unit_price), ent.unit_price)
    supply: dict[tuple[str, str], int] = {}
    for (va, tag), (qty, in_use, reserved) in sorted(held.items()):
        # in_use and reserved units are taken to be the estate's own devices (re-planned here)
        # up to their demand; any excess belongs to devices outside the estate and is not free.
        pooled_need = demand.get((va, tag), 0) - reserved_need.get((va, tag), 0)
        free = (qty - max(0, reserved - reserved_need.get((va, tag), 0))
                - max(0, in_use - pooled_need))
        if free > 0:
            supply[(va, tag)] = free
    tags = sorted({t for _, t in demand} | {t for _, t in supply})
    covers: dict[str, tuple[str, ...]] = {}
    for need in sorted({t for _, t in demand}):
        lic = cat.licences.get(need)
        others = [t for t in tags if t != need and lic is not None and t in cat.licences
                  and cat.licences[t].covers(lic)]
        others.sort(key=lambda t: (cat.licences[t].tier.rank, t))
        covers[need] = (need, *others)
    price: dict[tuple[str, str], float] = {}
    unit_price: dict[tuple[str, str], float] = {}
    for (va, tag) in sorted(demand):
        lic = cat.licences.get(tag)
        # One price per licence across the Smart Account (the lowest quoted): a purchase can land
        # in any Virtual Account, so per-VA prices would only invite pointless swaps.
        each = quoted_any.get(tag)
        if each is None:  # the estate's `prices:` already replaced list prices in its catalogue
            each = lic.list_price if lic else 0.0
        unit_price[(va, tag)] = each
        term = lic is not None and lic.term is TermType.TERM
        price[(va, tag)] = each * (costs.horizon_years if term else 1)
    vas = tuple(sorted({v.name for v in estate.virtual_accounts} | {v for v, _ in demand}
                       | {v for v, _ in supply}))
    batch = costs.transfer_hours_per_batch * costs.labour_rate_per_hour
    rank = {t: cat.licences[t].tier.rank for t in tags if t in cat.licences}
    spare: dict[tuple[str, str], int] = {}
    lack: dict[tuple[str, str], int] = {}
    for va in vas:
        own_s = {t: n for (v, t), n in supply.items() if v == va}
        own_d = {u: n for (v, u), n in demand.items() if v == va}
        g, lk = own_cover(own_s, own_d, covers, rank)
        spare.update(((va, t), n) for t, n in g.items())
        lack.update(((va, u), n) for u, n in lk.items())
    return Allocation(vas, dict(sorted(supply.items())), dict(sorted(demand.items())), covers,
                      price, unit_price, batch, dict(sorted(spare.items())),
                      dict(sorted(lack.items())))
