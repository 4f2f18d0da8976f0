"""Identity rules for what `show version` prints: serials, chassis names and software trains.

Devices print their identity loosely: a serial with a trailing comma or dash (`FHK102KKKKK,`,
`FTX1524VB84-`), an NX-OS chassis name instead of a product id (`Nexus5548`, `Nexus3000
C3232C`, `Nexus 3048`), a special or development build instead of a release
(`V169_5_SR689355441_2`, `17.3.20200513:083232`). These functions turn each into the value the
planner keys on; docs/evidence.md states every rule with an example.
"""

from __future__ import annotations

import re

_EDGE_PUNCTUATION = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")


def clean_serial(text: str) -> str:
    """A serial number without the punctuation printed around it (`FHK102KKKKK,` -> FHK...)."""
    serial = _EDGE_PUNCTUATION.sub("", text.strip())
    # Placeholders some platforms print when the serial is not programmed.
    return "" if serial.upper() in {"NA", "N/A", "NONE", "UNKNOWN"} else serial


# A release: IOS `15.2(4)M7`, `12.2(33)SXJ4`; IOS XE `17.09.04a`, `03.06.05E`, `16.6.4`;
# NX-OS `9.3(8)`, `7.0(3)I7(6)`; ASA `9.9(2)32`; IOS-XR `7.9.2`.
_RELEASE = re.compile(r"^\d{1,2}\.\d{1,2}(?:\.\d{1,2}(?:[A-Za-z]+\d*)?(?:\.[A-Za-z]+)?|"
                      r"\(\d+[A-Za-z]?\)[\w().]*|[A-Za-z]*)?$")
# A development build: the third field is a build date, `16.6.20170903:192125`.
_DEV_BUILD = re.compile(r"^(?P<train>\d{1,2}\.\d{1,2})\.\d{8}(?::?\d+)?")


def is_release(version: str) -> bool:
    """True when `version` is a release number, not a special-build or image label."""
    return bool(_RELEASE.match(version))


def software_train(version: str) -> tuple[str, bool]:
    """(version to record, True when it is a development build).

    A development build (`17.3.20200513:083232`) is recorded as its train (`17.3`): the date
    stamp is not a release and must not pass for a later one in version comparisons.
    """
    text = version.strip().rstrip(",")
    dev = _DEV_BUILD.match(text)
    if dev:
        return dev.group("train"), True
    return text, False


# NX-OS `show version` names the chassis, not the product id. The family number maps to the
# PID prefix (Nexus9000 -> N9K-, Nexus7700 -> N77-); a bare model number gets its family's
# `C` prefix. Chassis whose PID adds a suffix the chassis line does not print are listed whole.
_NEXUS_PREFIX = {"2": "N2K", "3": "N3K", "5": "N5K", "6": "N6K", "7": "N7K", "77": "N77",
                 "9": "N9K"}
_NEXUS_WHOLE = {
    # (chassis, Universal-Platform supervisor) -> PID; `Nexus5548` prints "Universal Platform"
    # in its supervisor description on the 5548UP only.
    ("5548", True): "N5K-C5548UP", ("5548", False): "N5K-C5548P",
    ("5596", True): "N5K-C5596UP", ("5596", False): "N5K-C5596UP",
    ("5020", False): "N5K-C5020P-BF", ("5010", False): "N5K-C5010P-BF",
    ("3048", False): "N3K-C3048TP-1GE",
}
_NEXUS_LINE = re.compile(
    r"^\s*cisco\s+(?:(?P<pid>N\d{1,2}K-\S+)|Nexus\s?(?P<family>\d+)(?P<suffix>[A-Z]*)"
    r"(?:\s+(?P<model>[A-Z]?\d[\w\-]*))?)"
    r"(?P<rest>.*)$", re.IGNORECASE | re.MULTILINE)


def nexus_pid(text: str) -> str:
    """The product id from an NX-OS `show version` hardware line, or ""."""
    for match in _NEXUS_LINE.finditer(text):
        if match.group("pid"):
            return match.group("pid").strip("\"(),")
        family, model = match.group("family"), match.group("model") or ""
        universal = "Universal" in match.group("rest")
        if not model:
            # `cisco Nexus5548 Chassis`: the family field is the model itself.
            model = family + (match.group("suffix") or "")
            family = family[0] if not family.startswith("77") else "77"
        elif len(family) >= 4:
            family = "77" if family.startswith("77") else family[0]
        bare = model.upper().lstrip("C")
        whole = _NEXUS_WHOLE.get((bare, universal)) or _NEXUS_WHOLE.get((bare, False))
        if whole:
            return whole
        prefix = _NEXUS_PREFIX.get(family, f"N{family}K")
        return f"{prefix}-{model if model.upper().startswith('C') else 'C' + model}"
    return ""


def ios_pid(model: str) -> str:
    """IOS prints older routers' models without the `CISCO` their PIDs start with
    (`cisco 2811 (revision 53.51)` is PID CISCO2811, `cisco 7206VXR` is CISCO7206VXR)."""
    model = model.strip().strip(",")
    return f"CISCO{model}" if model[:1].isdigit() else model
