"""Every finding kind on the bundled examples, read the way a user would over time.

Each example is stored as it is at its reference date and again, grown, three months later:
every device at a seasonal or project-tagged site gets a twin (the season or the migration
ramps up) and one device in 25 elsewhere too (ordinary growth). The renewal read at the later
date, over those two snapshots, must produce every FindingKind on at least one example, each
complete: signal, evidence, reading, counter-move, and money where the kind carries a price.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.generate import REFERENCE_DATE
from planner.history import add_snapshot, from_estate, open_history
from planner.loader import load_estate
from planner.model import Estate
from planner.renewal import FindingKind, RenewalBrief, run_renewal
from planner.renewal.findings import Finding
from planner.resources import examples_dir

AS_IS = REFERENCE_DATE  # the date the examples are generated at (2026-12-01)
GROWN = date(2027, 3, 1)
RENEWAL = date(2027, 6, 30)
# Kinds that are a proposal or a structural signal carry no price of their own.
UNPRICED = {FindingKind.REFRESH, FindingKind.LICENSING_ERA, FindingKind.VA_COUNT}

EXAMPLES = sorted(p.parent.name for p in examples_dir().glob("*/estate.yaml"))


def usage_tagged(estate: Estate) -> set[str]:
    return {s.id for s in estate.sites
            if any(t == "seasonal" or t.startswith("project:") for t in s.tags)}


def grown(estate: Estate) -> Estate:
    """The estate three months on: twins at tagged sites, one device in 25 elsewhere."""
    tagged = usage_tagged(estate)
    extra = []
    for i, dev in enumerate(sorted(estate.devices, key=lambda d: d.hostname)):
        if dev.site in tagged or i % 25 == 0:
            extra.append(replace(dev, hostname=f"{dev.hostname}-g",
                                 serial=f"{dev.serial}G" if dev.serial else "", members=()))
    return replace(estate, devices=estate.devices + tuple(extra))


@pytest.fixture(scope="module")
def reads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[RenewalBrief,
                                                                      RenewalBrief]]:
    """Per example: (the read at AS_IS without history, the read at GROWN over two snapshots)."""
    out = {}
    for name in EXAMPLES:
        estate = load_estate(examples_dir() / name / "estate.yaml", today=AS_IS).estate
        later = grown(estate)
        conn = open_history(tmp_path_factory.mktemp(name) / "history.db")
        add_snapshot(conn, from_estate(estate, AS_IS))
        add_snapshot(conn, from_estate(later, GROWN))
        out[name] = (run_renewal(estate, reference=AS_IS, renewal=RENEWAL),
                     run_renewal(later, reference=GROWN, renewal=RENEWAL, conn=conn))
        conn.close()
    return out


def complete(f: Finding) -> bool:
    ev = f.evidence
    named = ev.devices or ev.licences or ev.virtual_accounts or ev.sites
    priced = f.money > 0 or f.kind in UNPRICED
    return bool(f.signal and f.reading and f.counter_move and ev.numbers and named and priced)


def of(brief: RenewalBrief, kind: FindingKind) -> dict[str, Finding]:
    return {f.subject: f for f in brief.findings if f.kind is kind}


def test_there_are_three_examples() -> None:
    assert EXAMPLES == ["federal-agency", "regional-bank", "utility"]


def test_every_kind_fires_complete_on_some_example(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    seen: dict[FindingKind, set[str]] = {}
    for name, (_, later) in reads.items():
        assert later.snapshots == (AS_IS, GROWN) and later.since == AS_IS
        for f in later.findings:
            assert f.signal and f.reading and f.counter_move and f.evidence.numbers, f.id
            if complete(f):
                seen.setdefault(f.kind, set()).add(name)
    missing = set(FindingKind) - set(seen)
    assert not missing, f"no complete finding of {sorted(missing)} on any example"


def test_upgrade_pitch_names_the_wireless_essentials_order(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    now, _ = reads["federal-agency"]
    pitch = of(now, FindingKind.UPGRADE_PITCH)["Wireless/air-dna-advantage"]
    assert pitch.evidence.licences == ("air-dna-advantage", "air-dna-essentials")
    assert pitch.evidence.devices and all("wlc" in h for h in pitch.evidence.devices)
    assert pitch.money > 10_000
    # The same units are a true-forward too: the two readings overlap by design.
    assert "Wireless/air-dna-advantage" in of(now, FindingKind.OVER_CONSUMPTION)


def test_project_virtual_accounts_read_as_sprawl_on_the_utility(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    for name, (now, _) in reads.items():
        assert bool(of(now, FindingKind.VA_COUNT)) == (name == "utility"), name
    (sprawl,) = of(reads["utility"][0], FindingKind.VA_COUNT).values()
    assert sprawl.evidence.number("virtual_accounts") == 13
    assert sprawl.evidence.number("threshold") == 10
    assert "PRJ-2019-Fibre-Backbone" in sprawl.evidence.virtual_accounts


def test_growth_at_tagged_sites_is_shown_apart(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    sites = {name: {f.evidence.sites[0] for f in of(later, FindingKind.GROWTH_TAGGED).values()}
             for name, (_, later) in reads.items()}
    assert sites["regional-bank"] == {"POP-PUY"}
    assert sites["utility"] == {"DC-QRY"}
    for name, (_, later) in reads.items():
        plain = {f.evidence.sites[0] for f in of(later, FindingKind.GROWTH).values()}
        assert plain and not plain & sites[name], name
    for f in of(reads["regional-bank"][1], FindingKind.GROWTH_TAGGED).values():
        assert f.notes == ("site tag: seasonal",)
        assert all(h.endswith("-g") for h in f.evidence.devices)


def test_an_order_in_force_after_the_first_snapshot_is_not_dormant(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    """The rebuild's DNA subscription starts on 2027-01-15: not entitled at AS_IS, entitled at
    GROWN, so the VA changed between snapshots (no devices, not dormant)."""
    now, later = reads["utility"]
    before = of(now, FindingKind.VA_NO_DEVICES)["PRJ-2027-Substation-Rebuild"]
    assert before.evidence.licences == ("network-advantage",)
    after = of(later, FindingKind.VA_NO_DEVICES)["PRJ-2027-Substation-Rebuild"]
    assert after.evidence.licences == ("dna-advantage", "network-advantage")
    assert after.money > before.money
    dormant = of(later, FindingKind.VA_DORMANT)
    assert "PRJ-2027-Substation-Rebuild" not in dormant
    assert {"PRJ-2019-Fibre-Backbone", "PRJ-2024-Wildfire-Cameras"} <= set(dormant)
    # The cancelled pilot is not dormant either: one of its subscriptions lapsed in between.
    was = of(now, FindingKind.VA_NO_DEVICES)["AMI-Pilot-2020"]
    lapsed = of(later, FindingKind.VA_NO_DEVICES)["AMI-Pilot-2020"]
    assert lapsed.money < was.money
    for name, va in (("federal-agency", "FY2019-Modernisation"),
                     ("regional-bank", "Cascade-Trust-Legacy")):
        assert of(reads[name][1], FindingKind.VA_DORMANT)[va].money > 0, name


def test_the_as_is_reads_already_cover_the_estate_kinds(
        reads: dict[str, tuple[RenewalBrief, RenewalBrief]]) -> None:
    """Without history every kind fires except the three that need snapshots."""
    kinds = {f.kind for now, _ in reads.values() for f in now.findings if complete(f)}
    assert set(FindingKind) - kinds == {FindingKind.GROWTH, FindingKind.GROWTH_TAGGED,
                                        FindingKind.VA_DORMANT}
