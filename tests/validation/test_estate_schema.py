"""models/estate.schema.json agrees with the model and the reader, and accepts the examples."""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.model import CostAssumptions, DataElement, Holder, InternetAccess, Mode
from planner.presets import policy_fields
from planner.readers.estate_yaml import INVENTORY_KEYS, TOP_KEYS
from planner.resources import examples_dir, models_dir

SCHEMA: dict[str, Any] = json.loads((models_dir() / "estate.schema.json").read_text("utf-8"))
PROPS = SCHEMA["properties"]
ROOT = Path(__file__).resolve().parents[2]


def test_enums_match_the_model() -> None:
    assert set(PROPS["account"]["properties"]["holder"]["enum"]) == {h.value for h in Holder}
    site = PROPS["sites"]["items"]["properties"]
    assert set(site["internet"]["enum"]) == {i.value for i in InternetAccess}
    policy = PROPS["policies"]["additionalProperties"]["properties"]
    assert set(policy["allowed_modes"]["items"]["enum"]) == {m.value for m in Mode}
    assert set(policy["telemetry_may_leave"]["items"]["enum"]) == {d.value for d in DataElement}
    assert set(policy) == set(policy_fields())


def test_keys_match_the_reader() -> None:
    assert set(PROPS) == set(TOP_KEYS)
    assert set(PROPS["inventory"]["properties"]) == set(INVENTORY_KEYS)
    assert set(PROPS["costs"]["properties"]) == {f.name for f in
                                                 dataclasses.fields(CostAssumptions)}


def _estates() -> list[Path]:
    found = sorted(examples_dir().glob("*/estate.yaml")) if (ROOT / "examples").is_dir() else []
    return [*found, ROOT / "tests" / "bad_inputs" / "over-consumption" / "estate.yaml"]


def _as_json(value: Any) -> Any:
    # YAML turns 2025-02-01 into a date; JSON Schema sees the text the user wrote.
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", _estates(), ids=lambda p: p.parent.name)
def test_estates_validate_against_the_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = _as_json(yaml.safe_load(path.read_text("utf-8")))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_schema_rejects_what_the_reader_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    bad = {"name": "x", "account": {"name": "x"},
           "sites": [{"id": "A", "classification": "secret", "internet": "satellite"}]}
    assert not validator.is_valid(bad)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
