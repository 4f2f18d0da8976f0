"""Load an estate: the estate YAML, presets merged with its overrides, every inventory file read,
joined and validated, every problem collected before anything is refused.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from planner import progress
from planner.cadence import onprem_sync_limit_days
from planner.catalogue import (
    Catalogue,
    LicenceDef,
    ProductFamily,
    build_prefixes,
    fact_source,
    load_catalogue,
)
from planner.clock import reference_date
from planner.collector import bulk_objects
from planner.domains import MAX_AMOUNT, finite_number
from planner.join import DeviceSource, join_devices
from planner.model import (
    ClassificationPolicy,
    CostAssumptions,
    DataElement,
    Device,
    Entitlement,
    Estate,
    Mode,
    SourceFile,
    VirtualAccount,
)
from planner.pairing import pairing_problems
from planner.problems import InputError, Problem, Severity, error
from planner.readers import ESTATE_KIND, ReadContext, SourceKind, reader_for
from planner.readers.estate_yaml import (
    EVIDENCE,
    EstateDoc,
    ExtraColumns,
    OutsidePaths,
    read_estate_document,
)
from planner.resources import models_dir
from planner.summary import EstateSummary, summarise
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
    estate_path = Path(path)
    display = str(path)
    doc = read_estate_document(estate_path, display)
    if doc.malformed:
        # An unknown or duplicated key: report the estate file's own problems and stop, rather
        # than read inventory against a misread estate (thousands of follow-on errors).
        raise InputError(doc.problems)
    problems: list[Problem] = list(doc.problems)
    catalogue = _catalogue(doc, display, problems)
    policies = _policies(doc, display, problems)
    costs = _costs(doc, display, problems)
    base = estate_path.parent
    sources = [SourceFile(estate_path.name, ESTATE_KIND, doc.sha256)]
    ctx = ReadContext(catalogue, _site_ids(doc),
                      extra_columns=doc.extra_columns is ExtraColumns.IGNORE)
    device_sources: list[DeviceSource] = []
    entitlements: list[Entitlement] = []
    cssm_vas: set[str] = set()
    read_failed = False  # a source that did not load makes consumption totals meaningless
    # The records live as long as the process: kept out of the collector's later full passes.
    with bulk_objects(keep=True):
        for kind in SourceKind:
            for rel in doc.inventory.get(kind.value, ()):
                file_display = str(Path(display).parent / rel)
                where = f"inventory.{kind.value}"
                outside = _outside(doc, base, rel, display, where)
                if outside is not None:
                    problems.append(outside)
                    read_failed = True
                    continue
                if not os.path.lexists(base / rel):
                    problems.append(error(display, f"{kind.value} file {rel!r} not found next to "
                                          "the estate file", line=doc.lines.get(where),
                                          column=where, expected="a path relative to "
                                          "the estate file's folder"))
                    read_failed = True
                    continue
                try:
                    got = reader_for(kind).read(base / rel, file_display, ctx)
                except InputError as exc:
                    problems.extend(exc.problems)
                    read_failed = True
                    continue
                sources.append(SourceFile(Path(rel).as_posix(), kind.value, got.sha256))
                problems.extend(got.problems)
                read_failed = read_failed or any(p.severity is Severity.ERROR
                                                 for p in got.problems)
                if got.devices or kind in (SourceKind.DEVICES, SourceKind.NETBOX):
                    device_sources.append(DeviceSource(file_display, got.devices))
                entitlements.extend(got.entitlements)
                cssm_vas.update(got.virtual_accounts)
        if doc.inventory.get(EVIDENCE):
            read_failed |= _read_evidence(doc, base, display, problems, sources, device_sources)
        read = sum(len(s.devices) for s in device_sources)
        progress.mark("read", f"{progress.plural(read, 'device')} from "
                      f"{progress.plural(len(sources), 'file')}")
        joined = join_devices(device_sources)
        problems.extend(joined.problems)
        vas = _virtual_accounts(doc.virtual_accounts, cssm_vas)
        default_va = next(va.name for va in vas if va.is_default)
        devices = _with_default_va(joined.devices, default_va)
        entitlements = [e if e.virtual_account else dataclasses.replace(
            e, virtual_account=default_va) for e in entitlements]
        estate = Estate(
            name=doc.name, account=doc.account, virtual_accounts=vas, sites=doc.sites,
            links=doc.links, devices=tuple(devices), entitlements=tuple(entitlements),
            policies=policies, costs=costs, agreement=doc.agreement, sources=tuple(sources),
            path=display, catalogue=catalogue)
        tally = DeviceTally.of(estate.devices)
        problems.extend(validate_estate(estate, catalogue=catalogue, lines=doc.lines,
                                        today=today or reference_date(),
                                        consumption=not read_failed, tally=tally))
        # Catalyst 9000 add-ons without their base licence (licences.yaml `pairing`).
        problems.extend(pairing_problems(estate.devices, catalogue, catalogue.pairing,
                                         display))
        progress.mark("validate", f"{progress.plural(len(estate.devices), 'device')}, "
                      f"{progress.plural(len(problems), 'problem')}")
    if strict:
        problems = [dataclasses.replace(p, severity=Severity.ERROR) for p in problems]
    if any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    warnings = tuple(sorted(problems, key=Problem.sort_key))
    return LoadResult(estate, warnings, catalogue, tally)


def estate_catalogue(estate: Estate) -> Catalogue:
    """The catalogue view an estate was loaded with (the shipped one if it was built by hand)."""
    return estate.catalogue if estate.catalogue is not None else load_catalogue()


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


def _with_default_va(devices: list[Device], default_va: str) -> list[Device]:
    if all(d.virtual_account for d in devices):
        return devices
    return [d if d.virtual_account else dataclasses.replace(d, virtual_account=default_va)
            for d in devices]


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


def _read_evidence(doc: EstateDoc, base: Path, display: str, problems: list[Problem],
                   sources: list[SourceFile], device_sources: list[DeviceSource]) -> bool:
    """Device captures (`show license ...`) from the evidence folders, joined last.

    Evidence fills what the inventory leaves blank (version, state, licences in use) and
    disagreements are warned about by the join. Returns True when a folder was missing.
    """
    # Imported only when an estate lists evidence: the parsers pull in TextFSM templates.
    from planner.evidence import read_evidence_detailed

    roots: list[Path] = []
    missing = False
    for rel in doc.inventory[EVIDENCE]:
        outside = _outside(doc, base, rel, display, "inventory.evidence")
        if outside is not None:
            problems.append(outside)
            missing = True
            continue
        if (base / rel).exists():
            roots.append(base / rel)
            continue
        missing = True
        problems.append(error(display, f"evidence folder {rel!r} not found next to the estate "
                              "file", line=doc.lines.get("inventory.evidence"),
                              column="inventory.evidence",
                              expected="a folder or file of device captures"))
    if roots:
        result = read_evidence_detailed(roots, base=base)
        problems.extend(result.problems)
        # Each capture was opened once and hashed from the bytes the parser read; a file that
        # could not be read (not a regular file, too large) has no digest and is left out.
        sources.extend(SourceFile(report.file, EVIDENCE, report.sha256)
                       for report in result.files if report.sha256)
        device_sources.append(DeviceSource(str(Path(display).parent / EVIDENCE),
                                           list(result.devices)))
    return missing


def _yaml_doc(name: str) -> dict[str, Any]:
    with open(models_dir() / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}


def _catalogue(doc: EstateDoc, display: str, problems: list[Problem]) -> Catalogue:
    base = load_catalogue()
    if not doc.prices and not doc.products and not doc.tier_rules:
        return base
    licences: dict[str, LicenceDef] = dict(base.licences)
    for name, value in sorted(doc.prices.items()):
        where = f"prices.{name}"
        tag = base.canonical_tag(name)
        if tag is None:
            problems.append(error(display, f"unknown licence {name!r}", column=where,
                                  line=doc.lines.get(where), expected="a licence tag"))
        elif finite_number(value, 0, MAX_AMOUNT) is None:
            problems.append(error(display, f"price {value!r} is not a price", column=where,
                                  line=doc.lines.get(where),
                                  expected=f"a finite number from 0 to {MAX_AMOUNT:,.0f}"))
        else:
            licences[tag] = dataclasses.replace(licences[tag], list_price=float(value))
    for track, value in sorted(doc.tier_rules.items()):
        where = f"tier_rules.{track}"
        tracks = {lic.track for lic in base.licences.values()}
        if track not in tracks or not isinstance(value, bool):
            problems.append(error(display, f"cannot set tier substitution {track}: {value!r}",
                                  column=where, line=doc.lines.get(where),
                                  expected="a licence track (" + ", ".join(sorted(tracks))
                                  + ") with true or false"))
            continue
        for tag, lic in licences.items():
            if lic.track == track:
                licences[tag] = dataclasses.replace(lic, substitutes=value)
    families = _families(doc, display, problems, base)
    prefixes = base._prefixes if families == base.families else build_prefixes(families)
    return Catalogue(f"{base.version} + estate overrides", licences, families,
                     base._aliases, prefixes, base.pairing)


_FAMILY_TEXT = ("name", "os", "kind", "slup_from", "current_train", "source", "reason")
_FAMILY_BOOL = ("slr", "plr", "new_slr_under_slup", "stackable", "modular", "assumption")
_FAMILY_LIST = ("pids", "tracks")
_NEW_FAMILY_NEEDS = ("name", "pids", "os", "kind")


def _family_field_ok(key: str, value: Any) -> bool:
    if key in _FAMILY_BOOL:
        return isinstance(value, bool)
    if key in _FAMILY_LIST:
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if key == "slup_from":
        return value is None or (isinstance(value, (str, int, float)) and not isinstance(value,
                                                                                         bool))
    return key in _FAMILY_TEXT and isinstance(value, str)


def _families(doc: EstateDoc, display: str, problems: list[Problem],
              base: Catalogue) -> dict[str, ProductFamily]:
    """The product families as this estate sees them: models/products.yaml with the file's
    `products:` applied. A known id changes the fields given; a new id adds a family (it needs
    a name, PID prefixes, os and kind; the rest default as in models/products.yaml)."""
    families: dict[str, ProductFamily] = dict(base.families)
    allowed = (*_FAMILY_TEXT, *_FAMILY_BOOL, *_FAMILY_LIST)
    for fid, changes in sorted(doc.products.items()):
        where = f"products.{fid}"
        if not isinstance(changes, dict):
            problems.append(error(display, "is not a mapping", column=where,
                                  line=doc.lines.get(where), expected="{field: value}"))
            continue
        good: dict[str, Any] = {}
        for key, value in changes.items():
            if not _family_field_ok(str(key), value):
                problems.append(error(
                    display, f"cannot set {key!r} to {value!r}", column=f"{where}.{key}",
                    line=doc.lines.get(f"{where}.{key}"),
                    expected="one of " + ", ".join(sorted(allowed)) + " (true/false for "
                    + ", ".join(_FAMILY_BOOL) + "; lists of text for pids and tracks; text "
                    "otherwise)"))
            else:
                good[str(key)] = value
        if fid not in families:
            missing = [k for k in _NEW_FAMILY_NEEDS if k not in good]
            if missing:
                problems.append(error(
                    display, f"new product family {fid!r} lacks {', '.join(missing)}",
                    column=where, line=doc.lines.get(where),
                    expected="a new family needs name, pids (PID prefixes), os and kind; or a "
                    "family id from models/products.yaml, e.g. C9300"))
                continue
            if "source" not in good and good.get("assumption") is not True:
                good["source"] = f"estate file {display}, products.{fid}"
        families[fid] = _family(fid, good, families.get(fid))
    return families


def _family(fid: str, fields: dict[str, Any], base: ProductFamily | None) -> ProductFamily:
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _FAMILY_LIST:
            values["pid_prefixes" if key == "pids" else key] = tuple(str(v).strip()
                                                                     for v in value)
        elif key == "slup_from":
            values[key] = None if value is None else str(value)
        elif key not in ("assumption", "reason", "source"):
            values[key] = value
    if "source" in fields or fields.get("assumption") is True:
        values["source"] = fact_source(fields)
    if base is not None:
        return dataclasses.replace(base, **values)
    return ProductFamily(
        id=fid, name=str(values["name"]), pid_prefixes=values["pid_prefixes"],
        os=str(values["os"]), kind=str(values["kind"]), slr=bool(values.get("slr", False)),
        plr=bool(values.get("plr", False)), slup_from=values.get("slup_from"),
        new_slr_under_slup=bool(values.get("new_slr_under_slup", False)),
        stackable=bool(values.get("stackable", False)),
        modular=bool(values.get("modular", False)), tracks=values.get("tracks", ()),
        current_train=str(values.get("current_train", "")), source=str(values["source"]))


_POLICY_FIELDS = ("description", "allowed_modes", "telemetry_may_leave",
                  "exposure_cost_per_device_year", "hostname_privacy", "allow_mixed_modes")


def _policies(doc: EstateDoc, display: str,
              problems: list[Problem]) -> tuple[ClassificationPolicy, ...]:
    presets: dict[str, dict[str, Any]] = dict(_yaml_doc("policies.yaml").get("policies", {}))
    merged: dict[str, dict[str, Any]] = {}
    for name in sorted(set(presets) | set(doc.policies)):
        fields = dict(presets.get(name, {}))
        override = doc.policies.get(name)
        where = f"policies.{name}"
        if override is not None and not isinstance(override, dict):
            problems.append(error(display, "is not a mapping", column=where,
                                  line=doc.lines.get(where), expected="{field: value}"))
            override = {}
        for key, value in (override or {}).items():
            if key not in _POLICY_FIELDS:
                problems.append(error(display, f"unknown policy field {key!r}",
                                      column=f"{where}.{key}", line=doc.lines.get(f"{where}.{key}"),
                                      expected="one of " + ", ".join(_POLICY_FIELDS)))
            else:
                fields[key] = value
        merged[name] = fields
    out = []
    for name, f in merged.items():
        where = f"policies.{name}"
        line = doc.lines.get(where)
        try:
            for key in ("allowed_modes", "telemetry_may_leave"):
                if not isinstance(f.get(key) or [], list):
                    raise ValueError(f"{key} is not a list")
            modes = frozenset(Mode(str(m)) for m in f.get("allowed_modes") or ())
            elements = frozenset(DataElement(str(e)) for e in f.get("telemetry_may_leave") or ())
            cost = f.get("exposure_cost_per_device_year", 0.0)
            if finite_number(cost, 0, MAX_AMOUNT) is None:
                raise ValueError(f"exposure_cost_per_device_year {cost!r} is not a finite "
                                 f"number from 0 to {MAX_AMOUNT:,.0f}")
        except (ValueError, TypeError) as exc:
            problems.append(error(display, f"policy {name!r}: {exc}", column=where, line=line,
                                  expected="modes from " + "|".join(Mode) + ", elements from "
                                  + "|".join(DataElement)))
            continue
        if not modes:
            problems.append(error(display, f"policy {name!r} allows no licensing mode",
                                  column=f"{where}.allowed_modes", line=line,
                                  expected="at least one of " + "|".join(Mode)))
            continue
        out.append(ClassificationPolicy(
            name=name, allowed_modes=modes, telemetry_may_leave=elements,
            exposure_cost_per_device_year=float(cost),
            hostname_privacy=bool(f.get("hostname_privacy", True)),
            allow_mixed_modes=bool(f.get("allow_mixed_modes", False)),
            description=" ".join(str(f.get("description", "")).split())))
    return tuple(out)


def _costs(doc: EstateDoc, display: str, problems: list[Problem]) -> CostAssumptions:
    defaults = {k: v.get("value") if isinstance(v, dict) else v
                for k, v in _yaml_doc("costs.yaml").get("costs", {}).items()}
    types = {f.name: f.type for f in dataclasses.fields(CostAssumptions)}
    values: dict[str, Any] = {}
    for key, value in [*defaults.items(), *doc.costs.items()]:
        where = f"costs.{key}"
        kind = types.get(str(key))
        if kind is None:
            problems.append(error(display, f"unknown cost field {key!r}", column=where,
                                  line=doc.lines.get(where), expected="one of " + ", ".join(types)))
            continue
        if kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "str":
            ok = isinstance(value, str) and bool(value.strip())
        else:
            number = finite_number(value, 0, MAX_AMOUNT)
            ok = number is not None and (kind == "float" or number.is_integer())
        if not ok:
            problems.append(error(display, f"{key} {value!r} is not valid", column=where,
                                  line=doc.lines.get(where),
                                  expected={"bool": "true or false", "str": "text",
                                            "int": "a whole number >= 0",
                                            "int | None": "a whole number of days"}.get(
                                      str(kind), f"a finite number from 0 to {MAX_AMOUNT:,.0f}")))
            continue
        values[str(key)] = int(value) if kind in ("int", "int | None") else (
            float(value) if kind == "float" else value)
    limit = onprem_sync_limit_days()
    interval = values.get("onprem_manual_sync_interval_days")
    if interval is not None and not 1 <= interval <= limit:
        where = "costs.onprem_manual_sync_interval_days"
        problems.append(error(display, f"a manual sync every {interval} days misses Cisco's "
                              f"{limit}-day window", column=where, line=doc.lines.get(where),
                              expected=f"1 to {limit} days (CSSM removes an On-Prem instance "
                              "unsynchronised for 90 days; devices need an ACK every 90 days)"))
        values.pop("onprem_manual_sync_interval_days")
    if values.get("horizon_years") == 0:
        problems.append(error(display, "horizon_years is 0", column="costs.horizon_years",
                              line=doc.lines.get("costs.horizon_years"), expected="1 or more"))
        values.pop("horizon_years")
    return CostAssumptions(**values)


__all__ = ["EstateSummary", "LoadResult", "estate_catalogue", "load_estate", "reference_date",
           "summarise"]
