"""Classes grouped on the device table's integer codes against the row-by-row grouping they
replaced (tests/optimise/class_rows.py): the same classes (ids, order, every field), the same
families and the same devices per class, on the bundled examples, generated estates and
hypothesis-made device lists with duplicates, blank fields and unknown PIDs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import Catalogue, load_catalogue
from planner.device_table import DeviceTable
from planner.loader import load_estate
from planner.model import Device, Estate, LicenceUse, LicensingState, StackMember
from planner.optimise.classes import build_classes
from tests.estate_builder import build_estate
from tests.optimise.class_rows import build_classes_by_rows
from tests.optimise.estates import random_estate

ROOT = Path(__file__).resolve().parents[2]


def _assert_same(estate: Estate, catalogue: Catalogue) -> None:
    new = build_classes(estate, catalogue)
    old = build_classes_by_rows(estate, catalogue)
    assert new.classes == old.classes
    assert [c.id for c in new.classes] == [c.id for c in old.classes]
    assert dict(new.families) == dict(old.families)
    ids = [c.id for c in new.classes]
    got = new.devices_of(ids)
    for cid, devices in zip(ids, got, strict=True):
        assert devices == old.devices[cid]
        assert [d.origin for d in devices] == [d.origin for d in old.devices[cid]]
    # Every row is in exactly the class `class_of_row` names.
    table = DeviceTable.of(estate.devices)
    assert len(new.class_of_row) == len(table)
    for i, cid in enumerate(ids):
        assert (new.class_of_row[new.rows(cid)] == i).all()
    assert sorted(new.order.tolist()) == list(range(len(table)))
    # id_ranks put the ids in the order Python sorts them (ids that collided included).
    assert [ids[i] for i in np.argsort(new.id_ranks)] == sorted(ids)


@pytest.mark.parametrize("example", ["federal-agency", "regional-bank", "utility"])
def test_bundled_examples_group_as_rows_did(example: str) -> None:
    got = load_estate(ROOT / "examples" / example / "estate.yaml")
    _assert_same(got.estate, got.catalogue)


@pytest.mark.parametrize("seed", [1, 7])
def test_generated_estates_group_as_rows_did(tmp_path: Path, seed: int) -> None:
    subprocess.run([sys.executable, "-m", "planner", "generate", "--devices", "4000",
                    "--sites", "30", "--seed", str(seed), str(tmp_path)], check=True,
                   capture_output=True)
    got = load_estate(tmp_path / "estate.yaml")
    _assert_same(got.estate, got.catalogue)


@pytest.mark.parametrize("seed", range(12))
def test_random_estates_group_as_rows_did(seed: int) -> None:
    _assert_same(random_estate(seed, sites=4, max_devices=8), load_catalogue())


_PIDS = ["C9300-48P", "C9300-24T", "ISR4331/K9", "C9500-24Y4C", "NOT-A-PID", ""]
_VERSIONS = ["17.9.4", "17.9.4a", "17.09.04", "17.2.1", "16.12.4", "", "10.2(1)F", "junk"]
_LICENCES = [(), (LicenceUse("network-advantage"),),
             (LicenceUse("network-advantage"), LicenceUse("network-advantage")),
             (LicenceUse("network-advantage", 2),),
             (LicenceUse("dna-essentials"), LicenceUse("network-essentials")),
             (LicenceUse("network-essentials"), LicenceUse("dna-essentials")),
             (LicenceUse("hseck9", 3), LicenceUse("network-advantage"))]
_devices = st.builds(
    Device,
    hostname=st.sampled_from(["a", "b", "B", "a b", "é", ""]),
    pid=st.sampled_from(_PIDS),
    serial=st.sampled_from(["X1", "X2", "x1", "Y", "", "É9"]),
    site=st.sampled_from(["HQ", "BR/1", "BR"]),
    virtual_account=st.sampled_from(["DEFAULT", "East", "a/b"]),
    version=st.sampled_from(_VERSIONS),
    state=st.sampled_from(list(LicensingState)),
    licences=st.sampled_from(_LICENCES),
    members=st.sampled_from([(), (StackMember("C9300-48P", "X1"),),
                             (StackMember("C9300-48P", "M1"), StackMember("C9300-48P", "M2"))]),
)


@settings(max_examples=200, deadline=None)
@given(devices=st.lists(_devices, max_size=40))
def test_any_devices_group_as_rows_did(devices: list[Device]) -> None:
    estate = build_estate(devices=tuple(devices))
    _assert_same(estate, load_catalogue())


def test_empty_estate_has_no_classes() -> None:
    got = build_classes(build_estate(devices=()), load_catalogue())
    assert got.classes == () and len(got.class_of_row) == 0
    assert np.array_equal(got.starts, [0])
