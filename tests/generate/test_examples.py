"""The bundled examples: they load, read like real estates, and are reproducible from the script."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from planner.examples import example_files, list_examples
from planner.loader import load_estate
from planner.problems import UsageError
from planner.resources import examples_dir

NAMES = ("federal-agency", "regional-bank", "utility")


def _builder() -> ModuleType:
    path = examples_dir() / "build_examples.py"
    spec = importlib.util.spec_from_file_location("build_examples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name: str, file: str) -> list[dict[str, str]]:
    text = (examples_dir() / name / file).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_three_examples_are_listed() -> None:
    infos = {i.name: i for i in list_examples()}
    assert set(NAMES) <= set(infos)
    for name in NAMES:
        assert infos[name].description
        assert 300 <= infos[name].devices <= 5000


@pytest.mark.parametrize("name", NAMES)
def test_example_loads_without_errors(name: str) -> None:
    result = load_estate(examples_dir() / name / "estate.yaml")
    estate = result.estate
    assert 300 <= len(estate.devices) <= 5000
    assert (examples_dir() / name / "README.md").read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.parametrize("name", NAMES)
def test_example_has_shortfalls_shelfware_and_a_dormant_account(name: str) -> None:
    need: dict[tuple[str, str], int] = {}
    for row in _rows(name, "devices.csv"):
        for use in row["licences"].split(";"):
            tag, _, count = use.partition(":")
            key = (row["virtual_account"], tag)
            need[key] = need.get(key, 0) + int(count or 1)
    held: dict[tuple[str, str], int] = {}
    for row in _rows(name, "entitlements.csv"):
        key = (row["virtual_account"], row["licence"])
        held[key] = held.get(key, 0) + int(row["quantity"])
    assert any(held.get(k, 0) < n for k, n in need.items())
    assert any(k not in need for k in held)
    doc = yaml.safe_load((examples_dir() / name / "estate.yaml").read_text(encoding="utf-8"))
    vas = {va["name"] for va in doc["virtual_accounts"]}
    dormant = {k[0] for k in held} - {k[0] for k in need}
    assert dormant and dormant <= vas


def test_federal_agency_has_enclaves_air_gaps_and_no_plr() -> None:
    doc = yaml.safe_load((examples_dir() / "federal-agency" / "estate.yaml")
                         .read_text(encoding="utf-8"))
    assert doc["account"]["slr_preapproved"] is True
    assert doc["account"]["plr_preapproved"] is False
    sites = {s["id"]: s for s in doc["sites"]}
    secret = [s for s in sites.values() if s["classification"] == "secret"]
    assert secret and all(s["internet"] == "none" for s in secret)
    crossing = {link["b"] for link in doc["links"] if link.get("crosses_boundary")}
    assert any(sites[b]["classification"] == "secret" for b in crossing)
    linked = {link["a"] for link in doc["links"]} | {link["b"] for link in doc["links"]}
    assert any(s["internet"] == "none" and s["id"] not in linked for s in sites.values())
    assert any(s["internet"] == "proxy" and s["classification"] == "regulated"
               for s in sites.values())


def test_bank_and_utility_shapes() -> None:
    bank = yaml.safe_load((examples_dir() / "regional-bank" / "estate.yaml")
                          .read_text(encoding="utf-8"))
    dcs = [s for s in bank["sites"] if "dc" in s.get("tags", [])]
    branches = [s for s in bank["sites"] if "branch" in s.get("tags", [])]
    assert len(dcs) == 2 and len(branches) >= 80
    assert any(s["internet"] == "proxy" for s in bank["sites"])
    assert {s["classification"] for s in branches} == {"regulated"}
    util = yaml.safe_load((examples_dir() / "utility" / "estate.yaml").read_text(encoding="utf-8"))
    ot = [s for s in util["sites"] if s["classification"] == "ot"]
    assert ot and all(s["internet"] == "none" for s in ot)
    assert any("air-gapped" in s.get("tags", []) for s in ot)
    it = [s for s in util["sites"] if s["classification"] == "unclassified"]
    assert it and all(s["internet"] != "none" for s in it)


def test_examples_are_what_the_script_builds() -> None:
    built = _builder().build()
    assert set(NAMES) <= set(built)
    for name, files in built.items():
        for rel, text in files.items():
            on_disk = (examples_dir() / name / rel).read_text(encoding="utf-8")
            assert on_disk == text, f"examples/{name}/{rel} is stale: run build_examples.py"


def test_unknown_example_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        example_files("nuclear-plant")
    for name in NAMES:
        assert name in str(info.value)


def test_example_files_skip_caches(tmp_path: Path) -> None:
    files = example_files("utility")
    assert {"estate.yaml", "devices.csv", "entitlements.csv", "README.md"} <= set(files)
    assert not any("__pycache__" in rel for rel in files)


def test_bank_licences_come_partly_from_a_cssm_export() -> None:
    estate = load_estate(examples_dir() / "regional-bank" / "estate.yaml").estate
    from_json = {e.virtual_account for e in estate.entitlements
                 if e.origin and e.origin.file.endswith("cssm-licenses.json")}
    assert from_json == {"Security", "Wireless"}
    assert any(e.tag == "air-dna-advantage" for e in estate.entitlements)
    assert {s.kind for s in estate.sources} >= {"devices", "entitlements", "cssm_json"}


def test_utility_joins_a_netbox_export() -> None:
    estate = load_estate(examples_dir() / "utility" / "estate.yaml").estate
    rows = len(_rows("utility", "devices.csv"))
    assert len(estate.devices) == rows + 3  # three spares only NetBox knows
    spares = [d for d in estate.devices if "spare" in d.hostname]
    assert {d.site for d in spares} <= {"DC-RIV", "DC-CDF", "HQ"}
    assert all(not d.licences for d in spares)
