"""`show inventory` (IOS, IOS XE, NX-OS, IOS-XR, ASA) through ntc-templates: the chassis UDI
and, for stacks and virtual chassis, every member's.

Which entries are the device: the members (`Switch 1`, `Switch 2`, `Chassis 1` of a
StackWise Virtual or VSS pair), else the chassis entry (`Chassis`, `Rack 0`, a description
naming a chassis), else the first entry, which every platform prints first for the chassis.
Modules, power supplies, fans and optics are not the device and are ignored.
"""

from __future__ import annotations

import re

from planner.evidence import fsm
from planner.evidence.identity import clean_serial
from planner.evidence.records import DeviceEvidence
from planner.model import StackMember

_ASA_NAME = re.compile(r"^Name:\s+\"", re.MULTILINE)
_MEMBER = re.compile(r"^(?:Switch|Chassis)\s*\d+$", re.IGNORECASE)
_CHASSIS_NAME = re.compile(r"^(?:Chassis|Rack 0|1|\S+ Chassis)$", re.IGNORECASE)
_NOT_CHASSIS = re.compile(r"fan|power|supply|module|transceiver|sfp", re.IGNORECASE)


def parse_inventory(text: str, os_name: str) -> DeviceEvidence:
    if os_name in {"nx-os", "aci"}:
        template = "ntc:cisco_nxos_show_inventory"
    elif _ASA_NAME.search(text):
        template = "ntc:cisco_asa_show_inventory"  # ASA prints `Name:`, not `NAME:`
    else:
        template = "ntc:cisco_ios_show_inventory"
    try:
        rows = fsm.parse(template, text)
    except fsm.ParseError:
        # The ASA template refuses lines it does not expect; the IOS one reads the same pairs.
        rows = fsm.parse("ntc:cisco_ios_show_inventory", re.sub(r"^Name:", "NAME:", text,
                                                                flags=re.MULTILINE))
    entries = [(str(r["name"]).strip().strip('"'), str(r["descr"]), str(r["pid"]).strip(),
                clean_serial(str(r["sn"]))) for r in rows]
    entries = [e for e in entries if e[2] and e[3]]
    members = tuple(dict.fromkeys(StackMember(pid, sn) for name, _d, pid, sn in entries
                                  if _MEMBER.match(name)))
    chassis = next((e for e in entries if _CHASSIS_NAME.match(e[0]) or (
        "chassis" in e[1].lower() and not _NOT_CHASSIS.search(e[1]))), None)
    if members:
        pid, serial = members[0].pid, members[0].serial
    elif chassis:
        pid, serial = chassis[2], chassis[3]
    elif entries:
        pid, serial = entries[0][2], entries[0][3]
    else:
        pid = serial = ""
    return DeviceEvidence(source="", line=0, command="show inventory", pid=pid, serial=serial,
                          members=members if len(members) > 1 else (), truncated=not entries)
