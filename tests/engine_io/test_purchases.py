"""purchases.csv: the arithmetic in its own columns, unpriced lines flagged, part numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.device_table import DeviceTable
from planner.loader import load_estate
from planner.model import Device, LicenceUse, LicensingState
from planner.optimise import plan_estate
from planner.parts import load_parts, part_numbers
from planner.plan import DeviceClass, Purchase
from planner.resources import examples_dir
from planner.writers.device_columns import PlannedRows, class_of_rows
from planner.writers.plan_files import (
    PURCHASE_COLUMNS,
    _purchase_platforms,
    render_plan_files,
    unpriced_note,
)
from tests.engine_io.conftest import sample_plan


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", ["federal-agency", "regional-bank", "utility"])
def test_totals_recompute_from_their_own_columns(name: str) -> None:
    path = examples_dir() / name / "estate.yaml"
    estate = load_estate(path, today=date(2026, 12, 1)).estate
    plan = plan_estate(estate)
    text = str(render_plan_files(plan)["purchases.csv"])
    rows = _rows(text)
    assert list(rows[0]) == list(PURCHASE_COLUMNS) if rows else True
    horizon = estate.costs.horizon_years
    for row in rows:
        years = int(row["years"])
        assert years == (horizon if row["licence_term"] == "term" else 1)
        assert row["price_per"] == ("unit and year" if row["licence_term"] == "term"
                                    else "unit, once")
        recomputed = int(row["quantity"]) * float(row["unit_price"]) * years
        assert abs(recomputed - float(row["total"])) <= 0.01 * max(1, int(row["quantity"]))
        assert (row["priced"] == "yes") == (float(row["unit_price"]) > 0)
    assert abs(sum(float(r["total"]) for r in rows) - plan.costs.purchases) < 0.05 * max(
        1, len(rows))


def test_an_unpriced_line_is_flagged_and_explained() -> None:
    plan = sample_plan(purchases=(Purchase("DEFAULT", "network-advantage", 7, 0.0, 0.0),
                                  Purchase("DEFAULT", "dna-advantage", 2, 100.0, 1000.0)))
    files = render_plan_files(plan)
    rows = {r["tag"]: r for r in _rows(str(files["purchases.csv"]))}
    assert rows["network-advantage"]["priced"] == "NO PRICE KNOWN"
    assert rows["dna-advantage"]["priced"] == "yes"
    note = unpriced_note(plan)
    assert "7 units" in note and "network-advantage" in note and "understates" in note
    assert "Unpriced purchases" in str(files["summary.txt"])
    assert unpriced_note(sample_plan(purchases=())) == ""


def test_part_numbers_by_platform(tmp_path: Path) -> None:
    plan = sample_plan(purchases=(Purchase("DEFAULT", "network-advantage", 3, 450.0, 1350.0),))
    row = _rows(str(render_plan_files(plan)["purchases.csv"]))[0]
    # DEFAULT's network-advantage users are C9300-24T switches and an ISR4451 (no entry).
    assert row["part_numbers"] == "C9300-NW-A-24*"
    assert part_numbers("dna-advantage", ["C9300X-48HX"]) == ("C9300-DNA-A-48-3Y",)
    assert part_numbers("dna-advantage", ["C9300L-24P-4X"]) == ("C9300L-DNA-A-24-3Y",)
    assert part_numbers("network-advantage", ["ISR4451-X/K9"]) == ()


def test_every_part_entry_is_sourced_or_marked() -> None:
    parts = load_parts()
    assert parts
    prefixes = [p.pid_prefix for p in parts]
    assert prefixes == sorted(prefixes, key=len, reverse=True)  # most specific first


TAGS = ["a", "b", "c"]
LICENCE_SETS = [(), ("a",), ("a", "b"), ("c",)]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_platforms_are_the_pids_of_every_device_walked(data: st.DataObject) -> None:
    """The PIDs per purchased (account, licence), found per distinct licence set and PID, are
    those of walking every device of every class; classes may share a licence-set object or
    hold equal sets apart, and some devices are in no class."""
    shared = {tags: tuple(LicenceUse(t, 1) for t in tags) for tags in LICENCE_SETS}
    devs = [Device(f"h{i}", data.draw(st.sampled_from(["P1", "P2", "=P"])), f"s{i}", "S", "VA",
                   "17.9.4", LicensingState.SLUP) for i in range(data.draw(st.integers(0, 12)))]
    classes = []
    for k in range(data.draw(st.integers(0, 5))):
        tags = data.draw(st.sampled_from(LICENCE_SETS))
        licences = (shared[tags] if data.draw(st.booleans())  # one object, or an equal copy
                    else tuple(LicenceUse(t, 1) for t in tags))
        held = data.draw(st.lists(st.sampled_from(devs), max_size=4, unique=True)) if devs else []
        classes.append(DeviceClass(f"c{k}", "S", "", licences, "", len(held), 0,
                                   data.draw(st.sampled_from(["VA", "VB"])),
                                   tuple(sorted(d.serial for d in held))))
    table = DeviceTable.from_devices(devs)
    rows = PlannedRows.of(table, class_of_rows(table, classes), classes, [])
    purchases = tuple(Purchase(va, tag, 1, 1.0, 1.0)
                      for va, tag in data.draw(st.sets(st.tuples(st.sampled_from(["VA", "VB"]),
                                                                 st.sampled_from(TAGS)))))
    plan = replace(sample_plan(), purchases=purchases)
    walked: dict[tuple[str, str], set[str]] = {}
    wanted = {(p.virtual_account, p.tag) for p in purchases}
    for row, k in enumerate(rows.row_class.tolist()):
        if k >= 0:
            for use in classes[k].licences:
                if (classes[k].virtual_account, use.tag) in wanted:
                    walked.setdefault((classes[k].virtual_account, use.tag), set()).add(
                        devs[row].pid)
    assert _purchase_platforms(plan, rows) == walked
