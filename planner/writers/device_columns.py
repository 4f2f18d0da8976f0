"""The plan's devices as columns for the plan files: no Device record per row on the write path.

devices.csv lists every device (sorted by site, hostname, serial) with its class's decision.
Here it is rendered from the estate's device table (planner.device_table): each repeated cell
(PID, site, Virtual Account, licence set, the class's mode, server and id) is neutralised once
per distinct value, hostname and serial are neutralised on the whole column, and a chunk of
rows is joined into CSV lines by pyarrow, so a million rows never become a million Python
objects. A row with a cell that needs CSV quoting (a comma, quote or line break) goes through
the csv module like `fileio.csv_text`, which is what every row's bytes equal (tested).

Device records are made only for the few rows a per-device rule must read (a SLAC, a
reservation to return), by `PlannedRows.devices`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import as_large, from_numpy, large_text, pa, pc, string_buffers
from planner.class_columns import ClassColumns, byte_set, class_columns, holding, joined_bytes
from planner.device_table import DeviceTable
from planner.fileio import safe_cell
from planner.model import Device, LicenceUse
from planner.output import Bytes
from planner.plan import ClassDecision, DeviceClass, Plan

DEVICE_HEADER = ("hostname", "pid", "serial", "site", "mode", "server_site", "virtual_account",
                 "licences", "members", "class")
ROWS_PER_CHUNK = 1 << 16
# fileio.safe_cell's formula triggers (a cell's first character), read off the rule itself.
_TRIGGERS = bytes(c for c in range(128) if safe_cell(chr(c)) != chr(c))
_NEEDS_QUOTING = b',"\r\n'  # a cell with one of these is quoted by the csv module
_SEP = "\x1f"  # between a site code and a serial in a lookup key (digits never hold it)
Rows = npt.NDArray[np.int64]


def class_of_rows(table: DeviceTable, classes: Sequence[DeviceClass]) -> npt.NDArray[np.int32]:
    """Per device row, the index in `classes` of the class that holds it (-1: none).

    A class names its devices by site and serial; rows are matched on that pair by a hash
    lookup in pyarrow. Where two classes name the same device (an estate with duplicate
    serials, refused by validation) the later class wins, as a dict filled in class order would.
    """
    out = np.full(len(table), -1, dtype=np.int32)
    site_code = {site: i for i, site in enumerate(table.site.values)}
    keys: list[str] = []
    owners: list[int] = []
    for k in range(len(classes) - 1, -1, -1):  # the first match found is the latest class
        klass = classes[k]
        code = site_code.get(klass.site)
        if code is None or not klass.device_serials:
            continue
        prefix = f"{code}{_SEP}"
        keys.extend([prefix + serial for serial in klass.device_serials])
        owners.extend([k] * len(klass.device_serials))
    if not owners or not len(table):
        return out
    rows = pc.binary_join_element_wise(pc.cast(from_numpy(table.site.codes), pa.large_string()),
                                       as_large(table.serial), large_text(_SEP))
    at = pc.index_in(rows, value_set=pa.array(keys, pa.large_string()))
    found = at.is_valid().to_numpy(zero_copy_only=False)
    out[found] = np.array(owners, dtype=np.int32)[at.drop_null().to_numpy()]
    return out


def sorted_rows(table: DeviceTable) -> Rows:
    """Row numbers in (site, hostname, serial) order, ties in row order: what sorting the
    device records with Python's `sorted` gives (UTF-8 byte order is code point order)."""
    if not len(table):
        return np.zeros(0, dtype=np.int64)
    rank = np.empty(len(table.site.values), dtype=np.int32)
    rank[sorted(range(len(table.site.values)), key=table.site.values.__getitem__)] = \
        np.arange(len(table.site.values), dtype=np.int32)
    keyed = pa.table({"site": from_numpy(rank[table.site.codes]), "hostname": table.hostname,
                      "serial": table.serial})
    order = pc.sort_indices(keyed, sort_keys=[("site", "ascending"), ("hostname", "ascending"),
                                              ("serial", "ascending")])
    got: Rows = order.to_numpy().astype(np.int64)
    return got


@dataclass(frozen=True, slots=True)
class PlannedRows:
    """The estate's devices in devices.csv order, each with its class and decision."""

    table: DeviceTable
    order: Rows  # row numbers sorted by (site, hostname, serial)
    row_class: npt.NDArray[np.int32]  # per row: index into `classes`, -1 when in none
    classes: tuple[DeviceClass, ...]
    decisions: tuple[ClassDecision | None, ...]  # per class index
    columns: ClassColumns  # per class index: id, mode, server site as columns

    @classmethod
    def of(cls, table: DeviceTable, row_class: npt.NDArray[np.int32],
           classes: Sequence[DeviceClass], decisions: Sequence[ClassDecision]) -> PlannedRows:
        """`table`'s rows sorted, each class with the last of `decisions` naming its id."""
        columns = class_columns(classes, decisions)
        decided = tuple(decisions)
        per_class = tuple(decided[i] if i >= 0 else None for i in columns.decision.tolist())
        return cls(table, sorted_rows(table), row_class, tuple(classes), per_class, columns)

    def devices(self, rows: Sequence[int]) -> Iterator[tuple[Device, ClassDecision | None]]:
        """Device records for `rows` only, each with its decision (None: undecided); made in
        one bulk pass over just those rows (a table of their own), not one by one."""
        wanted = np.asarray(rows, dtype=np.int64)
        decisions = self.decisions
        for row, device in zip(wanted.tolist(), self.table.rows(wanted), strict=True):
            k = int(self.row_class[row])
            yield device, (decisions[k] if k >= 0 else None)


def planned_rows(plan: Plan) -> PlannedRows:
    """The plan's devices as columns, sorted, with their classes' decisions."""
    table = DeviceTable.of(plan.estate.devices)
    row_class = (plan.class_of_row if plan.class_of_row is not None and table is plan.estate.devices
                 else class_of_rows(table, plan.classes))
    return PlannedRows.of(table, row_class, plan.classes, plan.class_decisions)


def licence_text(uses: Sequence[LicenceUse]) -> str:
    """A licence set as devices.csv writes it: `tag:count;...`, sorted."""
    return ";".join(f"{tag}:{count}" for tag, count in sorted((u.tag, u.count) for u in uses))


def _cells(values: Sequence[str]) -> tuple[Any, npt.NDArray[np.bool_]]:
    """Neutralised cells for a column's distinct values, and which of them need quoting."""
    cells = pa.array([safe_cell(v) for v in values] or [""], pa.large_string())
    return cells, holding(cells, _NEEDS_QUOTING)


def _strings_cells(column: Any) -> tuple[Any, npt.NDArray[np.bool_]]:
    """A string column (null: empty) neutralised like `fileio.safe_cell` on the whole
    column, and which rows need quoting."""
    column = pc.fill_null(as_large(column), large_text(""))  # one string type for the kernels
    trigger = _starting_with(column, _TRIGGERS)
    if trigger.any():
        column = pc.if_else(from_numpy(trigger), pc.binary_join_element_wise(
            large_text("'"), column, large_text("")), column)
    return column, holding(column, _NEEDS_QUOTING)


def _starting_with(column: Any, chars: bytes) -> npt.NDArray[np.bool_]:
    """Per string, whether its first byte is one of `chars` (ASCII: never a UTF-8 tail byte)."""
    offsets, data = string_buffers(column)
    starts = offsets[:-1]
    filled = starts < offsets[1:]
    out = np.zeros(len(column), dtype=bool)
    out[filled] = byte_set(chars)[data[starts[filled]]]
    return out


def _member_cells(table: DeviceTable) -> tuple[Any, npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
    """The members cell (`pid:serial;...`, neutralised) of every row that has members, after
    an empty cell at code 0; which need quoting; and per row its cell's code."""
    held = table.members
    code = np.zeros(len(table), dtype=np.int32)
    if not len(held):
        return pa.array([""], pa.large_string()), np.zeros(1, dtype=bool), code
    pids = pa.array(held.pid.values, pa.large_string()).take(from_numpy(held.pid.codes))
    entries = pc.binary_join_element_wise(pids, as_large(held.serial), large_text(":"))
    per_row = pc.binary_join(pa.LargeListArray.from_arrays(
        from_numpy(held.offsets.astype(np.int64, copy=False)), entries), large_text(";"))
    cells, special = _strings_cells(per_row)
    code[held.rows] = np.arange(1, len(held.rows) + 1, dtype=np.int32)
    return (pa.concat_arrays([pa.array([""], pa.large_string()), cells]),
            np.concatenate([[False], special]), code)


def devices_csv_chunks(rows: PlannedRows,
                       rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[Bytes]:
    """devices.csv in pieces of `rows_per_chunk` rows (the header first): the bytes
    `fileio.csv_text(DEVICE_HEADER, ...)` gives for the same rows, never held whole."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in DEVICE_HEADER])
    yield buf.getvalue().encode("utf-8")
    table = rows.table
    if not len(table):
        return
    hostnames, host_special = _strings_cells(as_large(table.hostname))
    serials, serial_special = _strings_cells(as_large(table.serial))
    pid, pid_special = _cells(table.pid.values)
    site, site_special = _cells(table.site.values)
    va, va_special = _cells(table.virtual_account.values)
    lic, lic_special = _cells([licence_text(v) for v in table.licences.values])
    # Per class index, and one more (the last) for "no class": mode, server site, class id.
    none = pa.array([None], pa.large_string())
    per_class = rows.columns
    mode, mode_special = _strings_cells(pa.concat_arrays([per_class.mode, none]))
    server, server_special = _strings_cells(pa.concat_arrays([per_class.server_site, none]))
    cid, cid_special = _strings_cells(pa.concat_arrays([per_class.ids, none]))
    klass = np.where(rows.row_class >= 0, rows.row_class, len(rows.classes))
    members, member_special, member_code = _member_cells(table)
    # Per row, whether any of its cells needs quoting: those rows go through the csv module.
    special = (host_special | serial_special | pid_special[table.pid.codes]
               | site_special[table.site.codes] | va_special[table.virtual_account.codes]
               | lic_special[table.licences.codes] | (mode_special | server_special
                                                     | cid_special)[klass]
               | member_special[member_code])
    # The class's cells lie next to each other or end the line: joined per class once (mode
    # and server site; the class id and the line end), so a chunk joins 9 columns in one pass.
    mode_server = pc.binary_join_element_wise(mode, server, large_text(","))
    cid_line = pc.binary_join_element_wise(cid, large_text("\n"), large_text(""))
    for start in range(0, len(rows.order), rows_per_chunk):
        part = rows.order[start:start + rows_per_chunk]
        take = from_numpy(part)
        k = from_numpy(klass[part])
        lines = pc.binary_join_element_wise(
            hostnames.take(take), pid.take(from_numpy(table.pid.codes[part])),
            serials.take(take), site.take(from_numpy(table.site.codes[part])),
            mode_server.take(k), va.take(from_numpy(table.virtual_account.codes[part])),
            lic.take(from_numpy(table.licences.codes[part])),
            members.take(from_numpy(member_code[part])), cid_line.take(k), large_text(","))
        quoted = special[part]
        if not quoted.any():
            yield joined_bytes(lines)
            continue
        text = lines.to_pylist()  # the rare chunk with a cell to quote: those rows by csv
        cells = ((hostnames, part), (pid, table.pid.codes[part]), (serials, part),
                 (site, table.site.codes[part]), (mode, klass[part]), (server, klass[part]),
                 (va, table.virtual_account.codes[part]), (lic, table.licences.codes[part]),
                 (members, member_code[part]), (cid, klass[part]))
        for i in np.flatnonzero(quoted).tolist():
            buf.seek(0)
            buf.truncate()
            writer.writerow([str(values[int(codes[i])].as_py()) for values, codes in cells])
            text[i] = buf.getvalue()
        yield "".join(text).encode("utf-8")
