"""Inventory readers: one small module per file format behind one interface and one registry.

Each reader turns one file into devices and/or entitlements plus the problems it found; it never
raises for bad rows (it collects them), only for a file it cannot read at all (InputError).
`SourceKind` values equal the `inventory:` keys of estate.yaml, so the estate file, the registry
and the `SourceFile.kind` recorded for the compliance pack all speak the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from planner.catalogue import Catalogue
from planner.model import Device, Entitlement
from planner.problems import Problem

ESTATE_KIND = "estate"  # SourceFile.kind of the estate YAML itself


class SourceKind(StrEnum):
    """Inventory file formats, named as in estate.yaml's `inventory:` section."""

    DEVICES = "devices"
    ENTITLEMENTS = "entitlements"
    CSSM_JSON = "cssm_json"
    CSSM_CSV = "cssm_csv"
    NETBOX = "netbox"


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader may need beyond the file: the catalogue and the estate's site names."""

    catalogue: Catalogue
    # Site id or name (case-folded) -> site id, for sources that name sites their own way.
    site_ids: Mapping[str, str] = field(default_factory=dict)
    # The estate's `extra_columns: ignore`: columns outside a reader's schema are let through.
    extra_columns: bool = False


@dataclass(slots=True)
class ReadResult:
    """Everything one file yielded. Problems carry the file's display name and line."""

    devices: list[Device] = field(default_factory=list)
    entitlements: list[Entitlement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Virtual Accounts the source itself declares (CSSM data is authoritative for them).
    virtual_accounts: list[str] = field(default_factory=list)
    # SHA-256 of the bytes the reader parsed (the file is opened and read once).
    sha256: str = ""


class Reader(Protocol):
    """Read one file; `display` is the name every problem uses (path relative to the estate)."""

    kind: SourceKind

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult: ...


def reader_for(kind: SourceKind) -> Reader:
    """The reader for a source kind (the registry is exhaustive: see tests/readers)."""
    return _registry()[kind]


def _registry() -> dict[SourceKind, Reader]:
    # Imported here so that importing the package does not import every format module.
    from planner.readers import cssm_csv, cssm_json, devices_csv, entitlements_csv, netbox_csv

    registry: dict[SourceKind, Reader] = {
        SourceKind.DEVICES: devices_csv.DevicesCsvReader(),
        SourceKind.ENTITLEMENTS: entitlements_csv.EntitlementsCsvReader(),
        SourceKind.CSSM_JSON: cssm_json.CssmJsonReader(),
        SourceKind.CSSM_CSV: cssm_csv.CssmCsvReader(),
        SourceKind.NETBOX: netbox_csv.NetboxCsvReader(),
    }
    return registry


__all__ = ["ESTATE_KIND", "ReadContext", "ReadResult", "Reader", "SourceKind", "reader_for"]
