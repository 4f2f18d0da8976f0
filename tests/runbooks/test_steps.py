"""Steps pinned per platform family on small hand-built devices."""

from __future__ import annotations

import re

from planner.model import Mode
from planner.runbooks.types import Direction, RunbookSettings, StepKind
from tests.runbooks.helpers import all_lines, make_device, runbook, titles


def test_iosxe_slup_switch_stack_new_slr_is_per_member() -> None:
    # A C9300 stack on 16.x (before SLUP) can still take a new SLR (no new SLR under SLUP).
    dev = make_device("st1", "C9300-48P", "16.12.5", "classic",
                      members=("SNM2", "SNM3"))
    rb = runbook(dev, Mode.SLR, reserved=(("network-advantage", 3),))
    assert rb.platform == "iosxe-classic"
    assert rb.units == ("C9300-48P:SNST1", "C9300-48P:SNM2", "C9300-48P:SNM3")
    assert titles(rb)[:2] == ["Enable licence reservation", "Generate one request code per member"]
    request = rb.steps[1]
    assert request.lines == ("license smart reservation request all",)
    assert not request.confirmed and "all" in request.note  # 'all' is not confirmed: flagged
    installs = [s for s in rb.steps if s.title.startswith("Install the authorization code")]
    assert [s.member for s in installs] == list(rb.units)
    assert installs[0].lines == ("license smart reservation install file flash:st1_SNST1_auth.txt",)
    assert all(s.confirmed for s in installs)
    portal = [s for s in rb.steps if s.kind is StepKind.PORTAL and s.member]
    assert len(portal) == 3 and "network-advantage x3" in portal[0].note
    kinds = [(c.trip, c.kind, c.member) for c in rb.carry]
    assert kinds.count((1, "request-code", "C9300-48P:SNM2")) == 1
    assert {c.trip for c in rb.carry if c.kind == "authorization-code"} == {2}
    assert {c.direction for c in rb.carry if c.trip == 3} == {Direction.OUT}
    assert len(rb.carry) == 9
    returns = [s.lines for s in rb.rollback if s.lines]
    assert returns == [("license smart reservation return local",)]


def test_iosxe_slup_stack_with_existing_slr_is_verified_not_requested() -> None:
    dev = make_device("st2", "C9300-48P", "17.9.4", "slr", members=("SNM9",))
    rb = runbook(dev, Mode.SLR, reserved=(("network-advantage", 2),))
    assert rb.platform == "iosxe-slup"
    assert titles(rb) == ["Verify the existing reservation (kept: no new request)",
                          "Compare the reservation with the plan in CSSM"]
    assert rb.steps[0].verify == "show license reservation"
    assert not all_lines(rb) and not rb.carry and not rb.rollback


def test_c9400_modular_slr_lists_the_supervisors() -> None:
    dev = make_device("core1", "C9410R", "16.12.5", "classic")
    rb = runbook(dev, Mode.SLR, reserved=(("network-advantage", 1),))
    assert "List the supervisors" in titles(rb)
    step = rb.steps[titles(rb).index("List the supervisors")]
    assert step.kind is StepKind.MANUAL and "per supervisor" in step.note
    assert ("license smart reservation request local",) in [s.lines for s in rb.steps]


def test_router_offline_reporting_round_trip() -> None:
    dev = make_device("rtr1", "ISR4451-X/K9", "17.9.4a", "slup", site="OT1")
    rb = runbook(dev, Mode.OFFLINE)
    assert rb.platform == "iosxe-slup"
    lines = all_lines(rb)
    # the ot policy keeps hostname and software version in
    assert lines[:2] == ["license smart privacy hostname", "license smart privacy version"]
    assert "license smart transport off" in lines
    assert "license smart save usage all file bootflash:rtr1_usage.txt" in lines
    assert lines[-1] == "license smart import bootflash:ACK_rtr1_usage.txt"
    assert [(c.trip, c.kind) for c in rb.carry] == [(1, "usage-report"), (2, "acknowledgement")]
    portal = next(s for s in rb.steps if s.kind is StepKind.PORTAL)
    # Every report-and-ACK round trip lands inside Cisco's 90-day window (was every 91 days).
    every = int(re.search(r"every (\d+) days", portal.note).group(1))  # type: ignore[union-attr]
    assert every <= 90 - 15 and "90-day window" in portal.note
    assert rb.variables["transport"] == "off" and rb.variables["privacy_version"] is True


def test_cssm_direct_through_a_proxy_with_interval_and_privacy() -> None:
    dev = make_device("sw9", "C9300-48P", "17.9.4", "slup", site="PRX")
    rb = runbook(dev, Mode.CSSM_DIRECT,
                 settings=RunbookSettings(proxy_host="proxy.example", proxy_port="8080"))
    lines = all_lines(rb)
    assert lines[:5] == ["license smart privacy hostname", "license smart transport smart",
                         "license smart url default", "license smart proxy address proxy.example",
                         "license smart proxy port 8080"]
    assert "license smart usage interval 30" in lines
    assert lines[-2:] == ["license smart trust idtoken <ID token from CSSM, Virtual Account "
                          "DEFAULT> local force", "license smart sync all"]
    assert not rb.unconfirmed  # every step of this path is confirmed in a source
    assert rb.variables["proxy"] == "proxy.example:8080"


def test_nxos_cssm_direct_marks_unconfirmed_syntax() -> None:
    dev = make_device("nx1", "N9K-C93180YC-EX", "10.2(5)", "slup", site="NET",
                      licences="nxos-advantage:1")
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert rb.platform == "nxos-slup"
    by_title = {s.title: s for s in rb.steps}
    assert not by_title["Send usage directly to CSSM (Smart transport)"].confirmed
    trust = by_title["Install the trust code (ID token from CSSM)"]
    assert trust.confirmed and trust.lines[0].startswith("license smart trust idtoken <ID token")
    # NX-OS has no confirmed interval command: a manual step, never a guess
    assert by_title["Set the reporting interval"].kind is StepKind.MANUAL
    assert "privacy" not in " ".join(all_lines(rb))  # open policy: nothing to hide


def test_asav_plr_steps_are_all_flagged_for_confirmation() -> None:
    dev = make_device("fw1", "ASAv", "9.16(4)", "classic", licences="asav-standard:1")
    rb = runbook(dev, Mode.PLR)
    assert rb.platform == "asav"
    device_steps = [s for s in rb.steps if s.kind is StepKind.DEVICE]
    assert [s.lines for s in device_steps] == [
        ("license smart reservation",), ("license smart reservation request universal",),
        ("license smart reservation install <authorization code from CSSM>",)]
    assert not any(s.confirmed for s in device_steps)
    assert rb.variables["reservation"]["type"] == "universal"  # type: ignore[index]
    assert [c.kind for c in rb.carry] == ["request-code", "authorization-code"]  # no confirmation


def test_c9800_onprem_uses_the_server_url() -> None:
    dev = make_device("wlc1", "C9800-40-K9", "17.9.4", "slup", site="DC1",
                      licences="air-network-advantage:10")
    url = "https://onprem.example/cslu/v1/pi/T1"
    rb = runbook(dev, Mode.ONPREM_NETWORK, server="DC1",
                 settings=RunbookSettings(server_urls={"DC1": url}))
    assert rb.platform == "c9800-slup"
    assert f"license smart url cslu {url}" in all_lines(rb)
    onprem = next(s for s in rb.steps if s.title.startswith("Send usage to SSM On-Prem"))
    assert onprem.confirmed and url in onprem.expect
    assert rb.variables["server_url"] == url and rb.variables["transport"] == "cslu"


def test_onprem_without_a_url_leaves_a_visible_placeholder() -> None:
    dev = make_device("wlc2", "C9800-40-K9", "17.9.4", "slup", site="DC1")
    rb = runbook(dev, Mode.ONPREM_MANUAL, server="DC1")
    assert ("license smart url cslu <SSM On-Prem transport URL of the server at DC1>"
            in all_lines(rb))


def test_unknown_family_gets_a_manual_step_and_no_commands() -> None:
    dev = make_device("odd1", "XYZ-1000", "1.0", "unknown", site="NET")
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert rb.platform == "" and not all_lines(rb) and not rb.prechecks
    assert len(rb.steps) == 1 and rb.steps[0].kind is StepKind.MANUAL
    assert "not in the product catalogue" in rb.steps[0].note
    assert "never apply guessed commands" in rb.steps[0].note


def test_firepower_points_to_the_management_center() -> None:
    dev = make_device("fpr1", "FPR-2110", "7.2.5", "classic", licences="fpr-threat:1")
    rb = runbook(dev, Mode.SLR)
    assert rb.steps[0].kind is StepKind.MANUAL and "Management Center" in rb.steps[0].note
    assert rb.steps[0].source.startswith("Cisco Secure Firewall Management Center")


def test_unknown_version_is_a_manual_step() -> None:
    dev = make_device("sw0", "C9300-48P", "", "unknown", site="NET")
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert "software version of C9300 unknown" in rb.steps[0].note


def test_device_without_a_planned_mode() -> None:
    rb = runbook(make_device("lost", "C9300-48P", "17.9.4", "slup", site="NET"), None)
    assert titles(rb) == ["No planned mode"] and rb.mode is None


def test_classic_missing_command_becomes_a_manual_step_naming_the_guide() -> None:
    dev = make_device("ot-old", "C9300-24P", "16.12.5", "classic", site="OT1")
    rb = runbook(dev, Mode.ONPREM_MANUAL, server="OT1")
    manual = [s for s in rb.steps if s.kind is StepKind.MANUAL]
    assert any("'transport-onprem'" in s.note for s in manual)
    assert all("Smart Licensing Using Policy for Cisco Enterprise Routing Platforms" in s.note
               for s in manual)
    register = next(s for s in rb.steps if s.title.startswith("Register with SSM On-Prem"))
    assert register.lines == ("license smart register idtoken "
                              "<ID token from the SSM On-Prem local account DEFAULT>",)


def test_nxos_smart_licensing_before_slup_registers_with_a_token() -> None:
    dev = make_device("nx2", "N9K-C93180YC-EX", "9.3(8)", "classic", site="NET",
                      licences="nxos-advantage:1")
    rb = runbook(dev, Mode.CSSM_DIRECT)
    assert rb.platform == "nxos-classic"
    assert rb.prechecks[0].lines == ("show license status", "show license all")
    register = rb.steps[-1]
    assert register.lines == ("license smart register idtoken "
                              "<ID token from CSSM, Virtual Account DEFAULT>",)
    assert register.confirmed and "callhome" in register.note
    # the Call Home transport has no confirmed entry: a manual step, not a guess
    assert rb.steps[0].kind is StepKind.MANUAL and "'transport-smart'" in rb.steps[0].note


def test_onprem_manual_waits_for_the_server_sync() -> None:
    dev = make_device("wlc3", "C9800-40-K9", "17.9.4", "slup", site="DC1")
    rb = runbook(dev, Mode.ONPREM_MANUAL, server="DC1")
    assert titles(rb)[-1] == "Synchronise SSM On-Prem at DC1 with CSSM by hand"
    assert rb.steps[-1].kind is StepKind.PORTAL
