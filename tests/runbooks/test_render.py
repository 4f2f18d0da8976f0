"""Rendered outputs: unconfirmed text never appears as a live command, the change record and
carry trips are there, ansible-vars.yml parses, and the same input gives the same bytes."""

from __future__ import annotations

import yaml

from planner.model import Mode
from planner.runbooks import runbook_files
from planner.runbooks.carry import CARRY_HEADER, site_trips
from planner.runbooks.planned import PlannedEstate
from planner.runbooks.render import device_text
from planner.runbooks.types import PlannedDevice, RunbookSettings
from tests.runbooks.helpers import make_device, make_estate, runbook


def _planned() -> PlannedEstate:
    devices = [
        make_device("st1", "C9300-48P", "16.12.5", "classic", members=("SNM2",)),
        make_device("fw1", "ASAv", "9.16(4)", "classic", licences="asav-standard:1"),
        make_device("rtr1", "ISR4451-X/K9", "17.9.4a", "slup", site="OT1"),
        make_device("odd1", "XYZ-1000", "1.0", "unknown", site="NET"),
    ]
    modes = {"st1": Mode.SLR, "fw1": Mode.PLR, "rtr1": Mode.OFFLINE, "odd1": Mode.CSSM_DIRECT}
    planned = tuple(PlannedDevice(d, modes[d.hostname], None,
                                  (("network-advantage", 2),) if d.hostname == "st1" else ())
                    for d in sorted(devices, key=lambda d: (d.site, d.hostname)))
    return PlannedEstate(make_estate(devices), planned, (("OT1", ("DEFAULT",)),), "test")


def test_unconfirmed_lines_are_commented_out_in_command_files() -> None:
    rb = runbook(make_device("fw1", "ASAv", "9.16(4)", "classic"), Mode.PLR)
    text = device_text(rb)
    live = [line for line in text.splitlines() if line and not line.startswith("!")]
    assert live == ["show license all"]  # the only confirmed device command here
    assert "! UNCONFIRMED: license smart reservation request universal" in text


def test_confirmed_config_lines_are_wrapped_in_configure_terminal() -> None:
    rb = runbook(make_device("rtr1", "ISR4451-X/K9", "17.9.4a", "slup", site="OT1"),
                 Mode.OFFLINE)
    live = [line for line in device_text(rb).splitlines() if line and not line.startswith("!")]
    assert live[live.index("license smart transport off") - 1] == "configure terminal"
    assert live[live.index("license smart transport off") + 1] == "end"


def test_site_runbook_has_change_record_devices_trips_rollback_and_sources() -> None:
    files = runbook_files(_planned())
    vault = str(files["VAULT/runbook.md"])
    for part in ("## Change record", "| Change ID | ________________ |",
                 "Planned window start", "Media-transfer approval", "## Devices",
                 "| st1 | C9300-48P | SNST1 | 16.12.5 | classic | slr | 1 |",
                 "### Trip 1 (out: request codes", "### Trip 2 (in: authorization codes",
                 "### Trip 3 (out: reservation confirmation codes", "## Rollback",
                 "license smart reservation return local", "## Sources",
                 "CONFIRM BEFORE THE WINDOW"):
        assert part in vault, part
    assert "! UNCONFIRMED: license smart reservation request all" in vault
    net = str(files["NET/runbook.md"])
    assert "not in the product catalogue" in net and "Carry trips" not in net
    ot = str(files["OT1/carry.csv"]).splitlines()
    assert ot[0] == ",".join(CARRY_HEADER)
    assert any(",usage-report,rtr1," in row for row in ot)
    assert any("onprem-sync-request" in row for row in ot)  # the manual-sync server at OT1


def test_files_per_device_and_index() -> None:
    files = runbook_files(_planned())
    assert {"VAULT/st1.txt", "VAULT/fw1.txt", "OT1/rtr1.txt", "NET/odd1.txt", "README.md",
            "ansible-vars.yml", "VAULT/carry.csv", "OT1/carry.csv"} <= set(files)
    assert "| VAULT | 2 | plr 1, slr 1 | 3 |" in str(files["README.md"])


def test_ansible_vars_parse_and_carry_the_plan() -> None:
    doc = yaml.safe_load(str(runbook_files(_planned())["ansible-vars.yml"]))
    hosts = doc["planner_runbook"]["hosts"]
    assert set(hosts) == {"st1", "fw1", "rtr1", "odd1"}
    st1 = hosts["st1"]
    assert st1["mode"] == "slr" and st1["reservation"]["scope"] == "all"
    assert st1["reservation"]["members"] == ["C9300-48P:SNST1", "C9300-48P:SNM2"]
    assert st1["reservation"]["tags"] == [{"tag": "network-advantage", "count": 2}]
    assert hosts["rtr1"]["usage_file"] == "bootflash:rtr1_usage.txt"
    assert hosts["odd1"]["platform"] is None and hosts["odd1"]["unconfirmed_steps"]


def test_same_input_same_bytes() -> None:
    assert runbook_files(_planned(), generated="2026-11-29") == \
        runbook_files(_planned(), generated="2026-11-29")


def test_trips_group_by_site_in_order() -> None:
    rbs = [runbook(make_device("st1", "C9300-48P", "16.12.5", "classic"), Mode.SLR)]
    trips = site_trips(rbs)
    assert [t.number for t in trips["VAULT"]] == [1, 2, 3]
    assert [len(t.items) for t in trips["VAULT"]] == [1, 1, 1]


def test_html_runbook_through_the_report_environment() -> None:
    files = runbook_files(_planned(), generated="2026-11-29")
    page = str(files["VAULT/runbook.html"])
    assert page.startswith("<!DOCTYPE html>") and "Change record" in page
    assert '<pre class="unconfirmed">! UNCONFIRMED: license smart reservation request all' in page
    assert "Trip 3 (out: reservation confirmation codes to CSSM)" in page
    assert "http" not in page.split("<h2>Sources</h2>")[0].split("</style>")[0]  # nothing fetched


def test_html_escapes_input_text() -> None:
    device = make_device("<script>x</script>", "C9300-48P", "17.9.4", "slup", site="NET")
    planned = PlannedEstate(make_estate([device]),
                            (PlannedDevice(device, Mode.CSSM_DIRECT),), (), "test")
    page = str(runbook_files(planned)["NET/runbook.html"])
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_html_can_be_left_out() -> None:
    from planner.runbooks import build_runbooks
    from planner.runbooks.render import render_files

    planned = _planned()
    runbooks, trips = build_runbooks(planned)
    files = render_files(planned.estate, runbooks, trips, "test", html=False)
    assert not any(name.endswith(".html") for name in files)


def test_markdown_cells_cannot_become_markup() -> None:
    device = make_device("a|b*c", "C9300-48P", "17.9.4", "slup", site="NET")
    planned = PlannedEstate(make_estate([device]),
                            (PlannedDevice(device, Mode.CSSM_DIRECT),), (), "test")
    page = str(runbook_files(planned, html=False)["NET/runbook.md"])
    assert "| a\\|b\\*c |" in page and "### a\\|b\\*c" in page


def test_index_lists_the_server_urls_still_missing() -> None:
    device = make_device("wlc9", "C9800-40-K9", "17.9.4", "slup", site="DC1")
    planned = PlannedEstate(make_estate([device]),
                            (PlannedDevice(device, Mode.ONPREM_NETWORK, "DC1"),), (), "test")
    index = str(runbook_files(planned, html=False)["README.md"])
    assert "SSM On-Prem transport URL of the server at: DC1" in index
    given = runbook_files(planned, RunbookSettings(server_urls={"DC1": "https://x/cslu/v1/pi/T"}),
                          html=False)
    assert "Values still to supply" not in str(given["README.md"])
