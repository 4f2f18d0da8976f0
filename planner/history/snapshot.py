"""What one snapshot stores: an estate's licence and device state as plain rows.

Rows are tuples in the tables' column order (no per-row objects), because a snapshot of a
100k-device estate is written with `executemany` and a dataclass per row would triple the cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from planner.model import Device, Entitlement, Estate, LicenceUse, TermType

# (key, hostname, pid, serial, site, va, version, state, licences)
DeviceRow = tuple[str, str, str, str, str, str, str, str, str]
# (va, tag, quantity, in_use, reserved)
EntitlementRow = tuple[str, str, int, int, int]
# (va, tag, key, quantity, in_force, start, end)
LineRow = tuple[str, str, str, int, int, str, str]
# (id, name, tags)
SiteRow = tuple[str, str, str]
# (name, is_default)
VaRow = tuple[str, int]


@dataclass(frozen=True, slots=True)
class SnapshotData:
    """Everything `add_snapshot` writes for one date. `devices` may be any iterable (streamed)."""

    taken: date
    estate: str
    source: str
    virtual_accounts: tuple[VaRow, ...]
    sites: tuple[SiteRow, ...]
    devices: Iterable[DeviceRow]
    entitlements: tuple[EntitlementRow, ...]
    lines: tuple[LineRow, ...] = ()


def device_key(device: Device) -> str:
    """A device's identity across snapshots: its serial (docs/licensing-facts.md section 6)."""
    return device.serial or f"host:{device.hostname}"


def licences_text(licences: Iterable[LicenceUse]) -> str:
    """`tag:count;...`, merged per tag and sorted, so equal licence sets compare equal."""
    counts: dict[str, int] = defaultdict(int)
    for use in licences:
        counts[use.tag] += use.count
    return ";".join(f"{tag}:{counts[tag]}" for tag in sorted(counts))


def parse_licences(text: str) -> list[tuple[str, int]]:
    """The inverse of `licences_text`."""
    out = []
    for part in text.split(";"):
        if part:
            tag, _, count = part.rpartition(":")
            out.append((tag, int(count)))
    return out


def device_row(device: Device) -> DeviceRow:
    return (device_key(device), device.hostname, device.pid, device.serial, device.site,
            device.virtual_account, device.version, str(device.state),
            licences_text(device.licences))


def in_force(ent: Entitlement, day: date) -> bool:
    """Whether an entitlement line entitles anything on `day`.

    A line whose start is after `day` is an order not in force yet (a licence bought ahead of a
    project); a term line whose end is before `day` has lapsed. Either way it entitles nothing
    that day, while what CSSM shows in use on it stays consumption. The renewal read and the
    snapshots share this rule, so a snapshot's holdings compare like with like.
    """
    if ent.start is not None and ent.start > day:
        return False
    return not (ent.term is TermType.TERM and ent.end is not None and ent.end < day)


def entitlement_rows(estate: Estate, day: date | None = None) -> tuple[EntitlementRow, ...]:
    """Entitlements summed per (VA, licence): term lines of one licence count together.

    With `day`, only the quantity in force that day counts (`in_force`); in use and reserved
    always count.
    """
    sums: dict[tuple[str, str], list[int]] = {}
    for ent in estate.entitlements:
        acc = sums.setdefault((ent.virtual_account, ent.tag), [0, 0, 0])
        acc[0] += ent.quantity if day is None or in_force(ent, day) else 0
        acc[1] += ent.in_use
        acc[2] += ent.reserved
    return tuple((va, tag, q, u, r) for (va, tag), (q, u, r) in sorted(sums.items()))


def line_rows(estate: Estate, day: date) -> tuple[LineRow, ...]:
    """Every entitlement line with whether it is in force on `day`, keyed to match across
    snapshots: the same subscription, dates and term in the same VA is the same line."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    out = []
    for ent in sorted(estate.entitlements, key=lambda e: (
            e.virtual_account, e.tag, e.subscription_id, str(e.start), str(e.end), e.quantity)):
        start = ent.start.isoformat() if ent.start else ""
        end = ent.end.isoformat() if ent.end else ""
        base = f"{ent.subscription_id}|{start}|{end}|{ent.term}"
        n = seen[(ent.virtual_account, ent.tag, base)]
        seen[(ent.virtual_account, ent.tag, base)] += 1
        out.append((ent.virtual_account, ent.tag, base + (f"#{n + 1}" if n else ""),
                    ent.quantity, int(in_force(ent, day)), start, end))
    return tuple(out)


def from_estate(estate: Estate, taken: date) -> SnapshotData:
    return SnapshotData(
        taken=taken,
        estate=estate.name,
        source=estate.path,
        virtual_accounts=tuple(sorted((va.name, int(va.is_default))
                                      for va in estate.virtual_accounts)),
        sites=tuple(sorted((s.id, s.name, ";".join(sorted(s.tags))) for s in estate.sites)),
        # Sorted by key: inserts then append to the primary-key B-tree instead of splitting
        # pages all over it (several times faster for random serials).
        devices=tuple(sorted(device_row(d) for d in estate.devices)),
        # The licence state as of `taken`: orders not yet in force and lapsed terms hold 0.
        entitlements=entitlement_rows(estate, taken),
        lines=line_rows(estate, taken),
    )
