"""Inventory readers: one small module per source format behind one interface and one registry.

This package holds the interface only (the source kinds, what a reader is given and what it
returns); `planner.readers.registry` maps every kind to its reader. The format modules import
these types from here and the package imports none of them, so there is no import cycle.

Each reader turns its input into devices and/or entitlements plus the problems it found; it
never raises for bad rows (it collects them), only for a file it cannot read at all
(InputError). `SourceKind` values equal the `inventory:` keys of estate.yaml, so the estate
file, the registry and the `SourceFile.kind` recorded for the compliance pack all speak the
same names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from planner.catalogue import Catalogue
from planner.model import Device, Entitlement
from planner.problems import Problem

ESTATE_KIND = "estate"  # SourceFile.kind of the estate YAML itself


class SourceKind(StrEnum):
    """Inventory sources, named as in estate.yaml's `inventory:` section, in reading order."""

    DEVICES = "devices"
    ENTITLEMENTS = "entitlements"
    CSSM_JSON = "cssm_json"
    CSSM_CSV = "cssm_csv"
    NETBOX = "netbox"
    # Folders of device captures (`show license ...`), read last: evidence fills what the
    # inventory files leave blank, and the join warns where they disagree.
    EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader may need beyond its input: the catalogue and the estate's site names."""

    catalogue: Catalogue
    # Site id or name (case-folded) -> site id, for sources that name sites their own way.
    site_ids: Mapping[str, str] = field(default_factory=dict)
    # The estate's `extra_columns: ignore`: columns outside a reader's schema are let through.
    extra_columns: bool = False
    # For sources that name no site (device captures): the site every device they yield gets
    # (`planner ingest --site`); blank leaves it to the other sources or to the user.
    site: str = ""
    # For device captures: the Virtual Account every device gets (`planner ingest
    # --virtual-account`); blank keeps the one the device prints.
    virtual_account: str = ""


@dataclass(frozen=True, slots=True)
class CommandReport:
    """One command output found in a file: what it was, and what was read or why not."""

    line: int
    command: str  # as typed at the prompt, else the command the output was recognised as
    outcome: str  # read | skipped | ignored (session and configuration commands)
    detail: str  # what was read (identity, version, licences ...), or why it was skipped


@dataclass(frozen=True, slots=True)
class FileReport:
    """What a folder reader made of one file (`planner ingest` prints one line per command)."""

    file: str  # relative to the folder the messages name files from
    blocks: int
    parsed: int
    skipped: int
    warnings: int
    commands: tuple[CommandReport, ...] = ()
    sha256: str = ""  # of the bytes read (each file is opened once); "" when it was not read


@dataclass(slots=True)
class ReadResult:
    """Everything one source yielded. Problems carry the file's display name and line."""

    # The devices CSV reader gives a planner.device_table.DeviceTable (columns).
    devices: Sequence[Device] = field(default_factory=list)
    entitlements: list[Entitlement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Virtual Accounts the source itself declares (CSSM data is authoritative for them).
    virtual_accounts: list[str] = field(default_factory=list)
    # SHA-256 of the bytes a file reader parsed (the file is opened and read once).
    sha256: str = ""
    # Every file a folder reader opened, in reading order, each with its own digest.
    files: list[FileReport] = field(default_factory=list)


class Reader(Protocol):
    """Read one file; `display` is the name every problem uses (path relative to the estate)."""

    kind: SourceKind

    def read(self, path: Path, display: str, ctx: ReadContext) -> ReadResult: ...


@runtime_checkable
class FolderReader(Protocol):
    """Read every folder (or file) listed under one kind as one source: one device's captures
    may be spread over several folders, and its blocks are merged before the join. Files are
    named relative to `base` (the estate file's folder)."""

    kind: SourceKind

    def read_folders(self, folders: Sequence[Path], base: Path,
                     ctx: ReadContext) -> ReadResult: ...


__all__ = ["ESTATE_KIND", "CommandReport", "FileReport", "FolderReader", "ReadContext",
           "ReadResult", "Reader", "SourceKind"]
