"""One test per corrected licensing fact (issue 14): each fails on the catalogue's old value."""

from __future__ import annotations

from pathlib import Path

import yaml

from planner.catalogue import load_catalogue, runs_slup
from planner.eligibility import mode_exclusions
from planner.graph import analyse_reach
from planner.loader import load_estate
from planner.model import Estate, LicensingState, Mode
from planner.modes import load_modes
from planner.optimise import plan_estate
from tests.engine_io.conftest import sample_estate

CAT = load_catalogue()


def _excl(estate: Estate, site: str, pid: str, version: str,
          state: LicensingState = LicensingState.UNKNOWN) -> dict[Mode, tuple[str, ...]]:
    family = CAT.family_for_pid(pid)
    assert family is not None, pid
    return mode_exclusions(estate, estate.site(site), family, version, state,
                           analyse_reach(estate), load_modes())


def test_no_family_allows_a_new_slr_under_slup() -> None:
    """The SLUP guides carry reservations over but allow no new SLR; no exception is sourced."""
    assert [f.id for f in CAT.families.values() if f.new_slr_under_slup] == []


def test_isr4451_on_17_9_air_gapped_is_not_offered_new_slr() -> None:
    estate = sample_estate()  # SLR pre-approved; BR1 has no internet
    reasons = _excl(estate, "BR1", "ISR4451-X/K9", "17.9.4")
    assert reasons[Mode.SLR], "a new SLR under SLUP has no Cisco source"
    # a reservation made before SLUP carries over
    assert not _excl(estate, "BR1", "ISR4451-X/K9", "17.9.4", LicensingState.SLR)[Mode.SLR]


def test_ios_xr_24_runs_slup_and_can_report_offline() -> None:
    fam = CAT.family_for_pid("8808")
    assert fam is not None and fam.id == "IOSXR" and fam.slup_from == "24.1.1"
    assert runs_slup(fam, "24.2.11") and not runs_slup(fam, "7.11.2")
    reasons = _excl(sample_estate(), "BR1", "8808", "24.2.11")
    assert not reasons[Mode.OFFLINE], reasons[Mode.OFFLINE]


def test_ios_xr_pids() -> None:
    for pid in ("8804", "8808", "8812", "8818", "8201-32FH", "8202-32FH-M"):
        assert getattr(CAT.family_for_pid(pid), "id", None) == "IOSXR", pid
    assert getattr(CAT.family_for_pid("N540X-16Z4G8Q2C-A"), "id", None) == "NCS540"
    assert getattr(CAT.family_for_pid("8800-LC-36FH"), "id", None) != "IOSXR"  # a line card
    assert getattr(CAT.family_for_pid("ASR-9906"), "id", None) == "IOSXR"
    assert getattr(CAT.family_for_pid("ASR-920-24SZ-M"), "id", None) == "ASR900"


def test_c8000v_and_c8200_start_slup_at_17_4_1() -> None:
    for pid in ("C8000V", "C8200-1N-4T", "C8200L-1N-4T"):
        fam = CAT.family_for_pid(pid)
        assert fam is not None and fam.slup_from == "17.4.1", pid
    fam = CAT.family_for_pid("C8300-1N1S-6T")
    assert fam is not None and fam.slup_from == "17.3.2"


def test_missing_families_are_present() -> None:
    expected = {"C1111-8P": "ISR1000", "IE-3400-8P2S": "IE3X00", "IE-3300-8T2S": "IE3X00",
                "IE-9320-26S2C-A": "IE9300", "C9120AXI-EWC-B": "C9100-EWC",
                "ASR-903": "ASR900", "N540-24Z8Q2C-M": "NCS540", "N3K-C3548P-10GX": "N3K",
                "FTDV": "FTDV", "FMC2600-K9": "FMC", "CUC-VM": "UCXN", "EXPWY-VE-E-K9": "EXPWY"}
    for pid, fid in expected.items():
        assert getattr(CAT.family_for_pid(pid), "id", None) == fid, pid
    assert CAT.families["FPR-ASA"].os == "asa"


def test_every_family_cites_a_source_or_a_reasoned_assumption() -> None:
    for fam in CAT.families.values():
        assert fam.source.strip(), fam.id
        assert "domain.md" not in fam.source and "shared/realdata" not in fam.source, fam.id
        if fam.source.startswith("ASSUMPTION"):
            assert len(fam.source) > len("ASSUMPTION: ") + 10, fam.id


def _estate_with_ie3400(tmp_path: Path) -> Path:
    (tmp_path / "devices.csv").write_text(
        "hostname,pid,serial,site,virtual_account,version,state,licences\n"
        "ie-1,IE-3400-8P2S,FDO2401A001,PLANT,DEFAULT,17.9.4,slup,network-essentials\n"
        "ie-2,IE-3400-8P2S,FDO2401A002,PLANT,DEFAULT,17.9.4,slup,network-essentials\n",
        encoding="utf-8")
    (tmp_path / "entitlements.csv").write_text(
        "virtual_account,licence,quantity,in_use\nDEFAULT,network-essentials,2,0\n",
        encoding="utf-8")
    doc = {
        "name": "Plant", "account": {"name": "Plant", "domain": "plant.example"},
        "virtual_accounts": [{"name": "DEFAULT", "default": True}],
        "sites": [{"id": "PLANT", "name": "Plant floor", "classification": "ot",
                   "internet": "none"}],
        "products": {"IE3400": {"name": "Catalyst IE3400 (our own entry)", "pids": ["IE-3400-"],
                                "os": "ios-xe", "kind": "switch", "slup_from": "17.3.2",
                                "slr": False, "tracks": ["network", "dna"],
                                "source": "our licensing team's reading of the IE3400 guide"}},
        "inventory": {"devices": ["devices.csv"], "entitlements": ["entitlements.csv"]},
    }
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_an_estate_adds_a_product_family_and_plans_it(tmp_path: Path) -> None:
    result = load_estate(_estate_with_ie3400(tmp_path))
    estate = result.estate
    assert estate.catalogue is not None
    fam = estate.catalogue.family_for_pid("IE-3400-8P2S")
    assert fam is not None and fam.id == "IE3400"
    assert fam.source == "our licensing team's reading of the IE3400 guide"
    plan = plan_estate(estate)
    modes = {d.mode for d in plan.class_decisions}
    assert modes and modes <= {Mode.OFFLINE, Mode.ONPREM_MANUAL}


def test_asa_software_on_firepower_hardware_is_chosen_in_the_estate_file(tmp_path: Path) -> None:
    """The PID cannot tell ASA from Threat Defense: the estate gives its ASA models' PIDs to the
    FPR-ASA family, licensed through the ASA CLI, while the other models stay with the FMC."""
    (tmp_path / "devices.csv").write_text(
        "hostname,pid,serial,site,virtual_account,version,state,licences\n"
        "fw-asa,FPR-2110,JMX2401A001,DC,DEFAULT,9.20(2),classic,asa-strong-encryption\n"
        "fw-ftd,FPR-1120,JMX2401A002,DC,DEFAULT,7.4.1,classic,fpr-threat\n", encoding="utf-8")
    doc = {"name": "Firewalls", "account": {"name": "F", "domain": "f.example"},
           "virtual_accounts": [{"name": "DEFAULT", "default": True}],
           "sites": [{"id": "DC", "name": "DC", "classification": "unclassified",
                      "internet": "direct"}],
           "products": {"FPR-ASA": {"pids": ["FPR-2110"]}},
           "inventory": {"devices": ["devices.csv"]}}
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    cat = load_estate(path).catalogue
    assert getattr(cat.family_for_pid("FPR-2110"), "os", None) == "asa"
    assert getattr(cat.family_for_pid("FPR-1120"), "id", None) == "FPR"
