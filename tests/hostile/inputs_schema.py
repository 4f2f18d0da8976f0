"""Hostile inputs, schemas: unknown, misspelt and duplicated columns, keys and fields.

Before issue 13 a misspelt column was ignored without a word (the federal-agency plan then bought
nothing), a duplicated column or YAML key was first- or last-wins, and a misspelt top-level
YAML key produced a cascade of follow-on errors. Each is now exit 2 naming file, line and field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.examples import write_example
from planner.generate import generate_estate
from planner.readers import devices_csv, entitlements_csv
from planner.readers._common import fold
from tests.hostile._inkit import assert_refused, plan_refused, run, validate, write_estate

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _rename_column(csv_path: Path, old: str, new: str) -> None:
    lines = csv_path.read_text("utf-8").split("\n")
    cells = lines[0].split(",")
    cells[cells.index(old)] = new
    lines[0] = ",".join(cells)
    csv_path.write_text("\n".join(lines), "utf-8")


def test_federal_agency_misspelt_licences_column_is_refused(tmp_path: Path) -> None:
    write_example("federal-agency", tmp_path / "fed")
    _rename_column(tmp_path / "fed" / "devices.csv", "licences", "licencse")
    text = plan_refused(tmp_path / "fed" / "estate.yaml", tmp_path, "devices.csv:1",
                        "licencse", "did you mean 'licences'")
    assert "324,108.50" not in text


def _misspellings(columns: dict[str, tuple[str, ...]],
                  csv_name: str) -> st.SearchStrategy[tuple[str, str]]:
    """(a column of the generated `csv_name`, a near miss of it that is no accepted spelling
    of any column of the schema)."""
    accepted = {fold(s) for name, spellings in columns.items() for s in (name, *spellings)}
    header = generate_estate(12, 4, 7)[csv_name].split("\n")[0].split(",")

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, str]:
        name = draw(st.sampled_from(sorted(c for c in columns if c in header)))
        i = draw(st.integers(0, len(name) - 1))
        edit = draw(st.sampled_from(("drop", "double", "swap", "insert")))
        letter = draw(st.sampled_from("aeiorstx"))
        if edit == "drop":
            mutant = name[:i] + name[i + 1:]
        elif edit == "double":
            mutant = name[:i] + name[i] + name[i:]
        elif edit == "swap" and i + 1 < len(name):
            mutant = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        else:
            mutant = name[:i] + letter + name[i:]
        assume(fold(mutant) and fold(mutant) not in accepted)
        return name, mutant

    return build()


@SETTINGS
@given(case=_misspellings(devices_csv.COLUMNS, "devices.csv"))
def test_any_misspelt_devices_column_is_one_error_at_line_1(tmp_path: Path,
                                                            case: tuple[str, str]) -> None:
    column, mutant = case
    estate = write_estate(tmp_path / f"e-{abs(hash(mutant))}")
    _rename_column(estate.parent / "devices.csv", column, mutant)
    text = assert_refused(validate(estate), "devices.csv:1", repr(mutant))
    assert "unknown column" in text


@SETTINGS
@given(case=_misspellings(entitlements_csv.COLUMNS, "entitlements.csv"))
def test_any_misspelt_entitlements_column_is_refused(tmp_path: Path,
                                                     case: tuple[str, str]) -> None:
    column, mutant = case
    estate = write_estate(tmp_path / f"e-{abs(hash(mutant))}")
    _rename_column(estate.parent / "entitlements.csv", column, mutant)
    assert_refused(validate(estate), "entitlements.csv:1", repr(mutant))


@pytest.mark.parametrize("header_edit", [
    ("licences", "licences,licenses"),  # the same column in two accepted spellings
    ("site", "site,site"),
])
def test_duplicated_column_names_both_positions(tmp_path: Path,
                                                header_edit: tuple[str, str]) -> None:
    estate = write_estate(tmp_path / "e")
    csv_path = estate.parent / "devices.csv"
    lines = csv_path.read_text("utf-8").split("\n")
    old, new = header_edit
    at = lines[0].split(",").index(old)
    lines = [",".join(c if i != at else c + "," + c for i, c in enumerate(line.split(",")))
             if line and i else line for i, line in enumerate(lines)]
    lines[0] = lines[0].replace(old, new, 1) if old != "site" else lines[0].replace(
        ",site,", ",site,site,", 1)
    csv_path.write_text("\n".join(lines), "utf-8")
    text = assert_refused(validate(estate), "devices.csv:1", "appears twice")
    assert f"columns {at + 1} and {at + 2}" in text


def test_extra_columns_ignore_lets_own_columns_through(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    csv_path = estate.parent / "devices.csv"
    lines = csv_path.read_text("utf-8").rstrip("\n").split("\n")
    lines = [lines[0] + ",rack_unit"] + [line + ",U12" for line in lines[1:]]
    csv_path.write_text("\n".join(lines) + "\n", "utf-8")
    assert_refused(validate(estate), "devices.csv:1", "rack_unit")
    estate.write_text(estate.read_text("utf-8") + "extra_columns: ignore\n", "utf-8")
    result = validate(estate)
    assert result.exit_code == 0, result.output


def test_misspelt_top_level_key_is_one_error_with_a_suggestion(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e", devices=60, sites=8)
    text = estate.read_text("utf-8").replace("\nsites:", "\nsitez:")
    estate.write_text(text, "utf-8")
    out = assert_refused(validate(estate), "estate.yaml:", "did you mean 'sites'")
    assert sum(": error:" in line for line in out.splitlines()) == 1, out


def test_misspelt_required_key_is_not_also_reported_missing(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8").replace("\nname:", "\nnmae:", 1), "utf-8")
    out = assert_refused(validate(estate), "did you mean 'name'")
    assert "is missing" not in out


@pytest.mark.parametrize("where", ["top", "account", "site"])
def test_duplicate_yaml_keys_are_errors_with_both_lines(tmp_path: Path, where: str) -> None:
    estate = write_estate(tmp_path / "e")
    text = estate.read_text("utf-8")
    if where == "top":
        text += "name: Another name\n"
    elif where == "account":
        text = text.replace("  domain: litware.example\n",
                            "  domain: litware.example\n  domain: evil.example\n")
    else:
        text = text.replace("{id: HQ,", "{id: HQ, id: HQ2,")
    estate.write_text(text, "utf-8")
    out = assert_refused(validate(estate), "estate.yaml:", "appears twice")
    assert "first on line" in out


def test_yaml_merge_key_override_is_not_a_duplicate(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    text = estate.read_text("utf-8")
    text = "x-site: &base {classification: regulated, internet: none}\n" + text.replace(
        "{id: HQ, name: Corporate Headquarters, classification: regulated, internet: proxy,",
        "{<<: *base, id: HQ, name: Corporate Headquarters, internet: proxy,")
    estate.write_text(text, "utf-8")
    result = validate(estate)
    assert result.exit_code == 0, result.output


def _cssm_estate(tmp_path: Path, licence: dict[str, object]) -> Path:
    estate = write_estate(tmp_path / "e")
    (estate.parent / "cssm.json").write_text(json.dumps({"licenses": [licence]}), "utf-8")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  cssm_json: [cssm.json]\n"), "utf-8")
    return estate


def test_misspelt_cssm_json_field_is_refused(tmp_path: Path) -> None:
    estate = _cssm_estate(tmp_path, {"license": "Network Advantage", "quantity": 4,
                                     "inUze": 3, "virtualAccount": "DEFAULT"})
    assert_refused(validate(estate), "cssm.json:1", "'inUze'", "did you mean 'inUse'")


def test_misspelt_netbox_column_is_refused(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    (estate.parent / "netbox.csv").write_text(
        "Name,Site,Device type,Serail number\nsw1,HQ,C9300-48P,FOC1\n", "utf-8")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  netbox: [netbox.csv]\n"), "utf-8")
    assert_refused(validate(estate), "netbox.csv:1", "Serail number")


def test_problems_as_json_objects(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    _rename_column(estate.parent / "devices.csv", "licences", "licencse")
    result = run("validate", str(estate), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    [problem] = [p for p in doc["problems"] if p["severity"] == "error"]
    assert problem["file"].endswith("devices.csv")
    assert (problem["line"], problem["column"], problem["field"]) == (1, 8, "licencse")
    assert set(problem) == {"severity", "file", "line", "column", "field", "message",
                            "expected"}
    assert doc["errors"] == 1


@pytest.mark.parametrize("command", ["plan", "compare"])
def test_problems_as_json_on_the_planning_commands(tmp_path: Path, command: str) -> None:
    estate = write_estate(tmp_path / "e")
    _rename_column(estate.parent / "entitlements.csv", "quantity", "quantitty")
    args = [command, str(estate), "--format", "json"]
    if command == "plan":
        args += ["-o", str(tmp_path / "out")]
    result = run(*args)
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert [(p["field"], p["line"], p["column"]) for p in errors] == [("quantitty", 1, 3)]
    assert not (tmp_path / "out").exists()


def test_subgroups_list_only_their_own_commands() -> None:
    result = run("snapshot", "--help")
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:")[1].split()
    assert {"add", "diff", "list"} <= set(commands) and "plan" not in commands


def test_yaml_problems_carry_their_column(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8").replace(
        "  holder: customer\n", "  holder: customer\n  holdr: reseller\n"), "utf-8")
    result = run("validate", str(estate), "--format", "json")
    assert result.exit_code == 2
    [problem] = json.loads(result.stdout)["problems"][:1]
    line = estate.read_text("utf-8").split("\n").index("  holdr: reseller") + 1
    assert (problem["line"], problem["column"], problem["field"]) == (line, 3, "account.holdr")
