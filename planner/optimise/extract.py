"""Map a solution back to domain objects: decisions, servers, transfers, purchases, reservations.

Costs are recomputed from the decisions with the same parameters the model used, so the cost
breakdown adds up to the plan's objective exactly (the tie-break costs are not money).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from operator import attrgetter

import numpy as np

from planner.costing import exposure_per_element, labour_money
from planner.model import DataElement, Mode
from planner.modes import data_leaving_for, load_modes, reservation_modes
from planner.optimise.allocation import TRANSFER_BATCH
from planner.optimise.data import ModelData
from planner.optimise.formulation import Variables
from planner.plan import (
    ClassDecision,
    CostBreakdown,
    ExposureItem,
    Purchase,
    Reservation,
    ServerPlacement,
    SiteDecision,
    Transfer,
)
from planner.readers._build import fast_constructor

# A third of a million classes at a million devices, decided once per plan.
_make_decision = fast_constructor(ClassDecision)
MODES = tuple(Mode)  # iterating the enum itself is slow in a loop
# The cost parts a site decision sums (attrgetter: no generator frame per site and part).
_LABOUR, _EXPOSURE, _FLEXIBILITY, _UPLIFT, _HOURS_PER_YEAR = (attrgetter(part) for part in (
    "labour", "exposure", "flexibility", "uplift", "hours_per_year"))


def _merge_reasons(found: list[Mapping[Mode, tuple[str, ...]]],
                   ) -> tuple[tuple[Mode, tuple[str, ...]], ...]:
    """Units' exclusion reasons joined per mode, each reason once, in the order met; modes in
    Mode order, those without a reason left out."""
    # Per mode, the reasons as dict keys: an update adds the new ones after the old, in order.
    joined: dict[Mode, dict[str, None]] = {}
    for reasons_of in found:
        for m, reasons in reasons_of.items():
            if reasons:
                got = joined.get(m)
                if got is None:
                    joined[m] = dict.fromkeys(reasons)
                else:
                    got.update(dict.fromkeys(reasons))
    return tuple((m, tuple(joined[m])) for m in MODES if m in joined)


def _int(values: list[float], col: int) -> int:
    return round(values[col])


class Solution:
    """Everything a Plan holds besides status and timing, read from column values."""

    def __init__(self, data: ModelData, xs: Variables, values: list[float]) -> None:
        self.data = data
        # A unit with one mode (every pinned unit) has taken it: no columns to read.
        self.mode: list[Mode] = [unit.modes[0] if len(unit.modes) == 1
                                 else max(unit.modes, key=lambda m: values[xs.z[(u, m)]])
                                 for u, unit in enumerate(data.units)]
        self.group: list[int | None] = [None] * len(data.units)
        for (u, g), col in sorted(xs.a.items()):
            if (values[col] > 0.5 and data.groups[g].mode is self.mode[u]
                    and self.group[u] is None):
                self.group[u] = g
        self.servers = {g: _int(values, col) for g, col in xs.n.items()}
        self.used = {key: _int(values, col) for key, col in xs.f.items() if values[col] > 0.5}
        self.bought = {key: _int(values, col) for key, col in xs.p.items() if values[col] > 0.5}
        self.moved = {key: _int(values, col) for key, col in xs.r.items() if values[col] > 0.5}
        self.charged = [any(self.mode[u] is c.mode for u in c.units) for c in data.charges]

    def class_decisions(self) -> tuple[ClassDecision, ...]:
        """Each class's decision (its unit's site, mode and server), sorted by class id: the
        classes are put in id order by their ranks (worked out once per set of classes), and
        each decision is made from per-class columns, not one generator per unit."""
        units = self.data.units
        groups = self.data.groups
        cids = [cid for unit in units for cid in unit.class_ids]
        if not cids:
            return ()
        unit_of = np.repeat(np.arange(len(units)), [len(unit.class_ids) for unit in units])
        classes = self.data.classes
        rank = classes.id_ranks[np.fromiter(map(classes.index.__getitem__, cids),
                                             dtype=np.int64, count=len(cids))]
        order = np.argsort(rank, kind="stable")
        picked = unit_of[order].tolist()
        sites = [unit.site for unit in units]
        servers = [groups[g].site if g is not None else None for g in self.group]
        return tuple(map(_make_decision, map(cids.__getitem__, order.tolist()),
                         map(sites.__getitem__, picked), map(self.mode.__getitem__, picked),
                         map(servers.__getitem__, picked)))

    def transfers(self) -> tuple[Transfer, ...]:
        pairs: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for (v, w, t), qty in sorted(self.moved.items()):
            pairs[(v, w)].append((t, qty))
        out, batch = [], 0
        for (v, w), items in sorted(pairs.items()):
            for i in range(0, len(items), TRANSFER_BATCH):
                batch += 1
                out.append(Transfer(batch, v, w, tuple(items[i:i + TRANSFER_BATCH])))
        return tuple(out)

    def purchases(self) -> tuple[Purchase, ...]:
        alloc = self.data.allocation
        return tuple(Purchase(v, u, qty, alloc.unit_price[(v, u)], alloc.price[(v, u)] * qty)
                     for (v, u), qty in sorted(self.bought.items()))

    def server_placements(self) -> tuple[ServerPlacement, ...]:
        ha = self.data.estate.costs.onprem_ha
        served: dict[int, list[int]] = defaultdict(list)
        for u, g in enumerate(self.group):
            if g is not None:
                served[g].append(u)
        out = []
        for g, count in sorted(self.servers.items()):
            if count <= 0:
                continue
            group = self.data.groups[g]
            work = self._server_work(g)
            mine = served.get(g, [])
            out.append(ServerPlacement(
                site=group.site, mode=group.mode, servers=count, ha=ha,
                sites_served=tuple(sorted({self.data.units[u].site for u in mine})),
                devices=sum(self.data.units[u].devices for u in mine),
                virtual_accounts=tuple(sorted({va for u in mine for va in self.data.units[u].vas})),
                running=(group.cost - work) * count, labour=work * count,
            ))
        return tuple(sorted(out, key=lambda s: (s.site, s.mode.value)))

    def _server_work(self, g: int) -> float:
        """One server's setup and sync hours over the horizon, in money: labour, not servers."""
        group = self.data.groups[g]
        return labour_money(self.data.estate.costs, group.hours_initial, group.hours_per_year)

    def costs(self) -> tuple[CostBreakdown, float, float]:
        """The breakdown, recurring labour hours a year, and one-off labour hours."""
        data = self.data
        labour = exposure = flexibility = uplift = 0.0
        hours_year = hours_once = 0.0
        for u, unit in enumerate(data.units):
            c = unit.cost[self.mode[u]]
            labour += c.labour
            exposure += c.exposure
            flexibility += c.flexibility
            uplift += c.uplift
            hours_year += c.hours_per_year
            hours_once += c.hours_initial
        for k, charge in enumerate(data.charges):
            if self.charged[k]:
                labour += charge.cost
                hours_year += charge.hours_per_year
                hours_once += charge.hours_initial
        servers = 0.0
        for g, count in self.servers.items():
            group = data.groups[g]
            # Setup and sync hours are labour like every other hour; `servers` is what running
            # the VMs costs (CostBreakdown: one definition per part).
            work = self._server_work(g)
            labour += work * count
            servers += (group.cost - work) * count
            hours_year += group.hours_per_year * count
            hours_once += group.hours_initial * count
        batches = len(self.transfers())
        transfers = batches * data.allocation.transfer_cost
        hours_once += batches * data.estate.costs.transfer_hours_per_batch
        purchases = math.fsum(p.total for p in self.purchases())
        return (CostBreakdown(purchases=purchases, servers=servers, labour=labour,
                              exposure=exposure, flexibility=flexibility, transfers=transfers,
                              reservation_uplift=uplift), hours_year, hours_once)

    def sites(self) -> tuple[SiteDecision, ...]:
        """Each site's outcome, sites in sorted order: its modes, server, devices, and cost
        parts summed over its units (math.fsum, in unit order) plus the charges it pays. Most
        units share their exclusion reasons (one mapping per distinct set): a site's merged
        reasons are worked out once per distinct sequence of mappings, not per site."""
        data = self.data
        units, mode, group = data.units, self.mode, self.group
        per: dict[str, list[int]] = defaultdict(list)
        for u, unit in enumerate(units):
            per[unit.site].append(u)
        site_charge: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
        for k, charge in enumerate(data.charges):
            if self.charged[k]:
                cost, hours = site_charge[charge.site]
                site_charge[charge.site] = (cost + charge.cost, hours + charge.hours_per_year)
        chosen = [unit.cost[m] for unit, m in zip(units, mode, strict=True)]
        devices = [unit.devices for unit in units]
        merged: dict[tuple[int, ...], tuple[tuple[Mode, tuple[str, ...]], ...]] = {}
        out = []
        for site, idx in sorted(per.items()):
            costs = [chosen[u] for u in idx]
            # Merging a mapping again adds no reason: its first appearance is all that counts.
            seen = {id(units[u].excluded): units[u].excluded for u in idx}
            key = tuple(seen)
            excluded = merged.get(key)
            if excluded is None:
                excluded = merged[key] = _merge_reasons(list(seen.values()))
            taken = {mode[u] for u in idx}
            servers = [g for u in idx if (g := group[u]) is not None]
            charge_cost, charge_hours = site_charge[site]
            out.append(SiteDecision(
                site=site, modes=tuple(m for m in MODES if m in taken),
                server_site=data.groups[min(servers)].site if servers else None,
                devices=sum(map(devices.__getitem__, idx)),
                labour=math.fsum(map(_LABOUR, costs)) + charge_cost,
                exposure=math.fsum(map(_EXPOSURE, costs)),
                flexibility=math.fsum(map(_FLEXIBILITY, costs)),
                reservation_uplift=math.fsum(map(_UPLIFT, costs)),
                labour_hours_per_year=math.fsum(map(_HOURS_PER_YEAR, costs)) + charge_hours,
                excluded=excluded,
            ))
        return tuple(out)

    def exposure(self) -> tuple[ExposureItem, ...]:
        """Per (site, data element): the devices whose units send it, the most transfers a
        year of the modes that send it, and the exposure money (each unit's cost split evenly
        over the elements it sends: the costing module). Worked on arrays: what leaves is
        read once per (site, mode), the money once per (policy, devices), and the sums are
        added in unit order, as a loop over the units would add them."""
        data = self.data
        units = data.units
        specs = load_modes()
        years = data.estate.costs.horizon_years
        sites = {s.id: s for s in data.estate.sites}
        policies = {p.name: p for p in data.estate.policies}
        pair_no: dict[tuple[str, Mode], int] = {}
        pair_of = np.fromiter((pair_no.setdefault((unit.site, mode), len(pair_no))
                               for unit, mode in zip(units, self.mode, strict=True)),
                              dtype=np.int64, count=len(units))
        rows: dict[tuple[str, DataElement], int] = {}
        sent: list[list[int]] = []  # per (site, mode): the rows of the elements it sends
        per_year: list[float] = []
        policy_no: dict[str, int] = {}
        policy_of: list[int] = []
        for site, mode in pair_no:
            policy = policies[sites[site].classification]
            spec = specs[mode]
            sent.append([rows.setdefault((site, e), len(rows))
                         for e in data_leaving_for(spec, policy)])
            per_year.append(spec.transfers_per_year)
            policy_of.append(policy_no.setdefault(policy.name, len(policy_no)))
        count = np.array([len(r) for r in sent], dtype=np.int64)[pair_of]
        if not count.sum():
            return ()
        devices = np.array([unit.devices for unit in units], dtype=np.int64)
        # The money per element, once per distinct (policy, devices).
        names = list(policy_no)
        key = np.array(policy_of, dtype=np.int64)[pair_of] * (int(devices.max()) + 1) + devices
        distinct, inverse = np.unique(key, return_inverse=True)
        each = np.array([exposure_per_element(policies[names[k // (int(devices.max()) + 1)]],
                                              k % (int(devices.max()) + 1), years)
                         for k in distinct.tolist()], dtype=np.float64)[inverse.reshape(-1)]
        # One (unit, row) per element a unit sends, units in order.
        starts = np.cumsum([0] + [len(r) for r in sent])[:-1]
        table = np.array([row for r in sent for row in r], dtype=np.int64)
        unit_at = np.repeat(np.arange(len(units)), count)
        within = np.arange(len(unit_at)) - np.repeat(np.cumsum(count) - count, count)
        row_at = table[starts[pair_of[unit_at]] + within]
        sums = np.zeros((3, len(rows)))
        np.add.at(sums[0], row_at, devices[unit_at].astype(np.float64))
        np.maximum.at(sums[1], row_at, np.array(per_year, dtype=np.float64)[pair_of[unit_at]])
        np.add.at(sums[2], row_at, each[unit_at])
        held, most, money = (x.tolist() for x in sums)
        keys = list(rows)
        return tuple(ExposureItem(keys[r][0], keys[r][1], int(held[r]), most[r], money[r])
                     for r in sorted(range(len(keys)), key=keys.__getitem__))

    def reservations(self) -> tuple[Reservation, ...]:
        """Per reserved device: the tags and counts to reserve, drawn from its VA's allocation."""
        data = self.data
        alloc = data.allocation
        reserved = reservation_modes()
        reserved_units = [u for u, m in enumerate(self.mode) if m in reserved]
        if not reserved_units:
            return ()
        # Supply lines per (VA, need): own tag first, then substitutes in covers order, then
        # purchases; reserved devices take them in class-id then serial order.
        tags: dict[tuple[str, str], list[str]] = {}
        left: dict[tuple[str, str], list[int]] = {}
        for (v, need) in alloc.demand:
            row = [(t, self.used[(v, t, need)]) for t in alloc.covers[need]
                   if self.used.get((v, t, need), 0) > 0]
            if self.bought.get((v, need), 0) > 0:
                row.append((need, self.bought[(v, need)]))
            tags[(v, need)] = [t for t, _ in row]
            left[(v, need)] = [q for _, q in row]
        classes, index = data.classes.classes, data.classes.index
        ids_of = [sorted(data.units[u].class_ids) for u in reserved_units]
        # Every reserved device built in one pass over the table, taken in the order above.
        devices_of = iter(data.classes.devices_of([cid for ids in ids_of for cid in ids]))
        out = []
        for u, ids in zip(reserved_units, ids_of, strict=True):
            for cid, devices in zip(ids, devices_of, strict=False):
                cls = classes[index[cid]]
                for dev in devices:
                    got: dict[str, int] = defaultdict(int)
                    for use in cls.licences:
                        key = (cls.virtual_account, use.tag)
                        want = use.count
                        for i, tag in enumerate(tags.get(key, [])):
                            take = min(want, left[key][i])
                            if take:
                                got[tag] += take
                                left[key][i] -= take
                                want -= take
                            if want == 0:
                                break
                    out.append(Reservation(
                        virtual_account=cls.virtual_account, hostname=dev.hostname, pid=dev.pid,
                        serial=dev.serial, members=dev.members,
                        licences=tuple(sorted(got.items())), mode=self.mode[u], site=dev.site))
        return tuple(sorted(out, key=lambda r: (r.virtual_account, r.site, r.serial, r.hostname)))
