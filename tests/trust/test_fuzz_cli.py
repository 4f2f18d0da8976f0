"""`planner validate` and `planner ingest` on hostile input: exit 2 (or 0 with warnings for
skippable evidence), a message naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

from . import adversarial as adv
from .kit import READER_FILES, base_files, write_base

CASES = {
    "yaml-python-tag": ("estate.yaml", adv.YAML_PYTHON_TAGS[0]),
    "yaml-deep": ("estate.yaml", adv.YAML_DEEP_FLOW),
    "yaml-alias-bomb": ("estate.yaml", adv.YAML_ALIAS_BOMB),
    "devices-random": ("devices.csv", adv.random_bytes(7, 2000)),
    "entitlements-latin1": ("entitlements.csv",
                            adv.encodings(base_files()["entitlements.csv"])["latin-1"]),
    "cssm-json-deep": ("cssm.json", adv.JSON_DEEP),
    "cssm-json-truncated": ("cssm.json", adv.truncations(base_files()["cssm.json"])[1]),
    "cssm-csv-nul": ("cssm.csv", b"License,Quantity\n\x00\x00\n"),
    "netbox-utf16": ("netbox.csv", base_files()["netbox.csv"].decode().encode("utf-16-le")[:-1]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_exits_2_naming_the_file(tmp_path: Path, case: str) -> None:
    rel, data = CASES[case]
    estate = write_base(tmp_path, {rel: data})
    result = CliRunner().invoke(main, ["validate", str(estate), "--date", "2026-12-01"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert rel in result.output


def _captures(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_ingest_skips_hostile_captures_and_keeps_the_good_one(tmp_path: Path) -> None:
    good = base_files()[READER_FILES["capture"]]
    hostile = {"laughs.xml": adv.BILLION_LAUGHS, "xxe.xml": adv.EXTERNAL_ENTITY,
               "dtd.xml": adv.EXTERNAL_DTD, "pe.xml": adv.PARAMETER_ENTITY,
               "deep.xml": adv.RUM_DEEP_JSON, "random.txt": adv.random_bytes(3, 4000),
               "utf16.txt": good.decode().encode("utf-16-le"), "nul.log": b"\x00" * 100,
               **{f"shape{i}.xml": data for i, data in enumerate(adv.RUM_SHAPES)}}
    _captures(tmp_path / "caps", {"good.txt": good, **hostile})
    out = tmp_path / "devices.csv"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "caps"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "root:x:0:0" not in result.output and "lollol" not in result.output
    assert "FOC2233X0AB" in out.read_text(encoding="utf-8")
    for name in ("laughs.xml", "xxe.xml", "deep.xml", "random.txt"):
        assert name in result.output  # each skipped file is named with its reason


def test_ingest_of_nothing_usable_exits_2(tmp_path: Path) -> None:
    _captures(tmp_path / "caps", {"laughs.xml": adv.BILLION_LAUGHS,
                                  "random.txt": adv.random_bytes(4, 1000)})
    out = tmp_path / "devices.csv"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "caps"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_control_characters_in_identifiers_are_errors(tmp_path: Path) -> None:
    """A quoted CSV cell may hold a line break; in a hostname it would split the lines of
    summaries, command files and calendars, so validation refuses it by file and line."""
    devices = base_files()["devices.csv"].decode()
    lines = devices.split("\n")
    first = lines[1].split(",", 1)
    lines[1] = '"evil\nBEGIN:VEVENT\nSUMMARY:pwned",' + first[1]
    estate = write_base(tmp_path, {"devices.csv": "\n".join(lines).encode()})
    result = CliRunner().invoke(main, ["validate", str(estate), "--date", "2026-12-01"])
    assert result.exit_code == 2, result.output
    assert "devices.csv:2: hostname: error" in result.output
    assert "control character" in result.output
