"""Per-column device counts shared by validation and the summary, counted once per estate."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

from planner.model import Device, LicenceUse


@dataclass(frozen=True, slots=True)
class DeviceTally:
    """How many devices name each site, PID and Virtual Account, and use each licence."""

    by_site: Counter[str]
    by_pid: Counter[str]
    by_va: Counter[str]
    used: Counter[str]  # licence tag -> units the devices use
    first_user: dict[str, Device]  # licence tag -> first device (in estate order) using it

    @classmethod
    def of(cls, devices: tuple[Device, ...]) -> DeviceTally:
        # Counter over attribute columns counts in C; a per-device Python loop would dominate
        # at a million devices. Readers share one tuple per distinct licences cell, so cells
        # are counted by identity and each distinct cell is expanded once.
        lics = list(map(attrgetter("licences"), devices))
        ids = list(map(id, lics))
        per_cell = Counter(ids)
        # id -> index of the first device with that cell: the last write wins, so walk backwards.
        first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
        used: Counter[str] = Counter()
        first_user: dict[str, Device] = {}
        for index in sorted(first.values()):
            cell: tuple[LicenceUse, ...] = lics[index]
            n = per_cell[ids[index]]
            for use in cell:
                used[use.tag] += use.count * n
                first_user.setdefault(use.tag, devices[index])
        return cls(Counter(map(attrgetter("site"), devices)),
                   Counter(map(attrgetter("pid"), devices)),
                   Counter(map(attrgetter("virtual_account"), devices)), used, first_user)
