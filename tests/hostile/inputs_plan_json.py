"""Hostile inputs, a saved plan.json: every field `runbook --plan` reads, given a value of the
wrong type or out of range, is exit 2 naming the field's JSON path, never an internal error."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile._inkit import DATE, run, write_estate

FIELDS = ["classes", "classes[0]", "classes[0].id", "classes[0].mode", "classes[0].server_site",
          "classes[0].reserved", "servers", "estate", "estate.sources",
          "estate.sources[0].sha256"]
WRONG = st.sampled_from([None, 5, -1, "x", [], {}, [1], [{"x": 1}], 1e23, True, ["\u0662"]])


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("planjson")
    estate = write_estate(root / "e", devices=20, sites=4, seed=3)
    result = run("plan", str(estate), "-o", str(root / "plan"), "--date", DATE)
    assert result.exit_code == 0, result.output
    return estate, json.loads((root / "plan" / "plan.json").read_text("utf-8"))


def _set(doc: dict[str, Any], path: str, value: object) -> None:
    parts = re.findall(r"[^.\[\]]+", path)
    cur: Any = doc
    for part in parts[:-1]:
        cur = cur[int(part)] if part.isdigit() else cur[part]
    last = parts[-1]
    cur[int(last) if last.isdigit() else last] = value


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=WRONG)
def test_wrong_field_types_are_exit_2_naming_the_field(
        planned: tuple[Path, dict[str, Any]], tmp_path: Path, field: str, value: object) -> None:
    estate, plan = planned
    doc = copy.deepcopy(plan)
    _set(doc, field, value)
    path = tmp_path / f"plan-{abs(hash((field, repr(value))))}.json"
    path.write_text(json.dumps(doc), "utf-8")
    out = tmp_path / f"rb-{path.stem}"
    result = run("runbook", str(estate), "--plan", str(path), "-o", str(out), "--date", DATE)
    assert result.exit_code in (0, 2), result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    if result.exit_code == 2:
        assert path.name in result.stderr
        assert not out.exists()


@pytest.mark.parametrize("version", ["planner.plan/2", "planner.plan/1"])
def test_reservation_count_out_of_range_names_its_path(
        planned: tuple[Path, dict[str, Any]], tmp_path: Path, version: str) -> None:
    estate, plan = planned
    doc = copy.deepcopy(plan)
    huge = [{"tag": "network-advantage", "count": 10**23}]
    if version == "planner.plan/1":  # one record per reserved device
        doc["schema"] = version
        doc["reservations"] = [{"hostname": "h", "serial": "s", "licences": huge}]
        where = "reservations[0].licences[0].count"
    else:  # runs per class
        doc["classes"][0]["reserved"] = [{"devices": 1, "licences": huge}]
        where = "classes[0].reserved[0].licences[0].count"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc), "utf-8")
    result = run("runbook", str(estate), "--plan", str(path), "-o", str(tmp_path / "rb"))
    assert result.exit_code == 2
    assert where in result.stderr
