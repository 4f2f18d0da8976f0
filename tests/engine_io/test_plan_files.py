"""Plan files: schema-valid, byte-identical across runs, manifests complete, CSV made safe."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.plan import Transfer
from planner.resources import models_dir
from planner.writers import PLAN_SCHEMA, render_plan_files, write_plan_files
from planner.writers.plan_files import file_stem, generated_date, rebatch_transfers

from .conftest import sample_estate, sample_plan


def rows(text: str | bytes) -> list[dict[str, str]]:
    assert isinstance(text, str)
    return list(csv.DictReader(io.StringIO(text)))


def test_files_are_byte_identical_across_two_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_plan_files(sample_plan(), a)
    write_plan_files(sample_plan(solve_seconds=9.9, build_seconds=3.0), b)
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert "reservations/DEFAULT.slr.csv" in names and "plan.json" in names
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_plan_json_matches_its_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((models_dir() / "plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads(render_plan_files(sample_plan())["plan.json"])
    jsonschema.validate(doc, schema)
    assert doc["schema"] == PLAN_SCHEMA and doc["generated"] is None
    assert "solve_seconds" not in json.dumps(doc)


def test_date_comes_only_from_option_or_source_date_epoch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert generated_date(None) is None
    assert generated_date("2026-03-01") == date(2026, 3, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert generated_date(None) == date(2023, 11, 14)
    doc = json.loads(render_plan_files(sample_plan(), generated_date(None))["plan.json"])
    assert doc["generated"] == "2023-11-14"


def test_devices_csv_lists_every_device_with_mode_and_server() -> None:
    table = rows(render_plan_files(sample_plan())["devices.csv"])
    assert len(table) == len(sample_estate().devices)
    br = next(r for r in table if r["hostname"] == "br-sw1")
    assert (br["mode"], br["server_site"], br["virtual_account"]) == ("onprem-network", "DC1",
                                                                      "DEFAULT")
    assert br["licences"] == "dna-advantage:1;network-advantage:1"


def test_reservation_manifest_lists_every_stack_member() -> None:
    table = rows(render_plan_files(sample_plan())["reservations/DEFAULT.slr.csv"])
    device_rows = [r for r in table if r["role"] == "device"]
    assert [(r["tag"], r["count"]) for r in device_rows] == [("dna-advantage", "1"),
                                                             ("network-advantage", "1")]
    assert {r["serial"] for r in device_rows} == {"FOC0201"}
    members = [r for r in table if r["role"] == "member"]
    # the stack has three members; the first is the device itself, the other two get rows
    assert [(r["pid"], r["serial"], r["member_of"]) for r in members] == [
        ("C9300-24T", "FOC0202", "FOC0201"), ("C9300-24T", "FOC0203", "FOC0201")]


def test_transfers_are_batched_at_most_ten_types() -> None:
    many = Transfer(1, "DEFAULT", "HQ-Network", tuple((f"tag-{i:02d}", 1) for i in range(23)))
    other = Transfer(2, "A", "B", (("x", 2),))
    batches = rebatch_transfers([many, other, Transfer(3, "A", "B", (("x", 3),))])
    assert [len(b.items) for b in batches] == [1, 10, 10, 3]
    assert batches[0].items == (("x", 5),)
    assert [b.batch for b in batches] == [1, 2, 3, 4]
    table = rows(render_plan_files(sample_plan(transfers=(many,)))["transfers.csv"])
    per_batch: dict[str, int] = {}
    for r in table:
        per_batch[r["batch"]] = per_batch.get(r["batch"], 0) + 1
    assert max(per_batch.values()) <= 10 and sum(per_batch.values()) == 23


def test_formula_injection_is_neutralised() -> None:
    estate = sample_estate()
    evil = "=cmd|' /C calc'!A0"
    devices = tuple(replace(d, hostname=evil) if d.hostname == "hq-sw1" else d
                    for d in estate.devices)
    files = render_plan_files(sample_plan(replace(estate, devices=devices)))
    text = files["devices.csv"]
    assert isinstance(text, str)
    assert "'=cmd|' /C calc'!A0" in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())
    assert any(r["hostname"] == "'" + evil for r in rows(text))


def test_onprem_and_purchases() -> None:
    files = render_plan_files(sample_plan())
    onprem = rows(files["onprem.csv"])
    assert onprem == [{"site": "DC1", "mode": "onprem-network", "servers": "1", "ha": "false",
                       "vms": "1", "sites_served": "BR1;DC1", "devices": "2",
                       "local_account": "DEFAULT", "virtual_account": "DEFAULT"}]
    assert json.loads(files["onprem.json"])["servers"][0]["sites_served"] == ["BR1", "DC1"]
    assert rows(files["purchases.csv"])[0]["total"] == "1200.00"
    summary = files["summary.txt"]
    assert isinstance(summary, str)
    assert "Status: optimal" in summary and "onprem-network" in summary


def test_unsafe_va_names_become_distinct_file_names() -> None:
    assert file_stem("DEFAULT") == "DEFAULT"
    assert file_stem("../etc/passwd") != file_stem("etc_passwd")
    assert "/" not in file_stem("a/b") and file_stem("a/b") != file_stem("a b")



def test_stale_reservation_manifests_are_removed(tmp_path: Path) -> None:
    write_plan_files(sample_plan(), tmp_path)
    assert (tmp_path / "reservations" / "DEFAULT.slr.csv").exists()
    (tmp_path / "reservations" / "notes.txt").write_text("mine", encoding="utf-8")
    write_plan_files(sample_plan(reservations=()), tmp_path)
    assert not (tmp_path / "reservations" / "DEFAULT.slr.csv").exists()
    assert (tmp_path / "reservations" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_devices_csv_equals_the_row_path_on_hostile_hostnames() -> None:
    from .test_device_columns import _row_path

    estate = sample_estate()
    odd = ("=cmd|' /C calc'!A0", "+1", "-x", "@sum", "a,b", 'q"uote', "multi\nline")
    devices = tuple(replace(d, hostname=odd[i % len(odd)]) for i, d in enumerate(estate.devices))
    plan = sample_plan(replace(estate, devices=devices))
    rendered = render_plan_files(plan)["devices.csv"]
    decisions = {d.class_id: d for d in plan.class_decisions}
    assert rendered == _row_path(list(devices), list(plan.classes), decisions)


def test_encoded_class_records_equal_the_json_encoder() -> None:
    from planner.plan import DeviceClass
    from planner.plan_document import json_text, plan_document

    odd = DeviceClass('k"\\1', "S\u00e9 \n", "", (), "", 0, 0, "VA,\t", (), "", "")
    plan = sample_plan()
    plan = replace(plan, classes=(*plan.classes, odd))
    fast = json_text(plan_document(plan, encoded_classes=True))
    slow = json_text(plan_document(plan))
    assert fast == slow
    assert json.loads(fast) == plan_document(plan)
