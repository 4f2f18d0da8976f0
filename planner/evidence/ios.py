"""IOS `show license` (Cisco Software Licensing rights-to-use) through ntc-templates."""

from __future__ import annotations

from planner.evidence import fsm
from planner.evidence.normalise import canonical_licence, to_int
from planner.evidence.records import DeviceEvidence, Era, LicenceEvidence


def _count(text: str) -> int:
    # `License Count: 3/0  (In-use/Violation)` counts; a Non-Counted feature in use consumes
    # one right-to-use on the device.
    if "/" in text:
        head = text.split("/", 1)[0].strip()
        return to_int(head)
    return 1


def parse_show_license(text: str) -> DeviceEvidence:
    """Classic IOS/IOS XE 3.x `show license`: features with state `Active, In Use`."""
    rows = fsm.parse("ntc:cisco_ios_show_license", text)
    licences: list[LicenceEvidence] = []
    for row in rows:
        feature = str(row["feature"])
        state = str(row["license_state"])
        in_use = "in use" in state.lower() and "not in use" not in state.lower()
        tag, known = canonical_licence(feature)
        eval_only = str(row["license_type"]).lower().startswith("eval")
        status = ("EVAL MODE" if eval_only else "IN USE") if in_use else "NOT IN USE"
        count = _count(str(row["license_count"])) if in_use else 0
        licences.append(LicenceEvidence(tag=tag, raw=feature, count=count, status=status,
                                        known=known, licence_type=str(row["license_type"])))
    return DeviceEvidence(source="", line=0, command="show license", os="ios",
                          licences=tuple(licences), era=Era.TRADITIONAL, detail=3,
                          evaluation=any(lic.status == "EVAL MODE" for lic in licences),
                          truncated=not rows)
