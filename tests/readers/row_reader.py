"""The row-by-row devices CSV reader the columnar one replaced, kept as the tests' oracle.

planner.readers.devices_csv splits columns with pyarrow and checks them at once; this is the
reader it replaced (one Device per row, every check per row), verbatim but for its imports. The
equivalence tests hold the columnar reader to it: the same devices, origins and problems on any
input, clean or not.
"""

from __future__ import annotations

from operator import itemgetter
from pathlib import Path
from sys import intern

from planner.fileio import read_source
from planner.model import Device, LicenceUse, LicensingState, Origin, StackMember
from planner.problems import error
from planner.readers import ReadContext, ReadResult
from planner.readers._build import fast_constructor
from planner.readers._common import csv_rows, empty_file, match_header
from planner.readers.devices_csv import (
    _CLEAN_MEMBERS,
    COLUMNS,
    REQUIRED,
    _parse_licences,
    _parse_members,
)

_STATES = {s.value: s for s in LicensingState}
_STATE_LIST = "|".join(s.value for s in LicensingState)
_Parsed = tuple[tuple[LicenceUse, ...], tuple[tuple[str, str], ...]]
_make_device = fast_constructor(Device)
_make_origin = fast_constructor(Origin)
_make_member = fast_constructor(StackMember)



def read_rows(path: Path, display: str, ctx: ReadContext) -> ReadResult:
    result = ReadResult()
    problems = result.problems
    # Records are split inline (not through csv_rows) because this loop runs a million
    # times: a line without quotes is split on commas, one with quotes goes to csv.
    text, result.sha256 = read_source(path, display)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    del text
    if lines and not lines[-1]:
        lines.pop()
    numbered = enumerate(lines, 1)
    first = next(csv_rows(lines[0]), None) if lines else None
    next(numbered, None)
    header = first[1] if first else None
    if header is None or not any(h.strip() for h in header):
        problems.append(empty_file(display, "a header line: " + ",".join(COLUMNS)))
        return result
    cols, missing = match_header(header, COLUMNS, REQUIRED, display,
                                 extra_columns=ctx.extra_columns)
    if missing:
        problems.extend(missing)
        return result
    width = len(header)
    # Optional columns that are absent read from one blank cell appended to each row.
    pad = any(c not in cols for c in COLUMNS)
    pick = itemgetter(*(cols.get(c, width) for c in COLUMNS))
    shared: dict[str, str] = {}  # raw cell -> stripped value, one object per distinct cell
    states: dict[str, LicensingState | None] = {}
    licences: dict[str, _Parsed] = {}
    canon: dict[tuple[LicenceUse, ...], tuple[LicenceUse, ...]] = {}
    devices = result.devices
    append = devices.append
    make_device, make_origin, make_member = _make_device, _make_origin, _make_member
    clean_members = _CLEAN_MEMBERS.fullmatch
    shared_get, state_get, licence_get = shared.get, states.get, licences.get
    seen_rows = len(lines) > 1  # any line after the header, even a blank one
    for line, text_line in numbered:
        # Drop the list's reference as each line is used: the memory of a parsed line is
        # reused for the records built from it, instead of fresh pages (~150 MiB at 1M).
        lines[line - 1] = ""
        if '"' in text_line:
            while text_line.count('"') % 2:  # a quoted field runs onto the next line
                more = next(numbered, None)
                if more is None:
                    break
                text_line += "\n" + more[1]
            row = next(csv_rows(text_line), (0, [""]))[1]
        else:
            row = text_line.split(",")
        if len(row) != width:
            if len(row) == 1 and not row[0].strip():
                continue  # a blank line
            problems.append(error(display, f"row has {len(row)} cells, header has {width}",
                                  line=line, expected="one cell per header column"))
            continue
        if pad:
            row.append("")
        host, pid, serial, site, va, version, state_raw, lic_raw, mem_raw, sa = pick(row)
        got = shared_get(pid)
        pid = shared.setdefault(pid, pid.strip()) if got is None else got
        got = shared_get(site)
        site = shared.setdefault(site, site.strip()) if got is None else got
        got = shared_get(va)
        va = shared.setdefault(va, va.strip()) if got is None else got
        got = shared_get(version)
        version = shared.setdefault(version, version.strip()) if got is None else got
        serial = serial.strip()
        bad = False
        if not (pid and serial and site):
            bad = True
            for name, value in (("pid", pid), ("serial", serial), ("site", site)):
                if not value:
                    problems.append(error(display, f"{name} is blank", line=line,
                                          column=name, expected=f"a {name}"))
        state = state_get(state_raw)
        if state is None:
            if state_raw not in states:
                key = state_raw.strip().lower()
                states[state_raw] = _STATES.get(key) if key else LicensingState.UNKNOWN
                state = states[state_raw]
            if state is None:
                bad = True
                problems.append(error(display, f"unknown licensing state "
                                      f"{state_raw.strip()!r}", line=line, column="state",
                                      expected=_STATE_LIST))
        uses: tuple[LicenceUse, ...] = ()
        if lic_raw:
            parsed = licence_get(lic_raw)
            if parsed is None:
                parsed = licences[lic_raw] = _parse_licences(lic_raw, ctx.catalogue, canon)
            uses, wrong = parsed
            if wrong:
                bad = True
                problems.extend(error(display, message, line=line, column="licences",
                                      expected=expected) for message, expected in wrong)
        members: tuple[StackMember, ...] = ()
        if mem_raw:
            # Fast path for the clean `PID:SERIAL;PID:SERIAL` cell; anything else is parsed
            # (and reported) by _parse_members.
            if clean_members(mem_raw):
                flat = mem_raw.replace(";", ":").split(":")
                members = tuple(map(make_member, map(intern, flat[0::2]), flat[1::2]))
            else:
                members, member_problems = _parse_members(mem_raw, shared, display, line)
                if member_problems:
                    bad = True
                    problems.extend(member_problems)
        if not bad:
            got = shared_get(sa)
            sa = shared.setdefault(sa, sa.strip()) if got is None else got
            append(make_device(host.strip(), pid, serial, site, va, version, state, uses,
                               members, make_origin(display, line), sa))
    if not seen_rows:
        problems.append(error(display, "file has a header but no devices", line=1,
                              expected="at least one device row"))
    return result
