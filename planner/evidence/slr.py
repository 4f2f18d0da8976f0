"""Specific License Reservation artefacts: `<specificPLR>` authorization codes and the
request, return and confirmation codes a device prints (request codes embed PID and serial)."""

from __future__ import annotations

import re

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from planner.evidence.normalise import canonical_licence, to_int
from planner.evidence.records import DeviceEvidence, LicenceEvidence, ReservationCode

# CB-ZC9300-24UX:FCW2134L0RN-AK9A6sMTr-86: <2 letters>-Z<PID>:<serial>-<token>-<check>
REQUEST_CODE = re.compile(
    r"\b(?P<code>[A-Z]{2}-Z(?P<pid>[A-Z0-9][A-Z0-9\-]*?):(?P<sn>[A-Z0-9]+)-\w+-[0-9A-F]{2})\b")
_RETURN = re.compile(r"Enter this return code[^\n]*\n\s*(?P<code>[\w\-]{20,})")
_CONFIRM = re.compile(r"(?:Last )?Confirmation code:?\s+(?P<code>[0-9a-fA-F]{6,})")
_SYSLOG_UDI = re.compile(r"%SMART_LIC-\d-(?P<event>[A-Z_]+):.*?udi PID:(?P<pid>[^,\s]+),"
                         r"SN:(?P<sn>[^,\s]+)")
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_UDI_TEXT = re.compile(r"P:(?P<pid>[^,\s<]+),S:(?P<sn>[^,\s<]+)")


class SlrError(ValueError):
    """An authorization code that cannot be read."""


def parse_authorization(text: str) -> DeviceEvidence:
    """A `<specificPLR>` authorization code: the device UDI and the reserved entitlements."""
    text = _COMMENTS.sub("", text)  # the annotation may quote `<specificPLR>` itself
    start = text.find("<specificPLR")
    end = text.rfind("</specificPLR>")
    if start < 0 or end < 0:
        raise SlrError("the <specificPLR> authorization code is cut off (no closing tag)")
    try:
        root = SafeET.fromstring(text[start:end + len("</specificPLR>")])
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise SlrError(f"not well-formed authorization XML ({exc})") from None
    udi = _UDI_TEXT.search(root.findtext("udi", default=""))
    licences = []
    for ent in root.iter("entitlement"):
        tag_text = ent.findtext("tag", default="")
        display = ent.findtext("displayName", default="")
        tag, known = canonical_licence(tag_text, display)
        licences.append(LicenceEvidence(tag=tag, raw=display or tag_text,
                                        count=to_int(ent.findtext("count", default="0")),
                                        status="RESERVED", known=known, entitlement=tag_text,
                                        licence_type=ent.findtext("licenseType", default="")))
    pid, serial = (udi.group("pid"), udi.group("sn")) if udi else ("", "")
    code = ReservationCode("authorization", root.findtext("signature", default="")[:24] + "...",
                           pid, serial)
    os_name = "cucm" if pid.upper().startswith(("UCM", "CUCM")) else ""
    return DeviceEvidence(source="", line=0, command="slr-authorization", os=os_name, pid=pid,
                          serial=serial, licences=tuple(licences), detail=1,
                          reservation="SPECIFIC INSTALLED", reservation_codes=(code,))


def parse_codes(text: str, command: str) -> DeviceEvidence:
    """Request/return/confirmation codes and reservation syslogs from a CLI transcript."""
    codes: list[ReservationCode] = []
    pid = serial = ""
    for m in REQUEST_CODE.finditer(text):
        codes.append(ReservationCode("request", m.group("code"), m.group("pid"), m.group("sn")))
        pid, serial = pid or m.group("pid"), serial or m.group("sn")
    for m in _RETURN.finditer(text):
        codes.append(ReservationCode("return", m.group("code"), pid, serial))
    reservation = ""
    for m in _SYSLOG_UDI.finditer(text):
        pid, serial = pid or m.group("pid"), serial or m.group("sn")
        if m.group("event") == "RESERVED_INSTALLED":
            reservation = "SPECIFIC INSTALLED"
    for m in _CONFIRM.finditer(text):
        codes.append(ReservationCode("confirmation", m.group("code"), pid, serial))
    if "return" in command and codes and codes[-1].kind == "return":
        reservation = "RETURNED"
    return DeviceEvidence(source="", line=0, command=command or "slr-request-code",
                          pid=pid, serial=serial, reservation=reservation,
                          reservation_codes=tuple(dict.fromkeys(codes)))
