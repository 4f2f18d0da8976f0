"""Catalyst 9000 add-on pairing: a DNA (subscription) add-on needs its Network (perpetual) base
licence on the same device, and DNA Advantage pairs only with Network Advantage.

The rules are data (`pairing:` in models/licences.yaml, with their Cisco source); this module
checks an estate's devices against them (once per distinct PID and licence set of the device
table) and names every device that breaks one, as warnings:
CSSM would count such a device, but the order behind it is not one Cisco sells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, pa, pc
from planner.catalogue import Catalogue, PairingRule
from planner.device_table import DeviceTable
from planner.model import Device
from planner.problems import Problem, warning

SHOWN = 12  # hostnames named in one warning before "and N more"


def broken_pairing_rows(devices: Sequence[Device], catalogue: Catalogue,
                        rules: Iterable[PairingRule]) -> dict[PairingRule, npt.NDArray[np.int64]]:
    """Per broken rule, the device rows (in estate order) of its families that use the add-on
    without a permitted base: judged once per distinct (PID, licence set) of the table."""
    rules = tuple(rules)
    table = DeviceTable.of(devices)
    n_sets = max(len(table.licences.values), 1)
    pairs = table.pid.codes.astype(np.int64) * n_sets + table.licences.codes
    distinct, pair_of_row = _distinct(pairs, max(len(table.pid.values), 1) * n_sets)
    broken: dict[PairingRule, list[int]] = defaultdict(list)
    for i, pair in enumerate(distinct.tolist()):
        family = catalogue.family_for_pid(table.pid.values[pair // n_sets])
        if family is None:
            continue
        tags = {use.tag for use in table.licences.values[pair % n_sets] if use.count > 0}
        for rule in rules:
            if family.id in rule.families and rule.addon in tags and \
                    not tags.intersection(rule.requires_any):
                broken[rule].append(i)
    return {rule: np.flatnonzero(np.isin(pair_of_row, found)).astype(np.int64)
            for rule, found in broken.items()}


def _distinct(keys: npt.NDArray[np.int64],
              size: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """np.unique(keys, return_inverse=True) for keys in 0..size-1: counted in a table of
    `size` slots when that is small (no sort of a million keys), sorted otherwise."""
    if size > 1 << 22:
        distinct, inverse = np.unique(keys, return_inverse=True)
        return distinct, inverse.reshape(-1)
    distinct = np.flatnonzero(np.bincount(keys, minlength=size))
    slot = np.zeros(size, dtype=np.int64)
    slot[distinct] = np.arange(len(distinct), dtype=np.int64)
    return distinct, slot[keys]


def broken_pairings(devices: Sequence[Device], catalogue: Catalogue,
                    rules: Iterable[PairingRule]) -> dict[PairingRule, list[Device]]:
    """Per rule, the devices of its families that use the add-on without a permitted base."""
    table = DeviceTable.of(devices)
    return {rule: table.rows(rows)
            for rule, rows in broken_pairing_rows(table, catalogue, rules).items()}


def pairing_problems(devices: Sequence[Device], catalogue: Catalogue,
                     rules: Iterable[PairingRule], file: str) -> list[Problem]:
    """One warning per broken rule, naming the devices (sorted by site and hostname)."""
    table = DeviceTable.of(devices)
    site_rank = np.empty(len(table.site.values), dtype=np.int64)
    site_rank[sorted(range(len(table.site.values)), key=table.site.values.__getitem__)] = \
        np.arange(len(table.site.values))
    problems = []
    for rule, rows in sorted(broken_pairing_rows(table, catalogue, rules).items(),
                             key=lambda kv: kv[0].addon):
        # The first SHOWN by (site, hostname, serial), sorted on the columns (then estate order).
        at = from_numpy(rows)
        order = pc.sort_indices(pa.table({
            "site": from_numpy(site_rank[table.site.codes[rows]]),
            "hostname": table.hostname.take(at), "serial": table.serial.take(at),
            "row": at}), sort_keys=[(k, "ascending") for k in ("site", "hostname", "serial",
                                                                   "row")])
        shown = table.rows(rows[order.to_numpy()[:SHOWN]])
        names = ", ".join(f"{d.hostname} ({d.site})" for d in shown)
        more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
        problems.append(warning(
            file, f"{len(rows)} device(s) use {rule.addon} without "
            f"{' or '.join(rule.requires_any)}: {names}{more}",
            expected=f"{rule.addon} with {' or '.join(rule.requires_any)} on the same device "
            f"({rule.source})"))
    return problems
