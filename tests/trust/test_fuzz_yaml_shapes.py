"""Structural fuzzing of the estate YAML: any value of any type at any key, then the loader.

Byte-level fuzz rarely produces a well-formed document with a wrong shape (a list where a
mapping is expected, `.nan` as a cost, a date as a name); this walks the valid document and
puts hypothesis-drawn YAML values at drawn places, plus known-tricky overrides (policies,
costs, prices, products, agreement). Only InputError may come out.
"""

from __future__ import annotations

import signal
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.generate import generate_estate, write_estate
from planner.loader import load_estate
from planner.problems import InputError

SHAPES = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])
BASE = generate_estate(12, 3, 1)
DOC: dict[str, Any] = yaml.safe_load(BASE["estate.yaml"])
DOC.update({
    "policies": {"regulated": {"exposure_cost_per_device_year": 120}},
    "costs": {"labour_rate_per_hour": 120, "horizon_years": 5},
    "prices": {"network-advantage": 1100},
    "products": {"C9300": {"slr": True}},
})

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.dates(), st.sampled_from(["", "none", "direct", "proxy", "secret", "DEFAULT", "HQ",
                                 "2025-13-45", "-1", "1e400", "~", "yes"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.none()), inner,
                    max_size=3)), max_leaves=8)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document a value can be put."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(DOC)


def _put(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return {**doc, head: _put(doc[head], rest, value)}
    copy = list(doc)
    copy[head] = _put(doc[head], rest, value)
    return copy


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_estate(tmp_path, BASE)
    return tmp_path


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError("loader still busy after 20 s")


def test_any_value_anywhere_is_an_input_error_or_loads(folder: Path) -> None:
    @SHAPES
    @given(places=st.lists(st.sampled_from(PATHS), min_size=1, max_size=3), data=st.data())
    def check(places: list[tuple[Any, ...]], data: st.DataObject) -> None:
        doc: Any = DOC
        for place in places:
            try:
                doc = _put(doc, place, data.draw(VALUES))
            except (KeyError, IndexError, TypeError):
                continue  # an earlier replacement removed this place
        (folder / "estate.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                            encoding="utf-8")
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(20)
        try:
            load_estate(folder / "estate.yaml", today=date(2026, 12, 1))
        except InputError as exc:
            assert exc.problems
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)

    check()
