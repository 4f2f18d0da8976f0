"""The reader registry: the one place that says which reader reads each kind of source.

The estate loader and `planner ingest` both read through it. It lives beside the format
modules, not in the package's __init__, because they import their types from the package:
the registry importing them from there would make a cycle.

A format module is imported the first time its kind is asked for: most estates list one or
two kinds, and a command should not pay for parsers (and their compiled patterns) it never
runs.
"""

from __future__ import annotations

from importlib import import_module

from planner.readers import FolderReader, Reader, SourceKind

# Kind -> (module, reader class). tests/readers/test_reader_registry.py holds it exhaustive.
_WHERE: dict[SourceKind, tuple[str, str]] = {
    SourceKind.DEVICES: ("planner.readers.devices_csv", "DevicesCsvReader"),
    SourceKind.ENTITLEMENTS: ("planner.readers.entitlements_csv", "EntitlementsCsvReader"),
    SourceKind.CSSM_JSON: ("planner.readers.cssm_json", "CssmJsonReader"),
    SourceKind.CSSM_CSV: ("planner.readers.cssm_csv", "CssmCsvReader"),
    SourceKind.NETBOX: ("planner.readers.netbox_csv", "NetboxCsvReader"),
    SourceKind.EVIDENCE: ("planner.readers.captures", "CapturesReader"),
}
_READERS: dict[SourceKind, Reader | FolderReader] = {}


def reader_for(kind: SourceKind) -> Reader | FolderReader:
    """The reader for a source kind (the registry is exhaustive: see tests/readers)."""
    reader = _READERS.get(kind)
    if reader is None:
        module, name = _WHERE[kind]
        reader = _READERS[kind] = getattr(import_module(module), name)()
    return reader


def folder_reader_for(kind: SourceKind) -> FolderReader:
    """The reader of a kind read by folders (device captures); TypeError for a file kind."""
    reader = reader_for(kind)
    if not isinstance(reader, FolderReader):
        raise TypeError(f"{kind.value} sources are read file by file, not by folder")
    return reader


__all__ = ["folder_reader_for", "reader_for"]
