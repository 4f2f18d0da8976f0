"""IOS XE (and the Smart Agent it shares with ASA): `show license summary | usage | all |
status | udi | tech support | reservation` and `show version`.

Tables go through TextFSM templates (models/textfsm); the sectioned Smart Agent reports
(status, all, tech support, reservation) are read by the small section walker here, because
their sections repeat the same keys (`Status:` means five different things) in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from planner.evidence import fsm
from planner.evidence.normalise import canonical_licence, split_status, to_int
from planner.evidence.records import (
    DeviceEvidence,
    Era,
    LicenceEvidence,
    ReportingPolicy,
    ReservationCode,
)
from planner.model import StackMember

_UDI = re.compile(r"PID:\s*(?P<pid>[^,\s]+)\s*,\s*SN:\s*(?P<sn>[^,\s]+)")
_AS_OF = re.compile(r"\s+As of\s+.*$")
_HEADING = re.compile(r"^(?P<name>[A-Z][\w /()\-]*?):?\s*$")
_NONE = {"<none>", "<empty>", "none", "not configured", ""}
_POLICY_CLASS = re.compile(r"^\s+(?P<cls>.+?) (?:License )?Attributes:\s*$")
_DAYS = re.compile(r"^\s+(?P<key>First report requirement|Reporting frequency|Report on change)"
                   r" \(days\):\s*(?P<days>\d+)")
_RULE = re.compile(r"^=+\s*$")  # the underline of a `Section\n=======` heading
_PEER_UDI = re.compile(r"UDI:\s*P:(?P<pid>[^,\s]+),S:(?P<sn>[^,\s]+)")
_RESERVED = re.compile(r"^\s{2,4}(?P<name>\S.*?)\s*\((?P<ent>[^()]*)\):\s*$")


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value.lower() in _NONE else value


def _licence(name: str, entitlement: str, count: int, status_text: str,
             licence_type: str = "") -> LicenceEvidence:
    tag, known = canonical_licence(name, entitlement)
    status, _code = split_status(status_text)
    return LicenceEvidence(tag=tag, raw=f"{name} ({entitlement})" if entitlement else name,
                           count=count, status=status, known=known, entitlement=entitlement,
                           licence_type=licence_type)


# --- tables ---------------------------------------------------------------------------------

def parse_summary(text: str) -> DeviceEvidence:
    rows = fsm.parse("iosxe_show_license_summary", text)
    licences = tuple(_licence(str(r["license"]), str(r["entitlement"]), to_int(str(r["count"])),
                              str(r["status"])) for r in rows)
    fields = _sections(text)
    evaluation = any(lic.status == "EVAL MODE" for lic in licences)
    return _record("show license summary", fields, licences=licences, detail=2,
                   truncated=_summary_truncated(text),
                   evaluation=evaluation or bool(fields.values.get("evaluation")))


def _summary_truncated(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return True
    last = lines[-1]
    if re.match(r"^\s*-{5,}\s*$|^\s*License\s+Entitlement", last):
        return True  # header printed, rows cut off
    in_table = any(re.match(r"^\s*License\s+Entitlement", ln) for ln in lines)
    return in_table and not re.search(r"\d+\s+\S.*$|No licenses in use", last)


def parse_usage(text: str) -> DeviceEvidence:
    licences = _usage_licences(text)
    truncated = bool(licences) and not re.search(r"^\s+(?:License|Enforcement) [Tt]ype:",
                                                 text.rstrip().splitlines()[-1], re.M)
    return _record("show license usage", _sections(text), licences=licences, detail=3,
                   truncated=truncated)


def _record(command: str, fields: _Fields, **overrides: Any) -> DeviceEvidence:
    kwargs = fields.without_licences()
    kwargs.update(overrides)
    return DeviceEvidence(source="", line=0, command=command, **kwargs)


def _usage_licences(text: str) -> tuple[LicenceEvidence, ...]:
    rows = fsm.parse("iosxe_show_license_usage", text)
    return tuple(_licence(str(r["name"]), str(r["entitlement"]), to_int(str(r["count"])),
                          str(r["status"]), str(r["license_type"])) for r in rows)


def parse_udi(text: str) -> DeviceEvidence:
    rows = fsm.parse("iosxe_show_license_udi", text)
    pid = fsm.first(rows, "pid")
    serial = fsm.first(rows, "serial")
    members = _unique(StackMember(str(r["pid"]), str(r["serial"])) for r in rows if r["role"])
    return DeviceEvidence(source="", line=0, command="show license udi", pid=pid, serial=serial,
                          members=members, truncated=not rows)


def _unique(members: Iterable[StackMember]) -> tuple[StackMember, ...]:
    seen: dict[StackMember, None] = {}
    for m in members:
        seen.setdefault(m, None)
    return tuple(seen)


# --- sectioned Smart Agent reports ----------------------------------------------------------

class _Fields:
    """What the section walker found; `without_licences()` gives DeviceEvidence kwargs."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.licences: tuple[LicenceEvidence, ...] = ()
        self.reserved: list[LicenceEvidence] = []
        self.members: list[StackMember] = []
        self.codes: list[ReservationCode] = []
        self.policy_rows: dict[str, list[int]] = {}
        self.policy_name = ""
        self.ack_required: bool | None = None
        self.peers: list[tuple[str, str, str]] = []

    def set(self, key: str, value: object) -> None:
        if value and not self.values.get(key):
            self.values[key] = value

    def without_licences(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.values)
        if self.members:
            out["members"] = _unique(self.members)
        if self.codes:
            out["reservation_codes"] = tuple(dict.fromkeys(self.codes))
        if self.peers:
            out["peers"] = tuple(dict.fromkeys(self.peers))
        if self.policy_rows or self.policy_name:
            attrs = tuple((cls, days[0], days[1], days[2])
                          for cls, days in self.policy_rows.items() if len(days) >= 3)
            out["policy"] = ReportingPolicy(self.policy_name, self.ack_required, attrs)
        return out


def _sections(text: str) -> _Fields:
    f = _Fields()
    lines = text.splitlines()
    top = ""  # current top-level section (`Transport`, `Policy`, `Reservation Info`, ...)
    sub = ""  # current indented heading (`Overall status`, a policy class, ...)
    udi_owner: tuple[str, str] = ("", "")
    usage_reporting_seen = False
    peer_host: str | None = None  # inside a `Peer Info:` block: the peer's hostname so far
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not line.startswith(" ") and _RULE.match(nxt):
            top, sub = line.strip().rstrip(":"), ""
            continue
        if _RULE.match(line):
            continue
        if not line.startswith(" "):
            heading = _HEADING.match(line)
            if heading and line.rstrip().endswith(":"):
                top, sub = heading.group("name"), ""
                if top == "Usage Reporting" and usage_reporting_seen:
                    top = "Usage Reporting (statistics)"
                usage_reporting_seen |= top == "Usage Reporting"
                continue
        stripped = line.strip()
        if stripped == "Peer Info:":
            peer_host = ""
            continue
        if peer_host is not None:
            if stripped.startswith("Hostname:"):
                peer_host = stripped.partition(":")[2].strip()
                continue
            peer = _PEER_UDI.match(stripped)
            if peer:
                f.peers.append((peer_host, peer.group("pid"), peer.group("sn")))
                peer_host = None
                continue
        if stripped == "Smart Licensing Using Policy:":
            top = "Smart Licensing Using Policy"
            continue
        if top == "Policy":
            policy_class = _POLICY_CLASS.match(line)
            if policy_class:
                sub = policy_class.group("cls")
                f.policy_rows.setdefault(sub, [])
                continue
            days = _DAYS.match(line)
            if days and sub:
                f.policy_rows[sub].append(int(days.group("days")))
                continue
        udi = _UDI.search(line) if "PID:" in line else None
        # `Key: value` split by hand: this loop runs on every line of every capture.
        key, sep, value = stripped.partition(":")
        kv = bool(sep) and key[:1].isalpha()
        key, value = (key.rstrip(), value.strip()) if kv else ("", "")
        if udi and key in {"UDI"}:
            f.set("pid", udi.group("pid"))
            f.set("serial", udi.group("sn"))
            continue
        if udi and key in {"Active", "Standby", "Member"}:
            member = StackMember(udi.group("pid"), udi.group("sn"))
            if top in {"Product Information", "HA UDI List", "Trust Code Installed"} or \
                    sub == "HA UDI List":
                f.members.append(member)
            udi_owner = (member.pid, member.serial)
            if key == "Active" and top != "Specified license reservations":
                # `show license reservation` names the device only in its Active line.
                f.set("pid", member.pid)
                f.set("serial", member.serial)
            continue
        if not kv:
            if top == "Reservation Info" and stripped.startswith("Specified license"):
                sub = "Specified license reservations"
            continue
        if key == "HA UDI List":
            sub = "HA UDI List"
        elif key == "Smart Account":
            f.set("smart_account", _clean(_AS_OF.sub("", value)))
        elif key == "Virtual Account":
            f.set("virtual_account", _clean(value))
        elif key == "Status" and top == "Smart Licensing Using Policy":
            if value.upper().startswith("ENABLED"):
                f.set("era", Era.SLUP)
        elif key == "Status" and top == "Registration":
            f.set("registration", value.upper())
        elif key == "Status" and top == "License Authorization":
            status, _ = split_status(value)
            f.set("authorization", status)
            if status == "EVAL MODE":
                f.set("evaluation", True)
            elif status == "NOT APPLICABLE":
                f.set("era", Era.SLUP)  # only SLUP prints authorization as not applicable
        elif key == "Type" and top == "Transport":
            f.set("transport", _clean(value))
        elif key in {"URL", "Cslu address"} and top == "Transport":
            f.set("transport_url", _clean(value))
        elif key == "Policy name":
            f.policy_name = value
        elif key == "Reporting ACK required":
            f.ack_required = value.lower().startswith("yes")
        elif top == "Usage Reporting" and key == "Last ACK received":
            f.set("last_ack", _clean(value))
        elif top == "Usage Reporting" and key == "Next ACK deadline":
            f.set("next_ack_deadline", _clean(value))
        elif top == "Usage Reporting" and key == "Last report push":
            f.set("last_report_push", _clean(value))
        elif top == "Usage Reporting" and key == "Reporting push interval":
            f.set("reporting_interval", re.sub(r"\s+", " ", value.split(" State(")[0]))
        elif key == "License reservation":
            f.set("reservation", value.upper())
        elif key == "Reservation status" and "INSTALLED" in value.upper():
            status = re.sub(r"\s+on\s+\w{3}\s+\d.*$", "", value).upper()
            if "NOT INSTALLED" not in status:
                f.values["reservation"] = status
        elif key in {"Request code", "Last return code", "Last Confirmation code",
                     "Reservation authorization code"} and _clean(value):
            kind = {"Request code": "request", "Last return code": "return",
                    "Last Confirmation code": "confirmation",
                    "Reservation authorization code": "authorization"}[key]
            f.codes.append(ReservationCode(kind, _clean(value), *udi_owner))
        elif key == "Total reserved count" and f.reserved:
            last = f.reserved[-1]
            f.reserved[-1] = _licence(last.raw.split(" (")[0], last.entitlement,
                                      to_int(value), "RESERVED")
        if "Specified license reservations" in (top, sub):
            reserved = _RESERVED.match(line)
            if reserved:
                f.reserved.append(_licence(reserved.group("name"), reserved.group("ent"), 0,
                                           "RESERVED"))
    if f.values.get("registration") and not f.values.get("era"):
        f.set("era", Era.CLASSIC)
    if re.search(r"^Smart Licensing is ENABLED", text, re.M) and not f.values.get("era") and \
            (f.values.get("authorization") or f.values.get("registration")):
        f.set("era", Era.CLASSIC)
    return f


def _section_text(text: str, title: str) -> str:
    """The lines of an underlined (`=====`) section, up to the next underlined heading."""
    lines = text.splitlines()
    out: list[str] = []
    inside = False
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        underlined = not line.startswith(" ") and line.strip() and _RULE.match(nxt)
        if underlined:
            inside = line.strip() == title
            continue
        if inside and not _RULE.match(line):
            out.append(line)
    return "\n".join(out)


_HANDLE_FIELD = re.compile(r"^\s{2}(?P<key>License|Entitlement Tag|Description|Count|Status|"
                           r"License type):\s*(?P<value>.*?)\s*$")


def _handle_licences(section: str) -> tuple[LicenceEvidence, ...]:
    """Tech-support `Handle: N` entries: licence, full entitlement tag, count, status."""
    out: list[LicenceEvidence] = []
    entry: dict[str, str] = {}

    def close() -> None:
        if entry.get("License") or entry.get("Entitlement Tag"):
            out.append(_licence(entry.get("License", ""), entry.get("Entitlement Tag", ""),
                                to_int(entry.get("Count", "0")), entry.get("Status", ""),
                                entry.get("License type", "")))

    for line in section.splitlines():
        if line.startswith("Handle:"):
            close()
            entry = {}
            continue
        match = _HANDLE_FIELD.match(line)
        if match and match.group("key") not in entry:
            entry[match.group("key")] = match.group("value")
    close()
    return tuple(out)


def parse_report(text: str, command: str) -> DeviceEvidence:
    """`show license all | status | tech support | reservation` (IOS XE and ASA)."""
    fields = _sections(text)
    usage = _section_text(text, "License Usage")
    licences = _handle_licences(usage) if "Handle:" in usage else _usage_licences(usage)
    licences += tuple(fields.reserved)
    detail = {"show license tech support": 5, "show license all": 4}.get(command, 0)
    if fields.reserved and not detail:
        detail = 1
    has_usage = bool(re.search(r"^License Usage\s*$", text, re.M))
    truncated = command in {"show license all", "show license tech support"} and not re.search(
        r"^Agent Version\s*$|^Product Information\s*$", text, re.M)
    evaluation = bool(fields.values.get("evaluation")) or any(
        lic.status == "EVAL MODE" for lic in licences)
    with_licences = has_usage or bool(fields.reserved)
    return _record(command, fields, evaluation=evaluation, truncated=truncated,
                   licences=licences if with_licences else (),
                   detail=detail if with_licences else 0)
