"""SLAC and reservation-return manifests from the device columns: the rows picked on codes are
the rows the per-device rules (planner.slac, planner.returns) pick walking every device, and the
manifests are byte for byte what those records gave through csv_text, for hostile cells, stack
members sharing the device's serial or not, every licensing state, mode and software version."""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.device_table import DeviceTable
from planner.fileio import csv_text
from planner.model import Device, LicenceUse, LicensingState, Mode, StackMember
from planner.plan import ClassDecision, DeviceClass
from planner.returns import ReturnEntry, return_entry
from planner.safe_names import file_names
from planner.slac import SlacEntry, slac_entry
from planner.writers.device_columns import PlannedRows, class_of_rows
from planner.writers.obligations import RETURN_HEADER, SLAC_HEADER, obligations

CATALOGUE = load_catalogue()
CELL = st.text(alphabet=st.sampled_from(list("ab,\"'\n\t =+-@é;:")), max_size=4)
# Families with and without SLUP, a PID of none; gated (hseck9, asa-strong-encryption) and plain
# licences; versions before and after SLUP, and none.
PID = st.sampled_from(["C9300-48P", "ISR4331/K9", "ASA5516-X", "=X", "C9200-24T"])
TAG = st.sampled_from(["hseck9", "hseck9", "asa-strong-encryption", "network-advantage",
                       "=odd", "a,b"])
VERSION = st.sampled_from(["17.9.4", "17.9.4", "16.12.4", "", "9.16"])
VA = st.sampled_from(["VA", "+VA", "b,c", "", "Zed"])


@st.composite
def devices(draw: st.DrawFn) -> list[Device]:
    out = []
    for i in range(draw(st.integers(0, 14))):
        serial = draw(CELL) + str(i % 4)
        members = tuple(StackMember(draw(PID), draw(st.sampled_from([serial, "M1", "=m", ""])))
                        for _ in range(draw(st.integers(0, 3))))
        licences = tuple(LicenceUse(draw(TAG), draw(st.integers(0, 2)))
                         for _ in range(draw(st.integers(0, 3))))
        out.append(Device(draw(CELL), draw(PID), serial, draw(st.sampled_from(["S", "-S", "é"])),
                          draw(VA), draw(VERSION), draw(st.sampled_from(list(LicensingState))),
                          licences, members))
    return out


def _walked(rows: PlannedRows, devs: list[Device]) -> tuple[list[SlacEntry], list[ReturnEntry]]:
    """Every device through the per-device rules, in devices.csv order, sorted as manifests."""
    table = rows.table
    slacs, returns = [], []
    for row in rows.order.tolist():
        k = int(rows.row_class[row])
        decision = rows.decisions[k] if k >= 0 else None
        mode = decision.mode if decision is not None else None
        if (s := slac_entry(devs[row], mode, CATALOGUE)) is not None:
            slacs.append(s)
        if (r := return_entry(devs[row], mode)) is not None:
            returns.append(r)
    assert len(table) == len(devs)
    key = attrgetter("virtual_account", "site", "hostname", "serial")
    return sorted(slacs, key=key), sorted(returns, key=key)


def _record_files(slacs: list[SlacEntry], returns: list[ReturnEntry]) -> dict[str, str]:
    """The manifests as plan_files wrote them from the records, row by row through csv_text."""
    slac_rows: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for e in slacs:
        slac_rows[e.virtual_account].append(
            (e.virtual_account, e.site, e.hostname, e.pid, e.serial, ";".join(e.units),
             ";".join(e.licences), e.mode.value, e.path.value))
    return_rows: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for r in returns:
        return_rows[r.virtual_account].append(
            (r.virtual_account, r.site, r.hostname, r.pid, r.serial, ";".join(r.units),
             r.held.value, r.planned.value, r.planned_virtual_account))
    slac_names = file_names(slac_rows, suffix=".csv")
    return_names = file_names(return_rows, suffix=".csv")
    files = {f"slac/{slac_names[va]}": csv_text(SLAC_HEADER, rows)
             for va, rows in slac_rows.items()}
    files.update({f"returns/{return_names[va]}": csv_text(RETURN_HEADER, rows)
                  for va, rows in return_rows.items()})
    return files


@settings(max_examples=200, deadline=None, derandomize=True)
@given(devs=devices(), data=st.data())
def test_columns_owe_what_every_device_walked_owes(devs: list[Device],
                                                   data: st.DataObject) -> None:
    # Each device in one of two classes of its site, or in none; most classes decided.
    held: dict[tuple[str, int], list[str]] = defaultdict(list)
    for d in devs:
        if (k := data.draw(st.integers(-1, 1))) >= 0:
            held[(d.site, k)].append(d.serial)
    classes = [DeviceClass(f"c{site}{k}", site, "", (), "", len(serials), 0, "VA",
                           tuple(sorted(serials))) for (site, k), serials in held.items()]
    decisions = {c.id: ClassDecision(c.id, c.site, data.draw(st.sampled_from(list(Mode))))
                 for c in classes if data.draw(st.integers(0, 4))}
    table = DeviceTable.from_devices(devs)
    rows = PlannedRows.of(table, class_of_rows(table, classes), classes, list(decisions.values()))
    owed = obligations(rows, CATALOGUE)
    slacs, returns = _walked(rows, devs)
    assert owed.entries() == (slacs, returns)
    assert len(owed.slac) == len(slacs) and len(owed.returns) == len(returns)
    assert owed.offline_slacs == sum(e.path.value == "offline" for e in slacs)
    assert owed.files() == _record_files(slacs, returns)


def test_a_stack_names_each_member_with_a_serial_of_its_own() -> None:
    """The units cell: the device, then members whose serial is not the device's, in order."""
    dev = Device("h", "C9300-48P", "S1", "S", "VA", "17.9.4", LicensingState.SLUP,
                 (LicenceUse("hseck9", 1),),
                 (StackMember("C9300-48P", "S1"), StackMember("C9300-24P", "S2"),
                  StackMember("C9300-48P", "S3")))
    table = DeviceTable.from_devices([dev])
    klass = DeviceClass("c", "S", "", (), "", 1, 2, "VA", ("S1",))
    rows = PlannedRows.of(table, class_of_rows(table, [klass]), [klass],
                          [ClassDecision("c", "S", Mode.OFFLINE)])
    files = obligations(rows, CATALOGUE).files()
    assert files["slac/VA.csv"].splitlines()[1] == \
        "VA,S,h,C9300-48P,S1,C9300-48P:S1;C9300-24P:S2;C9300-48P:S3,hseck9,offline,offline"
