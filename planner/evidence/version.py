"""`show version` on every platform: IOS and IOS XE, NX-OS (and ACI), ASA and IOS-XR.

NX-OS, ASA and IOS-XR go through ntc-templates' `show version` templates, completed here for
what they do not capture (the NX-OS product id, ACI mode, the ASA licence mode, the IOS-XR
chassis). IOS and IOS XE go through the project's template (models/textfsm/
iosxe_show_version.textfsm): ntc-templates' IOS template does not read development builds'
`Experimental Version`, the licence UDI table, technology-package tables or the licence-level
lines, and it lists stack members' models and serials in two lists that repeat the active one.
ntc-templates' `cisco_ios_show_version` still fills any version, model, serial or hostname the
project's template did not find.

Licensing state clues, strongest first (docs/evidence.md):
1. `Smart Licensing Status: Smart Licensing Using Policy` (or `Registration Not Applicable`)
   -> SLUP;
2. `Smart Licensing Status: REGISTERED | UNREGISTERED | EVAL ...` -> classic Smart Licensing
   (evaluation when it says EVAL);
3. technology packages or licence levels whose type is Permanent / RightToUse / Evaluation ->
   pre-Smart licences (traditional), evaluation when one in use is an evaluation;
4. ASA `License mode: Smart Licensing` -> classic; a PAK licence summary -> traditional;
5. otherwise nothing: the era may later be inferred from the software version (ingest.infer_era),
   except for ACI-mode switches (licensed through their APIC) and development builds.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence

from planner.evidence import fsm
from planner.evidence.identity import (
    clean_serial,
    ios_pid,
    is_release,
    nexus_pid,
    software_train,
)
from planner.evidence.normalise import canonical_licence
from planner.evidence.records import DeviceEvidence, Era, LicenceEvidence
from planner.model import StackMember

_EVAL_TYPES = ("eval",)  # EvalRightToUse, Evaluation
_TRADITIONAL_TYPES = ("permanent", "righttouse", "right to use", "evalrighttouse", "evaluation",
                      "temporary", "extension", "paid")


def _row(rows: Sequence[Mapping[str, object]]) -> Mapping[str, object]:
    return rows[-1] if rows else {}


def _text(row: Mapping[str, object], key: str) -> str:
    value = row.get(key, "")
    return value if isinstance(value, str) else ""


def _dicts(row: Mapping[str, object], key: str) -> list[dict[str, str]]:
    value = row.get(key, [])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(row: Mapping[str, object], key: str) -> list[str]:
    value = row.get(key, [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _package(current: str, licence_type: str, next_level: str, count: int,
             technology: str = "") -> LicenceEvidence | None:
    """One technology-package row; None when the row names no package at all."""
    # `License Type: Default. No valid license found.` (CSR 1000V): the level is a default
    # the device runs unlicensed, not a licence in use.
    unlicensed = "no valid license" in licence_type.lower()
    in_use = current.lower() not in {"none", "", "-"} and not unlicensed
    name = current if in_use or unlicensed else next_level
    if name.lower() in {"none", "", "-"}:
        name = technology  # `uc None None None`: the technology is still worth recording
        if not name:
            return None
    tag, known = canonical_licence(name)
    evaluation = licence_type.lower().startswith(_EVAL_TYPES)
    status = ("EVAL MODE" if evaluation else "IN USE") if in_use else "NOT IN USE"
    raw = f"{technology}: {name}" if technology and technology != name else name
    return LicenceEvidence(tag=tag, raw=raw, count=count if in_use else 0, status=status,
                           known=known, licence_type=licence_type,
                           next_reload="" if next_level.lower() == "none" else next_level)


def _ios_licences(row: Mapping[str, object], members: int) -> tuple[LicenceEvidence, ...]:
    out: list[LicenceEvidence] = []
    for r in _dicts(row, "package_tech_first") + _dicts(row, "package_type_first"):
        lic = _package(r["current"], r["type"], r["next"], 1, r["technology"])
        if lic:
            out.append(lic)
    for r in _dicts(row, "package_smart_term"):
        lic = _package(r["current"], f"{r['type']} {r['term']}".strip(), r["next"], 1)
        if lic:
            out.append(lic)
    # Catalyst licence levels apply to every member of a stack: a 4-member stack running
    # network-advantage consumes four.
    for r in _dicts(row, "package_level"):
        lic = _package(r["current"], r["type"], r["next"], max(members, 1))
        if lic:
            out.append(lic)
    for level, kind, following in (("licence_level", "licence_type", "next_level"),
                                   ("addon_level", "addon_type", "addon_next")):
        current = _text(row, level)
        if current:
            lic = _package(current, _text(row, kind), _text(row, following) or current,
                           max(members, 1))
            if lic:
                out.append(lic)
    return tuple(out)


def _members(row: Mapping[str, object]) -> tuple[StackMember, ...]:
    models = _strings(row, "member_models")
    serials = [clean_serial(s) for s in _strings(row, "member_serials")]
    table = _dicts(row, "switch_table")
    if len(models) < len(serials) and len(table) == len(serials):
        models = [t["model"] for t in table]  # sections without a Model Number line
    members: dict[StackMember, None] = {}
    for pid, serial in zip(models, serials, strict=False):
        if serial:
            members.setdefault(StackMember(pid, serial), None)
    return tuple(members)


def _smart_era(status: str) -> tuple[Era, bool]:
    """(era, evaluation) from `Smart Licensing Status:`."""
    upper = status.upper()
    # `Registration Not Applicable/Not Applicable` (Catalyst 9800 on 17.x): only SLUP has no
    # registration to report.
    if "USING POLICY" in upper or "NOT APPLICABLE" in upper:
        return Era.SLUP, False
    if upper:
        return Era.CLASSIC, "EVAL" in upper
    return Era.UNKNOWN, False


def parse_ios(text: str) -> DeviceEvidence:
    """IOS 12.x/15.x and IOS XE `show version`."""
    row = _row(fsm.parse("iosxe_show_version", text))
    xe_version, version = _text(row, "xe_version"), _text(row, "version")
    experimental = bool(_text(row, "xe_experimental") or _text(row, "experimental"))
    # The IOS XE line wins when it is a release (`17.09.04a`); a special build prints its
    # label there (`V169_5_SR689355441_2`) and the release on the IOSd line (`16.9.5`).
    chosen = xe_version if xe_version and is_release(xe_version) else version or xe_version
    chosen, dev = software_train(chosen)
    udi = _dicts(row, "licence_udi")
    members = _members(row)
    pid = ios_pid(_text(row, "model"))
    serial = clean_serial(_text(row, "serial"))
    if udi:
        # The licence UDI is what licences are bound to; on ISR G2 it differs from the
        # processor board ID (the motherboard's serial).
        pid, serial = udi[0]["pid"], clean_serial(udi[0]["serial"]) or serial
    elif members:
        pid, serial = members[0].pid or pid, members[0].serial
    hostname = _text(row, "hostname")
    if not (chosen and pid and serial and hostname):
        chosen, pid, serial, hostname = _ntc_ios(text, chosen, pid, serial, hostname)
    licences = _ios_licences(row, len(members))
    era, evaluation = _smart_era(_text(row, "smart_status"))
    types = [lic.licence_type.lower() for lic in licences if lic.in_use]
    if era is Era.UNKNOWN and types and all(t.startswith(_TRADITIONAL_TYPES) for t in types):
        era = Era.TRADITIONAL
    evaluation = evaluation or any(lic.status == "EVAL MODE" for lic in licences)
    return DeviceEvidence(source="", line=0, command="show version",
                          os="ios-xe" if xe_version or "IOS-XE" in text[:3000] else "ios",
                          hostname=hostname, pid=pid, serial=serial,
                          members=members if len(members) > 1 else (), version=chosen,
                          licences=licences, era=era, era_weak=True, evaluation=evaluation,
                          version_implies_era=not (dev or experimental),
                          truncated=not chosen)


def _ntc_ios(text: str, version: str, pid: str, serial: str,
             hostname: str) -> tuple[str, str, str, str]:
    """Fill what the project's template missed from ntc-templates' `cisco_ios_show_version`
    (its version, first hardware and serial, hostname), keeping every value already read."""
    try:
        ntc = _row(fsm.parse("ntc:cisco_ios_show_version", text))
    except fsm.ParseError:
        return version, pid, serial, hostname
    hardware, serials = _strings(ntc, "hardware"), _strings(ntc, "serial")
    return (version or software_train(_text(ntc, "version").rstrip(", "))[0],
            pid or (ios_pid(hardware[0]) if hardware else ""),
            serial or (clean_serial(serials[0]) if serials else ""),
            hostname or _text(ntc, "hostname"))


_ACI = re.compile(r"aci-n9000|^\s*PE:\s+version", re.MULTILINE)


def parse_nxos(text: str) -> DeviceEvidence:
    """NX-OS `show version` (ntc-templates), with the PID from the chassis line."""
    row = _row(fsm.parse("ntc:cisco_nxos_show_version", text))
    version = _text(row, "os").split()[0] if _text(row, "os") else ""
    aci = bool(_ACI.search(text))
    return DeviceEvidence(source="", line=0, command="show version",
                          os="aci" if aci else "nx-os",
                          hostname=_text(row, "hostname").strip(), pid=nexus_pid(text),
                          serial=clean_serial(_text(row, "serial")), version=version,
                          version_implies_era=not aci, truncated=not version)


_ASA_VERSION = re.compile(r"Software Version\s+(?P<v>\S+)")
_ASA_HARDWARE = re.compile(r"^Hardware:\s+(?P<hw>[^,\s]+)", re.MULTILINE)
_ASA_MODEL = re.compile(r"^Model Id:\s+(?P<m>\S+)", re.MULTILINE)
_ASA_SERIAL = re.compile(r"^Serial Number:\s+(?P<sn>\S+)", re.MULTILINE)
_ASA_HOST = re.compile(r"^(?P<h>\S+) up \d", re.MULTILINE)
_ASA_MODE = re.compile(r"^License mode:\s+(?P<mode>.+?)\s*$", re.MULTILINE)


def parse_asa(text: str) -> DeviceEvidence:
    """ASA `show version` through ntc-templates; lines a newer release adds make the template
    refuse the text, and then the same fields are read line by line."""
    try:
        row = _row(fsm.parse("ntc:cisco_asa_show_version", text))
        version, hostname = _text(row, "version"), _text(row, "hostname")
        pid = _text(row, "model") or _text(row, "hardware").split(",")[0]
        serials = _strings(row, "serial")
        serial = serials[0] if serials else ""
        mode = _text(row, "license_mode")
    except fsm.ParseError:
        found = {name: m.group(1) if (m := rx.search(text)) else "" for name, rx in (
            ("version", _ASA_VERSION), ("hardware", _ASA_HARDWARE), ("model", _ASA_MODEL),
            ("serial", _ASA_SERIAL), ("host", _ASA_HOST), ("mode", _ASA_MODE))}
        version, hostname = found["version"], found["host"]
        pid, serial, mode = found["model"] or found["hardware"], found["serial"], found["mode"]
    era = Era.UNKNOWN
    if "smart" in mode.lower():
        era = Era.CLASSIC  # ASA Smart Licensing registers and renews (no SLUP on ASA)
    elif re.search(r"^This platform has an? .* license\.", text, re.MULTILINE):
        era = Era.TRADITIONAL  # activation-key (PAK) licensing
    return DeviceEvidence(source="", line=0, command="show version", os="asa",
                          hostname=hostname, pid=pid.strip().rstrip(","),
                          serial=clean_serial(serial), version=version, era=era, era_weak=True,
                          truncated=not version)


_XR_VERSION = re.compile(r"Cisco IOS XR Software,\s+Version\s+(?P<v>[\w.]+)")
_XR_CHASSIS = re.compile(r"^\s*cisco\s+(?P<hw>\S+)(?:\s+Series)?\s+\(.*\)\s+processor",
                         re.MULTILINE | re.IGNORECASE)
# ASR 9000 prints its chassis on a line of its own: `ASR 9006 4 Line Card Slot Chassis with
# V2 AC PEM` is PID ASR-9006-AC-V2 (V1 power entry modules carry no suffix: ASR-9006-AC).
_ASR9K_CHASSIS = re.compile(r"^\s*ASR[ -]?(?P<model>9\d{3})\b[^\n]*?Chassis"
                            r"(?: with (?P<gen>V\d) (?P<power>AC|DC) PEM)?", re.MULTILINE)
_XR_HOST = re.compile(r"^\s*(?P<h>\S+)\s+uptime\s+is\s", re.MULTILINE)


def parse_xr(text: str, brief: bool = False) -> DeviceEvidence:
    """IOS-XR `show version` and `show version brief` (ntc-templates), with the chassis model
    from the `cisco <model> (...) processor` line. Neither prints a serial number."""
    name = "ntc:cisco_xr_show_version_brief" if brief else "ntc:cisco_xr_show_version"
    row: Mapping[str, object] = {}
    # Lines a newer release adds make the template refuse the text: the regular expressions
    # below read the same fields.
    with contextlib.suppress(fsm.ParseError):
        row = _row(fsm.parse(name, text))
    version = _text(row, "version").strip() or (
        m.group("v") if (m := _XR_VERSION.search(text)) else "")
    version = version.split()[0] if version else ""
    chassis = _XR_CHASSIS.search(text)
    pid = chassis.group("hw") if chassis else _text(row, "model") or _text(row, "hardware")
    asr9k = _ASR9K_CHASSIS.search(text)
    if asr9k:
        pid = f"ASR-{asr9k.group('model')}"
        if asr9k.group("power"):
            pid += f"-{asr9k.group('power')}" + ("" if asr9k.group("gen") == "V1" else
                                                 f"-{asr9k.group('gen')}")
    host = _text(row, "hostname") or (m.group("h") if (m := _XR_HOST.search(text)) else "")
    if host == "System":
        host = ""  # eXR prints `System uptime is ...`: the prompt names the router
    return DeviceEvidence(source="", line=0, command="show version", os="ios-xr",
                          hostname=host.rsplit(":", 1)[-1], pid=pid.split()[0] if pid else "",
                          version=version, truncated=not version)


# The first line of a `show version`, per platform. `Cisco IOS Software ...` right after an
# `IOS XE Software` or `Internetwork Operating System Software` line belongs to the same output.
_BANNER = re.compile(
    r"^\s*(?:Cisco IOS XE Software,|Cisco IOS-XE Software,|Cisco Internetwork Operating System "
    r"Software|Cisco Nexus Operating System \(NX-OS\) Software|Cisco Adaptive Security Appliance "
    r"Software Version|Cisco IOS XR Software,|(?P<iosd>Cisco IOS Software|IOS \(tm\) ))")


def split_outputs(text: str) -> list[tuple[int, str]]:
    """(offset of the first line, text) of each `show version` in `text`.

    Collection scripts that drop the prompts leave several devices' outputs one after the
    other; each banner line starts a new device. Text with one output comes back whole.
    """
    lines = text.split("\n")
    starts: list[int] = []
    previous_banner = -2
    for number, line in enumerate(lines):
        match = _BANNER.match(line)
        if match is None:
            continue
        if not (match.group("iosd") and previous_banner == number - 1):
            starts.append(number)
        previous_banner = number
    if len(starts) <= 1:
        return [(0, text)]
    starts[0] = 0  # anything before the first banner stays with the first output
    bounds = [*starts, len(lines)]
    return [(bounds[i], "\n".join(lines[bounds[i]:bounds[i + 1]]))
            for i in range(len(starts))]


def parse_version(text: str, os_name: str, brief: bool = False) -> DeviceEvidence:
    """`show version` of the operating system `os_name` (from detect.detect_os)."""
    if os_name in {"nx-os", "aci"}:
        return parse_nxos(text)
    if os_name == "asa":
        return parse_asa(text)
    if os_name == "ios-xr":
        return parse_xr(text, brief)
    return parse_ios(text)
