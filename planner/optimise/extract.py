"""Map a solution back to domain objects: decisions, servers, transfers, purchases, reservations.

Costs are recomputed from the decisions with the same parameters the model used, so the cost
breakdown adds up to the plan's objective exactly (the tie-break costs are not money).
"""

from __future__ import annotations

import math
from collections import defaultdict

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
        data = self.data
        per: dict[str, list[int]] = defaultdict(list)
        for u, unit in enumerate(data.units):
            per[unit.site].append(u)
        site_charge: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
        for k, charge in enumerate(data.charges):
            if self.charged[k]:
                cost, hours = site_charge[charge.site]
                site_charge[charge.site] = (cost + charge.cost, hours + charge.hours_per_year)
        out = []
        for site, idx in sorted(per.items()):
            costs = [data.units[u].cost[self.mode[u]] for u in idx]
            groups = sorted({g for u in idx if (g := self.group[u]) is not None})
            excluded: dict[Mode, list[str]] = defaultdict(list)
            for u in idx:
                for m, reasons in data.units[u].excluded.items():
                    excluded[m].extend(r for r in reasons if r not in excluded[m])
            charge_cost, charge_hours = site_charge[site]
            out.append(SiteDecision(
                site=site, modes=tuple(m for m in Mode if any(self.mode[u] is m for u in idx)),
                server_site=data.groups[groups[0]].site if groups else None,
                devices=sum(data.units[u].devices for u in idx),
                labour=math.fsum(c.labour for c in costs) + charge_cost,
                exposure=math.fsum(c.exposure for c in costs),
                flexibility=math.fsum(c.flexibility for c in costs),
                reservation_uplift=math.fsum(c.uplift for c in costs),
                labour_hours_per_year=math.fsum(c.hours_per_year for c in costs) + charge_hours,
                excluded=tuple((m, tuple(excluded[m])) for m in Mode if excluded.get(m)),
            ))
        return tuple(out)

    def exposure(self) -> tuple[ExposureItem, ...]:
        data = self.data
        specs = load_modes()
        years = data.estate.costs.horizon_years
        acc: dict[tuple[str, DataElement], list[float]] = {}
        sites = {s.id: s for s in data.estate.sites}
        policies = {p.name: p for p in data.estate.policies}
        # What leaves, per (site, mode), and the money per element, per (policy, devices): the
        # same few values for tens of thousands of units.
        leaves: dict[tuple[str, Mode], tuple[frozenset[DataElement], float, str]] = {}
        money: dict[tuple[str, int], float] = {}
        for u, unit in enumerate(data.units):
            found = leaves.get((unit.site, self.mode[u]))
            if found is None:
                policy = policies[sites[unit.site].classification]
                spec = specs[self.mode[u]]
                found = leaves[(unit.site, self.mode[u])] = (
                    data_leaving_for(spec, policy), spec.transfers_per_year, policy.name)
            leaving, per_year, name = found
            if not leaving:
                continue
            # The unit's exposure cost split evenly over the elements it sends (costing module).
            each = money.get((name, unit.devices))
            if each is None:
                each = money[(name, unit.devices)] = exposure_per_element(
                    policies[name], unit.devices, years)
            for element in leaving:
                row = acc.setdefault((unit.site, element), [0.0, 0.0, 0.0])
                row[0] += unit.devices
                row[1] = max(row[1], per_year)
                row[2] += each
        return tuple(ExposureItem(site, element, int(r[0]), r[1], r[2])
                     for (site, element), r in sorted(acc.items()))

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
        classes = {c.id: c for c in data.classes.classes}
        out = []
        for u in reserved_units:
            ids = sorted(data.units[u].class_ids)
            for cid, devices in zip(ids, data.classes.devices_of(ids), strict=True):
                cls = classes[cid]
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
