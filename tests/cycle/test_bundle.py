"""Bundles verify as written and fail on any changed, missing or extra file, or an edited
manifest; seals record each leg; the CLI exits 1 on a failed check."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.cycle.bundle import bundle_files, write_bundle
from planner.cycle.manifest import (
    MANIFEST,
    Leg,
    ManifestRefused,
    SealRefused,
    check,
    load,
    render,
    seal_leg,
)
from planner.cycle.schedule import schedule_cycle
from planner.loader import load_estate
from planner.optimise import plan_estate
from planner.reporting import load_reporting
from planner.resources import examples_dir
from planner.runbooks.planned import PlannedEstate, from_plan
from planner.writers.plan_files import write_plan_files
from tests.estate_builder import build_estate, open_policy

START = date(2027, 1, 4)
KEY = b"0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def planned() -> PlannedEstate:
    path = examples_dir() / "regional-bank" / "estate.yaml"
    return from_plan(plan_estate(load_estate(path, today=START).estate))


def _bundle(planned: PlannedEstate, folder: Path, key: bytes | None = None) -> list[str]:
    schedule = schedule_cycle(planned, START, load_reporting())
    trip = schedule.trips[0]
    files, manifest = bundle_files(planned, schedule, trip)
    sealed = write_bundle(folder, files, manifest, key)
    return sorted([*sealed.sealed[Leg.BUNDLE], MANIFEST])


def _fill_leg(folder: Path, leg: Leg, key: bytes | None = None) -> None:
    manifest = load(folder, key)
    for rel in manifest.expected[leg]:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(f"content of {rel}\n".encode())


def test_a_fresh_bundle_verifies_with_both_legs_pending(planned: PlannedEstate,
                                                        tmp_path: Path) -> None:
    names = _bundle(planned, tmp_path)
    assert {"README.md", "custody.md", "custody.csv", "devices.csv", MANIFEST} <= set(names)
    found = check(tmp_path, load(tmp_path, None))
    assert found.ok and found.checked == len(names) - 1
    assert {leg for leg, _p in found.pending} == {Leg.OUT, Leg.IN}


def _sealed(planned: PlannedEstate, folder: Path, key: bytes | None = None) -> None:
    _bundle(planned, folder, key)
    for leg in (Leg.OUT, Leg.IN):
        _fill_leg(folder, leg, key)
        manifest, _ = seal_leg(folder, leg, key)
        (folder / MANIFEST).write_bytes(render(manifest, key))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["change", "remove", "add", "truncate", "rename"]),
       pick=st.integers(0, 10_000), data=st.binary(min_size=0, max_size=64))
def test_any_change_missing_or_extra_file_fails(planned: PlannedEstate, tmp_path_factory:
                                                pytest.TempPathFactory, action: str, pick: int,
                                                data: bytes) -> None:
    folder = tmp_path_factory.mktemp("bundle")
    _sealed(planned, folder)
    assert check(folder, load(folder, None)).ok
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    target = files[pick % len(files)]
    if action == "change":
        original = target.read_bytes()
        target.write_bytes(original + b"\x00" + data)
    elif action == "truncate":
        target.write_bytes(b"")
    elif action == "remove":
        target.unlink()
    elif action == "add":
        (target.parent / f"extra-{pick}.txt").write_bytes(data)
    else:
        target.rename(target.with_name(target.name + ".renamed"))
    found = check(folder, load(folder, None))
    if action == "truncate" and target.stat().st_size == 0 and not found.altered:
        pytest.fail("an emptied file must count as altered")
    assert not found.ok
    rel = target.relative_to(folder).as_posix()
    if action in ("change", "truncate"):
        assert found.altered == (rel,)
    elif action == "remove":
        assert found.missing == (rel,)
    elif action == "add":
        assert found.extra == (f"{Path(rel).parent.as_posix()}/extra-{pick}.txt".lstrip("./"),)
    else:
        assert found.missing == (rel,) and len(found.extra) == 1


def test_an_edited_manifest_is_refused(planned: PlannedEstate, tmp_path: Path) -> None:
    _sealed(planned, tmp_path)
    doc = json.loads((tmp_path / MANIFEST).read_text())
    doc["legs"]["out"] = {}  # hide the carried-out files from the check
    (tmp_path / MANIFEST).write_text(json.dumps(doc))
    with pytest.raises(ManifestRefused, match="edited"):
        load(tmp_path, None)
    del doc["seal"]
    (tmp_path / MANIFEST).write_text(json.dumps(doc))
    with pytest.raises(ManifestRefused, match="no valid seal"):
        load(tmp_path, None)


def test_keyed_seal_refuses_a_resealed_manifest(planned: PlannedEstate, tmp_path: Path) -> None:
    _sealed(planned, tmp_path, KEY)
    assert check(tmp_path, load(tmp_path, KEY)).ok
    with pytest.raises(ManifestRefused):
        load(tmp_path, b"another key of thirty-two bytes!")
    # Someone without the key edits the manifest and re-seals it with a plain SHA-256.
    manifest = load(tmp_path, KEY)
    (tmp_path / MANIFEST).write_bytes(render(manifest, None))
    with pytest.raises(ManifestRefused, match="plain SHA-256"):
        load(tmp_path, KEY)


def test_a_leg_with_a_missing_or_unexpected_file_is_not_sealed(planned: PlannedEstate,
                                                                tmp_path: Path) -> None:
    _bundle(planned, tmp_path)
    with pytest.raises(SealRefused, match="missing"):
        seal_leg(tmp_path, Leg.OUT, None)
    _fill_leg(tmp_path, Leg.OUT)
    (tmp_path / "out" / "stray.bin").write_bytes(b"x")
    with pytest.raises(SealRefused, match=r"extra: out/stray\.bin"):
        seal_leg(tmp_path, Leg.OUT, None)
    os.remove(tmp_path / "out" / "stray.bin")
    with pytest.raises(Exception, match="out leg"):
        seal_leg(tmp_path, Leg.IN, None)


def test_cli_bundle_seal_verify_round_trip(tmp_path: Path) -> None:
    estate = examples_dir() / "regional-bank" / "estate.yaml"
    plan = plan_estate(load_estate(estate, today=START).estate)
    write_plan_files(plan, tmp_path / "plan")
    runner = CliRunner()
    sched = runner.invoke(main, ["cycle", "schedule", str(estate), "--plan",
                                 str(tmp_path / "plan" / "plan.json"), "--from", "2027-01-04",
                                 "--format", "json", "-o", str(tmp_path / "cycle")])
    assert sched.exit_code == 0, sched.output
    trip = json.loads(sched.stdout)["trips"][0]["id"]
    assert (tmp_path / "cycle" / "cycle.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    out = tmp_path / "trip"
    made = runner.invoke(main, ["cycle", "bundle", str(estate), "--plan",
                                str(tmp_path / "plan" / "plan.json"), "--from", "2027-01-04",
                                "--trip", trip, "-o", str(out)])
    assert made.exit_code == 0, made.output
    digest = made.stdout.strip()
    again = runner.invoke(main, ["cycle", "bundle", str(estate), "--plan",
                                 str(tmp_path / "plan" / "plan.json"), "--from", "2027-01-04",
                                 "--trip", trip, "-o", str(out)])
    assert again.exit_code == 2  # never written over a bundle
    ok = runner.invoke(main, ["cycle", "verify", str(out), "--expect", digest])
    assert ok.exit_code == 0, ok.output
    wrong = runner.invoke(main, ["cycle", "verify", str(out), "--expect", "0" * 64])
    assert wrong.exit_code == 1
    _fill_leg(out, Leg.OUT)
    db = tmp_path / "h.db"
    sealed = runner.invoke(main, ["cycle", "seal", str(out), "--leg", "out", "--db", str(db),
                                  "--date", "2027-02-01"])
    assert sealed.exit_code == 0, sealed.output
    (out / "README.md").write_text("changed")
    bad = runner.invoke(main, ["cycle", "verify", str(out), "--db", str(db), "--date",
                               "2027-02-02"])
    assert bad.exit_code == 1 and "altered" in bad.stdout
    history = runner.invoke(main, ["cycle", "history", "--db", str(db), "--format", "json"])
    rows = json.loads(history.stdout)
    assert [(r["event"], r["result"]) for r in rows] == [("seal-out", "ok"), ("verify", "failed")]


def test_offline_devices_carry_their_usage_out_and_their_ack_in(tmp_path: Path) -> None:
    """An offline site: each device saves its usage report and imports its ACK, and the manifest
    expects exactly those files on each leg."""
    from planner.model import (
        Device,
        InternetAccess,
        LicenceUse,
        LicensingState,
        Mode,
        Site,
    )
    from planner.runbooks.types import PlannedDevice

    devices = tuple(Device(f"ot-sw{i}", "C9300-24P", f"FOC2222A00{i}", "OT1", "DEFAULT",
                           "17.9.5", LicensingState.SLUP, (LicenceUse("dna-advantage", 1),))
                    for i in range(3))
    estate = build_estate(devices, name="Offline",
                          sites=(Site("OT1", "Substation", "ot", InternetAccess.NONE,
                                      enclave="grid"),),
                          policies=(open_policy("ot"),))
    planned = PlannedEstate(estate, tuple(PlannedDevice(d, Mode.OFFLINE) for d in devices), (),
                            "test")
    schedule = schedule_cycle(planned, START, load_reporting())
    trip = schedule.trips[0]
    assert trip.crossing == "grid" and len(trip.devices) == 3
    files, manifest = bundle_files(planned, schedule, trip)
    assert manifest.expected[Leg.OUT] == tuple(f"out/OT1/ot-sw{i}_usage.txt" for i in range(3))
    assert manifest.expected[Leg.IN] == tuple(f"in/OT1/ACK_ot-sw{i}_usage.txt"
                                              for i in range(3))
    text = str(files["commands/OT1/ot-sw0.txt"])
    assert "license smart save usage all file flash:ot-sw0_usage.txt" in text
    assert "license smart import flash:ACK_ot-sw0_usage.txt" in text
    assert sum(s.hours for s in trip.steps) > 0
