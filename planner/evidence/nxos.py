"""NX-OS `show license usage`, table (PAK) and 10.x block (Smart) forms, via ntc-templates."""

from __future__ import annotations

from planner.evidence import fsm
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


def parse_version(text: str) -> DeviceEvidence:
    """NX-OS `show version` (ntc-templates): version, device name, chassis and serial."""
    rows = fsm.parse("ntc:cisco_nxos_show_version", text)
    row = rows[0] if rows else {}
    platform = str(row.get("platform", ""))
    # The chassis line names the model without the family prefix the PID carries
    # (`cisco Nexus9000 C93180YC-EX Chassis` is PID N9K-C93180YC-EX).
    pid = f"N9K-{platform}" if platform.startswith("C9") else platform
    version = str(row.get("os", "")).split()[0] if row.get("os") else ""
    return DeviceEvidence(source="", line=0, command="show version", os="nx-os",
                          hostname=str(row.get("hostname", "")).strip(), pid=pid,
                          serial=str(row.get("serial", "")), version=version,
                          truncated=not version)
