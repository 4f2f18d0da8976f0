"""Decide which parsed blocks describe the same device, and merge them.

Inside one file part (a file, or one `==== ... ====` part of it) blocks run in time order from
one terminal session: they join on serial or prompt hostname, and a block that names neither
belongs to the device before it. Across files, blocks join on serial, then on hostname, but
only on a hostname that identifies something (`Switch` and `Router` do not).
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.evidence.records import DeviceEvidence, Era, merge
from planner.problems import Problem, warning

GENERIC_HOSTNAMES = frozenset({"switch", "router", "device", "ciscoasa", "asa", "nexus",
                               "localhost", "wlc", "controller", "host", "sw", "rtr"})


def _conflict(a: str, b: str) -> bool:
    return bool(a and b and a != b)


def _group_scope(records: list[DeviceEvidence]) -> list[DeviceEvidence]:
    groups: list[DeviceEvidence] = []
    for rec in records:
        target = None
        for i, g in enumerate(groups):
            strong = (rec.serial and rec.serial == g.serial) or (
                rec.hostname and rec.hostname == g.hostname)
            if strong and not _conflict(rec.serial, g.serial) and not _conflict(
                    rec.hostname, g.hostname):
                target = i
        if target is None and groups:
            last = groups[-1]
            if not _conflict(rec.serial, last.serial) and not _conflict(rec.hostname,
                                                                        last.hostname):
                target = len(groups) - 1
        if target is None:
            groups.append(rec)
        else:
            groups[target] = merge(groups[target], rec)
    return groups


def _uses(rec: DeviceEvidence) -> dict[str, int]:
    counts: dict[str, int] = {}
    for lic in rec.licences:
        if lic.in_use and lic.known:
            counts[lic.tag] = counts.get(lic.tag, 0) + lic.count
    return counts


def _merge_checked(a: DeviceEvidence, b: DeviceEvidence,
                   problems: list[Problem] | None) -> DeviceEvidence:
    """Merge, reporting captures of one serial that disagree on the licences in use."""
    # `show version` licences (packages, levels) yield to any licence command's without a word.
    from_version = "show version" in (a.command, b.command)
    if problems is not None and a.serial and a.licences and b.licences and \
            a.source != b.source and not from_version:
        ua, ub = _uses(a), _uses(b)
        if ua != ub:
            kept = b if b.detail >= a.detail else a
            problems.append(warning(
                b.source, f"captures of {a.serial} disagree on licences in use: {a.where} "
                f"says {_show(ua)}, {b.where} says {_show(ub)}; kept {kept.where} "
                "(the more detailed, else the later capture)", line=b.line))
    return merge(a, b)


def _show(uses: dict[str, int]) -> str:
    return ";".join(f"{t}:{n}" for t, n in sorted(uses.items())) or "none"


def group_records(items: Iterable[tuple[int, DeviceEvidence]],
                  problems: list[Problem] | None = None) -> list[DeviceEvidence]:
    """One merged record per device, in first-seen order; disagreements go to `problems`."""
    scopes: dict[tuple[str, int], list[DeviceEvidence]] = {}
    for section, rec in items:
        scopes.setdefault((rec.source, section), []).append(rec)
    partials = [g for recs in scopes.values() for g in _group_scope(recs)]

    merged: list[DeviceEvidence] = []
    by_serial: dict[str, int] = {}
    by_host: dict[str, int] = {}
    pending: list[DeviceEvidence] = []
    for rec in partials:
        if rec.serial:
            key = rec.serial.upper()
            if key in by_serial:
                idx = by_serial[key]
                merged[idx] = _merge_checked(merged[idx], rec, problems)
            else:
                by_serial[key] = len(merged)
                merged.append(rec)
                host = rec.hostname.casefold()
                if host and host not in GENERIC_HOSTNAMES:
                    by_host.setdefault(host, len(merged) - 1)
        else:
            pending.append(rec)
    for rec in pending:
        host = rec.hostname.casefold()
        if host and host not in GENERIC_HOSTNAMES and host in by_host:
            idx = by_host[host]
            merged[idx] = merge(merged[idx], rec)
        else:
            if host and host not in GENERIC_HOSTNAMES:
                by_host[host] = len(merged)
            merged.append(rec)
    return [r for r in merged if r.serial or r.pid or r.licences or _named_state(r)]


def _named_state(rec: DeviceEvidence) -> bool:
    """A capture that names its device only by prompt (`show license status` alone) still
    tells its accounts and licensing state: it makes a device that joins on hostname."""
    return bool(rec.hostname) and bool(rec.smart_account or rec.virtual_account or rec.version
                                       or rec.era is not Era.UNKNOWN or rec.registration)
