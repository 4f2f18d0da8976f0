"""Catalyst 9000 add-on pairing: a DNA (subscription) add-on needs its Network (perpetual) base
licence on the same device, and DNA Advantage pairs only with Network Advantage.

The rules are data (`pairing:` in models/licences.yaml, with their Cisco source); this module
checks an estate's devices against them and names every device that breaks one, as warnings:
CSSM would count such a device, but the order behind it is not one Cisco sells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from planner.catalogue import Catalogue, PairingRule
from planner.model import Device
from planner.problems import Problem, warning

SHOWN = 12  # hostnames named in one warning before "and N more"


def broken_pairings(devices: Iterable[Device], catalogue: Catalogue,
                    rules: Iterable[PairingRule]) -> dict[PairingRule, list[Device]]:
    """Per rule, the devices of its families that use the add-on without a permitted base."""
    rules = tuple(rules)
    out: dict[PairingRule, list[Device]] = defaultdict(list)
    for device in devices:
        family = catalogue.family_for_pid(device.pid)
        if family is None:
            continue
        tags = {use.tag for use in device.licences if use.count > 0}
        for rule in rules:
            if family.id in rule.families and rule.addon in tags and \
                    not tags.intersection(rule.requires_any):
                out[rule].append(device)
    return dict(out)


def pairing_problems(devices: Iterable[Device], catalogue: Catalogue,
                     rules: Iterable[PairingRule], file: str) -> list[Problem]:
    """One warning per broken rule, naming the devices (sorted by site and hostname)."""
    problems = []
    for rule, bad in sorted(broken_pairings(devices, catalogue, rules).items(),
                            key=lambda kv: kv[0].addon):
        bad.sort(key=lambda d: (d.site, d.hostname, d.serial))
        names = ", ".join(f"{d.hostname} ({d.site})" for d in bad[:SHOWN])
        more = f" and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
        problems.append(warning(
            file, f"{len(bad)} device(s) use {rule.addon} without "
            f"{' or '.join(rule.requires_any)}: {names}{more}",
            expected=f"{rule.addon} with {' or '.join(rule.requires_any)} on the same device "
            f"({rule.source})"))
    return problems
