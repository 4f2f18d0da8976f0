"""The engine commands end to end on a small estate file: graph, plan, compare, explain."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from planner.cli import main

SMALL = Path(__file__).resolve().parent / "data" / "small" / "estate.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_graph_to_file_and_stdout(tmp_path: Path) -> None:
    code, out, _ = run("graph", str(SMALL), "--format", "json")
    assert code == 0 and json.loads(out)["schema"] == "planner.graph/1"
    target = tmp_path / "g.graphml"
    code, _, err = run("graph", str(SMALL), "--format", "graphml", "-o", str(target))
    assert code == 0 and "wrote" in err
    g = nx.read_graphml(target)
    assert g.edges["HQ", "VAULT"]["crosses_boundary"] is True


def test_plan_writes_files_and_prints_summary(tmp_path: Path) -> None:
    code, out, _ = run("plan", str(SMALL), "-o", str(tmp_path / "p"), "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["status"] == "optimal" and summary["sites_slr"] == 1
    assert isinstance(summary["cost_total"], float) and summary["currency"] == "USD"
    doc = json.loads((tmp_path / "p" / "plan.json").read_text(encoding="utf-8"))
    modes = {s["site"]: s["modes"] for s in doc["sites"]}
    # VAULT is secret (SLR/PLR only, no PLR approval): SLR; BR1 has no internet
    assert modes["VAULT"] == ["slr"] and modes["BR1"] != ["cssm-direct"]
    manifest = (tmp_path / "p" / "reservations" / "DEFAULT.slr.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert sorted(r["serial"] for r in rows if r["role"] == "member") == ["FOC1001C002",
                                                                          "FOC1001C003"]
    # the hostile hostname from devices.csv is written as text, not as a formula
    assert all(r["hostname"] == "'=cmd|' /C calc'!A0" for r in rows)


def test_plan_twice_gives_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("plan", str(SMALL), "-o", str(tmp_path / name), "--date", "2026-01-02")[0] == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) >= 8
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    assert '"generated": "2026-01-02"' in (tmp_path / "a" / "plan.json").read_text("utf-8")


def test_plan_with_no_possible_mode_exits_3_naming_the_site(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    shutil.copytree(SMALL.parent, folder)
    text = (folder / "estate.yaml").read_text(encoding="utf-8")
    (folder / "estate.yaml").write_text(text.replace("slr_preapproved: true",
                                                     "slr_preapproved: false"), "utf-8")
    result = CliRunner().invoke(main, ["plan", str(folder / "estate.yaml"), "-o",
                                       str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "VAULT" in result.stderr and "pre-approved for SLR" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_date_is_a_usage_error_before_solving(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", str(SMALL), "-o", str(tmp_path / "o"),
                                       "--date", "tomorrow"])
    assert result.exit_code == 2 and "is not a date" in result.stderr


def test_compare_lists_every_strategy_and_why_infeasible() -> None:
    code, out, _ = run("compare", str(SMALL), "--format", "json")
    assert code == 0
    data = {row["strategy"]: row for row in json.loads(out)}
    assert data["optimal"]["status"] == "optimal"
    assert data["all-cssm-direct"]["status"] == "infeasible"
    assert "VAULT" in data["all-cssm-direct"]["infeasible"]
    feasible = [r["total"] for r in data.values() if r["total"] is not None]
    assert min(feasible) == data["optimal"]["total"]
    code, table, _ = run("compare", str(SMALL))
    assert "all-slr: no feasible plan" in table and "BR1" in table


def test_explain_names_exclusions_and_prices_alternatives() -> None:
    code, out, _ = run("explain", str(SMALL), "--site", "VAULT", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["modes"] == ["slr"]
    alts = {a["mode"]: a for a in data["alternatives"]}
    assert any("policy 'secret' forbids cssm-direct" in r for r in alts["cssm-direct"]["reasons"])
    # PLR is blocked by approvals AND by the family: no lever can open it
    assert alts["plr"]["lever"] == "" and alts["plr"]["cost"] is None
    code, text, _ = run("explain", str(SMALL), "--site", "VAULT")
    assert "What would flip the choice" in text


def test_explain_unknown_site_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["explain", str(SMALL), "--site", "NOPE"])
    assert result.exit_code == 2 and "'NOPE' is not in the estate" in result.stderr


@pytest.mark.parametrize("command", ["graph", "plan", "compare", "explain"])
def test_every_engine_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example:" in out
