"""load_estate: presets merged with overrides, sources hashed, joins, strict mode, VAs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.fileio import sha256_file
from planner.loader import estate_catalogue, load_estate, reference_date
from planner.model import CostAssumptions, Mode
from planner.problems import InputError, Severity, UsageError
from planner.summary import summarise
from tests.validation.conftest import ESTATE, write_estate

TODAY = date(2026, 11, 1)


def test_loads_and_hashes_every_source(tmp_path: Path) -> None:
    path = write_estate(tmp_path)
    result = load_estate(path, today=TODAY)
    estate = result.estate
    assert result.warnings == ()
    assert [(s.path, s.kind) for s in estate.sources] == [
        ("estate.yaml", "estate"), ("devices.csv", "devices"),
        ("entitlements.csv", "entitlements")]
    assert estate.sources[1].sha256 == sha256_file(tmp_path / "devices.csv")
    # A blank Virtual Account means the default one.
    assert estate.devices[1].virtual_account == "DEFAULT"
    assert {p.name for p in estate.policies} >= {"unclassified", "regulated", "ot", "secret"}
    assert estate.costs == CostAssumptions()  # models/costs.yaml matches the model defaults


def test_overrides_merge_over_presets(tmp_path: Path) -> None:
    text = ESTATE + """\
policies:
  secret: {exposure_cost_per_device_year: 120}
  lab: {allowed_modes: [cssm-direct], telemetry_may_leave: [hostname]}
costs: {labour_rate_per_hour: 120, horizon_years: 5}
prices: {Network Advantage: 1100}
products: {C9300: {plr: true}}
agreement: {start: 2025-02-01, end: 2028-01-31, growth_allowance: 0.1}
"""
    result = load_estate(write_estate(tmp_path, estate=text), today=TODAY)
    estate = result.estate
    assert estate.policy("secret").exposure_cost_per_device_year == 120
    assert estate.policy("secret").allowed_modes == frozenset({Mode.SLR, Mode.PLR})
    assert estate.policy("lab").allowed_modes == frozenset({Mode.CSSM_DIRECT})
    assert (estate.costs.labour_rate_per_hour, estate.costs.horizon_years) == (120.0, 5)
    cat = estate_catalogue(estate)
    assert cat is result.catalogue
    assert cat.licence("network-advantage").list_price == 1100
    assert cat.families["C9300"].plr is True
    assert estate.agreement is not None and estate.agreement.growth_allowance == 0.1


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    ents = ("virtual_account,licence,quantity,end\n"
            "Campus,network-advantage,5,\nCampus,dna-advantage,5,2026-01-01\n"
            "Campus,network-essentials,5,\n")
    path = write_estate(tmp_path, entitlements=ents)
    result = load_estate(path, today=TODAY)
    [warning] = result.warnings
    assert warning.severity is Severity.WARNING and "ended on 2026-01-01" in warning.message
    with pytest.raises(InputError) as info:
        load_estate(path, strict=True, today=TODAY)
    assert [p.severity for p in info.value.problems] == [Severity.ERROR]


def test_every_error_is_collected_before_stopping(tmp_path: Path) -> None:
    devices = ("hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
               "a,C9300-48P,S1,NOWHERE,Campus,,,,\n"
               "b,C9300-48P,S2,HQ,Campus,,,bogus,\n")
    estate = ESTATE.replace("classification: unclassified", "classification: cosmic")
    with pytest.raises(InputError) as info:
        load_estate(write_estate(tmp_path, estate=estate, devices=devices), today=TODAY)
    where = {(Path(p.file).name, p.line) for p in info.value.problems}
    assert {("devices.csv", 2), ("devices.csv", 3), ("estate.yaml", 6)} <= where


def test_cssm_and_netbox_sources_join(tmp_path: Path) -> None:
    estate = ESTATE.replace("  entitlements: [entitlements.csv]\n",
                            "  cssm_csv: [cssm.csv]\n  netbox: [netbox.csv]\n")
    cssm = ("License,Quantity,In Use,Reserved,Virtual Account,Expires\n"
            "Network Advantage,5,1,0,Campus,Never\nDNA Advantage,5,1,0,Campus,2030-01-01\n"
            "Network Essentials,5,1,0,Field Ops,Never\n")
    netbox = ("Name,Site,Device type,Serial number\nhq-sw1,Headquarters,C9300-48P,FOC1\n"
              "br1-sw9,Branch One,C9200L-24P-4G,FOC9\n")
    result = load_estate(write_estate(tmp_path, estate=estate, **{"cssm.csv": cssm,
                                                                   "netbox.csv": netbox}),
                         today=TODAY)
    estate_ = result.estate
    assert [d.serial for d in estate_.devices] == ["FOC1", "FOC2", "FOC9"]
    assert estate_.devices[2].site == "BR1" and estate_.devices[2].virtual_account == "DEFAULT"
    assert "Field Ops" in {va.name for va in estate_.virtual_accounts}  # CSSM knows it
    assert [s.kind for s in estate_.sources] == ["estate", "devices", "cssm_csv", "netbox"]


def test_reference_date(monkeypatch: pytest.MonkeyPatch) -> None:
    assert reference_date("2026-01-02") == date(2026, 1, 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    assert reference_date() == date(2026, 1, 2)
    with pytest.raises(UsageError):
        reference_date("yesterday")


def test_summary_counts(tmp_path: Path) -> None:
    summary = summarise(load_estate(write_estate(tmp_path), today=TODAY).estate, top=1)
    assert summary.devices == 2
    assert summary.sites_by_classification == (("regulated", 1, 1), ("unclassified", 1, 1))
    assert summary.devices_by_site == (("BR1", "unclassified", 1),)
    assert summary.other_sites == (1, 1)
    nwa = next(x for x in summary.licences if x.tag == "network-advantage")
    assert (nwa.entitled, nwa.used_by_devices, nwa.balance) == (5, 1, 4)


EVIDENCE_FIXTURE = (Path(__file__).resolve().parents[1] / "evidence" / "fixtures" / "site-hq"
                    / "sw-hq-01.txt")


def test_evidence_captures_fill_the_inventory(tmp_path: Path) -> None:
    if not EVIDENCE_FIXTURE.is_file():
        pytest.skip("the evidence fixtures are not in this checkout")
    (tmp_path / "captures").mkdir()
    (tmp_path / "captures" / "sw-hq-01.txt").write_bytes(EVIDENCE_FIXTURE.read_bytes())
    devices = ("hostname,pid,serial,site,virtual_account\n"
               "sw-hq-01,C9300-48P,FOC2233X0AB,HQ,Campus\n")
    estate = ESTATE.replace("  entitlements: [entitlements.csv]\n",
                            "  entitlements: [entitlements.csv]\n  evidence: [captures]\n")
    result = load_estate(write_estate(tmp_path, estate=estate, devices=devices), today=TODAY)
    [device] = result.estate.devices
    assert device.site == "HQ" and device.virtual_account == "Campus"  # the inventory wins
    assert device.version and device.licences and len(device.members) == 3  # evidence fills
    assert ("captures/sw-hq-01.txt", "evidence") in {(s.path, s.kind)
                                                      for s in result.estate.sources}
    # The capture names another Virtual Account: a warning naming both sources.
    assert any(p.column == "virtual_account" and "HQ-Network" in p.message
               for p in result.warnings)


def test_captures_of_one_device_in_two_folders_are_one_device(tmp_path: Path) -> None:
    # The reason the registry reads every evidence folder as one source: `show license usage`
    # in one folder and `show license all` (which prints the serial) in another are one device,
    # not an unjoinable serial-less record beside it.
    usage = EVIDENCE_FIXTURE.with_name("sw-hq-01-usage.log")
    if not (EVIDENCE_FIXTURE.is_file() and usage.is_file()):
        pytest.skip("the evidence fixtures are not in this checkout")
    for folder, capture in (("q1", EVIDENCE_FIXTURE), ("q2", usage)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / capture.name).write_bytes(capture.read_bytes())
    devices = ("hostname,pid,serial,site,virtual_account\n"
               "sw-hq-01,C9300-48P,FOC2233X0AB,HQ,Campus\n")
    estate = ESTATE.replace("  entitlements: [entitlements.csv]\n",
                            "  entitlements: [entitlements.csv]\n  evidence: [q1, q2]\n")
    result = load_estate(write_estate(tmp_path, estate=estate, devices=devices), today=TODAY)
    [device] = result.estate.devices
    assert device.serial == "FOC2233X0AB" and device.licences
    assert {s.path for s in result.estate.sources if s.kind == "evidence"} == {
        "q1/sw-hq-01.txt", "q2/sw-hq-01-usage.log"}


def test_evidence_only_device_needs_a_site(tmp_path: Path) -> None:
    if not EVIDENCE_FIXTURE.is_file():
        pytest.skip("the evidence fixtures are not in this checkout")
    (tmp_path / "captures").mkdir()
    (tmp_path / "captures" / "sw-hq-01.txt").write_bytes(EVIDENCE_FIXTURE.read_bytes())
    estate = ESTATE.replace("  entitlements: [entitlements.csv]\n",
                            "  entitlements: [entitlements.csv]\n  evidence: [captures, gone]\n")
    with pytest.raises(InputError) as info:
        load_estate(write_estate(tmp_path, estate=estate), today=TODAY)
    text = str(info.value)
    assert "device FOC2233X0AB has no site" in text
    assert "evidence folder 'gone' not found" in text


@pytest.mark.parametrize(("override", "fragment"), [
    ("policies: {secret: {allowed_modes: slr}}", "allowed_modes is not a list"),
    ("policies: {secret: {allowed_modes: [teleport]}}", "'teleport' is not a valid Mode"),
    ("policies: {lab: {telemetry_may_leave: []}}", "policy 'lab' allows no licensing mode"),
    ("policies: {secret: {colour: red}}", "unknown policy field 'colour'"),
    ("policies: {secret: {hostname_privacy: 'no'}}", "hostname_privacy 'no' is not valid"),
    ("costs: {horizon_years: 2.5}", "horizon_years 2.5 is not valid"),
    ("costs: {coffee: 3}", "unknown cost field 'coffee'"),
    ("products: {C9999: {slr: true}}", "new product family 'C9999' lacks name, pids, os, kind"),
    ("products: {C9300: {slr: maybe}}", "cannot set 'slr' to 'maybe'"),
    ("agreement: {start: 2025-02-01, end: 2024-01-31}", "is not after start"),
])
def test_override_problems_name_the_yaml_path(tmp_path: Path, override: str,
                                              fragment: str) -> None:
    with pytest.raises(InputError) as info:
        load_estate(write_estate(tmp_path, estate=ESTATE + override + "\n"), today=TODAY)
    [problem] = info.value.problems
    assert fragment in problem.message
    assert problem.line == 12 and problem.column and problem.column.startswith(
        override.split(":")[0])
