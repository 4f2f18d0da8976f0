"""The reader registry maps every SourceKind to a reader of that kind, and estate.yaml agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalogue import load_catalogue
from planner.readers import FolderReader, ReadContext, SourceKind
from planner.readers.estate_yaml import INVENTORY_KEYS
from planner.readers.registry import folder_reader_for, reader_for

FIXTURES = Path(__file__).resolve().parents[1] / "evidence" / "fixtures" / "site-hq"


@pytest.mark.parametrize("kind", list(SourceKind))
def test_every_kind_has_a_reader_of_that_kind(kind: SourceKind) -> None:
    reader = reader_for(kind)
    assert reader.kind is kind
    method = reader.read_folders if isinstance(reader, FolderReader) else reader.read
    assert callable(method)


def test_inventory_keys_are_the_source_kinds() -> None:
    assert tuple(k.value for k in SourceKind) == INVENTORY_KEYS
    assert list(SourceKind)[-1] is SourceKind.EVIDENCE  # captures are read (and joined) last


def test_captures_are_read_by_folder() -> None:
    assert folder_reader_for(SourceKind.EVIDENCE).kind is SourceKind.EVIDENCE
    with pytest.raises(TypeError, match="file by file"):
        folder_reader_for(SourceKind.DEVICES)


def test_the_captures_reader_hashes_each_file_and_applies_the_context(tmp_path: Path) -> None:
    captures = sorted(FIXTURES.iterdir()) if FIXTURES.is_dir() else []
    if not captures:
        pytest.skip("the evidence fixtures are not in this checkout")
    folder = tmp_path / "captures"
    folder.mkdir()
    for capture in captures:
        (folder / capture.name).write_bytes(capture.read_bytes())
    ctx = ReadContext(load_catalogue(), site="HQ", virtual_account="Campus")
    got = folder_reader_for(SourceKind.EVIDENCE).read_folders([folder], tmp_path, ctx)
    assert [f.file for f in got.files] == [f"captures/{c.name}" for c in captures]
    assert all(len(f.sha256) == 64 for f in got.files)
    assert got.devices and {(d.site, d.virtual_account) for d in got.devices} == {
        ("HQ", "Campus")}


CAPTURE = ("edge-9#show version\nCisco IOS XE Software, Version 17.06.05\n"
           "edge-9 uptime is 3 weeks\ncisco {pid} (X86) processor with 1K bytes of memory.\n"
           "Processor board ID FOC2222X0ZZ\nedge-9#show license summary\nLicense Usage:\n"
           "  License                 Entitlement Tag               Count Status\n"
           "  -----------------------------------------------------------------------------\n"
           "  network-essentials      (C9300-24 Network Essentials)     1 IN USE\n")


def test_captures_infer_the_era_with_the_estate_catalogue(tmp_path: Path) -> None:
    # A PID only the estate's `products:` knows: its captures name a version but no command
    # that prints the era, so the era comes from the family's `slup_from`, which only the
    # estate's catalogue (the context's) has.
    from planner.model import LicensingState
    from planner.presets import merge_presets
    from planner.readers.estate_yaml import EstateDoc

    (tmp_path / "c.txt").write_text(CAPTURE.format(pid="ZX9-24T"), encoding="utf-8")
    own = {"ZX9": {"name": "ZX 9", "pids": ["ZX9-"], "os": "ios-xe", "kind": "switch",
                   "slup_from": "17.3.2"}}
    estate_view = merge_presets(EstateDoc(products=own), "estate.yaml").catalogue
    reader = folder_reader_for(SourceKind.EVIDENCE)
    states = [reader.read_folders([tmp_path], tmp_path, ReadContext(cat)).devices[0].state
              for cat in (load_catalogue(), estate_view)]
    assert states == [LicensingState.UNKNOWN, LicensingState.SLUP]
