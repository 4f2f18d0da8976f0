"""`show version` on every platform and era, stacks, technology packages and identity rules.

The fixtures in fixtures/version are our own, anonymised, written on the layouts of public
outputs checked line by line: networktocode/ntc-templates tests/cisco_ios/show_version
(cisco_ios_show_version1.raw: 3850 stack and License Level lines; _special_build.raw: CUST-SPECIAL
build on a C9500 pair; cisco_ios_show_version4.raw: Catalyst 9000 licence-level table),
tests/cisco_nxos/show_version (cisco_nxos_show_version_aci.raw: ACI leaf), tests/cisco_asa/
show_version (cisco_asa_show_version.raw: ASA 5516), tests/cisco_xr/show_version
(cisco_xr_show_version_01.raw: Cisco 8202), and genieparser's iosxe ShowVersion parser comments
(ISR G2 `License UDI` and technology-package tables, Nexus 3048 chassis line).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.evidence import read_evidence_detailed
from planner.evidence.identity import clean_serial, nexus_pid, software_train
from planner.evidence.ingest import licence_uses, parse_file_text
from planner.evidence.records import DeviceEvidence, Era
from planner.model import LicenceUse, LicensingState, StackMember

VERSION = Path(__file__).parent / "fixtures" / "version"


def _one(name: str, command: str = "show version") -> DeviceEvidence:
    recs = [r for _s, r in parse_file_text((VERSION / name).read_text(), name)[0]
            if r.command == command]
    assert len(recs) == 1, recs
    return recs[0]


# name -> (os, hostname, pid, serial, version)
IDENTITY = {
    "ios12-c2621xm.txt": ("ios", "wan-edge-old", "CISCO2621XM", "JAE07010ABC", "12.2(15)T5"),
    "ios12-c2960-comma.txt": ("ios", "sw-floor2", "WS-C2960-24TT-L", "FHK102KKKKK",
                              "12.2(55)SE12"),
    "ios12-cat6500.txt": ("ios", "core-6509", "WS-C6509-E", "SMG1234A0BC", "12.2(33)SXJ10"),
    "ios12-cat4500.txt": ("ios", "dist-4507", "WS-C4507R+E", "FOX1523G0AB", "12.2(54)SG1"),
    "ios15-isr-g2.txt": ("ios", "br-rtr-11", "CISCO2911/K9", "FGL1701ABCD", "15.2(4)M7"),
    "xe3-c3850-ipservices.txt": ("ios-xe", "dist-3850", "WS-C3850-24T", "FOC1830X0AA",
                                 "03.06.08E"),
    "xe16-everest-isr4331.txt": ("ios-xe", "voice-gw-3", "ISR4331/K9", "FLM2206W0AB", "16.6.4"),
    "xe16-dev-c9300.txt": ("ios-xe", "lab-c9300", "C9300-24T", "FOC2222X1YZ", "16.12"),
    "xe16-svl-special.txt": ("ios-xe", "core-svl", "C9500-40X", "FCW2233A0AA", "16.9.5"),
    "xe17-c9300-stack.txt": ("ios-xe", "acc-stack-4", "C9300-48P", "FOC2418L1AA",
                             "17.09.04a"),
    "xe17-c8300.txt": ("ios-xe", "wan-c8300", "C8300-1N1S-6T", "FDO2501A0XY", "17.12.03a"),
    "xe17-vg400.txt": ("ios-xe", "vg-lobby", "VG400-8FXS", "FGL2412A0VG", "17.06.05"),
    "xe17-c9800-cl.txt": ("ios-xe", "wlc-dc-2", "C9800-CL-K9", "9SV1AB2CD3E", "17.09.05"),
    "xe17-c8000v-addon.txt": ("ios-xe", "vrtr-edge-4", "C8000V", "9E4ABCDEFGH", "17.09.04a"),
    "xe16-isr4451-indented.txt": ("ios-xe", "isr-core-1", "ISR4451-X/K9", "FGL2736A0NK",
                                  "16.06.05"),
    "xe17-svl-dev-brackets.txt": ("ios-xe", "core-svl-9606", "C9606R", "FXS2522A0PC", "17.8"),
    "nxos-n5k-5548.txt": ("nx-os", "n5k-agg-1", "N5K-C5548UP", "FOC17350A0B", "7.0(8)N1(1)"),
    "nxos-n3k-3048.txt": ("nx-os", "n3k-oob", "N3K-C3048TP-1GE", "FOC19240A1B", "7.0(3)I7(3)"),
    "nxos-n3k-c3232c.txt": ("nx-os", "spine-32c", "N3K-C3232C", "FOC22010A2C", "9.3(10)"),
    "nxos-n7k.txt": ("nx-os", "dc-core-7k", "N7K-C7010", "JAF1715A0CD", "8.4(4a)"),
    "nxos-n9k-10x.txt": ("nx-os", "leaf-9k-07", "N9K-C93180YC-FX", "FDO24120A7Z", "10.3(4a)"),
    "aci-leaf.txt": ("aci", "aci-leaf-101", "N9K-C93180YC-EX", "FDO21150A9B", "16.0(3e)"),
    "asa-5516.txt": ("asa", "fw-dmz-1", "ASA5516", "JAD22260A1B", "9.12(4)56"),
    "asa-fpr-smart.txt": ("asa", "fw-core-2", "FPR-2130", "JAD24100B2C", "9.20(2)2"),
    "xr-8202.txt": ("ios-xr", "pe-core-1", "8202-32FH-M", "", "7.9.2"),
    "xr-asr9k-brief.txt": ("ios-xr", "agg-asr9k", "ASR-9006-AC", "", "6.4.2"),
}


@pytest.mark.parametrize("name", sorted(IDENTITY))
def test_identity_on_every_platform(name: str) -> None:
    rec = _one(name)
    assert (rec.os, rec.hostname, rec.pid, rec.serial, rec.version) == IDENTITY[name]
    assert not rec.truncated


def test_every_fixture_is_checked() -> None:
    others = {"nxos-license-file.txt", "status-only-prompt.txt", "c9300-inventory-stack.txt"}
    assert {p.name for p in VERSION.iterdir()} == set(IDENTITY) | others


def test_stack_members_from_switch_sections() -> None:
    rec = _one("xe17-c9300-stack.txt")
    assert rec.members == (StackMember("C9300-48P", "FOC2418L1AA"),
                           StackMember("C9300-48P", "FOC2418L1BB"),
                           StackMember("C9300-24P", "FOC2420X1CC"),
                           StackMember("C9300-48U", "FOC2421Y1DD"))
    # one licence level for the whole stack: every member consumes one
    assert licence_uses(rec) == (LicenceUse("dna-advantage", 4),
                                 LicenceUse("network-advantage", 4))
    assert rec.era is Era.SLUP


def test_stackwise_virtual_pair_and_special_build() -> None:
    rec = _one("xe16-svl-special.txt")
    assert [m.serial for m in rec.members] == ["FCW2233A0AA", "FCW2234B0BB"]
    assert licence_uses(rec) == (LicenceUse("dna-advantage", 2),
                                 LicenceUse("network-advantage", 2))
    # `Smart Licensing Status: UNREGISTERED/EVAL EXPIRED` is classic Smart Licensing
    assert (rec.era, rec.evaluation) == (Era.CLASSIC, True)


def test_standalone_switch_has_no_member_list() -> None:
    assert _one("ios12-c2960-comma.txt").members == ()
    assert _one("xe16-dev-c9300.txt").members == ()


def test_isr_g2_licence_udi_wins_and_packages_are_read() -> None:
    rec = _one("ios15-isr-g2.txt")
    # processor board ID FTX1700AHEM is the motherboard; the licence UDI is the device's
    assert (rec.pid, rec.serial) == ("CISCO2911/K9", "FGL1701ABCD")
    packages = {lic.tag: (lic.status, lic.licence_type, lic.next_reload)
                for lic in rec.licences}
    assert packages["ipbasek9"] == ("IN USE", "Permanent", "ipbasek9")
    assert packages["uck9"] == ("EVAL MODE", "EvalRightToUse", "uck9")
    assert packages["data"][0] == "NOT IN USE"
    assert licence_uses(rec) == (LicenceUse("ipbasek9", 1), LicenceUse("securityk9", 1),
                                 LicenceUse("uck9", 1))
    assert (rec.era, rec.state) == (Era.TRADITIONAL, LicensingState.EVALUATION)


def test_isr4000_16x_release_name_line_and_rtu_packages() -> None:
    rec = _one("xe16-everest-isr4331.txt")
    assert licence_uses(rec) == (LicenceUse("appxk9", 1), LicenceUse("ipbasek9", 1),
                                 LicenceUse("securityk9", 1), LicenceUse("uck9", 1))
    assert rec.era is Era.TRADITIONAL


@pytest.mark.parametrize(("name", "uses", "era"), [
    ("xe17-c8300.txt", {"network-advantage": 1, "dna-advantage": 1}, Era.SLUP),
    ("xe17-vg400.txt", {"uck9": 1}, Era.SLUP),
    ("xe17-c8000v-addon.txt", {"network-advantage": 1, "dna-advantage": 1}, Era.SLUP),
    # the AIR level is the access points' licence, not one the controller consumes
    ("xe17-c9800-cl.txt", {}, Era.SLUP),
    ("xe16-isr4451-indented.txt", {"appxk9": 1, "ipbasek9": 1, "securityk9": 1},
     Era.TRADITIONAL),
    ("xe17-svl-dev-brackets.txt", {"network-advantage": 2, "dna-advantage": 2}, Era.SLUP),
])
def test_router_package_layouts_and_slup_status(name: str, uses: dict[str, int],
                                               era: Era) -> None:
    rec = _one(name)
    assert {u.tag: u.count for u in licence_uses(rec)} == uses
    assert rec.era is era and rec.era_weak


def test_development_build_and_aci_do_not_imply_slup(tmp_path: Path) -> None:
    for name in ("xe16-dev-c9300.txt", "aci-leaf.txt"):
        (tmp_path / name).write_text((VERSION / name).read_text())
    result = read_evidence_detailed([tmp_path], base=tmp_path)
    states = {d.serial: d.state for d in result.devices}
    assert states == {"FOC2222X1YZ": LicensingState.UNKNOWN,
                      "FDO21150A9B": LicensingState.UNKNOWN}


def test_release_version_still_implies_slup(tmp_path: Path) -> None:
    text = (VERSION / "nxos-n9k-10x.txt").read_text()
    (tmp_path / "n9k.txt").write_text(text)
    (device,) = read_evidence_detailed([tmp_path], base=tmp_path).devices
    assert device.state is LicensingState.SLUP  # NX-OS 10.2(1)+ runs SLUP


def test_show_license_capture_outranks_show_version(tmp_path: Path) -> None:
    version = (VERSION / "xe16-svl-special.txt").read_text()
    summary = ("core-svl#show license summary\nLicense Usage:\n  License                 "
               "Entitlement tag               Count Status\n  ----------------------------"
               "-------------------------------------------\n  network-essentials      "
               "(C9500 Network Essentials)        2 IN USE\n"
               "core-svl#show license status\nSmart Licensing is ENABLED\n\nRegistration:\n"
               "  Status: REGISTERED\n\nLicense Authorization:\n  Status: AUTHORIZED\n")
    (tmp_path / "a.txt").write_text(summary)
    (tmp_path / "b.txt").write_text(version)  # the later capture, yet the weaker evidence
    result = read_evidence_detailed([tmp_path], base=tmp_path)
    (device,) = result.devices
    assert device.licences == (LicenceUse("network-essentials", 2),)
    assert device.state is LicensingState.CLASSIC
    assert not [p for p in result.problems if "disagree" in p.message]


def test_nxos_license_file_is_not_sent_to_the_ios_template() -> None:
    rec = _one("nxos-license-file.txt", "show license")
    assert (rec.os, rec.serial, rec.hostname) == ("nx-os", "JAF1715B1EF", "n7k-edge")
    assert [(lic.tag, lic.status) for lic in rec.licences] == [
        ("nxos-lan-enterprise", "INSTALLED")]
    assert licence_uses(rec) == ()


def test_status_only_capture_makes_a_device_with_its_accounts(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text((VERSION / "status-only-prompt.txt").read_text())
    (device,) = read_evidence_detailed([tmp_path], base=tmp_path).devices
    assert (device.hostname, device.smart_account, device.virtual_account, device.state) == (
        "wan-edge-22", "Northwind Federal", "Branch-WAN", LicensingState.SLUP)


def test_inventory_stack_members_and_xr_chassis_serial() -> None:
    rec = _one("c9300-inventory-stack.txt", "show inventory")
    assert (rec.pid, rec.serial) == ("C9300-48P", "FOC2301A0AA")
    assert rec.members == (StackMember("C9300-48P", "FOC2301A0AA"),
                           StackMember("C9300-24T", "FOC2302A0BB"))
    xr = _one("xr-8202.txt", "show inventory")
    assert (xr.pid, xr.serial) == ("8202-32FH-M", "FOC2531A0PE")


def test_xr_version_and_inventory_join_into_one_device(tmp_path: Path) -> None:
    (tmp_path / "xr.txt").write_text((VERSION / "xr-8202.txt").read_text())
    (device,) = read_evidence_detailed([tmp_path], base=tmp_path).devices
    assert (device.hostname, device.pid, device.serial, device.version) == (
        "pe-core-1", "8202-32FH-M", "FOC2531A0PE", "7.9.2")


@pytest.mark.parametrize(("line", "pid"), [
    ("  cisco Nexus9000 C93180YC-EX chassis", "N9K-C93180YC-EX"),
    ("  cisco Nexus9000 C9396PX Chassis", "N9K-C9396PX"),
    ("  cisco Nexus3000 C3232C Chassis (Nexus 3232C Chassis)", "N3K-C3232C"),
    ('  cisco Nexus 3048 Chassis ("48x1GE + 4x10G Supervisor")', "N3K-C3048TP-1GE"),
    ('  cisco Nexus5548 Chassis ("O2 32X10GE/Modular Universal Platform Supervisor")',
     "N5K-C5548UP"),
    ('  cisco Nexus5548 Chassis ("O2 32X10GE/Modular Supervisor")', "N5K-C5548P"),
    ('  cisco Nexus5596 Chassis ("O2 48X10GE/Modular Universal Platform Supervisor")',
     "N5K-C5596UP"),
    ('  cisco Nexus5020 Chassis ("40x10GE/Supervisor")', "N5K-C5020P-BF"),
    ('  cisco Nexus7000 C7010 (10 Slot) Chassis ("Supervisor Module-2")', "N7K-C7010"),
    ('  cisco Nexus7700 C7706 (6 Slot) Chassis ("Supervisor Module-2")', "N77-C7706"),
    ('  cisco N9K-C93180LC-EX ("supervisor")', "N9K-C93180LC-EX"),
    ("  cisco Nexus 3172T Chassis", "N3K-C3172T"),
])
def test_nexus_chassis_names_become_pids(line: str, pid: str) -> None:
    assert nexus_pid(f"Hardware\n{line}\n") == pid


@settings(deadline=None)
@given(st.from_regex(r"[A-Z]{3}[0-9]{4}[A-Z0-9]{4}", fullmatch=True),
       st.sampled_from(["", ",", "-", ".", ";", " ,", "\t"]),
       st.sampled_from(["", " ", "'", '"']))
def test_serials_lose_surrounding_punctuation(serial: str, tail: str, quote: str) -> None:
    assert clean_serial(f"{quote}{serial}{tail}{quote}") == serial


@settings(deadline=None)
@given(st.integers(16, 17), st.integers(1, 12),
       st.dates(date(2015, 1, 1), date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
       st.integers(0, 235959))
def test_development_builds_record_their_train(major: int, minor: int, stamp: str,
                                               clock: int) -> None:
    version, dev = software_train(f"{major}.{minor}.{stamp}:{clock:06d}")
    assert (version, dev) == (f"{major}.{minor}", True)


@pytest.mark.parametrize("release", ["17.09.04a", "16.9.5", "15.2(4)M7", "12.2(33)SXJ10",
                                     "03.06.08E", "9.3(10)", "7.0(3)I7(3)", "9.12(4)56"])
def test_releases_are_kept_whole(release: str) -> None:
    assert software_train(release) == (release, False)


def test_default_level_with_no_valid_licence_is_not_in_use() -> None:
    from planner.evidence.version import parse_ios

    rec = parse_ios("Cisco IOS XE Software, Version 16.09.04\n"
                    "Cisco IOS Software [Fuji], Virtual XE Software (X86_64_LINUX_IOSD-"
                    "UNIVERSALK9-M), Version 16.9.4, RELEASE SOFTWARE (fc2)\n"
                    "csr-lab uptime is 2 days, 1 hour, 3 minutes\n"
                    "License Level: ax\nLicense Type: Default. No valid license found.\n"
                    "Next reload license Level: ax\n"
                    "cisco CSR1000V (VXE) processor (revision VXE) with 2190795K/3075K bytes "
                    "of memory.\nProcessor board ID 9ABCDEFGH12\n")
    assert (rec.pid, rec.serial, rec.version) == ("CSR1000V", "9ABCDEFGH12", "16.09.04")
    assert [(lic.raw, lic.in_use) for lic in rec.licences] == [("ax", False)]


_SAMPLES = sorted(p for p in VERSION.iterdir() if p.suffix == ".txt")


@settings(deadline=None)
@given(st.sampled_from(_SAMPLES), st.data())
def test_damaged_captures_never_crash(path: Path, data: st.DataObject) -> None:
    """Truncated, reordered or partly deleted captures (what a flaky collection script leaves)
    parse without an exception: whatever is readable is read, the rest is a warning."""
    lines = path.read_text().splitlines()
    cut = data.draw(st.integers(0, len(lines)))
    kept = data.draw(st.lists(st.booleans(), min_size=cut, max_size=cut))
    damaged = [line for line, keep in zip(lines[:cut], kept, strict=True) if keep]
    if data.draw(st.booleans()):
        damaged = data.draw(st.permutations(damaged))
    records, _problems, reports = parse_file_text("\n".join(damaged), path.name)
    assert all(r.outcome in {"read", "skipped", "ignored"} for r in reports)
    for _section, rec in records:
        assert rec.source == path.name
        assert rec.serial == rec.serial.strip(",.-;: ")


def test_outputs_concatenated_without_prompts_are_one_device_each(tmp_path: Path) -> None:
    names = ["ios15-isr-g2.txt", "xe17-c9300-stack.txt", "nxos-n5k-5548.txt", "asa-5516.txt",
             "xe16-everest-isr4331.txt", "ios12-c2621xm.txt"]
    bare = []
    for name in names:  # what a script that drops prompts and comments leaves
        lines = (VERSION / name).read_text().splitlines()
        bare.append("\n".join(ln for ln in lines if not ln.startswith("# ") and
                               not ln.rstrip().endswith(("#", "# show version",
                                                         "#show version"))))
    (tmp_path / "all.txt").write_text("\n".join(bare) + "\n")
    result = read_evidence_detailed([tmp_path], base=tmp_path)
    assert sorted(d.serial for d in result.devices) == sorted(
        IDENTITY[name][3] for name in names)
    ((_file, lines),) = {(f.file, tuple(c.line for c in f.commands)) for f in result.files}
    assert len(lines) == len(names) and lines[0] == 1


def test_nxos_host_id_names_the_chassis_serial(tmp_path: Path) -> None:
    (tmp_path / "n7k.txt").write_text((VERSION / "nxos-license-file.txt").read_text().replace(
        "n7k-edge# \n", "n7k-edge# sh lic host-id\nLicense hostid: VDH=JAF1715B1EF\n"
                        "n7k-edge# \n"))
    result = read_evidence_detailed([tmp_path], base=tmp_path)
    (device,) = result.devices
    assert (device.hostname, device.serial) == ("n7k-edge", "JAF1715B1EF")
    (report,) = result.files
    assert [(c.command, c.outcome) for c in report.commands] == [
        ("sh license", "read"), ("sh lic host-id", "read")]


@pytest.mark.parametrize(("line", "pid"), [
    ("ASR 9006 4 Line Card Slot Chassis with V2 AC PEM", "ASR-9006-AC-V2"),
    ("ASR 9010 8 Line Card Slot Chassis with V2 DC PEM", "ASR-9010-DC-V2"),
    ("ASR 9006 4 Line Card Slot Chassis with V1 AC PEM", "ASR-9006-AC"),
    ("ASR 9001 Chassis", "ASR-9001"),
])
def test_asr9k_chassis_line_names_the_pid(line: str, pid: str) -> None:
    from planner.evidence.version import parse_xr

    text = ("Cisco IOS XR Software, Version 6.4.2[Default]\nagg-1 uptime is 1 day\n"
            "cisco ASR9K Series (Intel 686 F6M14S4) processor with 12582912K bytes of memory.\n"
            f"{line}\n")
    assert parse_xr(text).pid == pid


def test_asa_inventory_spelling_is_read() -> None:
    from planner.evidence.inventory import parse_inventory

    text = ('Name: "Chassis", DESCR: "ASA 5516-X with FirePOWER services, 8GE, AC, DC"\n'
            "PID: ASA5516            , VID: V05     , SN: JAD22260A1B\n\n"
            'Name: "power supply 0", DESCR: "ASA 5516-X AC Power Supply"\n'
            "PID: ASA-PWR-AC         , VID: N/A     , SN: N/A\n")
    rec = parse_inventory(text, "asa")
    assert (rec.pid, rec.serial) == ("ASA5516", "JAD22260A1B")
    # a line the ASA template does not expect falls back to the IOS reading of the same pairs
    rec = parse_inventory(text + "some trailer the template refuses\n", "asa")
    assert (rec.pid, rec.serial) == ("ASA5516", "JAD22260A1B")


_RELEASE_NAMES = ["Everest", "Fuji", "Gibraltar", "Amsterdam", "Bengaluru", "Cupertino",
                  "Dublin", "IOSXE", ""]


@settings(deadline=None)
@given(st.integers(16, 17), st.integers(1, 18), st.integers(1, 9),
       st.sampled_from(["", "a", "b", "prd16"]), st.sampled_from(_RELEASE_NAMES),
       st.booleans(), st.sampled_from(["", "    "]))
def test_every_ios_xe_first_line_form(major: int, minor: int, patch: int, letter: str,
                                      name: str, xe_line: bool, indent: str) -> None:
    """16.x and 17.x, with or without the IOS XE line, any release name (or `[]`), indented
    or not: the version is read and nothing is flagged truncated."""
    from planner.evidence.version import parse_ios

    xe = f"{major}.{minor:02d}.{patch:02d}{letter}"
    iosd = f"{major}.{minor}.{patch}{letter}"
    lines = [f"Cisco IOS XE Software, Version {xe}"] if xe_line else []
    lines += [f"Cisco IOS Software [{name}], Catalyst L3 Switch Software (CAT9K_IOSXE), "
              f"Version {iosd}, RELEASE SOFTWARE (fc2)",
              "sw-1 uptime is 1 day, 2 hours",
              "cisco C9300-48P (X86) processor with 1331521K/6147K bytes of memory.",
              "Processor board ID FOC2418L1AA"]
    rec = parse_ios("\n".join(indent + line for line in lines) + "\n")
    assert rec.version == (xe if xe_line else iosd)
    assert (rec.pid, rec.serial, rec.hostname, rec.truncated) == (
        "C9300-48P", "FOC2418L1AA", "sw-1", False)


@settings(deadline=None)
@given(st.sampled_from(["2", "3", "5", "6", "7", "9"]),
       st.from_regex(r"C[0-9]{3,4}[A-Z]{0,3}(-[A-Z0-9]{1,3})?", fullmatch=True))
def test_nexus_family_and_model_lines(family: str, model: str) -> None:
    line = f"  cisco Nexus{family}000 {model} Chassis\n"
    prefix = {"2": "N2K", "3": "N3K", "5": "N5K", "6": "N6K", "7": "N7K", "9": "N9K"}[family]
    pid = nexus_pid(f"Hardware\n{line}")
    assert pid.startswith(f"{prefix}-C") and pid.endswith(model[-3:])


def test_ntc_ios_template_fills_what_the_project_template_missed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.evidence import fsm, version

    real = fsm.parse

    def project_template_reads_nothing(name: str, text: str) -> list[dict[str, object]]:
        return [] if name == "iosxe_show_version" else real(name, text)  # type: ignore[return-value]

    monkeypatch.setattr(fsm, "parse", project_template_reads_nothing)
    rec = version.parse_ios((VERSION / "ios12-cat6500.txt").read_text().split("\n", 1)[1])
    assert (rec.hostname, rec.pid, rec.serial, rec.version) == (
        "core-6509", "WS-C6509-E", "SMG1234A0BC", "12.2(33)SXJ10")
