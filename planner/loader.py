"""Load an estate in three steps, every problem collected before anything is refused:

read (the estate YAML, its presets merged with its overrides in planner.presets, every
inventory source through the reader registry), assemble (one Estate from the read parts) and
validate (the rules over the assembled estate).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from planner import progress
from planner.catalogue import Catalogue, estate_catalogue
from planner.clock import reference_date
from planner.collector import bulk_objects
from planner.device_table import DeviceTable
from planner.join import DeviceSource, join_devices
from planner.model import Entitlement, Estate, SourceFile, VirtualAccount
from planner.pairing import pairing_problems
from planner.presets import Presets, merge_presets
from planner.problems import InputError, Problem, Severity, error
from planner.readers import ESTATE_KIND, FolderReader, ReadContext, Reader, SourceKind
from planner.readers.estate_yaml import (
    EstateDoc,
    ExtraColumns,
    OutsidePaths,
    read_estate_document,
)
from planner.readers.registry import reader_for
from planner.tally import DeviceTally
from planner.validate import validate_estate


@dataclass(frozen=True, slots=True)
class LoadResult:
    estate: Estate
    warnings: tuple[Problem, ...]
    # The catalogue as this estate sees it: models/ plus the file's `prices:` and `products:`.
    catalogue: Catalogue
    # Device counts per site, PID, Virtual Account and licence, counted once for validation
    # and reused by the summary.
    tally: DeviceTally | None = None


def load_estate(path: str | Path, *, strict: bool = False,
                today: date | None = None) -> LoadResult:
    """Read, merge, join and validate an estate; raise InputError listing every problem.

    Warnings are returned; under `strict` they are errors. `today` is the reference date for
    expired terms (default: `reference_date()`).
    """
    display = str(path)
    doc = read_estate_document(Path(path), display)
    if doc.malformed:
        # An unknown or duplicated key: report the estate file's own problems and stop, rather
        # than read inventory against a misread estate (thousands of follow-on errors).
        raise InputError(doc.problems)
    presets = merge_presets(doc, display)
    # The records live as long as the process: kept out of the collector's later full passes.
    with bulk_objects(keep=True):
        parts = read_sources(doc, Path(path), display, presets.catalogue)
        estate, joined = assemble_estate(doc, display, presets, parts)
        found = validate_loaded(estate, doc, today=today or reference_date(),
                                consumption=not parts.failed)
        problems = [*doc.problems, *presets.problems, *parts.problems, *joined, *found.problems]
        progress.mark("validate", f"{progress.plural(len(estate.devices), 'device')}, "
                      f"{progress.plural(len(problems), 'problem')}")
    return _verdict(estate, problems, found.tally, strict=strict)


@dataclass(slots=True)
class ReadParts:
    """What the estate's inventory yielded, before the estate is assembled from it."""

    sources: list[SourceFile]
    device_sources: list[DeviceSource] = field(default_factory=list)
    entitlements: list[Entitlement] = field(default_factory=list)
    # Virtual Accounts CSSM data declares (authoritative for the ones that exist).
    cssm_vas: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    # A source that did not load makes consumption totals meaningless.
    failed: bool = False


def read_sources(doc: EstateDoc, estate_path: Path, display: str,
                 catalogue: Catalogue) -> ReadParts:
    """Every source the estate's `inventory:` names, each read by its reader in the registry,
    kind by kind in SourceKind order (device captures last).

    A source that is missing, outside the estate's folder or unreadable is a problem; reading
    goes on, so one run names every problem.
    """
    base = estate_path.parent
    parts = ReadParts([SourceFile(estate_path.name, ESTATE_KIND, doc.sha256)])
    ctx = ReadContext(catalogue, _site_ids(doc),
                      extra_columns=doc.extra_columns is ExtraColumns.IGNORE)
    for kind in SourceKind:
        listed = doc.inventory.get(kind.value, ())
        if not listed:
            continue  # a kind the estate does not list: its reader is never loaded
        reader = reader_for(kind)
        if isinstance(reader, FolderReader):
            _read_folders(reader, listed, doc, base, display, ctx, parts)
        else:
            for rel in listed:
                _read_file(reader, rel, doc, base, display, ctx, parts)
    read = sum(len(s.devices) for s in parts.device_sources)
    progress.mark("read", f"{progress.plural(read, 'device')} from "
                  f"{progress.plural(len(parts.sources), 'file')}")
    return parts


def _read_file(reader: Reader, rel: str, doc: EstateDoc, base: Path, display: str,
               ctx: ReadContext, parts: ReadParts) -> None:
    """One inventory file into `parts`, or a problem saying why it could not be read."""
    kind = reader.kind
    file_display = str(Path(display).parent / rel)
    where = f"inventory.{kind.value}"
    outside = _outside(doc, base, rel, display, where)
    if outside is not None:
        parts.problems.append(outside)
        parts.failed = True
        return
    if not os.path.lexists(base / rel):
        parts.problems.append(error(display, f"{kind.value} file {rel!r} not found next to the "
                                    "estate file", line=doc.lines.get(where), column=where,
                                    expected="a path relative to the estate file's folder"))
        parts.failed = True
        return
    try:
        got = reader.read(base / rel, file_display, ctx)
    except InputError as exc:
        parts.problems.extend(exc.problems)
        parts.failed = True
        return
    parts.sources.append(SourceFile(Path(rel).as_posix(), kind.value, got.sha256))
    parts.problems.extend(got.problems)
    parts.failed = parts.failed or any(p.severity is Severity.ERROR for p in got.problems)
    if got.devices or kind in (SourceKind.DEVICES, SourceKind.NETBOX):
        parts.device_sources.append(DeviceSource(file_display, got.devices))
    parts.entitlements.extend(got.entitlements)
    parts.cssm_vas.update(got.virtual_accounts)


def _read_folders(reader: FolderReader, listed: tuple[str, ...], doc: EstateDoc, base: Path,
                  display: str, ctx: ReadContext, parts: ReadParts) -> None:
    """Every folder listed under the reader's kind, read together as one device source.

    A missing folder is an error (and makes consumption totals meaningless); what the
    captures hold is never fatal (their problems are warnings).
    """
    kind = reader.kind
    where = f"inventory.{kind.value}"
    roots: list[Path] = []
    for rel in listed:
        outside = _outside(doc, base, rel, display, where)
        if outside is not None:
            parts.problems.append(outside)
            parts.failed = True
        elif (base / rel).exists():
            roots.append(base / rel)
        else:
            parts.failed = True
            parts.problems.append(error(display, f"{kind.value} folder {rel!r} not found next "
                                        "to the estate file", line=doc.lines.get(where),
                                        column=where,
                                        expected="a folder or file of device captures"))
    if not roots:
        return
    got = reader.read_folders(roots, base, ctx)
    parts.problems.extend(got.problems)
    # Each capture was opened once and hashed from the bytes the parser read; a file that
    # could not be read (not a regular file, too large) has no digest and is left out.
    parts.sources.extend(SourceFile(report.file, kind.value, report.sha256)
                         for report in got.files if report.sha256)
    parts.device_sources.append(DeviceSource(str(Path(display).parent / kind.value),
                                             got.devices))
    parts.entitlements.extend(got.entitlements)
    parts.cssm_vas.update(got.virtual_accounts)


def assemble_estate(doc: EstateDoc, display: str, presets: Presets,
                    parts: ReadParts) -> tuple[Estate, list[Problem]]:
    """The Estate from the estate file, the merged presets and what the inventory yielded,
    with the problems joining the device sources raised. A device or entitlement that names
    no Virtual Account belongs to the default one."""
    vas = _virtual_accounts(doc.virtual_accounts, parts.cssm_vas)
    default_va = next(va.name for va in vas if va.is_default)
    devices, joined = estate_devices(parts.device_sources, default_va)
    entitlements = [e if e.virtual_account else dataclasses.replace(
        e, virtual_account=default_va) for e in parts.entitlements]
    estate = Estate(
        name=doc.name, account=doc.account, virtual_accounts=vas, sites=doc.sites,
        links=doc.links, devices=devices, entitlements=tuple(entitlements),
        policies=presets.policies, costs=presets.costs, agreement=doc.agreement,
        sources=tuple(parts.sources), path=display, catalogue=presets.catalogue)
    return estate, joined


def estate_devices(sources: list[DeviceSource],
                   default_va: str) -> tuple[DeviceTable, list[Problem]]:
    """The estate's devices as one table: every source's rows joined into one record per
    device, a blank Virtual Account read as the default one; with the join's problems."""
    joined = join_devices(sources)
    return joined.devices.with_blank_filled(default_va), joined.problems


@dataclass(frozen=True, slots=True)
class Findings:
    """What validation found, and the device counts it made (reused by the summary)."""

    problems: list[Problem]
    tally: DeviceTally


def validate_loaded(estate: Estate, doc: EstateDoc, *, today: date,
                    consumption: bool) -> Findings:
    """Every rule over the assembled estate (validate.py), and Catalyst 9000 add-ons without
    their base licence (licences.yaml `pairing`). `consumption=False` skips the totals a
    source that failed to load would make meaningless."""
    catalogue = estate_catalogue(estate)
    tally = DeviceTally.of(estate.devices)
    problems = validate_estate(estate, catalogue=catalogue, lines=doc.lines, today=today,
                               consumption=consumption, tally=tally)
    problems.extend(pairing_problems(estate.devices, catalogue, catalogue.pairing, estate.path))
    return Findings(problems, tally)


def _verdict(estate: Estate, problems: list[Problem], tally: DeviceTally, *,
             strict: bool) -> LoadResult:
    """The loaded estate with its warnings, or InputError when any problem is an error
    (every problem is one under `strict`)."""
    if strict:
        problems = [dataclasses.replace(p, severity=Severity.ERROR) for p in problems]
    if any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    warnings = tuple(sorted(problems, key=Problem.sort_key))
    return LoadResult(estate, warnings, estate_catalogue(estate), tally)


def _outside(doc: EstateDoc, base: Path, rel: str, display: str, where: str) -> Problem | None:
    """A problem when `rel` leads outside the estate file's folder (after symlinks) and the
    estate does not say `outside_paths: allow`: a colleague's estate file must not make the
    planner read (and hash into the compliance pack) files from anywhere on the machine."""
    if doc.outside_paths is OutsidePaths.ALLOW:
        return None
    root = base.resolve()
    target = (base / rel).resolve()
    if target == root or root in target.parents:
        return None
    return error(display, f"{rel!r} is outside the estate file's folder", column=where,
                 line=doc.lines.get(where),
                 expected="a path inside the estate's folder (or `outside_paths: allow` in the "
                 "estate file)")


def _virtual_accounts(declared: tuple[VirtualAccount, ...],
                      from_cssm: set[str]) -> tuple[VirtualAccount, ...]:
    # CSSM data is authoritative for the Virtual Accounts that exist: add those not declared.
    known = {va.name for va in declared}
    extra = [VirtualAccount(name, "from CSSM data") for name in sorted(from_cssm - known)]
    return (*declared, *extra)


def _site_ids(doc: EstateDoc) -> dict[str, str]:
    """Site id or name, exactly as written (NFC) -> site id, for sources naming sites their way.

    Exact only: a source's `hq` is not silently the estate's `HQ` (validation then names it as
    an unknown site that differs from `HQ` only in case).
    """
    ids: dict[str, str] = {}
    for site in doc.sites:
        ids.setdefault(site.name, site.id)
    for site in doc.sites:
        ids[site.id] = site.id
    return ids


__all__ = ["LoadResult", "estate_catalogue", "load_estate", "reference_date"]
