"""The reader registry: the one place that says which reader reads each kind of source.

The estate loader and `planner ingest` both read through it. It lives beside the format
modules, not in the package's __init__, because they import their types from the package:
the registry importing them from there would make a cycle.
"""

from __future__ import annotations

from planner.readers import FolderReader, Reader, SourceKind
from planner.readers.captures import CapturesReader
from planner.readers.cssm_csv import CssmCsvReader
from planner.readers.cssm_json import CssmJsonReader
from planner.readers.devices_csv import DevicesCsvReader
from planner.readers.entitlements_csv import EntitlementsCsvReader
from planner.readers.netbox_csv import NetboxCsvReader

_READERS: dict[SourceKind, Reader | FolderReader] = {
    SourceKind.DEVICES: DevicesCsvReader(),
    SourceKind.ENTITLEMENTS: EntitlementsCsvReader(),
    SourceKind.CSSM_JSON: CssmJsonReader(),
    SourceKind.CSSM_CSV: CssmCsvReader(),
    SourceKind.NETBOX: NetboxCsvReader(),
    SourceKind.EVIDENCE: CapturesReader(),
}


def reader_for(kind: SourceKind) -> Reader | FolderReader:
    """The reader for a source kind (the registry is exhaustive: see tests/readers)."""
    return _READERS[kind]


def folder_reader_for(kind: SourceKind) -> FolderReader:
    """The reader of a kind read by folders (device captures); TypeError for a file kind."""
    reader = _READERS[kind]
    if not isinstance(reader, FolderReader):
        raise TypeError(f"{kind.value} sources are read file by file, not by folder")
    return reader


__all__ = ["folder_reader_for", "reader_for"]
