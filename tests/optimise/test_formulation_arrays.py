"""The model built from arrays per constraint family is the model built term by term
(formulation_by_rows): the same columns, rows, coefficients, bounds and costs, entry for entry
and of the same Python types, on the bundled examples, on every compared strategy's data and on
generated estates. Units pinned in bulk (pin_all, sharing mappings) equal units pinned one by
one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.loader import load_estate
from planner.model import Estate
from planner.modes import load_modes
from planner.optimise.data import ModelData, Unit, build_data, prune_dominated, site_charges
from planner.optimise.formulation import build_model
from planner.optimise.linear import INF, LinearModel
from planner.optimise.strategies import COMPARED, derive, pin, pin_all
from planner.resources import examples_dir
from tests.optimise import formulation_by_rows
from tests.optimise.estates import random_estate

EXAMPLES = sorted(p.parent for p in examples_dir().glob("*/estate.yaml"))


def _state(lm: LinearModel) -> dict[str, list[tuple[type, object]]]:
    return {k: [(type(x), x) for x in v] for k, v in vars(lm).items()}


def _same(data: ModelData) -> None:
    got, gxs = build_model(data)
    want, wxs = formulation_by_rows.build_model(data)
    assert _state(got) == _state(want)
    assert gxs == wxs


def _derived(base: ModelData, units: list[Unit]) -> ModelData:
    """`derive`, checked against building the strategy's charges and groups from scratch."""
    specs = load_modes()
    data = derive(base, units, specs)
    kept = list(data.units)
    assert kept == prune_dominated(units, site_charges(base.estate, units, specs))
    assert data.charges == site_charges(base.estate, kept, specs)
    return data


def _every_strategy(estate: Estate) -> int:
    """The optimal mix's data and each single mode's (pinned where eligible), as `compare`
    derives them; how many models were compared."""
    specs = load_modes()
    base = build_data(estate, modes=specs, prune=False)
    if base.infeasible:
        return 0
    _same(build_data(estate))
    _same(_derived(base, list(base.units)))
    for strategy in COMPARED[1:]:
        mode = strategy.forced_mode
        assert mode is not None
        pinned = pin_all(base.units, mode)
        assert pinned == [pin(u, mode) if mode in u.modes else u for u in base.units]
        _same(_derived(base, pinned))
    return len(COMPARED) + 1


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_examples_build_the_same_model(folder: Path) -> None:
    assert _every_strategy(load_estate(folder / "estate.yaml").estate) == 9


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), sites=st.integers(1, 6),
       capacity=st.sampled_from((3, 25000)))
def test_generated_estates_build_the_same_model(seed: int, sites: int, capacity: int) -> None:
    _every_strategy(random_estate(seed, sites=sites, max_devices=8, capacity=capacity))


def test_units_with_several_server_groups_build_the_same_model() -> None:
    """A server serves its whole boundary-free component, so built data gives a unit one group
    per mode; twin groups give every On-Prem unit two, so rows (3) are built and compared."""
    for folder in EXAMPLES:
        data = build_data(load_estate(folder / "estate.yaml").estate)
        n = len(data.groups)
        twins = tuple(replace(g, id=f"{g.id}-twin") for g in data.groups)
        split = replace(data, groups=data.groups + twins, unit_groups={
            key: (*groups, *(g + n for g in groups)) for key, groups in data.unit_groups.items()})
        _same(split)
        if n:
            assert any(name.startswith("server[") for name in build_model(split)[0].row_names)


def test_rows_repeating_a_column_merge_as_row_does() -> None:
    bulk, one = LinearModel(), LinearModel()
    for lm in (bulk, one):
        lm.add_columns(["a", "b", "c"], ub=1.0)
    repeating = [[(2, 1.0), (0, 0.5), (2, -1.0)], [(1, 2.0), (0, -0.0)], []]
    distinct = [[(2, 1.0), (0, 0.0), (1, -2.5)], [], [(1, -0.0)], [(2, 3.0), (0, 1.0)]]
    for terms in (repeating, distinct):
        names = [f"r{len(one.row_names) + i}" for i in range(len(terms))]
        bulk.add_rows(names, np.array([len(t) for t in terms], dtype=np.int64),
                      np.array([c for t in terms for c, _ in t], dtype=np.int64),
                      np.array([v for t in terms for _, v in t], dtype=np.float64), hi=1.0)
        for name, t in zip(names, terms, strict=True):
            one.row(name, t, hi=1.0)
        assert _state(bulk) == _state(one)
    assert bulk.index == [0, 1, 1, 2, 0, 2] and bulk.starts == [0, 1, 2, 2, 4, 4, 4, 6]
    bulk.add_rows(["s0", "s1"], np.array([1, 1], dtype=np.int64), np.array([0, 1], dtype=np.int64),
                  np.array([1.0, 1.0]), lo=[0.0, -INF], hi=[0.0, 2.0])
    assert bulk.row_lo[-2:] == [0.0, -INF] and bulk.row_hi[-2:] == [0.0, 2.0]
    with pytest.raises(ValueError, match="one bound per row"):
        bulk.add_rows(["t"], np.array([1], dtype=np.int64), np.array([0], dtype=np.int64),
                      np.array([1.0]), lo=[0.0, 1.0])
