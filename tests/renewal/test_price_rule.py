"""The one price rule, by mechanism: line by line, then `prices:`, then list; weighted per VA.

Each test builds the case the old rules got wrong (a price borrowed from another VA, a VA's
holding valued at its last line, the upgrade step from the last line, growth blind to
relicensing) and checks the figure against the rule worked by hand.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.catalogue import load_catalogue
from planner.history import add_snapshot, from_estate, open_history
from planner.model import Entitlement, Origin
from planner.renewal import FindingKind, run_renewal
from planner.renewal.context import build_context

JAN = date(2026, 1, 1)
LIST = load_catalogue().licence("network-advantage").list_price


def at(e: Entitlement, line: int) -> Entitlement:
    return dataclasses.replace(e, origin=Origin("ents.csv", line))


def test_growth_is_priced_in_the_devices_va_not_the_first_va_by_name(tmp_path: Path) -> None:
    held = [at(ent("AAA-Enclave", "network-advantage", 5, price=553.11), 2),
            at(ent("NET", "network-advantage", 10, price=929.30), 3)]
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(estate([dev("h1")], held, vas=("AAA-Enclave", "NET")), JAN))
    now = estate([dev("h1"), dev("h2"), dev("h3")], held, vas=("AAA-Enclave", "NET"))
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL, conn=conn)
    (g,) = [f for f in brief.findings if f.kind is FindingKind.GROWTH]
    assert g.evidence.number("unit_price") == 929.30
    assert g.money == 2 * 929.30
    assert g.evidence.virtual_accounts == ("NET",)
    assert g.evidence.entitlement_rows == ("ents.csv:3",)


def test_growth_names_devices_relicensed_to_the_licence(tmp_path: Path) -> None:
    held = [ent("NET", "network-advantage", 10, price=900)]
    conn = open_history(tmp_path / "h.db")
    before = estate([dev("h1"), dev("h2", "network-essentials")], held)
    add_snapshot(conn, from_estate(before, JAN))
    now = estate([dev("h1"), dev("h2"), dev("h3")], held)
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL, conn=conn)
    (g,) = [f for f in brief.findings if f.kind is FindingKind.GROWTH]
    assert g.evidence.devices == ("h2", "h3")  # h2 relicensed, h3 added
    assert g.evidence.number("growth_units") == 2


def test_a_vas_holding_is_valued_line_by_line() -> None:
    # No devices in the VA: the finding values every line at its own price; the unpriced line
    # takes the estate's price (here: the list price), never its neighbour's.
    held = [at(ent("POOL", "network-advantage", 4, price=500), 2),
            at(ent("POOL", "network-advantage", 6), 3)]
    brief = run_renewal(estate([], held, vas=("POOL",)), reference=REFERENCE, renewal=RENEWAL)
    (f,) = [f for f in brief.findings if f.kind is FindingKind.VA_NO_DEVICES]
    assert f.money == round(4 * 500 + 6 * LIST, 2)
    assert f.evidence.entitlement_rows == ("ents.csv:2", "ents.csv:3")


def test_estate_prices_come_before_the_list_price() -> None:
    held = [ent("POOL", "network-advantage", 2)]
    ctx = build_context(estate([], held, vas=("POOL",)), load_catalogue(), reference=REFERENCE,
                        renewal=RENEWAL, prices={"network-advantage": 1020.0})
    price = ctx.price("network-advantage", "POOL")
    assert (price.value, str(price.source)) == (1020.0, "estate prices:")
    assert ctx.holding_value("POOL", "network-advantage") == 2040.0


def test_upgrade_step_is_weighted_over_the_vas_lines() -> None:
    held = [ent("NET", "network-essentials", 10, price=100),
            ent("NET", "network-essentials", 30, price=200)]
    now = estate([dev("h1"), dev("h2")], held)
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL)
    (u,) = [f for f in brief.findings if f.kind is FindingKind.UPGRADE_PITCH]
    weighted = (10 * 100 + 30 * 200) / 40
    advantage = load_catalogue().licence("network-advantage").list_price
    assert u.evidence.number("price_step_per_unit") == round(advantage - weighted, 6)


def test_a_lapsed_line_is_named_when_nothing_is_entitled() -> None:
    lapsed = at(ent("NET", "dna-advantage", 5, price=300, start=date(2023, 1, 1),
                    end=date(2026, 1, 1)), 7)
    now = estate([dev("h1", "dna-advantage")], [lapsed])
    brief = run_renewal(now, reference=REFERENCE, renewal=RENEWAL)
    (o,) = [f for f in brief.findings if f.kind is FindingKind.OVER_CONSUMPTION]
    assert o.evidence.number("entitled") == 0
    assert o.evidence.entitlement_rows == ("ents.csv:7",)
    assert o.evidence.number("unit_price") == 300  # the lapsed line is the baseline price


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.one_of(st.none(), st.integers(1, 3000))),
                min_size=1, max_size=6))
def test_holding_value_is_the_sum_of_its_lines(lines: list[tuple[int, int | None]]) -> None:
    held = [ent("NET", "network-advantage", q, price=None if p is None else float(p))
            for q, p in lines]
    ctx = build_context(estate([], held), load_catalogue(), reference=REFERENCE,
                        renewal=RENEWAL)
    expected = sum(q * (LIST if p is None else p) for q, p in lines)
    assert abs(ctx.holding_value("NET", "network-advantage") - expected) < 1e-6
    total = sum(q for q, _ in lines)
    if total:
        assert abs(ctx.unit_price("network-advantage", "NET") * total - expected) < 1e-6
