"""Independent checks of a Plan against its estate, shared by the example and property tests.

They re-derive what they need from the estate and the catalogues, not from the optimiser's
internals: eligibility per device, coverage, Virtual Account balances, the cost arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from planner.catalogue import load_catalogue
from planner.eligibility import mode_exclusions
from planner.graph import analyse_reach
from planner.model import Estate, LicensingState
from planner.modes import load_modes
from planner.plan import Plan, SolveStatus

RESERVED = {LicensingState.SLR, LicensingState.PLR}


def check_eligible(plan: Plan) -> None:
    """No device gets a mode its policy, connectivity or platform forbids."""
    estate = plan.estate
    cat, modes = (estate.catalogue or load_catalogue()), load_modes()
    reach = analyse_reach(estate)
    by_class = {d.class_id: d for d in plan.class_decisions}
    serial_mode = {}
    for cls in plan.classes:
        for serial in cls.device_serials:
            serial_mode[(cls.site, serial)] = by_class[cls.id].mode
    for dev in estate.devices:
        mode = serial_mode[(dev.site, dev.serial)]
        why = mode_exclusions(estate, estate.site(dev.site), cat.family_for_pid(dev.pid),
                              dev.version, dev.state, reach, modes)[mode]
        assert not why, f"{dev.hostname} got {mode}: {why}"
        if mode.value.startswith("onprem"):
            server = by_class[next(c.id for c in plan.classes
                                   if c.site == dev.site and dev.serial in c.device_serials)]
            assert server.server_site is not None
            assert dev.site in reach.serves[server.server_site]
            if mode.value == "onprem-network":
                assert server.server_site in reach.cssm


def check_covered(plan: Plan) -> None:
    """Every device is in exactly one class, and every class has exactly one decision."""
    estate = plan.estate
    seen = Counter((c.site, s) for c in plan.classes for s in c.device_serials)
    expected = Counter((d.site, d.serial) for d in estate.devices)
    assert seen == expected
    assert sum(c.devices for c in plan.classes) == len(estate.devices)
    assert sorted(d.class_id for d in plan.class_decisions) == sorted(c.id for c in plan.classes)
    assert sum(s.devices for s in plan.sites) == len(estate.devices)


def supply(estate: Estate) -> dict[tuple[str, str], int]:
    """S[v,t] as docs/model.md defines it: holdings less units held outside the estate."""
    demand: dict[tuple[str, str], int] = defaultdict(int)
    held_by_reserved: dict[tuple[str, str], int] = defaultdict(int)
    for d in estate.devices:
        for use in d.licences:
            demand[(d.virtual_account, use.tag)] += use.count
            if d.state in RESERVED:
                held_by_reserved[(d.virtual_account, use.tag)] += use.count
    q: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in estate.entitlements:
        row = q[(e.virtual_account, e.tag)]
        row[0] += e.quantity
        row[1] += e.in_use
        row[2] += e.reserved
    out = {}
    for key, (qty, in_use, res) in q.items():
        pooled = demand[key] - held_by_reserved[key]
        out[key] = max(0, qty - max(0, res - held_by_reserved[key]) - max(0, in_use - pooled))
    return out


def check_balances(plan: Plan) -> None:
    """No VA gives more than it holds plus purchases, and every need is covered (with tiers)."""
    estate = plan.estate
    cat = (estate.catalogue or load_catalogue())
    have: dict[tuple[str, str], int] = defaultdict(int, supply(estate))
    for t in plan.transfers:
        assert len(t.items) <= 10
        for tag, qty in t.items:
            assert qty > 0
            have[(t.source_va, tag)] -= qty
            have[(t.target_va, tag)] += qty
    for (va, tag), qty in list(have.items()):
        bought = sum(p.quantity for p in plan.purchases if (p.virtual_account, p.tag) == (va, tag))
        assert qty + bought >= 0, f"{va} gives more {tag} than it holds plus purchases"
    for p in plan.purchases:
        have[(p.virtual_account, p.tag)] += p.quantity
    need: dict[tuple[str, str], int] = defaultdict(int)
    for d in estate.devices:
        for use in d.licences:
            need[(d.virtual_account, use.tag)] += use.count
    for va in {v for v, _ in need}:
        pool = {t: n for (v, t), n in have.items() if v == va and n > 0}
        wants = sorted(((t, n) for (v, t), n in need.items() if v == va),
                       key=lambda tn: -(cat.licences[tn[0]].tier.rank if tn[0] in cat.licences
                                        else 9))
        for tag, n in wants:  # highest tier first, cheapest adequate supply first: exact for chains
            options = sorted((t for t in pool if t == tag or (
                t in cat.licences and tag in cat.licences
                and cat.licences[t].covers(cat.licences[tag]))),
                key=lambda t: (t != tag, cat.licences[t].tier.rank if t in cat.licences else 0))
            for t in options:
                take = min(n, pool[t])
                pool[t] -= take
                n -= take
            assert n == 0, f"{va}: {n} x {tag} not covered"


def check_reservations(plan: Plan) -> None:
    """Every reserved device has one reservation naming every member and covering its needs."""
    estate = plan.estate
    cat = (estate.catalogue or load_catalogue())
    mode_of = {}
    for cls in plan.classes:
        m = plan.decision_for(cls.id).mode
        for s in cls.device_serials:
            mode_of[(cls.site, s)] = m
    reserved = [d for d in estate.devices if mode_of[(d.site, d.serial)].value in ("slr", "plr")]
    assert len(plan.reservations) == len(reserved) == plan.devices_reserved
    by_serial = {(r.site, r.serial): r for r in plan.reservations}
    for d in reserved:
        r = by_serial[(d.site, d.serial)]
        assert r.members == d.members and r.virtual_account == d.virtual_account
        got = dict(r.licences)
        for use in sorted(d.licences, key=lambda u: -cat.licences[u.tag].tier.rank):
            left = use.count
            for t in sorted(got, key=lambda t: cat.licences[t].tier.rank):
                if got[t] and cat.licences[t].covers(cat.licences[use.tag]):
                    take = min(left, got[t])
                    got[t] -= take
                    left -= take
            assert left == 0, f"{d.hostname}: reservation does not cover {use.tag}"


def check_costs(plan: Plan) -> None:
    """The cost breakdown adds up, to the objective and across sites, purchases and servers."""
    c = plan.costs
    parts = [c.purchases, c.servers, c.labour, c.exposure, c.flexibility, c.transfers,
             c.reservation_uplift]
    assert math.isclose(math.fsum(parts), plan.objective, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(math.fsum(p.total for p in plan.purchases), c.purchases, abs_tol=1e-6)
    for p in plan.purchases:
        assert p.quantity > 0 and p.total >= 0
    batch_cost = estate_batch_cost(plan.estate)
    assert math.isclose(c.transfers, len(plan.transfers) * batch_cost, abs_tol=1e-6)
    site_parts = math.fsum(s.exposure for s in plan.sites)
    assert math.isclose(site_parts, c.exposure, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(math.fsum(s.flexibility for s in plan.sites), c.flexibility,
                        rel_tol=1e-9, abs_tol=1e-6)
    # labour: the sites' hours plus the servers' setup and sync; servers: the VMs alone
    assert math.isclose(math.fsum(s.labour for s in plan.sites)
                        + math.fsum(p.labour for p in plan.servers), c.labour, rel_tol=1e-9,
                        abs_tol=1e-6)
    assert math.isclose(math.fsum(p.running for p in plan.servers), c.servers, rel_tol=1e-9,
                        abs_tol=1e-6)
    assert math.isclose(math.fsum(e.cost for e in plan.exposure), c.exposure, rel_tol=1e-9,
                        abs_tol=1e-6)
    assert plan.gap_money >= 0 and plan.gap >= 0


def estate_batch_cost(estate: Estate) -> float:
    return estate.costs.transfer_hours_per_batch * estate.costs.labour_rate_per_hour


def check_all(plan: Plan) -> None:
    assert plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    check_covered(plan)
    check_eligible(plan)
    check_balances(plan)
    check_reservations(plan)
    check_costs(plan)
