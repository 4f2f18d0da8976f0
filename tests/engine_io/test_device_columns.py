"""devices.csv from the device columns: byte for byte what the row path (sorted Device records,
each cell through fileio.csv_text) gives, for hostile cells, any chunk size, and classes that
hold some devices and not others; the obligations walk only the rows that can owe one."""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.device_table import DeviceTable, devices_at, state_counts
from planner.fileio import csv_text
from planner.generate import generate_estate
from planner.loader import load_estate
from planner.model import Device, LicenceUse, LicensingState, Mode, StackMember
from planner.optimise import plan_estate
from planner.plan import ClassDecision, DeviceClass
from planner.writers.device_columns import (
    DEVICE_HEADER,
    PlannedRows,
    class_of_rows,
    devices_csv_chunks,
    licence_text,
    planned_rows,
)
from planner.writers.plan_files import plan_obligations, render_plan_files, summary_text

from .conftest import sample_estate, sample_plan

CELL = st.text(alphabet=st.sampled_from(list("ab,\"'\n\r\t =+-@ é;:|Z")), max_size=5)
TAG = st.text(alphabet=st.sampled_from(list("ab,=\"-")), min_size=1, max_size=3)


@st.composite
def devices(draw: st.DrawFn) -> list[Device]:
    out = []
    for i in range(draw(st.integers(0, 14))):
        members = tuple(StackMember(draw(CELL), draw(CELL))
                        for _ in range(draw(st.integers(0, 2))))
        licences = tuple(LicenceUse(draw(TAG), draw(st.integers(0, 3)))
                         for _ in range(draw(st.integers(0, 2))))
        out.append(Device(draw(CELL), draw(st.sampled_from(["P1", "=P", "P,2"])),
                          draw(CELL) + str(i % 5), draw(st.sampled_from(["S", "-S", "a,b", "é"])),
                          draw(st.sampled_from(["VA", "+VA", ""])), "17.9.4",
                          LicensingState.SLUP, licences, members))
    return out


def _row_path(devs: list[Device], classes: list[DeviceClass],
              decisions: dict[str, ClassDecision]) -> str:
    """What the writer did before columns: sort the records, find each one's class by site and
    serial (the later class winning), write every cell through csv_text."""
    by_serial = {(c.site, s): c for c in classes for s in c.device_serials}
    rows = []
    for d in sorted(devs, key=attrgetter("site", "hostname", "serial")):
        cls = by_serial.get((d.site, d.serial))
        decision = decisions.get(cls.id) if cls else None
        mode, server = ((decision.mode.value, decision.server_site or "") if decision
                        else ("", ""))
        rows.append((d.hostname, d.pid, d.serial, d.site, mode, server, d.virtual_account,
                     licence_text(d.licences), ";".join(f"{m.pid}:{m.serial}" for m in d.members),
                     cls.id if cls else ""))
    return csv_text(DEVICE_HEADER, rows)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(devs=devices(), data=st.data())
def test_columns_give_the_bytes_of_the_row_path(devs: list[Device], data: st.DataObject) -> None:
    classes: list[DeviceClass] = []
    for k in range(data.draw(st.integers(0, 4))):
        held = data.draw(st.lists(st.sampled_from(devs), max_size=5)) if devs else []
        site = held[0].site if held else "S"
        classes.append(DeviceClass(f"c{k},{data.draw(CELL)}", site, "", (), "", len(held), 0,
                                   "VA", tuple(sorted(d.serial for d in held if d.site == site))))
    decisions = {c.id: ClassDecision(c.id, c.site, data.draw(st.sampled_from(list(Mode))),
                                     data.draw(st.sampled_from([None, "DC", "=x"])))
                 for c in classes if data.draw(st.booleans())}
    table = DeviceTable.from_devices(devs)
    rows = PlannedRows.of(table, class_of_rows(table, classes), classes,
                          list(decisions.values()))
    size = data.draw(st.integers(1, 6))
    got = b"".join(devices_csv_chunks(rows, rows_per_chunk=size)).decode("utf-8")
    assert got == _row_path(devs, classes, decisions)


def test_obligations_and_summary_match_every_device_walked() -> None:
    """The SLAC and return manifests from the few candidate rows equal those of every device
    run through the per-device rules, on an estate where some devices hold reservations."""
    from planner.catalogue import load_catalogue
    from planner.returns import return_entry
    from planner.slac import slac_entry

    estate = sample_estate()
    states = (LicensingState.SLR, LicensingState.PLR, LicensingState.SLUP)
    devs = tuple(replace(d, state=states[i % 3]) for i, d in enumerate(estate.devices))
    plan = sample_plan(replace(estate, devices=devs))
    decided = {d.class_id: d for d in plan.class_decisions}
    by_serial = {(c.site, s): c for c in plan.classes for s in c.device_serials}
    catalogue = load_catalogue()
    slacs, returns = [], []
    for d in sorted(plan.estate.devices, key=attrgetter("site", "hostname", "serial")):
        cls = by_serial.get((d.site, d.serial))
        mode = decided[cls.id].mode if cls and cls.id in decided else None
        if (s := slac_entry(d, mode, catalogue)) is not None:
            slacs.append(s)
        if (r := return_entry(d, mode)) is not None:
            returns.append(r)
    key = attrgetter("virtual_account", "site", "hostname", "serial")
    assert plan_obligations(plan) == (sorted(slacs, key=key), sorted(returns, key=key))
    assert returns  # the estate does exercise the return rule
    summary = summary_text(plan)
    assert f"Reservations to return first: {len(returns)} device(s)" in summary
    assert str(render_plan_files(plan)["summary.txt"]) == summary


def test_summary_counts_devices_by_mode_as_every_device_walked() -> None:
    """Devices per mode from the class of each row: the count of walking every device, and
    no 'unassigned' line when every device has a decision."""
    plan = sample_plan()
    decided = {d.class_id: d.mode.value for d in plan.class_decisions}
    by_serial = {(c.site, s): c.id for c in plan.classes for s in c.device_serials}
    walked: dict[str, int] = {}
    for d in plan.estate.devices:
        cid = by_serial.get((d.site, d.serial))
        mode = decided.get(cid, "unassigned") if cid else "unassigned"
        walked[mode] = walked.get(mode, 0) + 1
    summary = summary_text(plan)
    for mode, n in walked.items():
        assert any(line.split()[0] == mode and line.rstrip().endswith(f"{n} devices")
                   for line in summary.splitlines() if line.startswith("  ")), mode
    if "unassigned" not in walked:
        assert "unassigned" not in summary
    fewer = replace(plan, class_decisions=plan.class_decisions[1:])
    assert "unassigned" in summary_text(fewer)


def test_the_plans_class_of_row_is_what_matching_serials_finds(tmp_path: Path) -> None:
    # The planner hands the writer grouping's row -> class array; matching every row's site and
    # serial against the classes (the path for plans built without it) must agree row for row.
    for size, sites in ((400, 12), (1500, 30)):
        root = tmp_path / f"e{size}"
        root.mkdir()
        for name, text in generate_estate(size, sites, 5).items():
            (root / name).write_text(text, encoding="utf-8")
        plan = plan_estate(load_estate(root / "estate.yaml").estate)
        table = plan.estate.devices
        assert isinstance(table, DeviceTable)
        assert plan.class_of_row is not None
        assert (plan.class_of_row == class_of_rows(table, plan.classes)).all()
        assert (planned_rows(plan).row_class == plan.class_of_row).all()


@settings(max_examples=40, deadline=None)
@given(devices())
def test_devices_at_a_site_are_the_filtered_devices(devs: list[Device]) -> None:
    table = DeviceTable.from_devices(devs)
    for site in sorted({d.site for d in devs} | {"no-such-site"}):
        expected = [d for d in devs if d.site == site]
        assert devices_at(table, site) == expected
        assert devices_at(tuple(devs), site) == expected


@settings(max_examples=40, deadline=None)
@given(devices())
def test_state_counts_on_codes_are_the_counted_devices(devs: list[Device]) -> None:
    expected: dict[LicensingState, int] = {}
    for d in devs:
        expected[d.state] = expected.get(d.state, 0) + 1
    assert state_counts(DeviceTable.from_devices(devs)) == expected
    assert state_counts(tuple(devs)) == expected


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6), CELL), max_size=12),
       st.sampled_from(["string", "large_string"]))
def test_string_cells_are_safe_cell_and_flag_what_csv_quotes(values: list[str | None],
                                                             kind: str) -> None:
    # A flagged row is written by the csv module itself, so a flag where csv would not quote
    # (a carriage return) costs time, never bytes; a cell csv quotes must never go unflagged.
    import csv
    import io

    from planner.arrow import pa
    from planner.fileio import safe_cell
    from planner.writers.device_columns import _strings_cells

    cells, quoted = _strings_cells(pa.array(values, getattr(pa, kind)()))
    expected = [safe_cell(v) for v in values]
    assert cells.to_pylist() == expected
    for cell, flag in zip(expected, quoted.tolist(), strict=True):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([cell, "x"])
        assert flag or not buf.getvalue().startswith('"'), cell
