"""Each parser over the project's own fixtures: identities, licences, statuses and clocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.evidence import fsm, iosxe, nxos, rum, slr
from planner.evidence.ingest import licence_uses, parse_file_text
from planner.evidence.normalise import canonical_licence, split_status
from planner.evidence.records import DeviceEvidence, Era
from planner.model import LicenceUse, LicensingState, StackMember


def _records(fixtures: Path, rel: str) -> list[DeviceEvidence]:
    raw = (fixtures / rel).read_bytes()
    from planner.fileio import decode_bytes
    parsed, _problems, _n = parse_file_text(decode_bytes(raw, rel), rel)
    return [rec for _block, rec in parsed]


def _by_command(records: list[DeviceEvidence]) -> dict[str, DeviceEvidence]:
    return {r.command: r for r in records}


@pytest.mark.parametrize(("name", "entitlement", "tag", "known"), [
    ("network-advantage", "C9300-24 Network Advantage", "network-advantage", True),
    ("C9200L Network Essen...", "C9200L-NW-E-48", "network-essentials", True),
    ("", "C9200L-DNA-E-24", "dna-essentials", True),
    ("C9400 Network Essent...", "essentialsk9-C9400", "network-essentials", True),
    ("network-premier_5G", "ESR_P_5G_P", "network-premier", True),
    ("Router US Export Lic...", "DNA_HSEC", "hseck9", True),
    ("", "regid.2018-06.com.cisco.DNA_NWStack,1.0_e7244e71", "air-network-advantage", True),
    ("ASAv5 Standard - 100M", "ASAv-STD-100M", "asav-standard", True),
    ("CUBE_T_STD", "CUBE_T_STD", "cube-standard", True),
    ("SIA_FCM_2_CORE", "SIA_FCM_2_CORE", "SIA_FCM_2_CORE", False),
])
def test_canonical_licence(name: str, entitlement: str, tag: str, known: bool) -> None:
    assert canonical_licence(name, entitlement) == (tag, known)


def test_software_id_is_the_product_not_a_licence(fixtures: Path) -> None:
    rec = _by_command(_records(fixtures, "tech/core-dc1.tech"))["show license tech support"]
    assert "C9500" not in {lic.tag for lic in rec.licences}
    assert all("Software ID" not in lic.raw for lic in rec.licences)


@pytest.mark.parametrize(("text", "status", "code"), [
    ("IN USE(15)", "IN USE", 15), ("NOT IN USE(1)", "NOT IN USE", 1),
    ("EVAL MODE", "EVAL MODE", None), ("AUTHORIZED on Mar 13 08:09:28 2024 UTC", "AUTHORIZED",
                                        None),
    ("In use", "IN USE", None), ("Unused", "NOT IN USE", None),
])
def test_split_status(text: str, status: str, code: int | None) -> None:
    assert split_status(text) == (status, code)


def test_stack_session_summary_udi_status_version(fixtures: Path) -> None:
    recs = _by_command(_records(fixtures, "site-hq/sw-hq-01.txt"))
    version = recs["show version"]
    assert (version.hostname, version.pid, version.serial, version.version) == (
        "sw-hq-01", "C9300-48P", "FOC2233X0AB", "17.09.04a")
    summary = recs["show license summary"]
    assert summary.smart_account == "Northwind Federal"  # `As of <date>` stripped
    assert summary.virtual_account == "HQ-Network"
    # counts are per stack: two 48-port and one 24-port member print one line each
    assert licence_uses(summary) == (LicenceUse("dna-advantage", 3),
                                     LicenceUse("network-advantage", 3))
    udi = recs["show license udi"]
    assert (udi.pid, udi.serial) == ("C9300-48P", "FOC2233X0AB")
    assert udi.members == (StackMember("C9300-48P", "FOC2233X0AB"),
                           StackMember("C9300-48P", "FOC2233X0AC"),
                           StackMember("C9300-24T", "FOC2240Y1QZ"))
    status = recs["show license status"]
    assert status.era is Era.SLUP
    assert (status.transport, status.transport_url) == ("cslu",
                                                        "http://10.20.0.15:8182/cslu/v1/pi")
    assert (status.last_ack, status.next_ack_deadline) == ("Nov 02 10:15:40 2026 UTC",
                                                           "Jan 01 10:15:40 2027 UTC")
    assert status.reporting_interval == "30 days"
    assert status.policy is not None and status.policy.name == "SLE Policy"
    assert status.policy.ack_required is True
    assert ("Unenforced/Non-Export Subscription", 120, 111, 111) in status.policy.attributes
    assert ("Enforced (Perpetual/Subscription)", 0, 90, 60) in status.policy.attributes


def test_usage_block_form(fixtures: Path) -> None:
    rec = _records(fixtures, "site-hq/sw-hq-01-usage.log")[0]
    assert rec.command == "show license usage" and rec.hostname == "sw-hq-01"
    assert [(lic.tag, lic.count, lic.status, lic.licence_type) for lic in rec.licences] == [
        ("network-advantage", 2, "IN USE", "Perpetual"),
        ("dna-advantage", 2, "IN USE", "Subscription"),
        ("network-advantage", 1, "IN USE", "Perpetual"),
        ("dna-advantage", 1, "IN USE", "Subscription")]
    assert rec.era is Era.SLUP  # `License Authorization: Not Applicable` is a SLUP-ism
    assert not rec.truncated


def test_tech_support(fixtures: Path) -> None:
    rec = _records(fixtures, "tech/core-dc1.tech")[0]
    assert (rec.hostname, rec.pid, rec.serial) == ("core-dc1", "C9500-32QC", "CAT2311L4KM")
    assert rec.members[1] == StackMember("C9500-32QC", "CAT2311L4KN")
    # `IN USE(15)`: status IN USE; the count is the Count line, not the status code
    assert [(lic.tag, lic.count, lic.status) for lic in rec.licences] == [
        ("network-advantage", 1, "IN USE"), ("dna-advantage", 1, "IN USE"),
        ("hseck9", 0, "NOT IN USE")]
    assert rec.licences[0].entitlement.startswith("regid.2017-07.com.cisco.advantagek9")
    assert (rec.smart_account, rec.virtual_account) == ("Northwind Federal", "DC-Core")
    assert rec.transport == "Smart" and rec.reservation == "DISABLED"
    # the second `Usage Reporting:` (communication statistics) does not overwrite the clocks
    assert rec.last_ack == "Oct 28 14:02:40 2026 UTC"
    assert rec.reporting_interval == "30 days"
    assert rec.state is LicensingState.SLUP
    assert rec.detail == 5 and not rec.truncated


def test_classic_show_license_all(fixtures: Path) -> None:
    rec = _records(fixtures, "site-hq/sw-branch-02_all.txt")[0]
    assert (rec.pid, rec.serial) == ("C9200L-24P-4G", "JAE23120ABC")
    assert rec.era is Era.CLASSIC and rec.registration == "REGISTERED"
    assert rec.authorization == "AUTHORIZED"
    assert licence_uses(rec) == (LicenceUse("dna-essentials", 1),
                                 LicenceUse("network-essentials", 1))
    assert rec.state is LicensingState.CLASSIC


def test_eval_mode_summary_and_slot_udi(fixtures: Path) -> None:
    recs = _by_command(_records(fixtures, "misc/eval-closet-3.txt"))
    summary = recs["show license summary"]
    assert summary.evaluation and summary.state is LicensingState.EVALUATION
    assert [(lic.tag, lic.status) for lic in summary.licences] == [
        ("network-essentials", "EVAL MODE"), ("dna-essentials", "EVAL MODE")]
    udi = recs["show license udi"]
    assert (udi.pid, udi.serial) == ("C9200L-24P-4G", "JAE24090XYZ")


def test_reservation_transcript(fixtures: Path) -> None:
    recs = _records(fixtures, "slr/scif-sw-07.txt")
    request = recs[0]
    assert request.reservation_codes[0].code == "CB-ZC9300-24P:FOC2311V0AA-BQ7x9LmQe-3F"
    assert (request.pid, request.serial) == ("C9300-24P", "FOC2311V0AA")  # from the code
    reservation = _by_command(recs)["show license reservation"]
    assert reservation.reservation == "SPECIFIC INSTALLED"
    assert reservation.state is LicensingState.SLR
    assert (reservation.pid, reservation.serial) == ("C9300-24P", "FOC2311V0AA")
    assert [(lic.tag, lic.count, lic.status) for lic in reservation.licences] == [
        ("network-advantage", 1, "RESERVED"), ("dna-advantage", 1, "RESERVED")]
    kinds = {c.kind: c.code for r in recs for c in r.reservation_codes}
    assert kinds["confirmation"] == "5a1c9e07"


def test_request_code_embeds_pid_and_serial() -> None:
    rec = slr.parse_codes("CB-ZC9300-48UXM:FCW2130G0NH-AK9A6sMTr-BF\n", "slr-request-code")
    assert (rec.pid, rec.serial) == ("C9300-48UXM", "FCW2130G0NH")


def test_authorization_code(fixtures: Path) -> None:
    rec = slr.parse_authorization((fixtures / "slr" / "AC_FOC2311V0AB.xml").read_text())
    assert (rec.pid, rec.serial) == ("C9300-24P", "FOC2311V0AB")
    assert [(lic.tag, lic.count, lic.licence_type) for lic in rec.licences] == [
        ("network-advantage", 1, "PERPETUAL"), ("dna-advantage", 1, "TERM")]
    assert rec.state is LicensingState.SLR


def test_authorization_code_cut_off() -> None:
    with pytest.raises(slr.SlrError, match="cut off"):
        slr.parse_authorization("<specificPLR><authorizationCode><flag>A</flag>")


def test_rum_report(fixtures: Path) -> None:
    rec = rum.parse_rum((fixtures / "rum" / "wlc-hq-rum.xml").read_text())
    assert (rec.pid, rec.serial, rec.version) == ("C9800-40-K9", "TTM2415002X", "17.12.03")
    assert rec.members == (StackMember("C9800-40-K9", "TTM2415002X"),
                           StackMember("C9800-40-K9", "TTM2415002Y"))
    # latest measurement counts 2 access points; the removed one is no longer a consumer
    assert [(lic.tag, lic.count) for lic in rec.licences] == [("air-network-advantage", 2)]
    assert [c.serial for c in rec.consumers] == ["FJC2411A0AA", "FJC2411A0AB"]
    assert rec.era is Era.SLUP


def test_rum_rejects_entity_expansion() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<RUMReport>&b;</RUMReport>")
    with pytest.raises(rum.RumError):
        rum.parse_rum(bomb)


def test_rum_truncated_json() -> None:
    with pytest.raises(rum.RumError, match="cut off or malformed"):
        rum.parse_rum('<RUMReport><![CDATA[{"payload": "{\\"version\\":]]></RUMReport>')


def test_nxos_table_and_block_forms(fixtures: Path) -> None:
    version, table = _records(fixtures, "nexus/n9k-leaf-01.txt")
    assert (version.pid, version.serial, version.hostname) == ("N9K-C93180YC-EX", "FDO22340PXL",
                                                               "n9k-leaf-01")
    assert table.os == "nx-os" and table.era is Era.TRADITIONAL
    assert licence_uses(table) == (LicenceUse("nxos-lan-enterprise", 1),)
    block = _records(fixtures, "nexus/n9k-spine-01.txt")[0]
    assert block.os == "nx-os" and block.hostname == "n9k-spine-01"
    assert licence_uses(block) == (LicenceUse("nxos-advantage", 1),
                                   LicenceUse("nxos-lan-enterprise", 1))
    with pytest.raises(fsm.ParseError, match="unexpected line"):
        nxos.parse_usage("garbage\n")


def test_asa_show_license_all(fixtures: Path) -> None:
    rec = _records(fixtures, "asa/fw-edge-01.txt")[0]
    assert (rec.os, rec.hostname, rec.pid, rec.serial) == ("asa", "fw-edge-01", "ASAv",
                                                           "9AB1CDE2F3G")
    assert licence_uses(rec) == (LicenceUse("asav-standard", 1),)
    assert (rec.smart_account, rec.virtual_account, rec.transport) == (
        "Northwind Federal", "Security", "Callhome")


def test_ios_show_license_and_version(fixtures: Path) -> None:
    recs = _by_command(_records(fixtures, "misc/isr-branch-09.txt"))
    lic = recs["show license"]
    assert lic.os == "ios"
    assert licence_uses(lic) == (LicenceUse("appxk9", 1), LicenceUse("ipbasek9", 1),
                                 LicenceUse("securityk9", 1))
    assert {x.tag: x.status for x in lic.licences}["uck9"] == "NOT IN USE"
    ver = recs["show version"]
    assert (ver.pid, ver.serial, ver.version) == ("ISR4331/K9", "FDO21520TGH", "16.09.08")


def test_iosxr_platform_summary_and_detail(fixtures: Path) -> None:
    recs = _by_command(_records(fixtures, "xr/pe-dc1-01.txt"))
    summary = recs["show license platform summary"]
    assert summary.os == "ios-xr" and summary.hostname == "pe-dc1-01"
    assert [(lic.count, lic.known) for lic in summary.licences] == [(8, False), (1, False)]
    assert "Core and Edge Advantage RTU" in summary.licences[0].raw
    assert summary.authorization == "IN COMPLIANCE"
    detail = recs["show license platform detail"]
    assert detail.licences == () and detail.authorization == "IN COMPLIANCE"


def test_truncated_output_keeps_what_it_holds(fixtures: Path) -> None:
    recs = _by_command(_records(fixtures, "misc/truncated-sw-lab-5.txt"))
    cut = recs["show license all"]
    assert cut.truncated
    assert licence_uses(cut) == (LicenceUse("network-essentials", 1),)


def test_summary_truncated_after_header() -> None:
    text = ("License Usage:\n  License                 Entitlement Tag               Count "
            "Status\n  ---------------------------------------------------------------------\n")
    rec = iosxe.parse_summary(text)
    assert rec.truncated and rec.licences == ()


def test_asa_falls_back_when_the_template_rejects_a_line(fixtures: Path) -> None:
    from planner.evidence import asa

    text = (fixtures / "asa" / "fw-edge-01.txt").read_text().split("\n", 1)[1]
    text = text.replace("Transport:\n", "Transport:\n  Some future field: x\n")
    with pytest.raises(fsm.ParseError):  # the template itself refuses the new line
        fsm.parse("ntc:cisco_asa_show_license_all", text)
    rec = asa.parse_show_license_all(text)
    assert (rec.os, rec.serial) == ("asa", "9AB1CDE2F3G")
    assert licence_uses(rec) == (LicenceUse("asav-standard", 1),)


TEMPLATE_SAMPLES = {  # shipped template -> (fixture, rows it must yield)
    "iosxe_show_license_summary": ("site-hq/sw-hq-01.txt", 4),
    "iosxe_show_license_usage": ("site-hq/sw-hq-01-usage.log", 4),
    "iosxe_show_license_udi": ("misc/eval-closet-3.txt", 1),
    "iosxe_show_version": ("misc/isr-branch-09.txt", 1),
    "iosxr_show_license_platform_summary": ("xr/pe-dc1-01.txt", 2),
}


def test_every_shipped_template_is_tested() -> None:
    from planner.resources import models_dir

    shipped = {p.stem for p in (models_dir() / "textfsm").glob("*.textfsm")}
    assert shipped == set(TEMPLATE_SAMPLES)


@pytest.mark.parametrize(("template", "sample"), sorted(TEMPLATE_SAMPLES.items()))
def test_template_rows(fixtures: Path, template: str, sample: tuple[str, int]) -> None:
    rel, rows = sample
    text = (fixtures / rel).read_text()
    if template == "iosxe_show_license_summary":
        text = text.split("sw-hq-01#show license summary\n", 1)[1].split("sw-hq-01#", 1)[0]
    if template == "iosxe_show_license_udi":
        text = text.split("closet-3#sh lic udi\n", 1)[1]
    if template == "iosxr_show_license_platform_summary":
        text = text.split("#show license platform detail", 1)[0]
    assert len(fsm.parse(template, text)) == rows
