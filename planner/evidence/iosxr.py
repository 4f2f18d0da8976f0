"""IOS-XR `show license platform summary | detail` (Cisco 8000 flexible consumption)."""

from __future__ import annotations

import re

from planner.evidence import fsm
from planner.evidence.normalise import canonical_licence, to_int
from planner.evidence.records import DeviceEvidence, LicenceEvidence

_SIA = re.compile(r"^SIA Status:\s*(.+?)\s*$", re.M)


def parse_platform(text: str, command: str) -> DeviceEvidence:
    """Entitlements with their last reported counts; `detail` adds only reporting state."""
    rows = fsm.parse("iosxr_show_license_platform_summary", text) \
        if command.endswith("summary") else []
    licences = []
    for row in rows:
        name = str(row["entitlement"])
        tag, known = canonical_licence(name)
        licences.append(LicenceEvidence(tag=tag, raw=f"{str(row['area']).strip()}: {name}",
                                        count=to_int(str(row["last"])), status="IN USE",
                                        known=known))
    sia = _SIA.search(text)
    truncated = command.endswith("summary") and not rows and "=====" not in text
    return DeviceEvidence(source="", line=0, command=command, os="ios-xr",
                          licences=tuple(licences), detail=3 if rows else 0,
                          authorization=sia.group(1).upper() if sia else "",
                          truncated=truncated or not sia)
