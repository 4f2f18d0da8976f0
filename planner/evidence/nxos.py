"""NX-OS `show license usage`, table (PAK) and 10.x block (Smart) forms, via ntc-templates,
and `show license` (the installed licence files)."""

from __future__ import annotations

import re

from planner.evidence import fsm
from planner.evidence.identity import clean_serial
from planner.evidence.normalise import canonical_licence, split_status, to_int
from planner.evidence.records import DeviceEvidence, Era, LicenceEvidence


def parse_usage(text: str) -> DeviceEvidence:
    rows = fsm.parse("ntc:cisco_nxos_show_license_usage", text)
    licences: list[LicenceEvidence] = []
    block_form = any(not r["installed"] for r in rows)
    for row in rows:
        feature = str(row["feature"])
        status, _ = split_status(str(row["status"]))
        count = to_int(str(row["license_count"]), default=-1)
        if count < 0:
            # The table prints `-` for uncounted packages: one in use, none otherwise.
            count = 1 if status == "IN USE" else 0
        tag, known = canonical_licence(feature)
        licences.append(LicenceEvidence(tag=tag, raw=feature, count=count, status=status,
                                        known=known, licence_type=str(row["expiry_date"])))
    return DeviceEvidence(source="", line=0, command="show license usage", os="nx-os",
                          licences=tuple(licences), detail=3,
                          era=Era.SLUP if block_form and rows else Era.TRADITIONAL,
                          truncated=not rows and "No licenses" not in text)


_HOSTID = re.compile(r"HOSTID=VDH=(?P<sn>[A-Za-z0-9]+)")
_INCREMENT = re.compile(r"^INCREMENT\s+(?P<feature>\S+)\s+cisco\s+\S+\s+(?P<expiry>\S+)", re.M)


def parse_license_file(text: str) -> DeviceEvidence:
    """NX-OS `show license`: the installed licence files (FlexLM text). The host id is the
    chassis serial (`HOSTID=VDH=FOX1234ABCD`); an installed file says nothing about use, so
    its features are recorded as INSTALLED, not in use (`show license usage` says that)."""
    host = _HOSTID.search(text)
    licences = []
    for match in _INCREMENT.finditer(text):
        feature = match.group("feature")
        tag, known = canonical_licence(feature)
        licences.append(LicenceEvidence(tag=tag, raw=feature, count=0, status="INSTALLED",
                                        known=known, licence_type=match.group("expiry")))
    return DeviceEvidence(source="", line=0, command="show license", os="nx-os",
                          serial=clean_serial(host.group("sn")) if host else "",
                          licences=tuple(licences), era=Era.TRADITIONAL, era_weak=True,
                          truncated=not licences)


def parse_host_id(text: str) -> DeviceEvidence:
    """NX-OS `show license host-id`: `License hostid: VDH=FOX1234ABCD`, the chassis serial that
    licence files are bound to."""
    host = re.search(r"VDH=(?P<sn>[A-Za-z0-9]+)", text)
    return DeviceEvidence(source="", line=0, command="show license host-id", os="nx-os",
                          serial=clean_serial(host.group("sn")) if host else "",
                          truncated=host is None)
