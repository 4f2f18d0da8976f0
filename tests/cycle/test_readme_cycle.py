"""The README's full offline cycle runs as written: schedule, bundle, seal and verify both legs,
then the ledger from captures and its history."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from tests.cycle.test_ledger import status_capture

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _section_commands() -> list[list[str]]:
    section = README.split("## One full offline cycle", 1)[1].split("\n## ", 1)[0]
    out = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        out += [shlex.split(line)[1:] for line in block.splitlines()
                if line.startswith("planner ")]
    return out


@pytest.mark.slow
def test_readme_cycle_walkthrough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(args: list[str], code: int = 0) -> str:
        result = runner.invoke(main, args)
        assert result.exit_code == code, f"planner {' '.join(args)}: {result.output}"
        return result.stdout

    run(["example", "federal-agency", "demo"])
    run(["plan", "demo/estate.yaml", "-o", "demo/plan"])
    schedule, bundle, status, history = _section_commands()
    assert schedule[:2] == ["cycle", "schedule"] and bundle[:2] == ["cycle", "bundle"]
    run(schedule)
    assert "LAB-FOR-20270317" in (tmp_path / "demo" / "cycle" / "schedule.md").read_text()
    digest = run(bundle).strip()
    trip = tmp_path / "demo" / "trip"
    manifest = json.loads((trip / "manifest.json").read_text())
    assert manifest["trip"] == "LAB-FOR-20270317"
    assert all(p.startswith("out/LAB-FOR/") for p in manifest["expected"]["out"])
    run(["cycle", "verify", "demo/trip", "--expect", digest])
    for rel in manifest["expected"]["out"]:
        (trip / rel).parent.mkdir(parents=True, exist_ok=True)
        (trip / rel).write_bytes(b"synchronisation request\n")
    out_digest = run(["cycle", "seal", "demo/trip", "--leg", "out"]).strip()
    run(["cycle", "verify", "demo/trip", "--expect", out_digest])
    run(["cycle", "verify", "demo/trip", "--expect", digest], code=1)  # the old digest
    for rel in manifest["expected"]["in"]:
        (trip / rel).parent.mkdir(parents=True, exist_ok=True)
        (trip / rel).write_bytes(b"synchronisation response\n")
    in_digest = run(["cycle", "seal", "demo/trip", "--leg", "in"]).strip()
    run(["cycle", "verify", "demo/trip", "--expect", in_digest])

    devices = json.loads(run(["cycle", "schedule", "demo/estate.yaml", "--plan",
                              "demo/plan/plan.json", "--from", "2027-01-04", "--format",
                              "json"]))["trips"][0]["devices"]
    captures = tmp_path / "captures"
    captures.mkdir()
    for d in devices:
        (captures / f"{d['hostname']}.txt").write_text(status_capture(
            d["hostname"], d["serial"], "Feb 03 10:00:00 2027 UTC", "May 04 10:00:00 2027 UTC"))
    assert status[:2] == ["cycle", "status"] and "--fail-on" in status
    run([*status, "--date", "2027-02-04"])
    run([*status, "--date", "2027-04-25"], code=1)  # due within 14 days: the scheduler's cue
    acks = run([*history, "--format", "json"])
    assert {r["last_ack"] for r in json.loads(acks)} == {"2027-02-03"}
    # The next schedule starts each recorded device's clock from the deadline it showed.
    later = json.loads(run(["cycle", "schedule", "demo/estate.yaml", "--plan",
                            "demo/plan/plan.json", "--from", "2027-04-26", "--format", "json"]))
    recorded = {d["serial"] for d in devices}
    firsts = {d["serial"]: d["first_deadline"] for t in later["trips"] for d in t["devices"]}
    assert {firsts[s] for s in recorded} == {"2027-05-04"}
