"""ASA `show license all` (Smart Licensing) via ntc-templates, completed by the Smart Agent
section walker for what the template does not capture (policy, reservation, members)."""

from __future__ import annotations

from dataclasses import replace

from planner.evidence import fsm, iosxe
from planner.evidence.normalise import canonical_licence, split_status, to_int
from planner.evidence.records import DeviceEvidence, LicenceEvidence


def parse_show_license_all(text: str) -> DeviceEvidence:
    base = iosxe.parse_report(text, "show license all")
    try:
        rows = fsm.parse("ntc:cisco_asa_show_license_all", text)
    except fsm.ParseError:
        # Newer ASA releases add sections the template rejects; the Smart Agent section
        # reader reads the same layout.
        return replace(base, os="asa")
    licences: list[LicenceEvidence] = []
    for row in rows:
        name, ent = str(row["license"]), str(row["license_pid"])
        if not (name or ent):
            continue
        tag, known = canonical_licence(name, ent)
        status, _ = split_status(str(row["license_status"]))
        licences.append(LicenceEvidence(tag=tag, raw=f"{name} ({ent})", count=to_int(
            str(row["license_count"])), status=status, known=known, entitlement=ent))
    pid = fsm.first(rows, "pid") or base.pid
    serial = fsm.first(rows, "sn") or base.serial
    return replace(base, os="asa", pid=pid, serial=serial,
                   licences=tuple(licences) or base.licences,
                   smart_account=base.smart_account or fsm.first(rows, "smart_account"),
                   virtual_account=base.virtual_account or fsm.first(rows, "virtual_account"),
                   transport=base.transport or fsm.first(rows, "transport_type"))
