"""Hostile inputs, fuzzed: any hostile value in any estate-file field or CSV cell ends in a
clean result or exit 2, never an internal error (exit 4), a solver failure or a traceback."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.generate import generate_estate
from tests.hostile._inkit import validate

FILES = generate_estate(12, 4, 7)
BASE = yaml.safe_load(FILES["estate.yaml"])
HOSTILE = [float("nan"), float("inf"), -1, 10**30, 1e23, "", "\u0662\u0663", "x\ny", [], {},
           None, True, "2025-02-30", "2025-01-01T10:00:00+02:00", "HQ", "hq", "H\u2010Q",
           "../../etc/passwd", {"a": [1]}, "DEFAULT\u200b", "9" * 400]
CELLS = ["nan", "inf", "-1", "1e23", "", "\u0662", '"x\ny"', "2025-02-30",
         "2025-01-01T00:00:00+05:00", "hq", "H\u2010Q", "9" * 400, "0x10", "1,000",
         "network-advantage:\u0662", "a:b:c", ";;;", "C9300-48P:", "DEFAULT\u200b"]
SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


PATHS = _paths(BASE)


def _write(root: Path, estate: str | None = None,
           replace: tuple[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (root / name).write_text(text, "utf-8")
    if estate is not None:
        (root / "estate.yaml").write_text(estate, "utf-8")
    if replace is not None:
        (root / replace[0]).write_text(replace[1], "utf-8")
    return root / "estate.yaml"


def _clean_or_refused(estate: Path) -> None:
    result = validate(estate)
    assert result.exit_code in (0, 2), result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.output


@SETTINGS
@given(path=st.sampled_from(PATHS), value=st.sampled_from(HOSTILE))
def test_any_hostile_estate_value(tmp_path: Path, path: tuple[Any, ...], value: object) -> None:
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    estate = _write(tmp_path / f"y{abs(hash((path, repr(value))))}",
                    estate=yaml.safe_dump(doc, allow_unicode=True))
    _clean_or_refused(estate)


@SETTINGS
@given(name=st.sampled_from(["devices.csv", "entitlements.csv"]), data=st.data())
def test_any_hostile_csv_cell(tmp_path: Path, name: str, data: st.DataObject) -> None:
    lines = FILES[name].rstrip("\n").split("\n")
    row = data.draw(st.integers(1, len(lines) - 1))
    cells = lines[row].split(",")
    column = data.draw(st.integers(0, len(cells) - 1))
    cells[column] = data.draw(st.sampled_from(CELLS))
    lines[row] = ",".join(cells)
    estate = _write(tmp_path / f"c{abs(hash((name, row, column, cells[column])))}",
                    replace=(name, "\n".join(lines) + "\n"))
    _clean_or_refused(estate)
