"""Cross-record validation of a loaded estate: every rule, every problem, one O(n) pass each.

Readers check each row on its own (numbers, dates, licence names, columns); this module checks
what needs the whole estate: references between records, duplicates, reachability, expiry and
consumption. Nothing here raises: it returns the problems and the loader decides.

Enclave rule (documented in docs/estate-format.md): a site that names an enclave with more than
one site must be reached by at least one link (to a site inside or outside its enclave) when any
other site of that enclave is linked; otherwise it is an ERROR (a site cut off from its own
enclave is almost always a missing link). When NO site of a multi-site enclave has any link, the
enclave is air-gapped site by site and this is a WARNING. A one-site enclave needs no link.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.arrow import from_numpy, pa, pc
from planner.catalogue import Catalogue
from planner.device_table import Coded, DeviceTable
from planner.eligibility import slup_answer
from planner.identifiers import Place, lookalike_collisions, lookalike_of, skeleton
from planner.model import Device, Entitlement, Estate, LicensingState
from planner.problems import Problem, error, warning
from planner.string_columns import all_ascii, all_distinct, any_control, fingerprints
from planner.tally import DeviceTally

# Line breaks, tabs, NUL and other C0/DEL controls: no real hostname, serial or PID has them,
# and in one they would split lines of summaries, command files and calendars.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# States that settle the SLUP question on their own, or hold a reservation that stays eligible.
_SETTLED = frozenset({LicensingState.CLASSIC, LicensingState.SLUP, LicensingState.SLR,
                      LicensingState.PLR})


def validate_estate(estate: Estate, *, catalogue: Catalogue, lines: Mapping[str, int],
                    today: date, consumption: bool = True,
                    tally: DeviceTally | None = None) -> list[Problem]:
    """Every cross-record problem in `estate`; `lines` maps YAML paths to estate-file lines.

    `consumption=False` skips the over-consumption totals (the loader does so when an inventory
    file failed to load, since the totals would then be wrong and only add noise). `tally` is
    `DeviceTally.of(estate.devices)` when the caller already has it (counted here otherwise).
    """
    counts = tally or DeviceTally.of(estate.devices)
    problems: list[Problem] = []
    problems += _lookalike_ids(estate, lines)
    problems += _sites_and_links(estate, lines)
    problems += _devices(estate, catalogue, counts)
    problems += _entitlements(estate, today)
    if consumption:
        problems += _consumption(estate, counts)
    return problems


def _lookalike_ids(estate: Estate, lines: Mapping[str, int]) -> list[Problem]:
    """Site ids and Virtual Account names that differ only in case or look-alike characters."""
    file = estate.path
    sites = [(site.id, Place(file, lines.get(f"sites[{i}].id"), f"sites[{i}].id"))
             for i, site in enumerate(estate.sites)]
    vas = [(va.name, Place("CSSM data", None, "virtualAccount")
             if va.description == "from CSSM data" else Place(file, None, "virtual_accounts"))
           for va in estate.virtual_accounts]
    return (lookalike_collisions(sites, "site id")
            + lookalike_collisions(vas, "Virtual Account"))


def _hint(value: str, known: Mapping[str, str]) -> str:
    """`; it differs from 'HQ' only in case or look-alike characters` when it does."""
    match = lookalike_of(value, known)
    return "" if match is None else (f"; it differs from {match!r} only in case or look-alike "
                                     "characters")


def _sites_and_links(estate: Estate, lines: Mapping[str, int]) -> list[Problem]:
    file = estate.path
    out: list[Problem] = []
    known_policies = sorted(p.name for p in estate.policies)
    seen: dict[str, int] = {}
    for i, site in enumerate(estate.sites):
        where = f"sites[{i}]"
        if site.id in seen:
            out.append(error(file, f"site id {site.id!r} is used twice "
                             f"(also sites[{seen[site.id]}])",
                             line=lines.get(f"{where}.id"), column=f"{where}.id",
                             expected="unique site ids"))
        seen.setdefault(site.id, i)
        if site.classification not in known_policies:
            out.append(error(file, f"unknown classification {site.classification!r}",
                             line=lines.get(f"{where}.classification"),
                             column=f"{where}.classification",
                             expected="one of " + ", ".join(known_policies)
                             + " (or add it under policies:)"))
    linked: set[str] = set()
    site_keys = {skeleton(s.id): s.id for s in estate.sites}
    for i, link in enumerate(estate.links):
        for end in ("a", "b"):
            site_id = getattr(link, end)
            if site_id not in seen:
                out.append(error(file, f"link names unknown site {site_id!r}"
                                 + _hint(site_id, site_keys),
                                 line=lines.get(f"links[{i}].{end}"), column=f"links[{i}].{end}",
                                 expected="a site id from sites:"))
        linked.update((link.a, link.b))
    enclaves: dict[str, list[int]] = defaultdict(list)
    for i, site in enumerate(estate.sites):
        if site.enclave:
            enclaves[site.enclave].append(i)
    for name, members in sorted(enclaves.items()):
        if len(members) < 2:
            continue
        cut_off = [i for i in members if estate.sites[i].id not in linked]
        if len(cut_off) == len(members):
            i = members[0]
            out.append(warning(file, f"enclave {name!r} has {len(members)} sites and no link "
                               "reaches any of them; each is planned as an isolated site",
                               line=lines.get(f"sites[{i}].enclave"),
                               column=f"sites[{i}].enclave",
                               expected="links between the sites of an enclave"))
            continue
        for i in cut_off:
            site = estate.sites[i]
            out.append(error(file, f"site {site.id!r} is in enclave {name!r} but no link "
                             "reaches it, while other sites of that enclave are linked",
                             line=lines.get(f"sites[{i}].enclave"), column=f"sites[{i}].enclave",
                             expected=f"a link from {site.id!r} to another site"))
    return out


def _devices(estate: Estate, catalogue: Catalogue, tally: DeviceTally) -> list[Problem]:
    # Set algebra over the table's dictionaries and codes, then a per-device look only at the
    # few rows that actually have a problem: a million devices validate in well under a second.
    out: list[Problem] = []
    table = DeviceTable.of(estate.devices)
    sites = {s.id for s in estate.sites}
    vas = {va.name for va in estate.virtual_accounts}
    site_list = ", ".join(sorted(sites)[:10]) + (" ..." if len(sites) > 10 else "")
    va_list = ", ".join(sorted(vas)[:10]) + (" ..." if len(vas) > 10 else "")
    pids = tally.by_pid.keys()
    bad_sites = tally.by_site.keys() - sites
    bad_vas = tally.by_va.keys() - vas
    bad_pids = {pid for pid in pids if catalogue.family_for_pid(pid) is None}
    site_keys = {skeleton(s): s for s in sites} if bad_sites else {}
    va_keys = {skeleton(v): v for v in vas} if bad_vas else {}
    rows = _rows_with(table.site, bad_sites) | _rows_with(table.virtual_account, bad_vas) \
        | _rows_with(table.pid, bad_pids)
    for device in table.rows(np.flatnonzero(rows)):
        if device.site in bad_sites and not device.site:
            # Only device captures come without a site: they must join an inventory row.
            out.append(_at(error, device, estate, f"device {device.serial or device.hostname}"
                           " has no site (it is in no inventory file)", "site",
                           "the device listed in a devices CSV or NetBox export"))
        elif device.site in bad_sites:
            out.append(_at(error, device, estate, f"device {device.serial} names unknown "
                           f"site {device.site!r}" + _hint(device.site, site_keys), "site",
                           "a site id from the estate file: " + site_list))
        if device.virtual_account in bad_vas:
            out.append(_at(error, device, estate, f"device {device.serial} names unknown "
                           f"Virtual Account {device.virtual_account!r}"
                           + _hint(device.virtual_account, va_keys), "virtual_account",
                           "one of " + va_list))
        if device.pid in bad_pids:
            out.append(_at(warning, device, estate, f"PID {device.pid!r} matches no product "
                           "family; the device is planned without family rules", "pid",
                           "a PID of a known family, or its family added under "
                           "`products:` in the estate file (name, pids, os, kind)"))
    out += _control_characters(table, estate)
    out += _duplicate_serials(estate)
    out += _unknown_software(estate, catalogue)
    return out


def _rows_with(column: Coded[str], values: Collection[str]) -> npt.NDArray[np.bool_]:
    """A mask of the rows whose value is one of `values`."""
    codes = [i for i, v in enumerate(column.values) if v in values]
    return np.isin(column.codes, codes) if codes else np.zeros(len(column.codes), dtype=bool)


def _unknown_software(estate: Estate, catalogue: Catalogue) -> list[Problem]:
    """One warning per site whose devices' SLUP answer is unknown (a family that has SLUP
    releases, no version, state neither `classic` nor `slup`): only modes valid either way stay
    open for them (docs/model.md, software running SLUP or not)."""
    table = DeviceTable.of(estate.devices)
    settled = [i for i, s in enumerate(table.state.values) if s in _SETTLED]
    open_rows = _rows_with(table.version, ("",)) & ~np.isin(table.state.codes, settled)
    if not open_rows.any():
        return []
    # The answer depends on (PID, state) only, as the version is blank: asked once per pair.
    rows = np.flatnonzero(open_rows)
    pairs = table.pid.codes[rows].astype(np.int64) * len(table.state.values) \
        + table.state.codes[rows]
    unknown = np.zeros(len(rows), dtype=bool)
    # The distinct pairs, ascending, by counting (codes are small): a plain np.unique would
    # ask numpy.ma whether the array is masked, importing it (~7 ms) for every run.
    for pair in np.flatnonzero(np.bincount(pairs)).tolist():
        pid = table.pid.values[pair // len(table.state.values)]
        state = table.state.values[pair % len(table.state.values)]
        family = catalogue.family_for_pid(pid)
        # Only where a version would answer it: an unknown family has its own warning.
        if family is not None and family.slup_from and slup_answer(family, "", state) is None:
            unknown |= pairs == pair
    by_site: dict[str, list[int]] = {}
    site_values, site_codes = table.site.values, table.site.codes
    for row in rows[unknown].tolist():
        by_site.setdefault(site_values[site_codes[row]], []).append(row)
    out: list[Problem] = []
    named = sorted(by_site.items())
    built = iter(table.rows(np.array([r for _site, rs in named for r in rs[:5]], dtype=np.int64)))
    for site, site_rows in named:
        devices = [next(built) for _row in site_rows[:5]]
        names = ", ".join(d.hostname or d.serial for d in devices)
        more = f" and {len(site_rows) - 5} more" if len(site_rows) > 5 else ""
        out.append(_at(warning, devices[0], estate,
                       f"{len(site_rows)} device(s) at site {site} ({names}{more}) have no "
                       "software version and a licensing state that does not say whether they "
                       "run SLUP: CSLU, offline reporting and new SLR (where the family forbids "
                       f"it under SLUP) are closed to them; `planner explain {site}` prices "
                       "recording it", "version", "a software version, or state `classic` or "
                       "`slup`"))
    return out


def _control_characters(table: DeviceTable, estate: Estate) -> list[Problem]:
    """Identifiers holding control characters: one scan of each column's bytes, and the rows
    only of a column that has one."""
    out: list[Problem] = []
    for column in ("hostname", "serial", "pid"):
        if column == "pid":
            values: Any = pa.array(table.pid.values, type=pa.large_string())
            hit = np.flatnonzero(pc.match_substring_regex(values, _CONTROL.pattern)
                                 .to_numpy(zero_copy_only=False))
            mask = np.isin(table.pid.codes, hit)
        elif any_control(getattr(table, column)):  # a pass over the bytes
            mask = pc.match_substring_regex(getattr(table, column), _CONTROL.pattern) \
                .to_numpy(zero_copy_only=False)
        else:
            continue
        for device in table.rows(np.flatnonzero(mask)):
            value = getattr(device, column)
            out.append(_at(error, device, estate, f"{column} {value!r} holds a control "
                           "character (line break, tab or NUL)", column,
                           f"a {column} of printable characters"))
    return out


def _upper(serials: Any) -> Any:
    # pyarrow upper-cases ASCII exactly as str.upper does; anything else goes through Python
    # (str.upper turns `ß` into `SS`, which a per-character mapping would not).
    if all_ascii(serials):
        return pc.ascii_upper(serials)
    return pa.array([s.upper() for s in serials.to_pylist()], type=pa.large_string())


def _serials_clean(table: DeviceTable) -> bool:
    """True when no serial repeats (ignoring case) among devices and stack members, except a
    stack listing its own serial among its members; False sends the exact pass looking.

    One fingerprint per serial and one sort: distinct fingerprints prove distinct serials, and
    a repeated fingerprint (a repeat, or a collision) is left to the exact pass to judge."""
    keys = _upper(table.serial)
    prints = fingerprints(keys)
    members = table.members
    if len(members):
        listed = _upper(members.serial)
        member_prints = fingerprints(listed)
        owners = members.entry_rows()
        # A stack may list its own serial as a member (the exact pass skips it): those entries
        # are left out, once the strings themselves are seen to be equal.
        maybe_own = np.flatnonzero(member_prints == prints[owners])
        if len(maybe_own):
            same = pc.equal(listed.take(from_numpy(maybe_own)),
                            keys.take(from_numpy(owners[maybe_own])))
            own = maybe_own[same.to_numpy(zero_copy_only=False)]
            member_prints = np.delete(member_prints, own)
        prints = np.concatenate([prints, member_prints])
    return all_distinct(prints)


def _duplicate_serials(estate: Estate) -> list[Problem]:
    """Serials must be unique across devices and stack members (case-insensitive)."""
    table = DeviceTable.of(estate.devices)
    if _serials_clean(table):
        return []  # the common case: nothing repeats
    devices = list(table)
    out: list[Problem] = []
    owner: dict[str, Device] = {}
    for device in devices:
        key = device.serial.upper()
        other = owner.setdefault(key, device)
        if other is not device:
            out.append(_duplicate(device, other, key, estate))
    for device in devices:
        if not device.members:
            continue
        own = {device.serial.upper()}
        for member in device.members:
            mkey = member.serial.upper()
            if mkey in own:
                continue  # a stack lists its own serial as member 1
            own.add(mkey)
            other = owner.setdefault(mkey, device)
            if other is not device:
                out.append(_duplicate(device, other, mkey, estate))
    return out


def _duplicate(device: Device, other: Device, serial: str, estate: Estate) -> Problem:
    return _at(error, device, estate, f"duplicate serial {serial} (also on device "
               f"{other.hostname or other.serial} at {other.origin or 'an earlier source'})",
               "serial", "each serial once across devices and stack members")


def _at(make: Callable[..., Problem], device: Device, estate: Estate, message: str, column: str,
        expected: str) -> Problem:
    file, line = (device.origin.file, device.origin.line) if device.origin else (estate.path, None)
    return make(file, message, line=line, column=column, expected=expected)


def _entitlements(estate: Estate, today: date) -> list[Problem]:
    out: list[Problem] = []
    vas = {va.name for va in estate.virtual_accounts}
    for ent in estate.entitlements:
        file, line = (ent.origin.file, ent.origin.line) if ent.origin else (estate.path, None)
        if ent.virtual_account not in vas:
            out.append(error(file, f"entitlement names unknown Virtual Account "
                             f"{ent.virtual_account!r}"
                             + _hint(ent.virtual_account, {skeleton(v): v for v in vas}),
                             line=line, column="virtual_account",
                             expected="one of " + ", ".join(sorted(vas))))
        if ent.in_use + ent.reserved > ent.quantity:
            out.append(warning(file, f"{ent.tag} in {ent.virtual_account}: in_use {ent.in_use} "
                               f"+ reserved {ent.reserved} is above quantity {ent.quantity}; "
                               "the plan takes units in use beyond its own devices' needs as "
                               "held outside the estate and never counts free units below 0 "
                               "(supply clamped at 0)",
                               line=line, column="in_use",
                               expected="in_use + reserved at most quantity"))
        if ent.end is not None and ent.end < today:
            out.append(warning(file, f"{ent.tag} x{ent.quantity} in {ent.virtual_account} "
                               f"ended on {ent.end} (reference date {today})", line=line,
                               column="end", expected="a current term, or renew it"))
    return out


def _consumption(estate: Estate, tally: DeviceTally) -> list[Problem]:
    """Devices using more of a licence than the account holds (informational warning)."""
    used = tally.used
    held: Counter[str] = Counter()
    first_ent: dict[str, Entitlement] = {}
    for ent in estate.entitlements:
        held[ent.tag] += ent.quantity
        first_ent.setdefault(ent.tag, ent)
    out = []
    for tag in sorted(used):
        if used[tag] > held[tag]:
            anchor = first_ent.get(tag)
            origin = anchor.origin if anchor else tally.first_user[tag].origin
            file, line = (origin.file, origin.line) if origin else (estate.path, None)
            out.append(warning(file, f"over-consumption of {tag}: devices use {used[tag]}, "
                               f"entitlements hold {held[tag]} (short {used[tag] - held[tag]})",
                               line=line, column="quantity" if anchor else "licences",
                               expected="entitlements covering use (informational)"))
    return out
