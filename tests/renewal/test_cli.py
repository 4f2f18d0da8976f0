"""`planner snapshot add|list|diff` and `planner renewal` end to end on a tiny estate folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.renewal import FindingKind, Priority
from planner.resources import models_dir

ESTATE = """\
name: Tiny Renewal Estate
account: {name: Tiny, domain: tiny.example, holder: reseller}
virtual_accounts:
  - {name: DEFAULT, default: true}
  - {name: NET}
  - {name: LAB}
sites:
  - {id: HQ, name: Headquarters, classification: regulated, internet: proxy, tags: [hq]}
  - {id: FAIR, name: Fairground, classification: regulated, internet: direct, tags: [seasonal]}
links:
  - {a: HQ, b: FAIR}
prices: {network-advantage: 1000}
inventory:
  devices: [devices.csv]
  entitlements: [entitlements.csv]
"""
HEADER = "hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
ENTS = """\
virtual_account,licence,quantity,in_use,reserved,term,start,end,subscription_id,unit_price
NET,network-advantage,3,,,perpetual,,,,
LAB,network-advantage,2,,,perpetual,,,,
NET,dna-essentials,4,,,term,2025-01-01,2028-01-01,S1,100
"""


def _devices(rows: list[tuple[str, str, str]]) -> str:
    return HEADER + "".join(
        f"{h},C9300-48P,SN{h.upper()},{site},NET,{ver},slup,network-advantage:1,\n"
        for h, site, ver in rows)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "estate.yaml").write_text(ESTATE, encoding="utf-8")
    (tmp_path / "entitlements.csv").write_text(ENTS, encoding="utf-8")
    (tmp_path / "devices.csv").write_text(
        _devices([("sw1", "HQ", "17.12.4"), ("sw2", "HQ", "17.12.4")]), encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_snapshot_add_list_diff(folder: Path) -> None:
    estate = str(folder / "estate.yaml")
    code, out, _ = run("snapshot", "add", estate, "--date", "2026-01-01")
    assert code == 0 and "2 devices" in out
    assert (folder / ".planner" / "history.db").is_file()
    (folder / "devices.csv").write_text(_devices(
        [("sw1", "HQ", "17.12.4"), ("sw3", "HQ", "17.12.4"), ("sw4", "FAIR", "17.12.4")]),
        encoding="utf-8")
    assert run("snapshot", "add", estate, "--date", "2026-04-01")[0] == 0
    code, out, _ = run("snapshot", "list", estate, "--format", "json")
    assert code == 0
    assert [(r["date"], r["devices"]) for r in json.loads(out)] == [
        ("2026-01-01", 2), ("2026-04-01", 3)]
    code, out, _ = run("snapshot", "diff", "2026-01-01", "2026-04-01", "--estate", estate,
                       "--format", "json")
    assert code == 0
    diff = json.loads(out)
    assert [d["hostname"] for d in diff["added"]] == ["sw3", "sw4"]
    assert [d["hostname"] for d in diff["removed"]] == ["sw2"]
    assert diff["units"] == [{"licence": "network-advantage", "site": "FAIR", "before": 0,
                              "after": 1, "change": 1, "causes": [
                                  {"cause": "device added", "change": 1, "detail": ""}]}]
    code, out, _ = run("snapshot", "diff", "2026-01-01", "2026-04-01", "--db",
                       str(folder / ".planner" / "history.db"))
    assert code == 0 and "2 added, 1 removed" in out


def test_renewal_json_matches_schema_and_names_findings(folder: Path) -> None:
    estate = str(folder / "estate.yaml")
    run("snapshot", "add", estate, "--date", "2026-01-01")
    (folder / "devices.csv").write_text(_devices(
        [("sw1", "HQ", "17.12.4"), ("sw2", "HQ", "17.12.4"), ("sw3", "HQ", "17.12.4"),
         ("sw4", "HQ", "17.12.4"), ("sw5", "FAIR", "17.3.1")]), encoding="utf-8")
    code, out, err = run("renewal", estate, "--renewal-date", "2026-12-01", "--date",
                         "2026-06-01", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "planner.renewal/2"
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((models_dir() / "renewal.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    found = {(f["kind"], f["subject"]): f for f in doc["findings"]}
    over = found[("over-consumption", "NET/network-advantage")]
    assert over["money"] == 2000.0  # 5 used, 3 held, estate price 1000
    assert over["evidence"]["devices"] == ["sw1", "sw2", "sw3", "sw4", "sw5"]
    assert found[("growth", "HQ/network-advantage")]["money"] == 2000.0
    assert found[("growth-tagged", "FAIR/network-advantage")]["money"] == 1000.0
    assert found[("shelfware", "dna-essentials")]["money"] == 400.0
    assert found[("va-no-devices", "LAB")]["money"] == 2000.0
    assert found[("reseller-held", "Tiny")]["priority"] == "high"
    assert found[("refresh", "C9300")]["evidence"]["devices"] == ["sw5"]
    assert found[("licensing-era", "C9300")]["evidence"]["devices"] == ["sw5"]
    assert doc["since"] == "2026-01-01" and doc["snapshots"] == ["2026-01-01"]
    assert doc["plan"]["pack_due"] == "2026-09-02"


def test_schema_enums_match_the_model() -> None:
    schema = json.loads((models_dir() / "renewal.schema.json").read_text(encoding="utf-8"))
    item = schema["properties"]["findings"]["items"]["properties"]
    assert item["kind"]["enum"] == [str(k) for k in FindingKind]
    assert item["priority"]["enum"] == [str(p) for p in Priority]


def test_renewal_output_folder_and_formats(folder: Path) -> None:
    estate = str(folder / "estate.yaml")
    out_dir = folder / "out"
    code, out, err = run("renewal", estate, "--renewal-date", "2026-12-01", "--date",
                         "2026-06-01", "-o", str(out_dir))
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [
        ".planner-outputs.json", "checklist.md", "hygiene.ics", "renewal.json", "renewal.md"]
    assert b"\r\n" in (out_dir / "hygiene.ics").read_bytes()
    first = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    run("renewal", estate, "--renewal-date", "2026-12-01", "--date", "2026-06-01",
        "-o", str(out_dir))
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == first  # byte-stable
    assert not (folder / ".planner").exists()  # the read never creates a history
    code, out, _ = run("renewal", estate, "--renewal-date", "2026-12-01", "--date",
                       "2026-06-01", "--format", "md")
    assert code == 0 and out.startswith("# Renewal brief: Tiny Renewal Estate")
    assert "No snapshot history" in out
    code, out, _ = run("renewal", estate, "--renewal-date", "2026-12-01", "--date",
                       "2026-06-01")
    assert code == 0 and "reseller-held" in out


@pytest.mark.parametrize(("args", "message"), [
    (("--renewal-date", "2026-13-01"), "--renewal-date '2026-13-01' is not a date"),
    (("--renewal-date", "2026-01-01", "--date", "2026-06-01"), "is before the reference date"),
    (("--renewal-date", "2026-12-01", "--db", "nowhere.db"), "no snapshot history"),
    (("--renewal-date", "2026-12-01", "--since", "2026-01-01"), "no snapshot stored"),
])
def test_renewal_usage_errors_exit_2(folder: Path, args: tuple[str, ...], message: str) -> None:
    estate = str(folder / "estate.yaml")
    code, _out, err = run("renewal", estate, "--date", "2026-06-01", *args, "-o",
                         str(folder / "out"))
    assert code == 2
    assert message in err
    assert not (folder / "out").exists()


def test_snapshot_diff_unknown_date_exit_2(folder: Path) -> None:
    estate = str(folder / "estate.yaml")
    run("snapshot", "add", estate, "--date", "2026-01-01")
    code, _, err = run("snapshot", "diff", "2026-01-01", "2026-02-01", "--estate", estate)
    assert code == 2 and "no snapshot for 2026-02-01" in err


def test_fail_on_exits_1_only_when_findings_reach_the_priority(folder: Path) -> None:
    estate = str(folder / "estate.yaml")
    base = ("renewal", estate, "--renewal-date", "2026-12-01", "--date", "2026-06-01")
    code, _, err = run(*base, "--fail-on", "high")
    assert code == 1  # the reseller-held Smart Account is a high-priority finding
    assert "priority high or higher" in err
    code, _, err = run(*base)
    assert code == 0, err
