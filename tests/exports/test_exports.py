"""NetBox/Nautobot import files and the CycloneDX licence BOM of every bundled example follow
the formats' own rules: the import column rules NetBox and Nautobot document, and the
CycloneDX 1.6 JSON schema (shipped with cyclonedx-python-lib)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.exports.inventory import FIELDS, read_ids
from planner.model import Mode
from planner.resources import examples_dir

EXAMPLES = sorted(p.name for p in examples_dir().iterdir() if (p / "estate.yaml").is_file())
NAME = re.compile(r"^[a-z0-9_]+$")  # custom field names (NetBox) and keys (Nautobot)
TYPES = {"text", "longtext", "integer", "decimal", "boolean", "date", "datetime", "url", "json",
         "select", "multiselect", "object", "multiobject"}  # types both tools document
OBJECT_TYPE = re.compile(r"^[a-z_]+\.[a-z_]+$")  # app_label.model
STATES = {"reserved", "to-reserve", "to-return", "none"}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module", params=EXAMPLES)
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp(request.param)
    runner = CliRunner()
    assert runner.invoke(main, ["example", request.param, str(folder / "est")]).exit_code == 0
    estate = folder / "est" / "estate.yaml"
    made = runner.invoke(main, ["plan", str(estate), "-o", str(folder / "plan"),
                                "--date", "2026-12-01"])
    assert made.exit_code == 0, made.output
    return estate, folder / "plan" / "plan.json"


def _export(kind: str, estate: Path, plan: Path, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(main, ["export", kind, str(plan), "--estate", str(estate),
                                       "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("tool", ["netbox", "nautobot"])
def test_inventory_files_follow_the_import_column_rules(planned: tuple[Path, Path],
                                                        tmp_path: Path, tool: str) -> None:
    estate, plan = planned
    _export(tool, estate, plan, tmp_path / tool)
    out = tmp_path / tool
    defs = _rows((out / "custom-fields.csv").read_text())
    key = "name" if tool == "netbox" else "key"
    types_column = "object_types" if tool == "netbox" else "content_types"
    defined = {d[key]: d for d in defs}
    for d in defs:
        assert NAME.match(d[key]) and d["type"] in TYPES and d["required"] in ("true", "false")
        assert all(OBJECT_TYPE.match(t) for t in d[types_column].split(","))
    site_file = "sites.csv" if tool == "netbox" else "locations.csv"
    site_type = "dcim.site" if tool == "netbox" else "dcim.location"
    for name, object_type in (("devices.csv", "dcim.device"), (site_file, site_type)):
        rows = _rows((out / name).read_text())
        assert rows, name
        header = list(rows[0])
        assert header[0] == "name"  # no id without an export of the tool's ids
        for column in header[1:]:
            assert column.startswith("cf_"), column
            field = defined[column[3:]]  # every custom-field column is defined first
            assert object_type in field[types_column].split(",")
            for row in rows:
                if field["type"] == "date" and row[column]:
                    date.fromisoformat(row[column])
    devices = _rows((out / "devices.csv").read_text())
    modes = {m.value for m in Mode}
    assert {r["cf_licensing_mode"] for r in devices} <= modes | {""}
    assert {r["cf_licensing_reservation"] for r in devices} <= STATES
    assert any(r["cf_licensing_next_deadline"] for r in devices)
    for row in _rows((out / site_file).read_text()):
        assert set(filter(None, row["cf_licensing_mode"].split("+"))) <= modes


def test_ids_from_an_export_key_rows_for_update(planned: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    estate, plan = planned
    _export("netbox", estate, plan, tmp_path / "a")
    names = [r["name"] for r in _rows((tmp_path / "a" / "devices.csv").read_text())]
    export = tmp_path / "netbox-devices.csv"
    export.write_text("ID,Name,Status\n" + "".join(f"{i},{n},Active\n"
                                                   for i, n in enumerate(names[1:], 7)))
    _export("netbox", estate, plan, tmp_path / "b", "--device-ids", str(export))
    rows = _rows((tmp_path / "b" / "devices.csv").read_text())
    assert list(rows[0])[:2] == ["id", "name"] and all(r["id"].isdigit() for r in rows)
    assert [r["name"] for r in _rows((tmp_path / "b" / "unmatched-devices.csv").read_text())
            ] == names[:1]


def test_read_ids_needs_id_and_name() -> None:
    assert read_ids("id,name\n3,a\n,b\n", "x") == {"a": "3"}
    with pytest.raises(ValueError, match="ID and Name"):
        read_ids("Name,Serial\na,1\n", "x.csv")


def test_field_names_are_the_documented_shape() -> None:
    assert all(NAME.match(f.name) for f in FIELDS)


def test_cyclonedx_bom_validates_against_the_1_6_schema(planned: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    estate, plan = planned
    _export("cyclonedx", estate, plan, tmp_path / "bom.json")
    text = (tmp_path / "bom.json").read_text()
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    assert validator.validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6" and bom["components"]
    licensed = [c for c in bom["components"] if c.get("licenses")]
    assert licensed
    for component in licensed:
        for entry in component["licenses"]:
            licensing = entry["license"]["licensing"]
            assert licensing["licensor"]["organization"]["name"] == "Cisco Systems, Inc."
            assert {"licensee", "purchaser"} <= set(licensing)
            assert "device" in licensing["licenseTypes"]
            assert {"subscription", "perpetual"} & set(licensing["licenseTypes"])
    assert any("expiration" in e["license"]["licensing"]
               for c in licensed for e in c["licenses"])
    # the schema check is not vacuous: a broken licensing type is refused
    broken = json.loads(text)
    broken["components"][0].setdefault("licenses", [{"license": {"name": "x"}}])
    broken["components"][0]["licenses"][0]["license"]["licensing"] = {"licenseTypes": ["nope"]}
    assert validator.validate_str(json.dumps(broken)) is not None
    # same inputs, same bytes
    _export("cyclonedx", estate, plan, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == text
