"""The planner's own device CSV: one row per device (a stack or HA pair is one row with members).

Columns: hostname, pid, serial, site, virtual_account, version, state, licences, members.
Built for million-row estates: csv.reader (not DictReader), repeated cells (site, Virtual
Account, PID, version, state, licences) parsed once and shared, and one LicenceUse tuple per
distinct licences cell.
"""

from __future__ import annotations

from pathlib import Path

from planner.catalogue import Catalogue
from planner.fileio import read_text
from planner.model import Device, LicenceUse, LicensingState, Origin, StackMember
from planner.problems import Problem, error
from planner.readers import ReadContext, ReadResult, SourceKind
from planner.readers._common import csv_rows, empty_file, match_header

COLUMNS: dict[str, tuple[str, ...]] = {
    "hostname": ("name", "host"),
    "pid": ("product id", "product_id"),
    "serial": ("serial number", "serial_number", "sn"),
    "site": (),
    "virtual_account": ("va", "virtual account"),
    "version": ("software version", "sw_version"),
    "state": ("licensing state", "licensing_state"),
    "licences": ("licenses", "licence", "license"),
    "members": ("stack members", "ha members"),
}
REQUIRED = ("hostname", "pid", "serial", "site")
_STATES = {s.value: s for s in LicensingState}
_STATE_LIST = "|".join(s.value for s in LicensingState)

# A parsed licences cell: the shared tuple, or the (message, expected) pairs wrong with it.
_Parsed = tuple[tuple[LicenceUse, ...], tuple[tuple[str, str], ...]]


class DevicesCsvReader:
    kind = SourceKind.DEVICES

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult:
        text = read_text(path, display)
        result = ReadResult()
        problems = result.problems
        rows = csv_rows(text)
        header = next(rows, None)
        if header is None or not any(h.strip() for h in header):
            problems.append(empty_file(display, "a header line: " + ",".join(COLUMNS)))
            return result
        cols, missing = match_header(header, COLUMNS, REQUIRED, display)
        if missing:
            problems.extend(missing)
            return result
        width = len(header)
        i_host, i_pid, i_serial, i_site = (cols[c] for c in REQUIRED)
        i_va, i_ver, i_state, i_lic, i_mem = (cols.get(c, -1) for c in
                                              ("virtual_account", "version", "state",
                                               "licences", "members"))
        shared: dict[str, str] = {}  # raw cell -> stripped, interned value
        states: dict[str, LicensingState | None] = {}
        licences: dict[str, _Parsed] = {}
        canon: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]] = {}
        devices = result.devices
        append = devices.append
        last = 1
        for row in rows:
            line = last + 1
            last = rows.line_num  # type: ignore[attr-defined]
            if not row:
                continue
            if len(row) != width:
                if len(row) == 1 and not row[0].strip():
                    continue
                problems.append(error(display, f"row has {len(row)} cells, header has {width}",
                                      line=line, expected="one cell per header column"))
                continue
            pid = shared.get(row[i_pid])
            if pid is None:
                pid = shared.setdefault(row[i_pid], row[i_pid].strip())
            site = shared.get(row[i_site])
            if site is None:
                site = shared.setdefault(row[i_site], row[i_site].strip())
            serial = row[i_serial].strip()
            bad = not (pid and serial and site)
            if bad:
                for name, value in (("pid", pid), ("serial", serial), ("site", site)):
                    if not value:
                        problems.append(error(display, f"{name} is blank", line=line,
                                              column=name, expected=f"a {name}"))
            va = ""
            if i_va >= 0:
                va = shared.get(row[i_va]) or shared.setdefault(row[i_va], row[i_va].strip())
            version = ""
            if i_ver >= 0:
                version = (shared.get(row[i_ver])
                           or shared.setdefault(row[i_ver], row[i_ver].strip()))
            state = LicensingState.UNKNOWN
            if i_state >= 0:
                raw = row[i_state]
                if raw in states:
                    got = states[raw]
                else:
                    key = raw.strip().lower()
                    got = states[raw] = _STATES.get(key) if key else LicensingState.UNKNOWN
                if got is None:
                    bad = True
                    problems.append(error(display, f"unknown licensing state {raw.strip()!r}",
                                          line=line, column="state", expected=_STATE_LIST))
                else:
                    state = got
            uses: tuple[LicenceUse, ...] = ()
            if i_lic >= 0 and row[i_lic]:
                parsed = licences.get(row[i_lic])
                if parsed is None:
                    parsed = _parse_licences(row[i_lic], ctx.catalogue, canon)
                    licences[row[i_lic]] = parsed
                uses, wrong = parsed
                for message, expected in wrong:
                    bad = True
                    problems.append(error(display, message, line=line, column="licences",
                                          expected=expected))
            members: tuple[StackMember, ...] = ()
            if i_mem >= 0 and row[i_mem].strip():
                members, member_problems = _parse_members(row[i_mem], shared, display, line)
                if member_problems:
                    bad = True
                    problems.extend(member_problems)
            if bad:
                continue
            append(Device(row[i_host].strip(), pid, serial, site, va, version, state, uses,
                          members, Origin(display, line)))
        if last == 1 and not devices and not problems:
            problems.append(error(display, "file has a header but no devices", line=1,
                                  expected="at least one device row"))
        return result


def _parse_licences(cell: str, catalogue: Catalogue,
                    canon: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]]) -> _Parsed:
    """`network-advantage:1;dna-advantage` -> LicenceUse tuple (count defaults to 1)."""
    counts: dict[str, int] = {}
    wrong: list[tuple[str, str]] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, count_text = part.rpartition(":")
        if not sep:
            name, count_text = part, "1"
        count_text = count_text.strip()
        try:
            count = int(count_text)
        except ValueError:
            wrong.append((f"licence count {count_text!r} for {name.strip()!r} is not a whole "
                          "number", "licence:count with count >= 1"))
            continue
        if count < 1:
            wrong.append((f"licence count {count} for {name.strip()!r} is "
                           f"{'negative' if count < 0 else 'zero'}",
                           "licence:count with count >= 1"))
            continue
        tag = catalogue.canonical_tag(name)
        if tag is None:
            wrong.append((f"unknown licence {name.strip()!r}",
                          "a licence from models/licences.yaml, e.g. network-advantage"))
            continue
        counts[tag] = counts.get(tag, 0) + count
    uses = tuple(LicenceUse(tag, n) for tag, n in sorted(counts.items()))
    return canon.setdefault(uses, uses), tuple(wrong)


def _parse_members(cell: str, shared: dict[str, str], display: str,
                   line: int) -> tuple[tuple[StackMember, ...], list[Problem]]:
    """`C9300-48P:FOC1;C9300-48P:FOC2` -> StackMember tuple."""
    members: list[StackMember] = []
    problems: list[Problem] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        pid, sep, serial = part.partition(":")
        pid, serial = pid.strip(), serial.strip()
        if not sep or not pid or not serial:
            problems.append(error(display, f"stack member {part!r} is not PID:SERIAL", line=line,
                                  column="members", expected="PID:SERIAL;PID:SERIAL"))
            continue
        members.append(StackMember(shared.setdefault(pid, pid), serial))
    return tuple(members), problems
