"""Over-consumption (true-forward), tier cover, shelfware and upgrade pitch, pinned by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.model import EnterpriseAgreement, Estate
from planner.renewal import FindingKind, Priority, RenewalBrief, run_renewal
from planner.renewal.findings import Finding


def read(e: Estate, **kw: object) -> RenewalBrief:
    return run_renewal(e, reference=REFERENCE, renewal=RENEWAL, **kw)  # type: ignore[arg-type]


def only(brief: RenewalBrief, kind: FindingKind) -> list[Finding]:
    return [f for f in brief.findings if f.kind is kind]


def test_over_consumption_perpetual_without_ea() -> None:
    e = estate([dev("a1"), dev("a2"), dev("a3")], [ent("NET", "network-advantage", 2, price=1000)])
    brief = read(e)
    (f,) = only(brief, FindingKind.OVER_CONSUMPTION)
    assert f.subject == "NET/network-advantage"
    assert f.money == 1000.0
    assert f.currency == "USD"
    assert f.priority is Priority.MEDIUM
    assert f.evidence.devices == ("a1", "a2", "a3")
    assert f.evidence.devices_total == 3
    assert f.evidence.number("over") == 1
    assert f.evidence.number("true_forward_units") == 1
    assert f.evidence.number("billed_months") == 0
    assert "once (perpetual)" in f.reading and "not retroactive" in f.reading
    assert [k.kind for k in brief.totals] == [FindingKind.OVER_CONSUMPTION]


def test_over_consumption_term_with_ea_allowance_and_remaining_months() -> None:
    devices = [dev(f"d{n:02d}", "dna-advantage") for n in range(14)]
    ea = EnterpriseAgreement(start=date(2025, 6, 1), end=date(2028, 5, 31), growth_allowance=0.2)
    e = estate(devices, [ent("NET", "dna-advantage", 10)], agreement=ea)
    (f,) = only(read(e), FindingKind.OVER_CONSUMPTION)
    # over 4, allowance floor(10 x 0.2) = 2, charged 2 x 420 (catalogue) x 18 months / 12
    assert f.evidence.number("over") == 4
    assert f.evidence.number("ea_growth_allowance_units") == 2
    assert f.evidence.number("true_forward_units") == 2
    assert f.evidence.number("billed_months") == 18
    assert f.money == 1260.0
    assert f.evidence.devices_total == 14 and len(f.evidence.devices) == 14


def test_over_consumption_within_allowance_costs_nothing_yet() -> None:
    ea = EnterpriseAgreement(start=date(2025, 6, 1), end=date(2028, 5, 31))
    e = estate([dev(f"d{n:02d}", "dna-advantage") for n in range(11)],
               [ent("NET", "dna-advantage", 10)], agreement=ea)
    (f,) = only(read(e), FindingKind.OVER_CONSUMPTION)
    assert (f.money, f.priority) == (0.0, Priority.LOW)
    assert "Within the EA growth allowance" in f.reading


def test_cssm_in_use_counts_when_larger_than_device_reports() -> None:
    e = estate([dev("a1")], [ent("NET", "network-advantage", 2, in_use=5, price=100)])
    (f,) = only(read(e), FindingKind.OVER_CONSUMPTION)
    assert (f.evidence.number("in_use"), f.evidence.number("device_units")) == (5, 1)
    assert f.money == 300.0


def test_higher_tier_in_same_va_covers_lower_tier() -> None:
    devices = [dev("e1", "network-essentials"), dev("e2", "network-essentials"),
               dev("e3", "network-essentials"), dev("a1"), dev("a2")]
    brief = read(estate(devices, [ent("NET", "network-advantage", 5, price=1000)]))
    assert only(brief, FindingKind.OVER_CONSUMPTION) == []
    assert only(brief, FindingKind.SHELFWARE) == []
    assert only(brief, FindingKind.UPGRADE_PITCH) == []


def test_spare_units_in_other_vas_named_as_transfer() -> None:
    e = estate([dev("a1"), dev("a2")],
               [ent("NET", "network-advantage", 1, price=1000),
                ent("OTHER", "network-advantage", 3, price=1000)], vas=("NET", "OTHER"))
    (f,) = only(read(e), FindingKind.OVER_CONSUMPTION)
    assert f.evidence.number("spare_in_other_vas") == 3
    assert "transfer spare units from OTHER (3)" in f.counter_move


def test_upgrade_pitch_names_devices_and_prices_the_step() -> None:
    e = estate([dev("p1", "dna-advantage"), dev("p2", "dna-advantage")],
               [ent("NET", "dna-essentials", 5)])
    brief = read(e)
    (f,) = only(brief, FindingKind.UPGRADE_PITCH)
    assert f.subject == "NET/dna-advantage"
    assert f.evidence.devices == ("p1", "p2")
    assert f.evidence.licences == ("dna-advantage", "dna-essentials")
    assert f.evidence.number("price_step_per_unit") == 240.0  # 420 - 180 (catalogue)
    assert f.money == 480.0
    assert f.priority is Priority.LOW
    # The same units read as a one-year term true-forward too; essentials sit idle.
    (over,) = only(brief, FindingKind.OVER_CONSUMPTION)
    assert over.money == 840.0
    (shelf,) = only(brief, FindingKind.SHELFWARE)
    assert (shelf.subject, shelf.money) == ("dna-essentials", 900.0)
    assert shelf.evidence.licences == ("dna-essentials", "dna-advantage")
    assert shelf.counter_move.endswith("Substitute toward dna-advantage, which is "
                                       "over-consumed.")


def test_shelfware_priced_per_year_for_term() -> None:
    e = estate([dev("a1")], [ent("NET", "network-advantage", 1, price=1000),
                             ent("NET", "dna-essentials", 40, price=300)])
    (f,) = only(read(e), FindingKind.SHELFWARE)
    assert f.subject == "dna-essentials"
    assert f.evidence.virtual_accounts == ("NET",)
    assert f.evidence.number("entitled") == 40
    assert f.evidence.number("term") == 1
    assert f.money == 12000.0
    assert f.priority is Priority.HIGH
    assert "drop" in f.counter_move


def test_licence_used_in_another_va_is_not_shelfware() -> None:
    e = estate([dev("a1")], [ent("NET", "network-advantage", 1, price=1000),
                             ent("LAB", "network-advantage", 2, price=1000)], vas=("NET", "LAB"))
    brief = read(e)
    assert only(brief, FindingKind.SHELFWARE) == []
    (f,) = only(brief, FindingKind.VA_NO_DEVICES)
    assert (f.subject, f.money) == ("LAB", 2000.0)


def test_estate_prices_override_catalogue() -> None:
    e = estate([dev("a1"), dev("a2")], [ent("NET", "network-advantage", 1)])
    (f,) = only(read(e, prices={"network-advantage": 1100.0}), FindingKind.OVER_CONSUMPTION)
    assert f.money == 1100.0
    (g,) = only(read(e), FindingKind.OVER_CONSUMPTION)
    assert g.money == 1200.0  # catalogue list price


def test_lapsed_term_entitles_nothing() -> None:
    lapsed = replace(ent("NET", "dna-advantage", 5), end=date(2026, 5, 1))
    (f,) = only(read(estate([dev("a1", "dna-advantage")], [lapsed])),
                FindingKind.OVER_CONSUMPTION)
    assert (f.evidence.number("entitled"), f.evidence.number("over")) == (0, 1)


def test_order_not_in_force_yet_entitles_nothing() -> None:
    """A term (or any line) that starts after the reference date is bought, not entitled."""
    ahead = ent("NET", "dna-advantage", 5, start=date(2026, 7, 1), end=date(2029, 6, 30))
    running = ent("NET", "dna-advantage", 1, start=date(2025, 7, 1), end=date(2028, 6, 30))
    devices = [dev("a1", "dna-advantage"), dev("a2", "dna-advantage")]
    (f,) = only(read(estate(devices, [ahead, running])), FindingKind.OVER_CONSUMPTION)
    assert (f.evidence.number("entitled"), f.evidence.number("over")) == (1, 1)
    # On its start date it is in force: nothing over any more.
    later = run_renewal(estate(devices, [ahead, running]), reference=date(2026, 7, 1),
                        renewal=RENEWAL)
    assert only(later, FindingKind.OVER_CONSUMPTION) == []
    assert any("starts after it" in a for a in later.assumptions)
