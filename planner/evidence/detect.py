"""Which command (and so which parser) a block is: from the typed command, else from content."""

from __future__ import annotations

import re
from functools import cache

# Canonical commands this package reads, as full words; typed commands may abbreviate any word
# (`sh lic sum`) and carry pipes or annotations (`| include`, `(active)`).
KNOWN_COMMANDS: tuple[str, ...] = (
    "show license summary",
    "show license usage",
    "show license all",
    "show license status",
    "show license udi",
    "show license tech support",
    "show license reservation",
    "show license platform summary",
    "show license platform detail",
    "show license authorization",
    "show license host-id",
    "show license rum id",
    "show license",
    "show version brief",
    "show version",
    "show inventory",
    "license smart reservation request local",
    "license smart reservation request all",
    "license smart reservation return local",
    "license smart reservation return all",
    "license smart reservation install file",
    "license smart reservation install",
    "license smart reservation",
)

# Commands whose extra words are arguments (`show license rum id 1634211151 detail`).
_TAKES_ARGUMENTS = ("license smart reservation", "show license rum id")
_PIPE = re.compile(r"\s*[|].*$")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


@cache
def canonical_command(typed: str) -> str | None:
    """The canonical command `typed` abbreviates, or None when it is not one we read."""
    text = _PAREN.sub("", _PIPE.sub("", typed.strip())).strip().lower()
    words = text.split()
    if not words:
        return None
    best: str | None = None
    for known in KNOWN_COMMANDS:
        parts = known.split()
        if len(words) < len(parts):
            continue
        if all(p.startswith(w) for w, p in zip(words, parts, strict=False)):
            # Extra words are arguments only for the install/request forms; `show license
            # eventlog` must not pass as `show license`.
            if len(words) > len(parts) and not known.startswith(_TAKES_ARGUMENTS):
                continue
            if best is None or len(parts) > len(best.split()):
                best = known
    # `show license tech-support` spelling
    if best is None and text.replace("-", " ") != text:
        return canonical_command(text.replace("-", " "))
    return best


_CONTENT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("slr-authorization", re.compile(r"<specificPLR>|<authorizationCode>", re.IGNORECASE)),
    ("rum-report", re.compile(r"<RUMReport|\"asset_identification\"")),
    # Some captures lack the banner; the Handle entries and job/statistics sections remain.
    ("show license tech support", re.compile(
        r"^Smart Licensing Tech Support info|^Handle: \d+\s*$|^Upcoming Scheduled Jobs\s*$",
        re.M)),
    ("show license platform summary", re.compile(r"^Feature/Area\s+Entitlement", re.M)),
    ("show license platform detail", re.compile(r"^Collection:\s+LAST:", re.M)),
    ("show license", re.compile(r"^Index \d+ Feature:", re.M)),
    ("show license usage", re.compile(r"^Feature\s+Ins\s+Lic", re.M)),  # NX-OS table form
    ("show license summary", re.compile(r"^\s*License\s+Entitlement [Tt]ag\s+Count\s+Status",
                                        re.M)),
    ("show license all", re.compile(r"^Product Information\s*\n=+", re.M)),
    ("show license reservation", re.compile(r"^License reservation:\s+\w+", re.M)),
    ("show license authorization", re.compile(
        r"^Overall status:\s*\n\s+(?:Active|Standby|Member):\s*PID:", re.M)),
    ("show license rum id", re.compile(r"^Smart Licensing Usage Report(?: Detail)?:\s*$", re.M)),
    ("nxos-license-file", re.compile(r"^(?:SERVER this_host|INCREMENT \S+ cisco )", re.M)),
    ("show license host-id", re.compile(r"^License hostid:\s*VDH=", re.M)),
    ("show license status", re.compile(
        r"^(?:Smart Licensing Using Policy|Utility|Registration|Usage Reporting):\s*$", re.M)),
    ("show license usage", re.compile(r"^\S[^\n]*\):\s*\n\s+Description:", re.M)),
    ("show license udi", re.compile(r"^(?:UDI: PID:\S+|SlotID\s+PID\s+SN\s+UDI)", re.M)),
    ("show version", re.compile(
        r"^[ \t]*(?:Cisco (?:IOS|IOS XE|IOS-XE|IOS XR) Software|Cisco Nexus Operating System"
        r"|Cisco Internetwork Operating System Software|IOS \(tm\) "
        r"|Cisco Adaptive Security Appliance Software Version)", re.M)),
    ("slr-syslog", re.compile(r"%SMART_LIC-\d-\w+:.*udi PID:")),
    ("slr-request-code", re.compile(r"\b[A-Z]{2}-Z[A-Z0-9][\w\-]*:[A-Z0-9]+-\w+-[0-9A-F]{2}\b")),
)


def detect_command(text: str) -> str | None:
    """The command whose output `text` looks like, or None."""
    head = text[:200_000]
    for command, pattern in _CONTENT_RULES:
        if pattern.search(head):
            return command
    return None


_XR_MARKS = ("Cisco IOS XR Software", "IOS-XR", "IOS XR")
_NXOS_V10 = re.compile(r"^\s+(?:Enforcement Type|License Type):", re.M)
_ASA_MARKS = ("PID:ASA", "Adaptive Security Appliance", "Firepower", "PID:FPR")


def detect_os(command: str, text: str, hostname: str = "") -> str:
    """The operating system that printed `text` for `command` (best effort, for the record)."""
    if command.startswith("show license platform") or hostname.startswith("RP/"):
        return "ios-xr"
    if command.startswith("show version") and any(mark in text[:3000] for mark in _XR_MARKS):
        return "ios-xr"
    if command == "show inventory" and ('NAME: "Rack 0"' in text or "/RP0/CPU0" in text or
                                        "/RSP0/CPU0" in text):
        return "ios-xr"
    if command == "show license" and re.search(r"^Index \d+ Feature:", text, re.M):
        return "ios"
    if command == "show license usage" and (re.search(r"^Feature\s+Ins\s+Lic", text, re.M)
                                            or _NXOS_V10.search(text)):
        return "nx-os"
    if command == "slr-authorization" and "P:UCM" in text:
        return "cucm"
    # Plain substring tests: this runs on every block, and a case-insensitive regex over a
    # whole tech-support output cost more than parsing it.
    if any(mark in text for mark in _ASA_MARKS):
        return "asa"
    if "Cisco Nexus Operating" in text or "NX-OS" in text[:2000]:
        return "nx-os"
    return "ios-xe"
