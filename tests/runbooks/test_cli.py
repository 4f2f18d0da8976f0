"""`planner runbook` end to end on a small estate file: solved, from plan.json, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

SMALL = Path(__file__).resolve().parent / "data" / "small" / "estate.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    code, _, err = run("plan", str(SMALL), "-o", str(out))
    assert code == 0, err
    return out / "plan.json"


def test_runbook_from_saved_plan(plan_json: Path, tmp_path: Path) -> None:
    out = tmp_path / "rb"
    code, _, err = run("runbook", str(SMALL), "--plan", str(plan_json), "-o", str(out),
                       "--proxy", "proxy.run.example:3128", "--date", "2026-11-29")
    assert code == 0, err
    assert "4 device(s) at 3 site(s)" in err
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()
                   and p.relative_to(out).parts[0] != "ansible")  # tests/runbooks/test_ansible.py
    assert (out / "ansible" / "inventory.yml").is_file()
    assert names == [".planner-outputs.json",
                     "HQ/hq-rtr1.txt", "HQ/hq-sw1.txt", "HQ/runbook.html", "HQ/runbook.md",
                     "OT1/carry.csv", "OT1/ot-sw1.txt", "OT1/runbook.html", "OT1/runbook.md",
                     "README.md", "VAULT/carry.csv", "VAULT/runbook.html", "VAULT/runbook.md",
                     "VAULT/vault-sw1.txt", "ansible-vars.yml"]
    hq = (out / "HQ" / "hq-sw1.txt").read_text(encoding="utf-8")
    assert "license smart proxy address proxy.run.example" in hq
    vault = (out / "VAULT" / "runbook.md").read_text(encoding="utf-8")
    assert "Generated: 2026-11-29." in vault and "Trip 3" in vault
    ot = (out / "OT1" / "ot-sw1.txt").read_text(encoding="utf-8")
    assert "license smart transport off" in ot


def test_solved_and_saved_plans_give_the_same_files(plan_json: Path, tmp_path: Path) -> None:
    assert run("runbook", str(SMALL), "-o", str(tmp_path / "a"))[0] == 0
    assert run("runbook", str(SMALL), "--plan", str(plan_json), "-o", str(tmp_path / "b"))[0] == 0
    for path in (tmp_path / "a").rglob("*.txt"):
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == twin.read_bytes()
    index = (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    assert "- the HTTPS proxy of HQ (`--proxy HOST:PORT`)" in index  # not given on this run


def test_plan_of_another_estate_is_refused_and_nothing_written(plan_json: Path,
                                                               tmp_path: Path) -> None:
    doc = json.loads(plan_json.read_text(encoding="utf-8"))
    doc["classes"] = doc["classes"][1:]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(other), "-o", str(tmp_path / "x"))
    assert code == 2 and "other.json" in err and "no decision for 1 device class" in err
    assert not (tmp_path / "x").exists()


def test_not_a_plan_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something/else"}', encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and "not a planner plan file" in err
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and "not valid JSON" in err


@pytest.mark.parametrize("args", [("--server-url", "no-equals-sign"), ("--proxy", "host-only")])
def test_bad_options_exit_2(args: tuple[str, str], tmp_path: Path) -> None:
    code, _, err = run("runbook", str(SMALL), "-o", str(tmp_path / "x"), *args)
    assert code == 2 and args[0] in err
    assert not (tmp_path / "x").exists()


def test_server_url_for_an_unknown_site(tmp_path: Path) -> None:
    code, _, err = run("runbook", str(SMALL), "-o", str(tmp_path / "x"),
                       "--server-url", "NOWHERE=https://onprem/x")
    assert code == 2 and "NOWHERE" in err and not (tmp_path / "x").exists()


def test_malformed_reservation_in_plan_json(plan_json: Path, tmp_path: Path) -> None:
    doc = json.loads(plan_json.read_text(encoding="utf-8"))
    doc["reservations"] = [{"hostname": "vault-sw1", "serial": "X", "licences": [{"tag": 1}]}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and "reservations[0]" in err


def test_user_template_and_no_html(plan_json: Path, tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "runbook.html.j2").write_text("<p>OURS {{ s.site_id }}</p>\n", encoding="utf-8")
    out = tmp_path / "a"
    code, _, err = run("runbook", str(SMALL), "--plan", str(plan_json), "-o", str(out),
                       "--templates", str(mine))
    assert code == 0, err
    assert (out / "VAULT" / "runbook.html").read_text(encoding="utf-8") == "<p>OURS VAULT</p>\n"
    code, _, _ = run("runbook", str(SMALL), "--plan", str(plan_json), "-o",
                     str(tmp_path / "b"), "--no-html")
    assert code == 0 and not list((tmp_path / "b").rglob("*.html"))


def test_broken_user_template_exits_2(plan_json: Path, tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "runbook.html.j2").write_text("{{ s.nothing_here }}", encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(plan_json), "-o",
                       str(tmp_path / "x"), "--templates", str(mine))
    assert code == 2 and "runbook.html.j2" in err and not (tmp_path / "x").exists()
