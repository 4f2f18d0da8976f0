"""Per-column device counts shared by validation and the summary, counted once per estate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.device_table import DeviceTable
from planner.model import Device


@dataclass(frozen=True, slots=True)
class DeviceTally:
    """How many devices name each site, PID and Virtual Account, and use each licence."""

    by_site: Counter[str]
    by_pid: Counter[str]
    by_va: Counter[str]
    used: Counter[str]  # licence tag -> units the devices use
    first_user: dict[str, Device]  # licence tag -> first device (in estate order) using it

    @classmethod
    def of(cls, devices: Sequence[Device]) -> DeviceTally:
        # Counted on the table's codes (a bincount per column), so a million devices cost a few
        # numpy passes; every distinct licence set is expanded once, in order of first use.
        table = DeviceTable.of(devices)
        licences = table.licences
        codes = licences.codes
        rows_per_set = np.bincount(codes, minlength=len(licences.values)).tolist()
        first_row = licences.first_rows()
        present = np.flatnonzero(first_row < len(codes))
        used: Counter[str] = Counter()
        first_user: dict[str, Device] = {}
        for at in np.argsort(first_row[present], kind="stable").tolist():
            code, row = int(present[at]), int(first_row[present[at]])
            for use in licences.values[code]:
                used[use.tag] += use.count * rows_per_set[code]
                if use.tag not in first_user:
                    first_user[use.tag] = table[row]
        return cls(Counter(table.site.counts()), Counter(table.pid.counts()),
                   Counter(table.virtual_account.counts()), used, first_user)
