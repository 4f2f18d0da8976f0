"""Where a plan puts each site's devices, per (site, mode): devices, stack members, licences in
use and the SSM On-Prem server site (what the exposure register reads).

Read from the decision units and the mode each took, not from per-class decisions: a strategy
compared at a million devices is mapped back to totals only, and these few thousand records
are all the report needs besides (and all a forked worker sends back). The unit sums are
computed once per comparison; grouping them for one plan is array work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.model import LicenceUse, Mode
from planner.optimise.data import MODES, ModelData


@dataclass(frozen=True, slots=True)
class SiteMode:
    """The devices of one site in one mode under a plan."""

    site: str
    mode: Mode
    server_site: str | None  # the On-Prem server serving them (None outside On-Prem)
    devices: int
    members: int
    licences: tuple[tuple[str, int], ...]  # (tag, count over the devices), sorted by tag


class Footprints:
    """The per-unit sums of one set of decision units (every strategy of a comparison shares
    the base data's units, in the same order): `of` groups them for one plan."""

    def __init__(self, data: ModelData) -> None:
        units = data.units
        self.sites = sorted({u.site for u in units})
        where = {s: i for i, s in enumerate(self.sites)}
        self._site = np.fromiter((where[u.site] for u in units), dtype=np.int64,
                                 count=len(units))
        self._devices = np.fromiter((u.devices for u in units), dtype=np.int64, count=len(units))
        self._members = np.fromiter((u.members for u in units), dtype=np.int64, count=len(units))
        # Several units of one site can take one On-Prem mode: the group names the server of
        # the unit holding the largest class id, as reading per-class decisions in id order did.
        self._last = [max(u.class_ids) for u in units]
        # Licences in use per unit: each class's counts times its devices, summed. Classes hold
        # a few dozen distinct licence sets between them: the classes are read once for their
        # unit, devices and set, and each set's tags are spread over its classes with arrays.
        classes, index = data.classes.classes, data.classes.index
        slot_of: dict[int, int] = {}  # id of a licence set -> its slot in `sets`
        sets: list[tuple[LicenceUse, ...]] = []  # also keeps each id its own
        set_of: list[int] = []
        unit_of: list[int] = []
        devices: list[int] = []
        for u, unit in enumerate(units):
            for cid in unit.class_ids:
                cls = classes[index[cid]]
                slot = slot_of.get(id(cls.licences))
                if slot is None:
                    slot = slot_of[id(cls.licences)] = len(sets)
                    sets.append(cls.licences)
                set_of.append(slot)
                unit_of.append(u)
                devices.append(cls.devices)
        self.tags = sorted({use.tag for licences in sets for use in licences})
        # Tags numbered in name order, so ascending codes are the order the register prints.
        code = {t: i for i, t in enumerate(self.tags)}
        n_tags = max(len(self.tags), 1)
        owner = np.asarray(unit_of, dtype=np.int64)
        size = np.asarray(devices, dtype=np.int64)
        which = np.asarray(set_of, dtype=np.int64)
        keys_parts: list[npt.NDArray[np.int64]] = []
        count_parts: list[npt.NDArray[np.int64]] = []
        for slot, licences in enumerate(sets):
            if not licences:
                continue
            mine = which == slot
            for use in licences:
                keys_parts.append(owner[mine] * n_tags + code[use.tag])
                count_parts.append(size[mine] * use.count)
        keys = np.concatenate(keys_parts) if keys_parts else np.zeros(0, dtype=np.int64)
        counts = np.concatenate(count_parts) if count_parts else np.zeros(0, dtype=np.int64)
        merged, inverse = np.unique(keys, return_inverse=True)
        self._qty = np.bincount(inverse.reshape(-1), weights=counts.astype(np.float64),
                                minlength=len(merged)).astype(np.int64)
        self._unit, self._tag = np.divmod(merged, n_tags)

    def of(self, modes: Sequence[Mode], servers: Sequence[str | None]) -> tuple[SiteMode, ...]:
        """The plan's (site, mode) groups, sorted by site then mode name, from the mode and the
        server site of each unit (in the units' order)."""
        n_modes = len(MODES)
        rank = {m: i for i, m in enumerate(MODES)}
        mode = np.fromiter((rank[m] for m in modes), dtype=np.int64, count=len(modes))
        group = self._site * n_modes + mode
        keys, inverse = np.unique(group, return_inverse=True)
        inverse = inverse.reshape(-1)
        devices = np.bincount(inverse, weights=self._devices, minlength=len(keys))
        members = np.bincount(inverse, weights=self._members, minlength=len(keys))
        n_tags = max(len(self.tags), 1)
        pairs, at = np.unique(inverse[self._unit] * n_tags + self._tag, return_inverse=True)
        qty = np.bincount(at.reshape(-1), weights=self._qty, minlength=len(pairs))
        owner, tags = np.divmod(pairs, n_tags)
        bounds = np.searchsorted(owner, np.arange(len(keys) + 1))
        server: dict[int, tuple[str, str]] = {}
        for u, site in enumerate(servers):
            if site is not None:
                g = int(inverse[u])
                if g not in server or self._last[u] > server[g][0]:
                    server[g] = (self._last[u], site)
        out = []
        tag_list, qty_list = tags.tolist(), qty.tolist()
        for g, key in enumerate(keys.tolist()):
            s, e = int(bounds[g]), int(bounds[g + 1])
            out.append(SiteMode(
                site=self.sites[key // n_modes], mode=MODES[key % n_modes],
                server_site=server[g][1] if g in server else None,
                devices=int(devices[g]), members=int(members[g]),
                licences=tuple((self.tags[tag_list[k]], int(qty_list[k])) for k in range(s, e))))
        return tuple(sorted(out, key=lambda r: (r.site, r.mode.value)))
