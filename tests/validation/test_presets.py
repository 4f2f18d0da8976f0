"""planner.presets: every preset field checked by the type of the dataclass field it fills.

The properties feed arbitrary YAML scalars to every field of the three kinds of preset (costs,
classification policies, product families) and check the one contract: a value is either
taken, with the field's own Python type, or refused with a problem naming the YAML path and
saying what was expected; never silently coerced (`hostname_privacy: "no"` is not True).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import ProductFamily, load_catalogue
from planner.domains import MAX_AMOUNT
from planner.model import ClassificationPolicy, CostAssumptions
from planner.presets import (
    EXPECTED,
    Shape,
    family_keys,
    field_shapes,
    merge_presets,
    merged_costs,
    merged_policies,
)
from planner.problems import Problem
from planner.readers.estate_yaml import EstateDoc
from planner.resources import models_dir

SCALARS = st.one_of(
    st.booleans(), st.none(), st.integers(-10, 10**13), st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.sampled_from(["slr", "plr", "hostname", "", "x"]), max_size=3))
PYTHON_TYPE = {Shape.FLAG: bool, Shape.TEXT: str, Shape.WHOLE: int, Shape.DAYS: int,
               Shape.AMOUNT: float}


@pytest.mark.parametrize("cls", [CostAssumptions, ClassificationPolicy, ProductFamily])
def test_every_field_has_a_shape_from_its_type(cls: type) -> None:
    shapes = field_shapes(cls)
    assert set(shapes) == set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    assert all(isinstance(s, Shape) for s in shapes.values())


def test_shapes_follow_the_real_types() -> None:
    costs = field_shapes(CostAssumptions)
    assert (costs["onprem_ha"], costs["currency"], costs["horizon_years"],
            costs["labour_rate_per_hour"], costs["onprem_manual_sync_interval_days"]) == (
        Shape.FLAG, Shape.TEXT, Shape.WHOLE, Shape.AMOUNT, Shape.DAYS)
    policy = field_shapes(ClassificationPolicy)
    assert (policy["allowed_modes"], policy["telemetry_may_leave"],
            policy["hostname_privacy"]) == (Shape.MODES, Shape.ELEMENTS, Shape.FLAG)
    family = field_shapes(ProductFamily)
    assert (family["slup_from"], family["pid_prefixes"], family["slr"]) == (
        Shape.VERSION, Shape.TEXTS, Shape.FLAG)


def test_family_keys_match_the_estate_schema() -> None:
    schema = json.loads((models_dir() / "estate.schema.json").read_text("utf-8"))
    product = schema["properties"]["products"]["additionalProperties"]["properties"]
    assert set(family_keys()) == set(product)
    for key, shape in family_keys().items():
        assert (shape is Shape.FLAG) == (product[key]["type"] == "boolean"), key


def _doc(**sections: Any) -> EstateDoc:
    return EstateDoc(lines={"costs.onprem_ha": 7}, **sections)


def _valid(shape: Shape, value: Any) -> bool:
    """The rule, written independently of planner.presets.accepts."""
    if shape is Shape.FLAG:
        return isinstance(value, bool)
    if shape is Shape.TEXT:
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not (math.isfinite(value) and 0 <= value <= MAX_AMOUNT):
        return False
    return shape is Shape.AMOUNT or float(value).is_integer()


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(sorted(field_shapes(CostAssumptions))), value=SCALARS)
def test_a_cost_is_taken_with_its_type_or_refused_by_name(key: str, value: Any) -> None:
    shape = field_shapes(CostAssumptions)[key]
    problems: list[Problem] = []
    costs = merged_costs(_doc(costs={key: value}), "estate.yaml", problems)
    ours = [p for p in problems if p.column == f"costs.{key}"]
    ok = _valid(shape, value) and not (shape is Shape.TEXT and not str(value).strip())
    if not ok:
        assert ours and ours[0].expected == EXPECTED[shape]
        assert getattr(costs, key) == getattr(CostAssumptions(), key)  # the default stands
        return
    if ours:  # in type, but outside a rule of its own (zero horizon, sync beyond 90 days)
        assert key in ("horizon_years", "onprem_manual_sync_interval_days")
        return
    got = getattr(costs, key)
    assert type(got) is PYTHON_TYPE[shape] and got == value


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(["hostname_privacy", "allow_mixed_modes", "description"]),
       value=SCALARS)
def test_a_policy_flag_or_text_is_never_coerced(key: str, value: Any) -> None:
    shape = field_shapes(ClassificationPolicy)[key]
    problems: list[Problem] = []
    doc = _doc(policies={"lab": {"allowed_modes": ["slr"], key: value}})
    policies = {p.name: p for p in merged_policies(doc, "estate.yaml", problems)}
    if _valid(shape, value):
        assert not problems
        got = getattr(policies["lab"], key)
        assert got == (" ".join(value.split()) if shape is Shape.TEXT else value)
    else:
        assert "lab" not in policies
        [problem] = problems
        assert (problem.column, problem.expected) == (f"policies.lab.{key}", EXPECTED[shape])


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(sorted(family_keys())), value=SCALARS)
def test_a_family_field_is_taken_or_refused_by_name(key: str, value: Any) -> None:
    shape = family_keys()[key]
    problems: list[Problem] = []
    presets = merge_presets(_doc(products={"C9300": {key: value}}), "estate.yaml")
    refused = [p for p in presets.problems if p.column == f"products.C9300.{key}"]
    if shape is Shape.TEXTS:
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    elif shape is Shape.VERSION:
        ok = value is None or (isinstance(value, (str, int, float))
                               and not isinstance(value, bool))
    else:
        ok = _valid(shape, value)
    assert bool(refused) is not ok and not problems
    family = presets.catalogue.families["C9300"]
    if ok and shape is Shape.FLAG and key != "assumption":
        assert getattr(family, key) is value
    if not ok:
        assert family == load_catalogue().families["C9300"]


def test_the_shipped_presets_load_clean() -> None:
    presets = merge_presets(EstateDoc(), "estate.yaml")
    assert presets.problems == ()
    assert presets.costs == CostAssumptions()
    assert presets.catalogue is load_catalogue()
    assert {p.name for p in presets.policies} >= {"unclassified", "regulated", "ot", "secret"}
