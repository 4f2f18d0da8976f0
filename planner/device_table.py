"""The estate's devices as columns: a million devices without a million Python objects.

Repeated cells (site, Virtual Account, Smart Account, PID, version, licensing state, licence
set) are dictionary-encoded: the distinct values once, and per row a numpy int32 code. Hostname
and serial, distinct per row, are pyarrow string arrays (one buffer, not a million str objects).
Stack members are sparse (only rows that have them), and a row's origin is a file index plus a
line. The hot path (validation, tallies, classes) reads the codes; every other consumer sees a
`Sequence[Device]` whose items are built on demand, so code written against device records
keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, pa
from planner.model import Device, LicenceUse, LicensingState, Origin, StackMember
from planner.readers._build import fast_constructor

T = TypeVar("T")
Codes = npt.NDArray[np.int32]
NO_FILE = -1  # file code of a device without an origin
NO_LINE = 0  # line of an origin without one (lines are 1-based)
_CHUNK = 1 << 16  # rows materialised at a time when iterating
_make_device = fast_constructor(Device)
_make_origin = fast_constructor(Origin)
_make_member = fast_constructor(StackMember)


def _object_array(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    # Filled one by one: numpy would turn a list of equal-length tuples into a 2-D array.
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


@dataclass(frozen=True, slots=True)
class Coded(Generic[T]):
    """A dictionary-encoded column: the distinct values, and per row the index of its value."""

    values: tuple[T, ...]
    codes: Codes

    @classmethod
    def encode(cls, items: Iterable[T]) -> Coded[T]:
        """Codes in order of first appearance."""
        index: dict[T, int] = {}
        setdefault = index.setdefault
        codes = np.fromiter((setdefault(v, len(index)) for v in items), dtype=np.int32)
        return cls(tuple(index), codes)

    @classmethod
    def remapped(cls, values: Sequence[T], codes: Codes) -> Coded[T]:
        """`codes` into `values`, with equal values (after a cleaning step) merged into one."""
        index: dict[T, int] = {}
        remap = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int32,
                            count=len(values))
        if len(index) == len(values) and codes.dtype == np.int32:
            return cls(tuple(index), codes)  # nothing merged: the codes stand as they are
        return cls(tuple(index), remap[codes] if len(codes) else codes.astype(np.int32))

    def decoded(self, start: int = 0, stop: int | None = None) -> list[T]:
        """The values of rows start..stop as a list (one shared object per distinct value)."""
        codes = self.codes[start:stop]
        values = self.values
        if len(codes) < 256:  # a few rows: cheaper than building the object array
            return [values[c] for c in codes.tolist()]
        got: list[T] = _object_array(values)[codes].tolist()
        return got

    def counts(self) -> dict[T, int]:
        """Rows per value, for the values some row holds (in value order)."""
        per_code = np.bincount(self.codes, minlength=len(self.values)).tolist()
        out: dict[T, int] = {}
        for value, n in zip(self.values, per_code, strict=True):
            if n:
                out[value] = out.get(value, 0) + n
        return out

    def first_rows(self) -> npt.NDArray[np.int64]:
        """Per value, the first row that holds it (the row count for a value none holds): one
        pass, no sort."""
        first = np.full(len(self.values), len(self.codes), dtype=np.int64)
        np.minimum.at(first, self.codes, np.arange(len(self.codes), dtype=np.int64))
        return first

    def take(self, rows: npt.NDArray[np.intp]) -> Coded[T]:
        return Coded(self.values, self.codes[rows]).compacted()

    def compacted(self) -> Coded[T]:
        """Only the values some row holds, in order of first appearance (as `encode` gives)."""
        if not len(self.codes):
            return Coded((), self.codes.astype(np.int32))
        if _in_first_appearance_order(self.codes, len(self.values)):
            return self  # one linear pass instead of a sort (a reader's codes usually are)
        used, first = np.unique(self.codes, return_index=True)
        order = used[np.argsort(first, kind="stable")]
        if len(order) == len(self.values) and (order == np.arange(len(order))).all():
            return self
        new_code = np.zeros(len(self.values), dtype=np.int32)
        new_code[order] = np.arange(len(order), dtype=np.int32)
        values = self.values
        return Coded(tuple(values[i] for i in order.tolist()), new_code[self.codes])

    def replaced(self, old: T, new: T) -> Coded[T]:
        """Every `old` value reads `new` (merged with an existing `new`)."""
        return Coded.remapped([new if v == old else v for v in self.values], self.codes)


def _in_first_appearance_order(codes: Codes, n_values: int) -> bool:
    """True when every value is used and value i first appears before value i + 1: each code
    is at most one above the largest before it (0 first), and the largest is the last value."""
    seen = np.maximum.accumulate(codes)
    return bool(codes[0] == 0 and int(seen[-1]) == n_values - 1
                and (codes[1:] <= seen[:-1] + 1).all())


def _strings(values: Sequence[str] | Any) -> Any:
    """A pyarrow string column as one array (large_string only past 2 GiB of text)."""
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return values.chunk(0)
        try:
            return values.combine_chunks()
        except pa.ArrowInvalid:  # offsets past 2 GiB
            return values.cast(pa.large_string()).combine_chunks()
    if isinstance(values, pa.Array):
        return values
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, OverflowError):
        return pa.array(values, type=pa.large_string())


def _large(strings: Any) -> Any:
    """A string column as large_string, so columns of either offset width compare and join."""
    return strings.cast(pa.large_string())


def _spans(starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The indices start..start+length of every span, one after another."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    out = np.ones(total, dtype=np.int64)
    out[0] = starts[0]
    nonempty = lengths > 0
    heads = (ends - lengths)[nonempty][1:]
    prev_end = (starts + lengths - 1)[nonempty][:-1]
    out[heads] = starts[nonempty][1:] - prev_end
    return np.cumsum(out)


@dataclass(frozen=True, slots=True)
class Members:
    """Stack/HA members, sparse and columnar: only the rows that have any.

    Table row `rows[i]` has the members at entries `offsets[i]:offsets[i + 1]` of `pid` and
    `serial` (in the order the source listed them).
    """

    rows: npt.NDArray[np.int64]  # ascending
    offsets: npt.NDArray[np.int64]
    pid: Coded[str]
    serial: Any  # pyarrow string array, one per member

    @classmethod
    def empty(cls) -> Members:
        return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), Coded((), np.zeros(0, np.int32)),
                   _strings(()))

    @classmethod
    def of_entries(cls, entry_rows: npt.NDArray[np.int64], pids: Coded[str],
                   serials: Any) -> Members:
        """From one row number per member (any order; a row's members keep their order)."""
        entry_rows = np.asarray(entry_rows, dtype=np.int64)
        if len(entry_rows) > 1 and not (entry_rows[1:] >= entry_rows[:-1]).all():
            order = np.argsort(entry_rows, kind="stable")
            entry_rows = entry_rows[order]
            pids = pids.take(order)
            serials = serials.take(from_numpy(order))
        else:  # already in row order (a reader's usual case): nothing to sort or copy
            pids = pids.compacted()
        # Sorted, each row's entries are one run: its start is where the row number changes.
        starts = np.flatnonzero(np.diff(entry_rows, prepend=-1)) if len(entry_rows) \
            else np.zeros(0, dtype=np.int64)
        offsets = np.append(starts, len(entry_rows)).astype(np.int64)
        return cls(entry_rows[starts], offsets, pids, _strings(serials))

    @classmethod
    def of_tuples(cls, items: Iterable[tuple[int, tuple[StackMember, ...]]]) -> Members:
        rows: list[int] = []
        pids: list[str] = []
        serials: list[str] = []
        for row, members in items:
            for m in members:
                rows.append(row)
                pids.append(m.pid)
                serials.append(m.serial)
        return cls.of_entries(np.array(rows, dtype=np.int64), Coded.encode(pids),
                              _strings(serials))

    def __len__(self) -> int:
        return len(self.rows)

    def lengths(self) -> npt.NDArray[np.int64]:
        return np.diff(self.offsets)

    def entry_rows(self) -> npt.NDArray[np.int64]:
        """The table row of every member entry."""
        return np.repeat(self.rows, self.lengths())

    def tuples(self, start: int = 0, stop: int | None = None) -> dict[int, tuple[StackMember, ...]]:
        """Row -> members, for the rows in start..stop that have any."""
        a = int(np.searchsorted(self.rows, start))
        b = len(self.rows) if stop is None else int(np.searchsorted(self.rows, stop))
        if a == b:
            return {}
        lo, hi = int(self.offsets[a]), int(self.offsets[b])
        made = list(map(_make_member, self.pid.decoded(lo, hi),
                        self.serial.slice(lo, hi - lo).to_pylist()))
        bounds = (self.offsets[a:b + 1] - lo).tolist()
        return {row: tuple(made[bounds[i]:bounds[i + 1]])
                for i, row in enumerate(self.rows[a:b].tolist())}

    def take(self, rows: npt.NDArray[np.integer[Any]]) -> Members:
        """The members of table rows `rows`, renumbered to their positions in `rows`."""
        if not len(self.rows) or not len(rows):
            return Members.empty()
        rows = np.asarray(rows, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
        has = self.rows[at] == rows
        new_rows = np.flatnonzero(has).astype(np.int64)
        at = at[has]
        starts, lengths = self.offsets[at], self.offsets[at + 1] - self.offsets[at]
        entries = _spans(starts, lengths)
        offsets = np.zeros(len(new_rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return Members(new_rows, offsets, self.pid.take(entries),
                       self.serial.take(from_numpy(entries)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Members):
            return NotImplemented
        return bool(np.array_equal(self.rows, other.rows)
                    and np.array_equal(self.offsets, other.offsets)
                    and self.pid.decoded() == other.pid.decoded()
                    and _large(self.serial).equals(_large(other.serial)))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True, eq=False)
class DeviceTable(Sequence[Device]):
    """The devices of an estate as columns; a `Sequence[Device]` built on demand."""

    hostname: Any  # pyarrow string array
    serial: Any  # pyarrow string array
    pid: Coded[str]
    site: Coded[str]
    virtual_account: Coded[str]
    version: Coded[str]
    state: Coded[LicensingState]
    licences: Coded[tuple[LicenceUse, ...]]
    smart_account: Coded[str]
    members: Members = field(default_factory=Members.empty)  # sparse: rows that have any
    files: tuple[str, ...] = ()  # the origins' files, indexed by `file`
    file: Codes = field(default_factory=lambda: np.zeros(0, np.int32))  # NO_FILE: no origin
    line: Codes = field(default_factory=lambda: np.zeros(0, np.int32))  # NO_LINE: no line

    def __post_init__(self) -> None:
        n = len(self.hostname)
        for name in ("serial", "pid", "site", "virtual_account", "version", "state",
                     "licences", "smart_account", "file", "line"):
            column = getattr(self, name)
            got = len(column.codes) if isinstance(column, Coded) else len(column)
            if got != n:
                raise ValueError(f"device column {name} has {got} rows, hostname has {n}")

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_devices(cls, devices: Iterable[Device]) -> DeviceTable:
        """The row-to-column path: for joined sources, tests and estates built in code."""
        rows = list(devices)
        files: dict[str, int] = {}
        file_codes = np.fromiter(
            (NO_FILE if d.origin is None else files.setdefault(d.origin.file, len(files))
             for d in rows), dtype=np.int32, count=len(rows))
        lines = np.fromiter(
            (NO_LINE if d.origin is None or d.origin.line is None else d.origin.line
             for d in rows), dtype=np.int32, count=len(rows))
        return cls(
            hostname=_strings([d.hostname for d in rows]),
            serial=_strings([d.serial for d in rows]),
            pid=Coded.encode(d.pid for d in rows),
            site=Coded.encode(d.site for d in rows),
            virtual_account=Coded.encode(d.virtual_account for d in rows),
            version=Coded.encode(d.version for d in rows),
            state=Coded.encode(d.state for d in rows),
            licences=Coded.encode(d.licences for d in rows),
            smart_account=Coded.encode(d.smart_account for d in rows),
            members=Members.of_tuples((i, d.members) for i, d in enumerate(rows) if d.members),
            files=tuple(files), file=file_codes, line=lines)

    @classmethod
    def of(cls, devices: Sequence[Device]) -> DeviceTable:
        """`devices` as a table: itself when it already is one."""
        return devices if isinstance(devices, DeviceTable) else cls.from_devices(devices)

    @classmethod
    def empty(cls) -> DeviceTable:
        return cls.from_devices(())

    def take(self, rows: npt.NDArray[np.intp]) -> DeviceTable:
        """The rows `rows` (ascending row numbers), as a table of their own."""
        indices = from_numpy(np.asarray(rows, dtype=np.int64))
        return DeviceTable(
            hostname=self.hostname.take(indices), serial=self.serial.take(indices),
            pid=self.pid.take(rows), site=self.site.take(rows),
            virtual_account=self.virtual_account.take(rows), version=self.version.take(rows),
            state=self.state.take(rows), licences=self.licences.take(rows),
            smart_account=self.smart_account.take(rows),
            members=self.members.take(rows),
            files=self.files, file=self.file[rows], line=self.line[rows])

    def rows(self, rows: npt.NDArray[np.integer[Any]]) -> list[Device]:
        """The devices at `rows` (any order), built in one pass."""
        if not len(rows):
            return []
        return list(self.take(np.asarray(rows, dtype=np.intp)))

    def with_blank_filled(self, virtual_account: str) -> DeviceTable:
        """Devices that name no Virtual Account placed in `virtual_account` (the default)."""
        if "" not in self.virtual_account.values:
            return self
        return DeviceTable(
            hostname=self.hostname, serial=self.serial, pid=self.pid, site=self.site,
            virtual_account=self.virtual_account.replaced("", virtual_account),
            version=self.version, state=self.state, licences=self.licences,
            smart_account=self.smart_account, members=self.members, files=self.files,
            file=self.file, line=self.line)

    # -- columns for the hot path ---------------------------------------------------------
    def hostnames(self, start: int = 0, stop: int | None = None) -> list[str]:
        got: list[str] = self.hostname.slice(start, _length(start, stop, len(self))).to_pylist()
        return got

    def serials(self, start: int = 0, stop: int | None = None) -> list[str]:
        got: list[str] = self.serial.slice(start, _length(start, stop, len(self))).to_pylist()
        return got

    def origin(self, row: int) -> Origin | None:
        code = int(self.file[row])
        if code == NO_FILE:
            return None
        line = int(self.line[row])
        return Origin(self.files[code], None if line == NO_LINE else line)

    def origins(self, start: int = 0, stop: int | None = None) -> list[Origin | None]:
        files: list[Any] = [*self.files, None]  # NO_FILE (-1) indexes the trailing None
        made: dict[tuple[int, int], Origin | None] = {}
        out: list[Origin | None] = []
        append = out.append
        for code, line in zip(self.file[start:stop].tolist(), self.line[start:stop].tolist(),
                              strict=True):
            if code == NO_FILE:
                append(None)
            elif line == NO_LINE:
                key = (code, line)
                got = made.get(key)
                if got is None:
                    got = made[key] = _make_origin(files[code], None)
                append(got)
            else:
                append(_make_origin(files[code], line))
        return out

    # -- Sequence[Device] -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.hostname)

    @overload
    def __getitem__(self, index: int) -> Device: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Device, ...]: ...

    def __getitem__(self, index: int | slice) -> Device | tuple[Device, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                return tuple(self._rows(start, max(stop, start)))
            return tuple(self[i] for i in range(start, stop, step))
        n = len(self)
        row = index + n if index < 0 else index
        if not 0 <= row < n:
            raise IndexError("device row out of range")
        return next(self._rows(row, row + 1))

    def __iter__(self) -> Iterator[Device]:
        n = len(self)
        for start in range(0, n, _CHUNK):
            yield from self._rows(start, min(start + _CHUNK, n))

    def _rows(self, start: int, stop: int) -> Iterator[Device]:
        member_cells: list[tuple[StackMember, ...]] = [()] * (stop - start)
        for row, members in self.members.tuples(start, stop).items():
            member_cells[row - start] = members
        return map(_make_device, self.hostnames(start, stop), self.pid.decoded(start, stop),
                   self.serials(start, stop), self.site.decoded(start, stop),
                   self.virtual_account.decoded(start, stop), self.version.decoded(start, stop),
                   self.state.decoded(start, stop), self.licences.decoded(start, stop),
                   member_cells, self.origins(start, stop),
                   self.smart_account.decoded(start, stop))

    def __add__(self, other: Sequence[Device]) -> tuple[Device, ...]:
        # `estate.devices + extra` (what-ifs built in code) reads as it did on a tuple.
        return (*self, *other)

    def __radd__(self, other: Sequence[Device]) -> tuple[Device, ...]:
        return (*other, *self)

    def __eq__(self, other: object) -> bool:
        # Device equality ignores the origin, and so does the table's.
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        if len(self) != len(other):
            return False
        if isinstance(other, DeviceTable):
            return bool(
                _large(self.hostname).equals(_large(other.hostname))
                and _large(self.serial).equals(_large(other.serial))
                and all(getattr(self, name).decoded() == getattr(other, name).decoded()
                        for name in ("pid", "site", "virtual_account", "version", "state",
                                     "licences", "smart_account"))
                and self.members == other.members)
        return all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        # Consistent with __eq__ (equal tables have equal lengths), and cheap.
        return hash((DeviceTable, len(self)))

    def __repr__(self) -> str:
        return f"DeviceTable({len(self)} devices)"


def _length(start: int, stop: int | None, n: int) -> int:
    return max((n if stop is None else min(stop, n)) - start, 0)


def strings(values: Sequence[str] | Any) -> Any:
    """A string column as DeviceTable holds it (from a list or a pyarrow array)."""
    return _strings(values)


def devices_at(devices: Sequence[Device], site: str) -> list[Device]:
    """The devices of one site, in estate order. On a device table only that site's rows are
    built (a what-if over one site of a million-device estate reads its rows, not all)."""
    if isinstance(devices, DeviceTable):
        values = devices.site.values
        if site not in values:
            return []
        return devices.rows(np.flatnonzero(devices.site.codes == values.index(site)))
    return [d for d in devices if d.site == site]


def state_counts(devices: Sequence[Device]) -> dict[LicensingState, int]:
    """Devices per licensing state; on a device table counted on the codes, building no
    records."""
    if isinstance(devices, DeviceTable):
        return devices.state.counts()
    out: dict[LicensingState, int] = {}
    for device in devices:
        out[device.state] = out.get(device.state, 0) + 1
    return out
