"""`planner runbook` end to end on a small estate file: solved, from plan.json, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

SMALL = Path(__file__).resolve().parent / "data" / "small" / "estate.yaml"
# plan.json of SMALL as `planner plan` wrote it under schema planner.plan/1 (kept as written).
PLAN_V1 = SMALL.parent / "plan-v1.json"


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
    at = next(i for i, c in enumerate(doc["classes"]) if c.get("reserved"))
    doc["classes"][at]["reserved"] = [{"devices": 1, "licences": [{"tag": 1}]}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and f"classes[{at}].reserved[0].licences[0]" in err
    assert not (tmp_path / "x").exists()


def test_reserved_runs_that_do_not_fit_the_class_are_refused(plan_json: Path,
                                                             tmp_path: Path) -> None:
    doc = json.loads(plan_json.read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(doc["classes"]) if c.get("reserved"))
    doc["classes"][at]["reserved"][0]["devices"] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and "reserves for" in err and "internal error" not in err
    assert not (tmp_path / "x").exists()


def test_malformed_reservation_in_a_version_1_plan_json(tmp_path: Path) -> None:
    doc = json.loads(PLAN_V1.read_text(encoding="utf-8"))
    doc["reservations"] = [{"hostname": "vault-sw1", "serial": "X", "licences": [{"tag": 1}]}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("runbook", str(SMALL), "--plan", str(bad), "-o", str(tmp_path / "x"))
    assert code == 2 and "reservations[0]" in err


def test_version_1_and_version_2_plan_json_give_the_same_files(plan_json: Path,
                                                                tmp_path: Path) -> None:
    """A plan.json written before schema 2 (stored as written then) is still read, and gives
    byte for byte the runbooks and exports of today's plan.json of the same estate."""
    assert json.loads(PLAN_V1.read_text(encoding="utf-8"))["schema"] == "planner.plan/1"
    plan = tmp_path / "plan.json"  # one path for both: the runbooks name the plan they read
    for name, source in (("v1", PLAN_V1), ("v2", plan_json)):
        plan.write_bytes(source.read_bytes())
        assert run("runbook", str(SMALL), "--plan", str(plan), "-o",
                   str(tmp_path / name / "rb"), "--date", "2026-12-01")[0] == 0
        for tool in ("netbox", "nautobot", "cyclonedx"):
            out = tmp_path / name / (f"{tool}.json" if tool == "cyclonedx" else tool)
            code, _, err = run("export", tool, str(plan), "--estate", str(SMALL), "-o", str(out),
                               "--date", "2026-12-01")
            assert code == 0, err
    a, b = tmp_path / "v1", tmp_path / "v2"
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert any(n.startswith("rb/") for n in names) and "cyclonedx.json" in names
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_user_template_and_no_html(plan_json: Path, tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "runbook.html.j2").write_text("<p>OURS {{ s.site_id }}</p>\n", encoding="utf-8")
    (mine / "runbook.md.j2").write_text("# OURS {{ s.site_name|md }}\n", encoding="utf-8")
    (mine / "runbook-index.md.j2").write_text("{{ x.sites|length }} sites", encoding="utf-8")
    out = tmp_path / "a"
    code, _, err = run("runbook", str(SMALL), "--plan", str(plan_json), "-o", str(out),
                       "--templates", str(mine))
    assert code == 0, err
    assert (out / "VAULT" / "runbook.html").read_text(encoding="utf-8") == "<p>OURS VAULT</p>\n"
    assert (out / "VAULT" / "runbook.md").read_text(encoding="utf-8").startswith("# OURS ")
    sites = len([p for p in out.iterdir() if (p / "runbook.md").is_file()])
    assert (out / "README.md").read_text(encoding="utf-8") == f"{sites} sites\n"
    code, _, _ = run("runbook", str(SMALL), "--plan", str(plan_json), "-o",
                     str(tmp_path / "b"), "--no-html")
    assert code == 0 and not list((tmp_path / "b").rglob("*.html"))


def test_broken_user_template_exits_2(plan_json: Path, tmp_path: Path) -> None:
    mine = tmp_path / "tpl"
    mine.mkdir()
    for name in ("runbook.html.j2", "runbook.md.j2", "runbook-index.md.j2"):
        (mine / name).write_text("{{ s.nothing_here }}", encoding="utf-8")
        code, _, err = run("runbook", str(SMALL), "--plan", str(plan_json), "-o",
                           str(tmp_path / "x"), "--templates", str(mine))
        assert code == 2 and name in err and not (tmp_path / "x").exists(), name
        (mine / name).unlink()
