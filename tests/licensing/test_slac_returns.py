"""The SLAC workflow and reservation returns (issue 14): per device in the runbooks, per Virtual
Account in the plan, on the carry list."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.model import LicensingState, Mode
from planner.returns import return_entry
from planner.runbooks.types import StepKind
from planner.slac import SlacPath, slac_entry
from tests.runbooks.helpers import all_lines, make_device, runbook, titles

CAT = load_catalogue()


def test_hseck9_router_at_an_air_gapped_site_gets_the_offline_slac_path() -> None:
    dev = make_device("rtr9", "ISR4451-X/K9", "17.9.4a", "slup", site="OT1",
                      licences="ipbasek9:1;securityk9:1;hseck9:1")
    rb = runbook(dev, Mode.OFFLINE)
    assert "Generate the authorization code (SLAC) for hseck9 in CSSM" in titles(rb)
    portal = next(s for s in rb.steps if s.title.startswith("Generate the authorization code"))
    assert portal.kind is StepKind.PORTAL and "ISR4451-X/K9:SNRTR9" in portal.note
    assert "Authorize License-Enforced Features" in portal.source
    assert "license smart import bootflash:SLAC_rtr9_hseck9.txt" in all_lines(rb)
    assert [(c.trip, c.kind) for c in rb.carry if c.kind == "slac"] == [(2, "slac")]


def test_hseck9_router_online_requests_its_own_slac() -> None:
    dev = make_device("rtr8", "C8300-1N1S-6T", "17.12.3", "slup", site="NET",
                      licences="network-advantage:1;hseck9:1")
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert "license smart authorization request add hseck9 local" in all_lines(rb)
    assert not [c for c in rb.carry if c.kind == "slac"]


def test_stack_requests_slac_for_all_members() -> None:
    dev = make_device("sw9", "C9300X-24Y", "17.12.3", "slup", site="NET",
                      licences="network-advantage:1;hseck9:1", members=("SNM1",))
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert "license smart authorization request add hseck9 all" in all_lines(rb)


def test_no_slac_before_slup_or_in_a_reservation() -> None:
    classic = make_device("old", "ISR4451-X/K9", "16.9.8", "classic",
                          licences="securityk9:1;hseck9:1")
    assert slac_entry(classic, Mode.CSSM_DIRECT, CAT) is None
    slup = make_device("new", "ISR4451-X/K9", "17.9.4", "slup", licences="hseck9:1")
    assert slac_entry(slup, Mode.SLR, CAT) is None and slac_entry(slup, Mode.PLR, CAT) is None
    entry = slac_entry(slup, Mode.ONPREM_MANUAL, CAT)
    assert entry is not None and entry.path is SlacPath.OFFLINE and entry.licences == ("hseck9",)
    plain = make_device("plain", "ISR4451-X/K9", "17.9.4", "slup", licences="securityk9:1")
    assert slac_entry(plain, Mode.OFFLINE, CAT) is None


@given(state=st.sampled_from(list(LicensingState)), mode=st.sampled_from(list(Mode)),
       members=st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_every_device_leaving_a_reservation_returns_it_first(state: LicensingState, mode: Mode,
                                                             members: int) -> None:
    dev = make_device("dv", "C9300-48P", "17.9.4", state.value, site="OT1",
                      members=tuple(f"SNM{i}" for i in range(members)))
    back = return_entry(dev, mode)
    leaving = state in (LicensingState.SLR, LicensingState.PLR) and mode.value != state.value
    assert (back is not None) == leaving
    if back is None:
        return
    assert back.units == (f"C9300-48P:{dev.serial}", *(f"C9300-48P:SNM{i}"
                                                        for i in range(members)))
    rb = runbook(dev, mode)
    first = next(s for s in rb.steps if s.kind is not StepKind.MANUAL or "Return" in s.title)
    assert first.title.startswith(f"Return the {state.value.upper()} reservation first")
    returns = [c for c in rb.carry if c.kind == "return-code"]
    assert [c.member for c in returns] == list(back.units) and {c.trip for c in returns} == {1}
    assert "Enter the return code in CSSM" in titles(rb)


def test_a_device_keeping_its_reservation_returns_nothing() -> None:
    dev = make_device("keep", "C9300-48P", "17.9.4", "slr")
    assert return_entry(dev, Mode.SLR) is None
    assert return_entry(dev, Mode.SLR, planned_va="OTHER") is not None  # moving VA returns it


@pytest.fixture(scope="module")
def federal_plan_files() -> dict[str, str | bytes]:
    from planner.loader import load_estate
    from planner.optimise import plan_estate
    from planner.resources import examples_dir
    from planner.writers.plan_files import render_plan_files

    plan = plan_estate(load_estate(examples_dir() / "federal-agency" / "estate.yaml").estate)
    return render_plan_files(plan)


def test_federal_agency_lab_for_returns_are_listed_per_virtual_account(
        federal_plan_files: dict[str, str | bytes]) -> None:
    rows = []
    for name, text in federal_plan_files.items():
        if name.startswith("returns/"):
            rows += list(csv.DictReader(io.StringIO(str(text))))
    lab = [r for r in rows if r["site"] == "LAB-FOR"]
    assert len(lab) >= 10  # the SLR devices LAB-FOR moves to another mode
    assert all(r["holds"] in ("slr", "plr") and r["planned_mode"] != r["holds"] for r in lab)
    summary = str(federal_plan_files["summary.txt"])
    assert f"Reservations to return first: {len(rows)} device(s)" in summary


def test_cucm_reservation_runs_from_its_admin_cli() -> None:
    """Tech note 214381: CUCM's admin CLI reserves; it is no longer a 'no CLI' family."""
    dev = make_device("cucm1", "CUCM-VM", "15", "classic", site="OT1", licences="ucm-basic:10")
    rb = runbook(dev, Mode.SLR, reserved=(("ucm-basic", 10),))
    assert rb.platform == "uc-vos"
    assert "license smart reservation enable" in all_lines(rb)
    assert "license smart reservation request" in all_lines(rb)
    unity = runbook(make_device("cuc1", "CUC-VM", "15", "classic", site="OT1",
                                licences="ucm-basic:1"), Mode.SLR)
    assert unity.platform == "uc-vos-other"
    assert all(not s.confirmed for s in unity.steps if s.lines)  # documented for CUCM only


def test_nxos_reservation_under_slup_is_not_claimed_confirmed() -> None:
    """The only source read for NX-OS 'license smart reservation' is the 9.3 NX-API reference,
    before SLUP: under SLUP the runbook marks it for confirmation."""
    dev = make_device("nx1", "N9K-C93180YC-EX", "10.3(4a)", "slr", site="OT1",
                      licences="nxos-advantage:1")
    rb = runbook(dev, Mode.PLR)
    step = next(s for s in rb.steps if s.lines == ("license smart reservation",))
    assert not step.confirmed and "220643" in step.source
