"""The synthetic estate generator: reproducible, sized as asked, and made of real catalogue data."""

from __future__ import annotations

import csv
import io
import math
import random
import re
from datetime import date

import pytest
import yaml

from planner.catalogue import load_catalogue
from planner.generate import (
    DEVICE_HEADER,
    ENTITLEMENT_HEADER,
    allocate,
    generate_estate,
    synthetic_plan,
)
from planner.generate.devices import serial_maker
from planner.generate.profiles import SUFFIX_SPACE, SUFFIX_STEP
from planner.loader import load_estate
from planner.model import InternetAccess, LicensingState, TermType
from planner.resources import models_dir

SERIAL = re.compile(r"^[A-Z]{3}\d{4}[A-Z0-9]{4}$")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def medium() -> dict[str, str]:
    return generate_estate(2500, 160, 11)


def test_same_arguments_give_identical_bytes() -> None:
    assert generate_estate(400, 30, 5) == generate_estate(400, 30, 5)


def test_another_seed_gives_another_estate() -> None:
    a, b = generate_estate(400, 30, 5), generate_estate(400, 30, 6)
    assert a["devices.csv"] != b["devices.csv"]
    assert a["entitlements.csv"] != b["entitlements.csv"]


def test_as_of_moves_the_terms_only() -> None:
    a = generate_estate(200, 10, 1)
    b = generate_estate(200, 10, 1, as_of=date(2030, 1, 1))
    assert a["devices.csv"] == b["devices.csv"]
    assert a["entitlements.csv"] != b["entitlements.csv"]


@pytest.mark.parametrize(("devices", "sites"), [(1, 1), (10, 2), (7, 40), (600, 13), (1500, 400)])
def test_sizes_are_honoured(devices: int, sites: int) -> None:
    files = generate_estate(devices, sites, 3)
    doc = yaml.safe_load(files["estate.yaml"])
    assert len(_rows(files["devices.csv"])) == devices
    assert len(doc["sites"]) == sites
    assert len({s["id"] for s in doc["sites"]}) == sites
    assert files["devices.csv"].splitlines()[0] == ",".join(DEVICE_HEADER)
    assert files["entitlements.csv"].splitlines()[0] == ",".join(ENTITLEMENT_HEADER)


@pytest.mark.parametrize("bad", [(0, 1), (1, 0), (-5, 3)])
def test_an_empty_estate_is_refused(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        synthetic_plan(bad[0], bad[1], 1)


def test_every_pid_and_licence_comes_from_the_catalogue(medium: dict[str, str]) -> None:
    cat = load_catalogue()
    for row in _rows(medium["devices.csv"]):
        fam = cat.family_for_pid(row["pid"])
        assert fam is not None, row["pid"]
        for member in filter(None, row["members"].split(";")):
            mpid, _, _ = member.partition(":")
            assert cat.family_for_pid(mpid) == fam, member
        for use in row["licences"].split(";"):
            tag, _, count = use.partition(":")
            assert cat.canonical_tag(tag) == tag
            assert cat.licences[tag].track in fam.tracks, (row["pid"], tag)
            assert int(count) >= 1
        assert LicensingState(row["state"])
    for row in _rows(medium["entitlements.csv"]):
        lic = cat.licences[row["licence"]]
        assert cat.canonical_tag(row["licence"]) == row["licence"]
        assert TermType(row["term"]) is lic.term
        if lic.term is TermType.TERM:
            assert date.fromisoformat(row["start"]) < date.fromisoformat(row["end"])
        assert int(row["quantity"]) >= 0 and int(row["in_use"]) >= 0


def test_serials_are_unique_and_cisco_shaped(medium: dict[str, str]) -> None:
    seen: list[str] = []
    for row in _rows(medium["devices.csv"]):
        seen.append(row["serial"])
        seen += [m.partition(":")[2] for m in filter(None, row["members"].split(";"))]
    assert len(seen) > 2500  # stacks and HA pairs add member serials
    assert len(set(seen)) == len(seen)
    assert all(SERIAL.match(s) for s in seen)


def test_serials_stay_unique_past_the_suffix_space() -> None:
    assert math.gcd(SUFFIX_STEP, 36) == 1  # the suffix map is a permutation
    first = serial_maker(random.Random(1))
    early = {first("C9300") for _ in range(2000)}
    late_gen = serial_maker(random.Random(1), start=SUFFIX_SPACE)  # the second block's first
    late = {late_gen("C9300") for _ in range(2000)}
    assert not early & late
    assert all(SERIAL.match(s) for s in late)


def test_stacks_have_two_to_eight_members(medium: dict[str, str]) -> None:
    cat = load_catalogue()
    sizes = []
    for row in _rows(medium["devices.csv"]):
        fam = cat.family_for_pid(row["pid"])
        assert fam is not None
        if fam.stackable and row["members"]:
            size = 1 + len(row["members"].split(";"))
            sizes.append(size)
            counts = {int(u.partition(":")[2]) for u in row["licences"].split(";")}
            assert counts == {size}  # every member consumes its own licence
    assert sizes and min(sizes) >= 2 and max(sizes) <= 8


def test_site_mix_is_plausible(medium: dict[str, str]) -> None:
    doc = yaml.safe_load(medium["estate.yaml"])
    presets = yaml.safe_load((models_dir() / "policies.yaml").read_text(encoding="utf-8"))
    classes = {s["classification"] for s in doc["sites"]}
    assert classes <= set(presets["policies"])
    assert classes == {"unclassified", "regulated", "ot", "secret"}
    internet = {s["internet"] for s in doc["sites"]}
    assert internet == {i.value for i in InternetAccess}
    assert any("dc" in s.get("tags", []) for s in doc["sites"])
    assert any(link.get("crosses_boundary") for link in doc["links"])
    secret = [s for s in doc["sites"] if s["classification"] == "secret"]
    assert all(s["internet"] == "none" for s in secret)
    # Access switches dominate, as in a real estate.
    cat = load_catalogue()
    kinds = [cat.family_for_pid(r["pid"]) for r in _rows(medium["devices.csv"])]
    access = sum(1 for f in kinds if f is not None and f.id in ("C9200L", "C9300"))
    assert access > len(kinds) / 2


def test_secret_sites_hold_only_reservations(medium: dict[str, str]) -> None:
    doc = yaml.safe_load(medium["estate.yaml"])
    secret = {s["id"] for s in doc["sites"] if s["classification"] == "secret"}
    states = {r["state"] for r in _rows(medium["devices.csv"]) if r["site"] in secret}
    assert states and states <= {"slr", "plr"}


def test_shortfalls_shelfware_and_a_dormant_account(medium: dict[str, str]) -> None:
    need: dict[tuple[str, str], int] = {}
    for row in _rows(medium["devices.csv"]):
        for use in row["licences"].split(";"):
            tag, _, count = use.partition(":")
            key = (row["virtual_account"], tag)
            need[key] = need.get(key, 0) + int(count)
    held: dict[tuple[str, str], int] = {}
    for row in _rows(medium["entitlements.csv"]):
        key = (row["virtual_account"], row["licence"])
        held[key] = held.get(key, 0) + int(row["quantity"])
    assert any(held.get(k, 0) < n for k, n in need.items()), "no over-consumption"
    assert any(k not in need for k in held), "no shelfware"
    device_vas = {k[0] for k in need}
    assert "Legacy-Acquisition" in {k[0] for k in held} - device_vas
    assert any(va == "DEFAULT" for va in device_vas)  # a few devices never moved


def test_a_generated_estate_loads_without_errors(tmp_path, medium: dict[str, str]) -> None:
    for name, text in medium.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = load_estate(tmp_path / "estate.yaml")
    assert len(result.estate.devices) == 2500
    assert len(result.estate.sites) == 160


@pytest.mark.parametrize(("total", "weights"), [(10, [1, 1, 1]), (2, [5, 1, 1, 1]),
                                                 (1000, [40, 3.5, 0.2, 7])])
def test_allocate_splits_exactly(total: int, weights: list[float]) -> None:
    counts = allocate(total, weights)
    assert sum(counts) == total
    if total >= len(weights):
        assert min(counts) >= 1


def test_output_does_not_depend_on_the_hash_seed() -> None:
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import hashlib; from planner.generate import generate_estate; "
            "f = generate_estate(300, 25, 9); "
            "print(hashlib.sha256(repr(sorted(f.items())).encode()).hexdigest())")
    digests = set()
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        digests.add(out)
    files = generate_estate(300, 25, 9)
    digests.add(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())
    assert len(digests) == 1


def test_plan_text_that_needs_quoting_is_quoted_and_neutralised() -> None:
    from planner.generate import EstatePlan, SiteKind, SiteSpec, render_plan
    from planner.model import SmartAccount

    plan = EstatePlan(
        name="Quoting, Inc.", account=SmartAccount("Q", "q.example"),
        virtual_accounts=(("DEFAULT", ""), ('Ops, "East"', "")),
        sites=(SiteSpec("=HYPERLINK(1)", "Formula Site", SiteKind.BRANCH, "unclassified",
                        InternetAccess.DIRECT, 1.0, virtual_account='Ops, "East"'),
               SiteSpec("A,B", "Comma Site", SiteKind.BRANCH, "unclassified",
                        InternetAccess.DIRECT, 1.0)),
        links=(), devices=12, role_va={}, stray_share=0.0)
    files = render_plan(plan, 1)
    rows = _rows(files["devices.csv"])
    assert len(rows) == 12
    assert {r["site"] for r in rows} == {"'=HYPERLINK(1)", "A,B"}
    assert {r["virtual_account"] for r in rows} == {'Ops, "East"', "DEFAULT"}
    assert all(r["hostname"].startswith(("'=hyperlink(1)-", "a,b-")) for r in rows)
    ents = _rows(files["entitlements.csv"])
    assert {r["virtual_account"] for r in ents} >= {'Ops, "East"'}
    doc = yaml.safe_load(files["estate.yaml"])
    assert doc["name"] == "Quoting, Inc."
    assert [s["id"] for s in doc["sites"]] == ["=HYPERLINK(1)", "A,B"]


def test_a_plan_with_undeclared_accounts_is_refused() -> None:
    import dataclasses

    from planner.generate import render_plan

    plan = synthetic_plan(50, 5, 1)
    with pytest.raises(ValueError, match="undeclared"):
        render_plan(dataclasses.replace(plan, role_va={"as": "Nowhere"}), 1)
    with pytest.raises(ValueError, match="dormant"):
        render_plan(dataclasses.replace(plan, dormant_va="Campus-Network"), 1)


def test_reservations_never_exceed_the_entitlement(medium: dict[str, str]) -> None:
    held: dict[tuple[str, str], list[int]] = {}
    for row in _rows(medium["entitlements.csv"]):
        got = held.setdefault((row["virtual_account"], row["licence"]), [0, 0])
        got[0] += int(row["quantity"])
        got[1] += int(row["reserved"])
    assert any(r for _, r in held.values())
    assert all(q >= r for q, r in held.values())
