"""The manual carry trips across the air gap, per site: request codes and usage reports out,
authorization codes and acknowledgements in, confirmation codes out; On-Prem manual syncs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from planner.fileio import csv_text
from planner.runbooks.types import CarryItem, DeviceRunbook, Direction

TRIP_PURPOSE = {
    1: "out: request codes, reservation return codes and usage reports to CSSM",
    2: "in: authorization codes (reservations and SLAC) and acknowledgements to the devices",
    3: "out: reservation confirmation codes to CSSM",
}
CARRY_HEADER = ("site", "trip", "direction", "kind", "hostname", "member", "item", "pick_up",
                "deliver")


@dataclass(frozen=True, slots=True)
class Trip:
    site: str
    number: int
    direction: Direction
    purpose: str
    items: tuple[CarryItem, ...]


def server_sync_items(site: str, virtual_accounts: Iterable[str]) -> list[CarryItem]:
    """An air-gapped SSM On-Prem server's manual synchronisation: a file out, a file back in."""
    items: list[CarryItem] = []
    for va in sorted(virtual_accounts) or [""]:
        account = f"local account {va}" if va else "each local account"
        items.append(CarryItem(1, Direction.OUT, "onprem-sync-request", site, f"SSM On-Prem at "
                               f"{site}", "", f"manual synchronisation file of {account}",
                               f"SSM On-Prem at {site} (Synchronization, manual)",
                               "CSSM (upload the synchronisation file)"))
        items.append(CarryItem(2, Direction.IN, "onprem-sync-response", site, f"SSM On-Prem at "
                               f"{site}", "", f"synchronisation response of {account}",
                               "CSSM (download the response file)",
                               f"SSM On-Prem at {site} (Synchronization, manual)"))
    return items


def _order(item: CarryItem) -> tuple[object, ...]:
    return (item.trip, item.hostname, item.member, item.kind, item.item)


def site_trips(runbooks: Iterable[DeviceRunbook],
               servers: Iterable[tuple[str, tuple[str, ...]]] = ()) -> dict[str, tuple[Trip, ...]]:
    """Per site, its trips in order with every item to carry; sites with nothing to carry are
    left out. `servers`: (site, virtual accounts) of air-gapped (manual sync) On-Prem servers."""
    grouped: dict[tuple[str, int], list[CarryItem]] = defaultdict(list)
    for rb in runbooks:
        for item in rb.carry:
            grouped[(item.site, item.trip)].append(item)
    for site, vas in servers:
        for item in server_sync_items(site, vas):
            grouped[(item.site, item.trip)].append(item)
    out: dict[str, list[Trip]] = defaultdict(list)
    for (site, number), items in sorted(grouped.items()):
        direction = Direction.IN if number == 2 else Direction.OUT
        out[site].append(Trip(site, number, direction, TRIP_PURPOSE[number],
                              tuple(sorted(items, key=_order))))
    return {site: tuple(trips) for site, trips in out.items()}


def carry_csv(trips: Iterable[Trip]) -> str:
    """The carry list as CSV (formula-safe, byte-stable), one row per item."""
    rows = [(t.site, t.number, t.direction.value, i.kind, i.hostname, i.member, i.item, i.pick_up,
             i.deliver) for t in trips for i in t.items]
    return csv_text(CARRY_HEADER, rows)
