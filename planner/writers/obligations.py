"""What the plan obliges per device besides its mode, on the device columns: which devices need
a SLAC (planner.slac) and which must return a reservation first (planner.returns), and their
manifests slac/<va>.csv and returns/<va>.csv.

The rules read a device's PID (for its family), version, licensing state and licence set, and
its class's planned mode. Each rule is decided by planner.slac's and planner.returns' own
functions once per distinct value (per licence set, per (PID, version, state), per (state,
mode)), and the rows are picked on the table's integer codes: at a million devices the rules
run a few hundred times, not a million. Only the rows that owe something are read as text, one
column at a time, and SlacEntry / ReturnEntry records are made only when asked for (`entries`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from planner.arrow import as_large, from_numpy, large_text, pa, pc
from planner.catalogue import Catalogue, ProductFamily
from planner.class_columns import ClassColumns
from planner.device_table import Coded, DeviceTable
from planner.fileio import csv_columns
from planner.model import Mode
from planner.plan import ClassDecision
from planner.returns import ReturnEntry, return_entry, returned_reservation
from planner.safe_names import file_names
from planner.slac import SlacEntry, SlacPath, gated_licences, knows_slac, slac_entry, slac_path
from planner.writers.device_columns import PlannedRows

T = TypeVar("T")
Rows = npt.NDArray[np.int64]
ModeCodes = npt.NDArray[np.int8]
# A mode code indexes MODES; -1 (the trailing None of _OR_NONE) is no mode: no class, undecided.
MODES = tuple(Mode)
_OR_NONE: tuple[Mode | None, ...] = (*MODES, None)
SLAC_HEADER = ("virtual_account", "site", "hostname", "pid", "serial", "units", "licences",
               "mode", "path")
RETURN_HEADER = ("virtual_account", "site", "hostname", "pid", "serial", "units", "holds",
                 "planned_mode", "planned_virtual_account")


def class_modes(columns: ClassColumns) -> ModeCodes:
    """Per class, the code of its planned mode (-1: undecided), from the class columns."""
    values = pa.array([m.value for m in MODES], pa.large_string())
    found = pc.index_in(columns.mode, value_set=values)
    got: ModeCodes = pc.fill_null(found, pa.scalar(-1, found.type)).to_numpy(
        zero_copy_only=False).astype(np.int8)
    return got


def row_modes(rows: PlannedRows, per_class: ModeCodes) -> ModeCodes:
    """Per table row, the code of its class's planned mode (-1: in no class, or undecided)."""
    got: ModeCodes = np.append(per_class, np.int8(-1))[rows.row_class]
    return got


@dataclass(frozen=True, slots=True)
class Obligations:
    """The device rows owing a SLAC and those owing a reservation return, each in manifest
    order: by Virtual Account, then as devices.csv lists them (site, hostname, serial)."""

    rows: PlannedRows
    catalogue: Catalogue
    mode: ModeCodes  # per table row: its planned mode (row_modes)
    slac: Rows
    slac_tags: Coded[tuple[str, ...]]  # per SLAC row: the enforced / export-controlled tags
    returns: Rows
    returned: ModeCodes  # per return row: the reservation it returns (SLR or PLR)

    @property
    def offline_slacs(self) -> int:
        """SLACs obtained by the offline path (generated in CSSM for the UDI, carried in)."""
        offline = np.array([slac_path(m) is SlacPath.OFFLINE for m in _OR_NONE])
        return int(offline[self.mode[self.slac]].sum())

    def entries(self) -> tuple[list[SlacEntry], list[ReturnEntry]]:
        """The obligations as records, made by the per-device rules on just these rows."""
        def mode(decision: ClassDecision | None) -> Mode | None:
            return decision.mode if decision is not None else None

        slacs = [slac_entry(device, mode(d), self.catalogue)
                 for device, d in self.rows.devices(self.slac.tolist())]
        returns = [return_entry(device, mode(d))
                   for device, d in self.rows.devices(self.returns.tolist())]
        return [e for e in slacs if e is not None], [r for r in returns if r is not None]

    def files(self) -> dict[str, str]:
        """slac/<va>.csv (which UDI needs which authorization code, online or offline) and
        returns/<va>.csv (reservations to return, and the mode each device goes to)."""
        table = self.rows.table
        mode_text = [m.value if m is not None else "" for m in _OR_NONE]
        path_text = [p.value if (p := slac_path(m)) is not None else "" for m in _OR_NONE]
        modes = self.mode[self.slac]
        tags = Coded(tuple(";".join(t) for t in self.slac_tags.values), self.slac_tags.codes)
        files = _per_account("slac", SLAC_HEADER, table, self.slac, [
            *_device_cells(table, self.slac), tags.decoded(), _pick(mode_text, modes),
            _pick(path_text, modes)])
        cells = _device_cells(table, self.returns)
        files.update(_per_account("returns", RETURN_HEADER, table, self.returns, [
            *cells, _pick(mode_text, self.returned), _pick(mode_text, self.mode[self.returns]),
            cells[0]]))  # planned Virtual Account: the device's own (returns move no account)
        return files


def obligations(rows: PlannedRows, catalogue: Catalogue) -> Obligations:
    """Which rows owe a SLAC or a reservation return under the plan."""
    table = rows.table
    mode = row_modes(rows, class_modes(rows.columns))
    order = rows.order
    order_mode = mode[order]
    # SLAC: a mode that obtains SLACs, a gated licence, software that knows SLACs.
    obtains = np.array([slac_path(m) is not None for m in _OR_NONE])
    gated = Coded(tuple(gated_licences(uses, catalogue) for uses in table.licences.values),
                  table.licences.codes)
    has_gated = np.array([bool(tags) for tags in gated.values] + [False])
    maybe = order[obtains[order_mode] & has_gated[gated.codes[order]]]
    slac = maybe[_knows_slac(table, maybe, catalogue)]
    slac = _by_account(table, slac)
    # Returns: per (state, mode), the reservation returned (returns move no Virtual Account).
    code = {m: i for i, m in enumerate(MODES)}
    back = np.array([[-1 if (held := returned_reservation(state, m)) is None else code[held]
                      for m in _OR_NONE] for state in table.state.values] or [[-1]],
                    dtype=np.int8)
    per_order = back[table.state.codes[order], order_mode] if len(order) else \
        np.zeros(0, dtype=np.int8)
    returns = _by_account(table, order[per_order >= 0])
    return Obligations(rows, catalogue, mode, slac,
                       Coded(gated.values, gated.codes[slac]), returns,
                       back[table.state.codes[returns], mode[returns]] if len(returns)
                       else np.zeros(0, dtype=np.int8))


def _knows_slac(table: DeviceTable, rows: Rows,
                catalogue: Catalogue) -> npt.NDArray[np.bool_]:
    """Per row of `rows`: slac.knows_slac, decided once per distinct (PID, version, state)."""
    if not len(rows):
        return np.zeros(0, dtype=bool)
    nv, ns = max(len(table.version.values), 1), max(len(table.state.values), 1)
    key = (table.pid.codes[rows].astype(np.int64) * nv + table.version.codes[rows]) * ns \
        + table.state.codes[rows]
    distinct, inverse = np.unique(key, return_inverse=True)
    families: dict[str, ProductFamily | None] = {}
    knows = []
    for k in distinct.tolist():
        pid = table.pid.values[k // (nv * ns)]
        if pid not in families:
            families[pid] = catalogue.family_for_pid(pid)
        knows.append(knows_slac(families[pid], table.version.values[k // ns % nv],
                                table.state.values[k % ns]))
    got: npt.NDArray[np.bool_] = np.array(knows, dtype=bool)[inverse.reshape(-1)]
    return got


def _by_account(table: DeviceTable, rows: Rows) -> Rows:
    """`rows` (in devices.csv order) ordered by Virtual Account, keeping that order within one:
    the manifests' sort by (Virtual Account, site, hostname, serial)."""
    values = table.virtual_account.values
    rank = np.empty(len(values), dtype=np.int64)
    rank[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
    got: Rows = rows[np.argsort(rank[table.virtual_account.codes[rows]], kind="stable")]
    return got


def _pick(values: Sequence[T], codes: npt.NDArray[Any]) -> list[T]:
    """values[code] for every code (a code of -1 takes the last value)."""
    return Coded(tuple(values), codes).decoded()


def _device_cells(table: DeviceTable, rows: Rows) -> list[list[str]]:
    """Virtual Account, site, hostname, PID, serial and units of `rows`, as columns."""
    take = from_numpy(rows.astype(np.int64, copy=False))
    return [Coded(table.virtual_account.values, table.virtual_account.codes[rows]).decoded(),
            Coded(table.site.values, table.site.codes[rows]).decoded(),
            table.hostname.take(take).to_pylist(),
            Coded(table.pid.values, table.pid.codes[rows]).decoded(),
            table.serial.take(take).to_pylist(),
            _unit_cells(table, rows)]


def _unit_cells(table: DeviceTable, rows: Rows) -> list[str]:
    """Per row, slac.units_of joined by ";": "PID:serial" of the device, then of every member
    whose serial is not the device's, in the order the source listed them."""
    if not len(rows):
        return []
    serial = as_large(table.serial.take(from_numpy(rows.astype(np.int64, copy=False))))
    pid = pa.array(table.pid.values, pa.large_string()).take(from_numpy(table.pid.codes[rows]))
    own = pc.binary_join_element_wise(pid, serial, large_text(":"))
    held = table.members.take(rows)  # renumbered: a member's row is its position in `rows`
    if not len(held):
        got: list[str] = own.to_pylist()
        return got
    entry_rows = held.entry_rows()
    member_serial = as_large(held.serial)
    own_serial = serial.take(from_numpy(entry_rows.astype(np.int64, copy=False)))
    keep = pc.not_equal(member_serial, own_serial).to_numpy(zero_copy_only=False)
    member_pid = pa.array(held.pid.values, pa.large_string()).take(from_numpy(held.pid.codes))
    entries = pc.binary_join_element_wise(member_pid, member_serial, large_text(":"))
    entries = entries.filter(from_numpy(keep))
    counts = np.bincount(entry_rows[keep], minlength=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(from_numpy(offsets), entries)
    joined = pc.binary_join_element_wise(own, pc.binary_join(lists, large_text(";")),
                                         large_text(";"))
    cells = pc.if_else(from_numpy(counts > 0), joined, own)
    got = cells.to_pylist()
    return got


def _per_account(folder: str, header: Sequence[str], table: DeviceTable, rows: Rows,
                 columns: list[list[str]]) -> dict[str, str]:
    """One manifest per Virtual Account in `folder` (rows are grouped by account already),
    named by planner.safe_names: safe, bounded, collision-free names."""
    if not len(rows):
        return {}
    account = table.virtual_account.codes[rows]
    bounds = [0, *(np.flatnonzero(account[1:] != account[:-1]) + 1).tolist(), len(rows)]
    accounts = [table.virtual_account.values[account[a]] for a in bounds[:-1]]
    names = file_names(accounts, suffix=".csv")
    return {f"{folder}/{names[va]}": csv_columns(header, [column[a:b] for column in columns])
            for va, a, b in zip(accounts, bounds, bounds[1:], strict=False)}
