"""Tier substitution rules (sourced or switchable) and the Catalyst 9000 add-on pairing check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.loader import load_estate
from planner.pairing import broken_pairings, pairing_problems
from tests.runbooks.helpers import make_device

CAT = load_catalogue()


def test_ise_tiers_nest_by_cisco_source_and_catalyst_by_stated_assumption() -> None:
    lic = CAT.licences
    assert lic["ise-premier"].covers(lic["ise-advantage"])
    assert lic["network-advantage"].covers(lic["network-essentials"])
    assert not lic["network-essentials"].covers(lic["network-advantage"])
    assert not lic["dna-advantage"].covers(lic["network-essentials"])  # another track
    doc = yaml.safe_load((Path(__file__).resolve().parents[2] / "models" / "licences.yaml")
                         .read_text(encoding="utf-8"))
    assert "assumption" not in doc["tier_rules"]["ise"] and doc["tier_rules"]["ise"]["source"]
    for track in ("network", "dna"):
        assert doc["tier_rules"][track]["assumption"] is True and doc["tier_rules"][track]["reason"]


def test_switching_substitution_off_stops_covering() -> None:
    adv = replace(CAT.licences["network-advantage"], substitutes=False)
    ess = replace(CAT.licences["network-essentials"], substitutes=False)
    assert not adv.covers(ess) and adv.covers(adv)


def _estate(tmp_path: Path, licences: str, extra: dict[str, object] | None = None) -> Path:
    (tmp_path / "devices.csv").write_text(
        "hostname,pid,serial,site,virtual_account,version,state,licences\n"
        f"sw-1,C9300-48P,FOC2401A001,HQ,DEFAULT,17.9.4,slup,{licences}\n", encoding="utf-8")
    doc = {"name": "Pairs", "account": {"name": "Pairs", "domain": "pairs.example"},
           "virtual_accounts": [{"name": "DEFAULT", "default": True}],
           "sites": [{"id": "HQ", "name": "HQ", "classification": "unclassified",
                      "internet": "direct"}],
           "inventory": {"devices": ["devices.csv"]}, **(extra or {})}
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_dna_advantage_without_network_advantage_is_named(tmp_path: Path) -> None:
    result = load_estate(_estate(tmp_path, "network-essentials:1;dna-advantage:1"))
    warns = [w for w in result.warnings if "dna-advantage without network-advantage" in w.message]
    assert len(warns) == 1 and "sw-1 (HQ)" in warns[0].message
    assert "Guidelines for Using Base and Add-On Licenses" in str(warns[0].expected)


def test_estate_switches_tier_substitution_off(tmp_path: Path) -> None:
    path = _estate(tmp_path, "network-advantage:1", {"tier_rules": {"network": False}})
    cat = load_estate(path).catalogue
    assert not cat.licences["network-advantage"].covers(cat.licences["network-essentials"])
    assert cat.licences["dna-advantage"].covers(cat.licences["dna-essentials"])


_TAGS = ("network-essentials", "network-advantage", "dna-essentials", "dna-advantage", "hseck9")


@given(tags=st.sets(st.sampled_from(_TAGS)))
def test_pairing_rule_holds_for_every_licence_set(tags: set[str]) -> None:
    dev = make_device("sw", "C9300-48P", "17.9.4", "slup",
                      licences=";".join(f"{t}:1" for t in sorted(tags)) or "hseck9:0")
    broken = broken_pairings([dev], CAT, CAT.pairing)
    names = {rule.addon for rule in broken}
    assert ("dna-advantage" in names) == ("dna-advantage" in tags
                                          and "network-advantage" not in tags)
    assert ("dna-essentials" in names) == ("dna-essentials" in tags and not tags & {
        "network-essentials", "network-advantage"})
    assert len(pairing_problems([dev], CAT, CAT.pairing, "e.yaml")) == len(names)


def test_pairing_applies_only_to_catalyst_9000() -> None:
    router = make_device("r", "C8300-1N1S-6T", "17.12.3", "slup",
                         licences="network-essentials:1;dna-advantage:1")
    assert broken_pairings([router], CAT, CAT.pairing) == {}
