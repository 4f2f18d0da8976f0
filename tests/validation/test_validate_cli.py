"""`planner validate`: tables or JSON on stdout, problems on stderr, the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main
from tests.validation.conftest import write_estate

EXPIRED = ("virtual_account,licence,quantity,end\nCampus,network-advantage,5,\n"
           "Campus,dna-advantage,5,2026-01-01\nCampus,network-essentials,5,\n")


def test_table_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(write_estate(tmp_path))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for title in ("Sites by classification", "Devices by family", "Devices by site",
                  "Virtual Accounts", "Entitlements vs use"):
        assert title in out
    assert "C9300" in out and "network-advantage" in out and "total" in out
    assert result.stderr == ""


def test_json_summary_is_stable(tmp_path: Path) -> None:
    args = ["validate", str(write_estate(tmp_path)), "--format", "json"]
    first = CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["devices"] == 2 and data["warnings"] == []
    assert [v["name"] for v in data["virtual_accounts"]] == ["Campus", "DEFAULT"]


def test_warnings_go_to_stderr_and_strict_fails(tmp_path: Path) -> None:
    path = str(write_estate(tmp_path, entitlements=EXPIRED))
    ok = CliRunner().invoke(main, ["validate", path, "--date", "2026-11-01"])
    assert ok.exit_code == 0
    assert "warning: dna-advantage x5 in Campus ended on 2026-01-01" in ok.stderr
    assert "Sites by classification" in ok.stdout
    early = CliRunner().invoke(main, ["validate", path, "--date", "2025-11-01"])
    assert early.exit_code == 0 and early.stderr == ""  # not yet expired on that date
    strict = CliRunner().invoke(main, ["validate", path, "--strict", "--date", "2026-11-01"])
    assert strict.exit_code == 2
    assert "error: dna-advantage x5 in Campus ended" in strict.stderr
    assert strict.stdout == ""


def test_source_date_epoch_is_the_default_reference(tmp_path: Path) -> None:
    path = str(write_estate(tmp_path, entitlements=EXPIRED))
    result = CliRunner().invoke(main, ["validate", path], env={"SOURCE_DATE_EPOCH": "1735689600"})
    assert result.exit_code == 0 and result.stderr == ""  # 2025-01-01: still current


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    path = str(write_estate(tmp_path))
    bad_date = CliRunner().invoke(main, ["validate", path, "--date", "soon"])
    assert bad_date.exit_code == 2 and "--date 'soon'" in bad_date.stderr
    missing = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.stderr
    assert "Traceback" not in missing.output
