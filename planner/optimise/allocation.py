"""The licence network's parameters: supplies, demands, tier cover, prices.

docs/model.md section 3. Everything here is about entitlements and Virtual Accounts; it does not
depend on the modes, which is why the allocation is a block of its own in the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from planner.catalogue import Catalogue
from planner.costing import horizon_price, quoted_prices, transfer_batch_cost, unit_price
from planner.model import Estate, LicenceUse, LicensingState
from planner.optimise.classes import Classes
from planner.optimise.cover import cheapest_cover

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
    alone: Mapping[tuple[str, int], float]  # P[w,k]: w's spend on group k with no transfer in
    boost: Mapping[tuple[str, str, int], float]  # m[v,w,k]: most a transfer v -> w saves on k
    group: Mapping[str, int]  # tag -> cover group k (-1: covers no need of the estate)


def build_allocation(estate: Estate, classes: Classes, cat: Catalogue) -> Allocation:
    """S, D, cov and prices for the estate (docs/model.md section 3)."""
    costs = estate.costs
    # Devices per (VA, licence set, state), counted on the classes' codes; then each set is
    # expanded once per such triple (integer sums: the order they are added in is immaterial).
    demand: dict[tuple[str, str], int] = defaultdict(int)
    reserved_need: dict[tuple[str, str], int] = defaultdict(int)
    for va, licences, state, devices in _devices_per_set(classes):
        locked = state in RESERVED_STATES
        for use in licences:
            demand[(va, use.tag)] += use.count * devices
            if locked:
                reserved_need[(va, use.tag)] += use.count * devices
    held: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for ent in estate.entitlements:
        acc = held[(ent.virtual_account, ent.tag)]
        acc[0] += ent.quantity
        acc[1] += ent.in_use
        acc[2] += ent.reserved
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
    # One price per licence across the Smart Account (the lowest quoted): a purchase can land
    # in any Virtual Account, so per-VA prices would only invite pointless swaps.
    quoted = quoted_prices(estate.entitlements)
    price: dict[tuple[str, str], float] = {}
    unit_prices: dict[tuple[str, str], float] = {}
    for (va, tag) in sorted(demand):
        lic = cat.licences.get(tag)
        each = unit_prices[(va, tag)] = unit_price(tag, quoted, lic)
        price[(va, tag)] = horizon_price(each, lic, costs)
    vas = tuple(sorted({v.name for v in estate.virtual_accounts} | {v for v, _ in demand}
                       | {v for v, _ in supply}))
    return Allocation(vas, dict(sorted(supply.items())), dict(sorted(demand.items())), covers,
                      price, unit_prices, transfer_batch_cost(costs),
                      *receiver_cuts(vas, supply, demand, covers, price))


def _devices_per_set(classes: Classes) -> list[tuple[str, tuple[LicenceUse, ...], str, int]]:
    """(Virtual Account, licence set, state, devices) for each such triple some class holds."""
    codes = classes.codes
    if not len(codes.site):
        return []
    sizes = (len(codes.virtual_accounts), len(codes.licence_sets), len(codes.states))
    key = (codes.virtual_account * sizes[1] + codes.licences) * sizes[2] + codes.state
    found, inverse = np.unique(key, return_inverse=True)
    devices = np.zeros(len(found), dtype=np.int64)
    np.add.at(devices, inverse.reshape(-1), codes.devices)
    return [(codes.virtual_accounts[k // (sizes[1] * sizes[2])],
             codes.licence_sets[k // sizes[2] % sizes[1]], codes.states[k % sizes[2]], n)
            for k, n in zip(found.tolist(), devices.tolist(), strict=True)]


def receiver_cuts(vas: tuple[str, ...], supply: Mapping[tuple[str, str], int],
                  demand: Mapping[tuple[str, str], int], covers: Mapping[str, tuple[str, ...]],
                  price: Mapping[tuple[str, str], float],
                  ) -> tuple[dict[tuple[str, int], float], dict[tuple[str, str, int], float],
                             dict[str, int]]:
    """Per receiver w and cover group k (tags linked by tier cover: one track, or one add-on):
    P[w,k], what w spends on k's needs with no transfer in, and m[v,w,k], the most a transfer
    from v alone can save on it (all of v's k units arriving). docs/model.md, cut (11)."""
    group: dict[str, int] = {}
    for need in sorted(covers):
        ids = [group[t] for t in covers[need] if t in group]
        gid = min(ids) if ids else len(set(group.values()))
        for t in covers[need]:
            old = group.get(t)
            if old is not None and old != gid:
                for x, y in list(group.items()):
                    if y == old:
                        group[x] = gid
            group[t] = gid
    for _, t in supply:
        group.setdefault(t, -1)
    held: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for (v, t), n in supply.items():
        if group[t] >= 0:
            held[(v, group[t])][t] = n
    wanted: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for (v, u), n in demand.items():
        if price[(v, u)] > 0:
            wanted[(v, group[u])][u] = n
    alone: dict[tuple[str, int], float] = {}
    boost: dict[tuple[str, str, int], float] = {}
    for (w, k), needs in sorted(wanted.items()):
        each = {u: price[(w, u)] for u in needs}
        own = held.get((w, k), {})
        base = cheapest_cover(own, needs, covers, each)
        if base <= 0:
            continue
        alone[(w, k)] = base
        for v in vas:
            extra = held.get((v, k))
            if v == w or not extra:
                continue
            more = dict(own)
            for t, n in extra.items():
                more[t] = more.get(t, 0) + n
            saved = base - cheapest_cover(more, needs, covers, each)
            if saved > 0:
                boost[(v, w, k)] = saved
    return alone, boost, group


