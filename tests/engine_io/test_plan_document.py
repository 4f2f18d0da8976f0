"""plan.json (planner.plan_document): schema 2 written and valid, schema 1 still read, the
document grows with classes and sites rather than devices, and what reserved devices reserve
survives the round trip through runs."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.generate import generate_estate, write_estate
from planner.loader import load_estate
from planner.model import Device, LicensingState
from planner.optimise import plan_estate
from planner.plan_document import (
    _ENCODE,
    _ENCODER,
    PLAN_SCHEMA,
    PLAN_SCHEMA_V1,
    hours,
    json_text,
    money,
    plan_document,
    read_plan,
    reserved_in_runs,
)
from planner.resources import models_dir
from planner.runbooks.planned import from_plan, from_plan_file
from planner.writers import render_plan_files
from planner.writers.plan_files import write_plan_files

from .conftest import sample_plan

STORED_V1 = Path(__file__).resolve().parents[1] / "runbooks" / "data" / "small" / "plan-v1.json"


def _schema() -> object:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((models_dir() / "plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_written_v2_and_stored_v1_documents_match_the_schema() -> None:
    validator = _schema()
    v2 = json.loads(render_plan_files(sample_plan())["plan.json"])
    v1 = json.loads(STORED_V1.read_text(encoding="utf-8"))
    assert v2["schema"] == PLAN_SCHEMA and v1["schema"] == PLAN_SCHEMA_V1
    for doc in (v2, v1):
        validator.validate(doc)  # type: ignore[attr-defined]
    assert "reservations" not in v2 and any(c.get("reserved") for c in v2["classes"])
    crossed = {**v2, "reservations": v1["reservations"]}  # v1's per-device list is not v2's
    assert not validator.is_valid(crossed)  # type: ignore[attr-defined]
    assert not validator.is_valid({**v1, "schema": PLAN_SCHEMA})  # type: ignore[attr-defined]


def test_the_document_grows_with_classes_and_sites_not_devices() -> None:
    """Every list in plan.json is per site, class, server, VA pair, purchase line, exposure
    element or assumption: one line each, nothing per device."""
    plan = sample_plan()
    doc = plan_document(plan)
    per_device = {"reservations", "devices_list"}
    assert not per_device & set(doc)
    lists = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    assert lists["classes"] == len(plan.classes) and lists["sites"] == len(plan.sites)
    lines = json_text(doc).count("\n")
    assert lines == 2 + len(doc) + sum(n + 1 for n in lists.values() if n)


def _device(serial: str, hostname: str) -> Device:
    return Device(hostname, "C9300-24T", serial, "S", "VA", "17.9.4", LicensingState.SLUP)


LICENCES = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 3)),
                    max_size=2, unique_by=lambda t: t[0]).map(lambda x: tuple(sorted(x)))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(drawn=st.lists(st.tuples(st.text("xyz", min_size=1, max_size=3), LICENCES),
                      min_size=1, max_size=30, unique_by=lambda t: t[0]), data=st.data())
def test_reserved_runs_give_every_device_its_own_tags(drawn: list[tuple[str, tuple[tuple[str,
                                                                                 int], ...]]],
                                                      data: st.DataObject) -> None:
    """What `reservation_runs` writes, laid back over the class's devices in any order, gives
    each device exactly what it drew, with fewer runs than devices when neighbours agree."""
    from planner.plan_document import _runs

    devices = [_device(serial, f"h-{serial}") for serial, _ in drawn]
    want = {(d.hostname, d.serial): lic for d, (_, lic) in zip(devices, drawn, strict=True)}
    ordered = sorted(want.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    runs = _runs(lic for _key, lic in ordered)
    assert sum(n for n, _ in runs) == len(devices)
    assert all(a[1] != b[1] for a, b in pairwise(runs))
    shuffled = data.draw(st.permutations(devices))
    assert reserved_in_runs(runs, shuffled, "plan.json", "k") == want


@pytest.mark.parametrize("seed", [3, 11])
def test_saved_v2_gives_the_solved_plans_devices(seed: int, tmp_path: Path) -> None:
    """Generated estates with reserved sites: the per-device decisions and reserved tags read
    back from plan.json (re-derived from the estate) are those of the solved plan."""
    write_estate(tmp_path / "e", generate_estate(160, 10, seed))
    plan = plan_estate(load_estate(tmp_path / "e" / "estate.yaml").estate)
    write_plan_files(plan, tmp_path / "plan")
    solved = from_plan(plan)
    saved = from_plan_file(plan.estate, tmp_path / "plan" / "plan.json")
    assert saved.devices == solved.devices
    assert saved.manual_servers == solved.manual_servers
    assert read_plan(tmp_path / "plan" / "plan.json").schema == PLAN_SCHEMA


def test_reserved_runs_are_written_for_reserved_classes_only() -> None:
    plan = sample_plan()
    doc = plan_document(plan)
    reserved = {c["id"] for c in doc["classes"] if "reserved" in c}
    assert reserved == {c["id"] for c in doc["classes"] if c["mode"] in ("slr", "plr")}
    for c in doc["classes"]:
        if "reserved" in c:
            assert sum(r["devices"] for r in c["reserved"]) == c["devices"]
    again = replace(plan, reservations=())
    assert all("reserved" not in c for c in plan_document(again)["classes"])


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_money_and_hours_are_cents_and_never_negative_zero(value: float) -> None:
    for rounded in (money(value), hours(value)):
        assert rounded == round(value, 2)
        assert rounded < 0 or math.copysign(1.0, rounded) == 1.0  # no -0.0


_TEXT = st.text(alphabet=st.sampled_from(list('ab"\\\x00\x1f\x7f\t\né\u2028\U0001F600/')),
                max_size=6)
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), _TEXT,
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_TEXT, inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=_JSON)
def test_records_are_encoded_as_the_json_module_encodes_them(value: object) -> None:
    # The C encoder is built once and reused (plan_document._ENCODE): the same text as the
    # shared JSONEncoder's encode(), and a non-finite number is still refused.
    assert _ENCODE(value) == _ENCODER.encode(value)
    with pytest.raises(ValueError):
        _ENCODE({"cost": [value, math.nan]})
