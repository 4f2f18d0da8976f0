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
