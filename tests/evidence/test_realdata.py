"""Every real capture in ../shared/realdata of a command planner reads comes out right.

ntc-templates' expected parses are the oracle where they exist; for the other files the
expectations below are what the text visibly says (PIDs, serials, licences and counts).
Skips when the folder is absent.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import main
from planner.evidence import read_evidence
from planner.evidence.ingest import licence_uses, parse_file_text
from planner.evidence.records import DeviceEvidence
from planner.fileio import read_text
from planner.model import LicensingState

NA, DA = "network-advantage", "dna-advantage"


def _parse(realdata: Path, rel: str) -> list[DeviceEvidence]:
    parsed, _problems, _n = parse_file_text(read_text(realdata / rel), rel)
    return [rec for _b, rec in parsed]


def _uses(rec: DeviceEvidence) -> dict[str, int]:
    return {u.tag: u.count for u in licence_uses(rec)}


def _expected(realdata: Path, rel: str) -> list[dict[str, str]]:
    path = realdata / rel.replace(".txt", ".ntc-expected.yml")
    rows = yaml.safe_load(path.read_text())["parsed_sample"]
    assert isinstance(rows, list)
    return rows


# --- ntc-templates oracles ------------------------------------------------------------------

ASA = [f"device-outputs/asa/show-license-all/ntc-cisco_asa_show_license_all{n}.txt"
       for n in ("", "2", "3", "4", "5")]


@pytest.mark.parametrize("rel", ASA)
def test_asa_show_license_all_matches_ntc(realdata: Path, rel: str) -> None:
    (rec,) = _parse(realdata, rel)
    (row,) = _expected(realdata, rel)
    assert (rec.os, rec.pid, rec.serial) == ("asa", row["pid"], row["sn"])
    if row["license_pid"]:
        assert [(lic.entitlement, str(lic.count)) for lic in rec.licences] == [
            (row["license_pid"], row["license_count"])]
    else:
        assert rec.licences == ()
    assert rec.smart_account == (row["smart_account"] or "")


def test_ios_show_license_matches_ntc(realdata: Path) -> None:
    rel = "device-outputs/ios/show-license/ntc-cisco_ios_show_license.txt"
    (rec,) = _parse(realdata, rel)
    rows = _expected(realdata, rel)
    assert [lic.raw for lic in rec.licences] == [r["feature"] for r in rows]
    for lic, row in zip(rec.licences, rows, strict=True):
        state = row["license_state"].lower()
        assert lic.in_use == ("in use" in state and "not in use" not in state), lic.raw
    assert _uses(rec) == {"appxk9": 1, "hseck9": 1, "ipbasek9": 1, "securityk9": 1}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_ios_show_license_status_matches_ntc(realdata: Path, n: int) -> None:
    rel = f"device-outputs/ios/show-license-status/ntc-cisco_ios_show_license_status{n}.txt"
    (rec,) = _parse(realdata, rel)
    (row,) = _expected(realdata, rel)

    def clean(value: str) -> str:
        return "" if value in {"<none>", "<empty>"} else " ".join(value.split())

    assert rec.smart_account == clean(row["smart_acct"].split(" As of ")[0])
    assert rec.virtual_account == clean(row["virt_acct"])
    assert rec.transport == clean(row["transport_type"])
    assert rec.last_ack == clean(row["last_ack_received"])
    assert rec.next_ack_deadline == clean(row["next_ack_deadline"])
    assert rec.reporting_interval == clean(row["rpt_push_interval"])


@pytest.mark.parametrize("rel", [
    "device-outputs/nx-os/show-license-usage/ntc-cisco_nxos_show_license_usage.txt",
    "device-outputs/nx-os/show-license-usage/ntc-cisco_nxos_show_license_usage_ver10.txt",
])
def test_nxos_show_license_usage_matches_ntc(realdata: Path, rel: str) -> None:
    (rec,) = _parse(realdata, rel)
    rows = _expected(realdata, rel)
    assert rec.os == "nx-os"
    assert [lic.raw for lic in rec.licences] == [r["feature"] for r in rows]
    for lic, row in zip(rec.licences, rows, strict=True):
        assert lic.in_use == (row["status"].upper() == "IN USE")
        if row["license_count"].isdigit():
            assert lic.count == int(row["license_count"])
    assert _uses(rec) == {"nxos-lan-enterprise": 1}


def test_nxos_lab_capture(realdata: Path) -> None:
    (rec,) = _parse(realdata, "device-outputs/nx-os/show-license-usage/n9k-nso-lab.txt")
    assert len(rec.licences) == 20 and _uses(rec) == {}


# --- IOS XE, expectations read off the text -------------------------------------------------

TECH = "device-outputs/ios-xe/show-license-tech-support/genie-ShowLicenseTechSupport-golden_"
TECH_SUPPORT = [
    ("output", "C9300-24UX", "FCW2134L00C", {NA: 3, DA: 3}, 3),
    ("output_2", "C9300-24UX", "FCW2134L00C", {NA: 3, DA: 3}, 3),
    ("output_3", "C9300-24UX", "FCW2134L00C", {"network-essentials": 3}, 3),
    ("output_4", "C9300-48U", "FCW2133G09T", {NA: 3, DA: 3}, 3),
    ("output_5", "C9410R", "FXS2228026X", {NA: 2, DA: 1}, 1),
    ("output_6", "C9500X-28C8D", "FDO2446000P", {NA: 1, DA: 1}, 2),
    ("output_7", "C9300-48S", "FOC2517L8KW", {NA: 2, DA: 2}, 2),
    ("output_8_proxy", "C9407R", "FXS2119Q2U7", {NA: 2, DA: 1}, 1),
    ("output_9", "C9407R", "FXS2119Q2U7", {NA: 2, DA: 1}, 1),
    ("output_10", "C9300-48UXM", "FOC2617YTXX", {NA: 3}, 3),
    ("output_11", "C9300L-48PF-4X", "FOC2732Y0JF", {NA: 1, DA: 1}, None),
    ("output_12", "C9407R", "FXS2119Q2U7", {NA: 2, DA: 1}, 1),
    ("output_13_4M", "C9350-24U", "FOC2705Y8X0", {NA: 4, DA: 4}, 4),
    ("output_14_standalone", "C9606R", "FXS2311Q355", {"network-essentials": 1}, None),
    ("output_15", "C9300-24P", "FOC2334W0K5", {NA: 3, DA: 3}, 3),
    ("output_16", "C9300-24P", "FOC2334W0K5", {NA: 3, DA: 3}, 3),
    ("output_17", "C9500-32QC", "CAT2209L0KS", {NA: 2, DA: 2}, 2),
    ("output_18", "C9500-32QC", "CAT2209L0KS", {NA: 2, DA: 2}, 2),
]


@pytest.mark.parametrize(("name", "pid", "serial", "uses", "members"), TECH_SUPPORT)
def test_tech_support(realdata: Path, name: str, pid: str, serial: str,
                      uses: dict[str, int], members: int | None) -> None:
    (rec,) = _parse(realdata, f"{TECH}{name}.txt")
    assert (rec.command, rec.pid, rec.serial) == ("show license tech support", pid, serial)
    assert _uses(rec) == uses
    assert rec.state is LicensingState.SLUP
    assert not rec.truncated
    if members is not None:
        assert len({m.serial for m in rec.members}) == members


ALL = "device-outputs/ios-xe/show-license-all/genie-ShowLicenseAll-golden_"


@pytest.mark.parametrize(("name", "pid", "serial", "uses", "state"), [
    ("output", "C9300-24UX", "FCW2303D16Y", {NA: 3, DA: 3}, LicensingState.SLUP),
    ("output_2", "C9407R", "FXS2119Q2U7", {}, LicensingState.SLUP),
    ("output_3", "CSR1000V", "9NZ7O74FICQ", {}, LicensingState.CLASSIC),
    ("output_3_4M", "C9350-24U", "FOC2705Y8X0", {NA: 4, DA: 4}, LicensingState.SLUP),
    ("output_4", "C9350-48T", "FOC2820Y07F", {"network-essentials": 3}, LicensingState.SLUP),
])
def test_show_license_all(realdata: Path, name: str, pid: str, serial: str,
                          uses: dict[str, int], state: LicensingState) -> None:
    (rec,) = _parse(realdata, f"{ALL}{name}.txt")
    assert (rec.pid, rec.serial, rec.state) == (pid, serial, state)
    assert _uses(rec) == uses


def test_show_license_all_customer_policy_and_c9350_licence(realdata: Path) -> None:
    (rec,) = _parse(realdata, f"{ALL}output_2.txt")
    assert rec.policy is not None
    assert ("Unenforced/Non-Export Perpetual", 30, 60, 60) in rec.policy.attributes
    assert ("Unenforced/Non-Export Subscription", 120, 111, 111) in rec.policy.attributes
    assert rec.smart_account == "BU Production Test"
    (c9350,) = _parse(realdata, f"{ALL}output_4.txt")
    assert [(lic.raw, lic.count, lic.known) for lic in c9350.licences] == [
        ("essentials (Switching OS Essentials)", 3, True)]
    assert c9350.licences[0].tag == "network-essentials"


SUMMARY = "device-outputs/ios-xe/show-license-summary/"


@pytest.mark.parametrize(("name", "uses"), [
    ("genie-ShowLicenseSummary-golden_output1.txt", [{NA: 1, DA: 1}]),
    ("genie-ShowLicenseSummary-golden_output2.txt",
     [{"network-premier": 1, "dna-premier": 1, "hseck9": 1}]),
    ("genie-ShowLicenseSummary-golden_output3.txt", [{"network-premier": 1, "dna-premier": 1}]),
    ("genie-ShowLicenseSummary-golden_output4.txt", [{NA: 3, DA: 3}]),
    ("c9200l-eval-then-registered.txt", [{"network-essentials": 2}] * 2),
    ("c9400-c9500-ansible.txt", [{NA: 1, DA: 1}] * 3),
    ("c9kv-and-misc.txt", [{NA: 1, DA: 1}, {}, {NA: 1, DA: 1}]),
])
def test_show_license_summary(realdata: Path, name: str, uses: list[dict[str, int]]) -> None:
    recs = _parse(realdata, SUMMARY + name)
    assert [_uses(r) for r in recs] == uses
    assert all(r.command == "show license summary" for r in recs)


def test_summary_eval_then_registered(realdata: Path) -> None:
    before, after = _parse(realdata, SUMMARY + "c9200l-eval-then-registered.txt")
    assert before.state is LicensingState.EVALUATION
    assert after.state is LicensingState.CLASSIC
    assert (after.smart_account, after.virtual_account) == ("BU Production Test",
                                                            "DNAC-Licensing")


def test_show_license_usage(realdata: Path) -> None:
    (rec,) = _parse(realdata, "device-outputs/ios-xe/show-license-usage/"
                              "genie-ShowLicenseUsage-golden_output1.txt")
    assert _uses(rec) == {NA: 3, DA: 3}


@pytest.mark.parametrize(("name", "pid", "serial", "members"), [
    ("genie-ShowLicenseUdi-golden_output1.txt", "ASR1006", "NWG1512050G", 0),
    ("genie-ShowLicenseUdi-golden_output2.txt", "C9350-24U", "FOC2705Y8X0", 4),
])
def test_show_license_udi(realdata: Path, name: str, pid: str, serial: str,
                          members: int) -> None:
    (rec,) = _parse(realdata, f"device-outputs/ios-xe/show-license-udi/{name}")
    assert (rec.pid, rec.serial, len(rec.members)) == (pid, serial, members)


def test_show_license_status(realdata: Path) -> None:
    one, = _parse(realdata, "device-outputs/ios-xe/show-license-status/"
                            "genie-ShowLicenseStatus-golden_output1.txt")
    assert (one.smart_account, one.virtual_account, one.transport) == (
        "SA-Switching-Polaris", "SLE_Test", "cslu")
    assert one.state is LicensingState.SLUP and len(one.members) == 3
    two, = _parse(realdata, "device-outputs/ios-xe/show-license-status/"
                            "genie-ShowLicenseStatus-golden_output2.txt")
    assert two.hostname == "c1000v-5" and two.state is LicensingState.CLASSIC
    assert (two.registration, two.transport) == ("REGISTERED", "Callhome")


@pytest.mark.parametrize(("name", "uses"), [
    ("genie-ShowLicense-golden_output1.txt",
     {"appxk9": 1, "hseck9": 1, "ipbasek9": 1, "securityk9": 1}),
    ("genie-ShowLicense-golden_output2.txt", {"adventerprise": 1, "avc": 1}),
])
def test_ios_xe_show_license(realdata: Path, name: str, uses: dict[str, int]) -> None:
    (rec,) = _parse(realdata, f"device-outputs/ios-xe/show-license/{name}")
    assert _uses(rec) == uses


def test_cube_guide_mixed_captures(realdata: Path) -> None:
    recs = _parse(realdata, "device-outputs/ios-xe/mixed/cube-guide-c8000v-c8200l-asr1006x.txt")
    by_serial = {r.serial: r for r in recs if r.serial}
    # FGL2435LHLH is the active CUBE router the standby names under `Peer Info`
    assert set(by_serial) == {"93POM8FF9IZ", "FGL2435LHP5", "FGL2435LHLH"}
    assert by_serial["FGL2435LHP5"].pid == "C8200L-1N-4T"
    peer = by_serial["FGL2435LHLH"]
    assert (peer.hostname, peer.pid, peer.licences) == ("Promethium-L1", "C8200L-1N-4T", ())
    assert _uses(by_serial["FGL2435LHP5"]) == {
        "network-premier": 1, "dna-premier": 1, "cube-enhanced": 1}
    assert by_serial["93POM8FF9IZ"].reservation_codes[0].code == "1fc54c75"
    cube = [r for r in recs if r.hostname == "cube-1"]
    assert {lic.raw.split(" ")[0]: lic.count for lic in cube[0].licences} == {
        "adventerprise": 1, "ipbase": 1, "CUBE_Standard_Session": 10}


def test_iosxr(realdata: Path) -> None:
    (summary,) = _parse(realdata, "device-outputs/ios-xr/show-license-platform-summary/"
                                  "cisco-8711.txt")
    assert summary.hostname == "Saturn-8711-32FH-M"
    assert [lic.count for lic in summary.licences] == [4, 2]
    (detail,) = _parse(realdata, "device-outputs/ios-xr/show-license-platform-detail/"
                                 "cisco-8202-sia-ooc.txt")
    assert detail.authorization.startswith("OUT OF COMPLIANCE")


def test_rum_report(realdata: Path) -> None:
    for rel in ("rum/c9800-cl-rum-report.xml", "rum/c9800-cl-rum-report.decoded.json"):
        (rec,) = _parse(realdata, rel)
        assert (rec.pid, rec.serial, rec.version) == ("C9800-CL-K9", "9NTUEA8FIIH", "17.09.02")
        assert _uses(rec) == {"air-network-advantage": 3}
        assert {c.serial for c in rec.consumers} == {"FDW2109B29P", "FDW2109B2BX", "FDW2028D3SV"}


def test_slr_artefacts(realdata: Path) -> None:
    (auth,) = _parse(realdata, "slr/cucm-slr-authorization-code.xml")
    assert (auth.pid, auth.serial, auth.os) == ("UCM", "cc920", "cucm")
    assert _uses(auth) == {"ucm-cuwl": 5, "ucm-enhanced-plus": 5, "ucm-essential": 5,
                           "ucm-basic": 5, "ucm-enhanced": 5}
    recs = _parse(realdata, "slr/c9300-slr-cli-transcript.txt")
    codes = {c.kind: c.code for r in recs for c in r.reservation_codes}
    assert codes["request"] == "CB-ZC9300-24UX:FCW2134L0RN-AK9A6sMTr-86"
    assert codes["return"].startswith("ChWhde-okvz5f")
    assert codes["confirmation"] == "17488c1f"
    assert any(r.reservation == "SPECIFIC INSTALLED" and r.serial == "FCW2134L0RN"
               for r in recs)


def test_whole_folder_reads_without_error(realdata: Path) -> None:
    devices, problems, _records = read_evidence([realdata], base=realdata)
    assert len({d.serial for d in devices if d.serial}) >= 25
    assert all(p.severity == "warning" for p in problems)


# --- every serial a device output prints comes out of `planner ingest` ----------------------

_UDI_SERIAL = re.compile(r"\bPID:\s*[^,\s]+\s*,\s*SN:\s*(?P<sn>[A-Za-z0-9]+)|"
                         r"\bUDI: P:[^,\s]+,S:(?P<peer>[A-Za-z0-9]+)|"
                         r"\"udi_serial_number\":\s*\"(?P<json>[A-Za-z0-9]+)\"|"
                         r"^Serial Number:\s*(?P<asa>[A-Za-z0-9]+)", re.MULTILINE)
# The older `show license udi` table: `*  ASR1006  NWG1512050G  ASR1006:NWG1512050G`
_SLOT_UDI = re.compile(r"^\*?\s*\S*\s+(\S+)\s+([A-Za-z0-9]{8,})\s+\1:\2\s*$", re.MULTILINE)


def test_every_printed_device_serial_is_ingested(realdata: Path, tmp_path: Path) -> None:
    """Each UDI (`PID:x,SN:y`, and `P:x,S:y` of an HA peer) printed by a device's licence
    commands, and each ASA serial, is a device or a stack member in the devices CSV `planner
    ingest` writes."""
    folder = realdata / "device-outputs"
    texts = [read_text(path) for path in sorted(folder.rglob("*.txt"))]
    printed = {next(v for v in m.groups() if v) for text in texts
               for m in _UDI_SERIAL.finditer(text)}
    printed |= {m.group(2) for text in texts for m in _SLOT_UDI.finditer(text)}
    out = tmp_path / "devices.csv"
    result = CliRunner().invoke(main, ["ingest", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = set()
    for row in csv.DictReader(io.StringIO(out.read_text())):
        written.add(row["serial"])
        written.update(m.split(":", 1)[1] for m in row["members"].split(";") if ":" in m)
    assert len(printed) >= 42
    assert printed <= written, sorted(printed - written)


def test_show_license_authorization_and_rum_detail_make_devices(realdata: Path) -> None:
    (auth,) = _parse(realdata, "device-outputs/ios-xe/show-license-authorization/"
                               "genie-ShowLicenseAuthorization-golden_output.txt")
    assert (auth.command, auth.pid, auth.serial) == ("show license authorization",
                                                     "C9300-24UX", "FCW2147L0C5")
    (rum,) = _parse(realdata, "device-outputs/ios-xe/show-license-rum-id-id-detail/"
                              "genie-ShowLicenseRumIdDetail-second.txt")
    assert (rum.command, rum.pid, rum.serial) == ("show license rum id", "C9800-L-F-K9",
                                                  "FCW2310M0XB")
