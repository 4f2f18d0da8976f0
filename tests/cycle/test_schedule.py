"""The schedule keeps every device's ACK inside its window with the stated margin.

The checks here are independent of how trips are placed: each device's window is recomputed
from the reporting policy and the licence catalogue, and each device's own sequence of imports
is walked against it.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.cycle.schedule import (
    CARRIED_MODES,
    CycleSchedule,
    breaches,
    schedule_cycle,
    server_cadence_days,
)
from planner.loader import load_estate
from planner.model import (
    ClassificationPolicy,
    DataElement,
    Device,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Mode,
    Site,
)
from planner.optimise import plan_estate
from planner.reporting import (
    ClassClocks,
    LicenceClass,
    ReportingPolicy,
    licence_class,
    load_reporting,
)
from planner.resources import examples_dir
from planner.runbooks.planned import PlannedEstate, from_plan
from planner.runbooks.types import PlannedDevice
from tests.estate_builder import build_estate

EXAMPLES = ("federal-agency", "regional-bank", "utility")
START = date(2027, 1, 4)


def _independent_window(device: Device, policy: ReportingPolicy) -> int | None:
    catalogue = load_catalogue()
    classes = {licence_class(catalogue.licence(u.tag).term.value == "term",
                             catalogue.licence(u.tag).export_controlled,
                             catalogue.licence(u.tag).enforced)
               for u in device.licences if u.count > 0 and u.tag in catalogue.licences}
    days = [d for c in classes for d in policy.clocks(c).windows()]
    return min(days) if days else None


def check_every_device(schedule: CycleSchedule, planned: PlannedEstate,
                       policies: dict[str, ReportingPolicy] | None = None) -> int:
    """Walk each device's imports against its policy; return how many devices were checked."""
    margin = timedelta(days=schedule.margin_days)
    by_serial = {p.device.serial: p.device for p in planned.devices}
    checked = 0
    for trip in schedule.trips:
        at_once = trip.collect == schedule.start and schedule.notes
        assert at_once or (trip.collect.weekday() < 5 and trip.ack_import.weekday() < 5), trip.id
        assert trip.ack_import - trip.collect == timedelta(days=schedule.turnaround_days)
        assert trip.ack_import <= trip.latest_allowed, trip.id
    for w in schedule.devices:
        policy = (policies or {}).get(w.serial, load_reporting().default)
        assert w.window_days == _independent_window(by_serial[w.serial], policy)
        imports = sorted(t.ack_import for t in schedule.trips if w in t.devices)
        assert imports, w
        due = w.deadline - margin
        for day in imports:
            assert day <= due, (w.hostname, day, due)
            due = day + timedelta(days=w.window_days) - margin
        assert due >= schedule.end, (w.hostname, due)
        checked += 1
    cadence = timedelta(days=schedule.server_cadence_days)
    assert schedule.server_cadence_days == server_cadence_days(planned.estate.costs)
    for server in {s for t in schedule.trips for s in t.servers}:
        syncs = sorted(t.ack_import for t in schedule.trips if server in t.servers)
        last = schedule.start
        for day in syncs:
            assert day - last <= cadence, (server, day)
            last = day
        assert last + cadence >= schedule.end
    return checked


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request: pytest.FixtureRequest) -> PlannedEstate:
    path = examples_dir() / str(request.param) / "estate.yaml"
    if not path.exists():
        pytest.skip(f"example {request.param} is not bundled")
    return from_plan(plan_estate(load_estate(path, today=START).estate))


def test_examples_keep_every_device_of_every_trip_inside_its_window(
        example: PlannedEstate) -> None:
    schedule = schedule_cycle(example, START, load_reporting())
    assert schedule.trips, "every bundled example has an air-gapped site"
    assert check_every_device(schedule, example) == len(schedule.devices)
    assert not list(breaches(schedule))
    assert schedule.margin_days == load_reporting().schedule.safety_margin_days
    carried = [p for p in example.devices if p.mode in CARRIED_MODES]
    exempt = {(s, h) for s, h, _why in schedule.exempt}
    covered = {(d.site, d.hostname) for d in schedule.devices}
    assert {(p.device.site, p.device.hostname) for p in carried} == covered | exempt
    assert not covered & exempt


def test_sites_of_one_enclave_share_a_crossing(example: PlannedEstate) -> None:
    schedule = schedule_cycle(example, START, load_reporting())
    for trip in schedule.trips:
        enclaves = {example.estate.site(s).enclave or s for s in trip.sites}
        assert enclaves <= {trip.crossing}
    crossings = {t.crossing for t in schedule.trips}
    for crossing in crossings:
        dates = [t.collect for t in schedule.trips if t.crossing == crossing]
        assert len(dates) == len(set(dates))  # one trip per crossing per date


def test_schedule_is_deterministic(example: PlannedEstate) -> None:
    a = schedule_cycle(example, START, load_reporting())
    b = schedule_cycle(example, START, load_reporting())
    assert a == b


# --- generated estates: offline sites in enclaves, any policy, any margin ----------------------

SITES = tuple(Site(f"S{i}", f"Site {i}", "ot", InternetAccess.NONE,
                   enclave=("E1" if i < 3 else "E2" if i < 5 else None)) for i in range(7))
OT = ClassificationPolicy("ot", frozenset(Mode), frozenset(DataElement))


def _policy(sub_freq: int, perp_change: int) -> ReportingPolicy:
    base = load_reporting().default
    classes = dict(base.classes)
    classes[LicenceClass.UNENFORCED_SUBSCRIPTION] = ClassClocks(sub_freq, sub_freq, sub_freq)
    classes[LicenceClass.UNENFORCED_PERPETUAL] = ClassClocks(365, 0, perp_change)
    return ReportingPolicy("generated", True, classes, "test")


device_spec = st.tuples(
    st.integers(0, 6),  # site
    st.sampled_from(["network-advantage:1", "network-advantage:1;dna-advantage:1",
                     "dna-essentials:2"]),
    st.integers(40, 400),  # subscription window
    st.integers(40, 200),  # perpetual on-change window
    st.one_of(st.none(), st.integers(-5, 300)),  # evidenced deadline offset from start
)


@settings(max_examples=60, deadline=None)
@given(specs=st.lists(device_spec, min_size=1, max_size=12),
       margin=st.integers(0, 20), turnaround=st.integers(0, 6),
       start=st.dates(date(2026, 1, 1), date(2030, 12, 31)))
def test_generated_estates_keep_every_window(specs: list[tuple[int, str, int, int, int | None]],
                                             margin: int, turnaround: int, start: date) -> None:
    devices, policies, deadlines = [], {}, {}
    for i, (site, licences, sub, perp, offset) in enumerate(specs):
        uses = tuple(LicenceUse(t, int(n)) for t, n in (x.split(":") for x in licences.split(";")))
        d = Device(f"dev{i}", "C9300-24P", f"SN{i:04d}", f"S{site}", "DEFAULT", "17.9.5",
                   LicensingState.SLUP, uses)
        devices.append(d)
        policies[d.serial] = _policy(sub, perp)
        if offset is not None:
            deadlines[d.serial] = start + timedelta(days=offset)
    estate = build_estate(devices, name="generated", sites=SITES, policies=(OT,))
    planned = PlannedEstate(estate, tuple(PlannedDevice(d, Mode.OFFLINE) for d in devices), (),
                            "generated")
    schedule = schedule_cycle(planned, start, load_reporting(), margin_days=margin,
                              turnaround_days=turnaround, deadlines=deadlines, policies=policies)
    cannot = [n for n in schedule.notes if "cannot keep" in n]
    if not cannot:
        assert check_every_device(schedule, planned, policies) == len(devices)
        assert not list(breaches(schedule))
    else:  # a deadline already inside the margin: that crossing's first trip leaves at once
        for note in cannot:
            crossing = note.split(":", 1)[0]
            assert min(t.collect for t in schedule.trips if t.crossing == crossing) == start


def test_too_tight_a_window_is_refused_not_scheduled() -> None:
    d = Device("dev", "C9300-24P", "SN1", "S0", "DEFAULT", "17.9.5", LicensingState.SLUP,
               (LicenceUse("dna-advantage", 1),))
    estate = build_estate((d,), name="tight", sites=SITES, policies=(OT,))
    planned = PlannedEstate(estate, (PlannedDevice(d, Mode.OFFLINE),), (), "t")
    with pytest.raises(ValueError, match="shorter than"):
        schedule_cycle(planned, START, load_reporting(), margin_days=10, turnaround_days=5,
                       policies={"SN1": _policy(12, 90)})


def test_evidence_sets_each_devices_deadline_and_policy(tmp_path: Path) -> None:
    """`--evidence`: the deadline and the policy a device's capture shows replace the assumed
    ones, and the schedule keeps the tighter window."""
    import json

    from click.testing import CliRunner

    from planner.cli import main
    from planner.examples import write_example
    from planner.writers.plan_files import write_plan_files
    from tests.cycle.test_ledger import status_capture

    write_example("federal-agency", tmp_path / "demo")
    estate_path = tmp_path / "demo" / "estate.yaml"
    estate = load_estate(estate_path, today=START).estate
    write_plan_files(plan_estate(estate), tmp_path / "plan")
    planned = from_plan(plan_estate(estate))
    lab = next(p.device for p in planned.devices
               if p.mode in CARRIED_MODES and p.device.state is LicensingState.SLUP
               and all(load_catalogue().licence(u.tag).term.value != "term"
                       for u in p.device.licences))
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "lab.txt").write_text(status_capture(
        lab.hostname, lab.serial, "Dec 20 09:00:00 2026 UTC", "Jan 29 09:00:00 2027 UTC",
        perpetual=(365, 0, 40), policy="Site Policy"))
    result = CliRunner().invoke(main, [
        "cycle", "schedule", str(estate_path), "--plan", str(tmp_path / "plan" / "plan.json"),
        "--from", START.isoformat(), "--evidence", str(captures), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = [(t, d) for t in doc["trips"] for d in t["devices"] if d["serial"] == lab.serial]
    assert rows and all(d["window_days"] == 40 and d["policy"] == "Site Policy"
                        and d["first_deadline"] == "2027-01-29" for _t, d in rows)
    imports = sorted(date.fromisoformat(t["ack_import"]) for t, _d in rows)
    assert imports[0] <= date(2027, 1, 29) - timedelta(days=doc["margin_days"])
    assert all(b - a <= timedelta(days=40 - doc["margin_days"])
               for a, b in pairwise(imports))


def test_the_estates_own_margin_and_sync_interval_are_used() -> None:
    from dataclasses import replace

    from planner.model import CostAssumptions

    d = Device("dev", "C9300-24P", "SN1", "S0", "DEFAULT", "17.9.5", LicensingState.SLUP,
               (LicenceUse("dna-advantage", 1),))
    costs = replace(CostAssumptions(), reporting_safety_margin_days=30,
                    onprem_manual_sync_interval_days=40)
    estate = build_estate((d,), name="own", sites=SITES, policies=(OT,), costs=costs)
    planned = PlannedEstate(estate, (PlannedDevice(d, Mode.ONPREM_MANUAL, "S0"),),
                            (("S0", ("DEFAULT",)),), "t")
    schedule = schedule_cycle(planned, START, load_reporting())
    assert schedule.margin_days == 30 and schedule.server_cadence_days == 40
    assert check_every_device(schedule, planned) == 1
    assert schedule_cycle(planned, START, load_reporting(), margin_days=5).margin_days == 5
