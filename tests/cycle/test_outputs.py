"""Cycle outputs are byte-identical for the same inputs, the calendar is well-formed RFC 5545,
and bad input is a clear message with exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.examples import write_example
from planner.loader import load_estate
from planner.optimise import plan_estate
from planner.writers.plan_files import write_plan_files

FROM = "2027-01-04"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cycle-demo")
    write_example("utility", root / "demo")
    write_plan_files(plan_estate(load_estate(root / "demo" / "estate.yaml").estate),
                     root / "plan")
    return root


def _schedule(demo: Path, out: Path, *extra: str) -> CliRunner:
    runner = CliRunner()
    result = runner.invoke(main, ["cycle", "schedule", str(demo / "demo" / "estate.yaml"),
                                  "--plan", str(demo / "plan" / "plan.json"), "--from", FROM,
                                  "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return runner


def test_same_inputs_same_bytes(demo: Path, tmp_path: Path) -> None:
    _schedule(demo, tmp_path / "a")
    _schedule(demo, tmp_path / "b")
    for name in ("schedule.md", "schedule.csv", "schedule.json", "cycle.ics"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    trip = json.loads((tmp_path / "a" / "schedule.json").read_text())["trips"][0]["id"]
    digests = []
    for folder in ("t1", "t2"):
        result = CliRunner().invoke(main, [
            "cycle", "bundle", str(demo / "demo" / "estate.yaml"), "--plan",
            str(demo / "plan" / "plan.json"), "--from", FROM, "--trip", trip, "-o",
            str(tmp_path / folder)])
        assert result.exit_code == 0, result.output
        digests.append(result.stdout.strip())
    assert digests[0] == digests[1]


def test_calendar_is_rfc5545(demo: Path, tmp_path: Path) -> None:
    _schedule(demo, tmp_path)
    data = (tmp_path / "cycle.ics").read_bytes()
    doc = json.loads((tmp_path / "schedule.json").read_text())
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets (section 3.1)
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-2] == "END:VCALENDAR"
    assert sum(1 for u in unfolded if u == "BEGIN:VEVENT") == len(doc["trips"])
    uids = [u for u in unfolded if u.startswith("UID:")]
    assert len(uids) == len(set(uids)) == len(doc["trips"])
    starts = sorted(u.split(":", 1)[1] for u in unfolded if u.startswith("DTSTART"))
    assert starts == sorted(t["collect"].replace("-", "") for t in doc["trips"])


@pytest.mark.parametrize("args, message", [
    (["--from", "2027-13-01"], "not a date"),
    (["--from", FROM, "--trip", "nowhere-20270101"], "is not in the schedule"),
    (["--from", FROM, "--margin", "89"], "shorter than"),
])
def test_bad_schedule_input_is_exit_2(demo: Path, tmp_path: Path, args: list[str],
                                      message: str) -> None:
    command = "bundle" if "--trip" in args else "schedule"
    extra = ["-o", str(tmp_path / "out")] if command == "bundle" else []
    result = CliRunner().invoke(main, ["cycle", command, str(demo / "demo" / "estate.yaml"),
                                       "--plan", str(demo / "plan" / "plan.json"), *args,
                                       *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"schema": "other"}', b"\xff\xfe"])
def test_unreadable_manifest_is_exit_2(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "manifest.json").write_bytes(content)
    result = CliRunner().invoke(main, ["cycle", "verify", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "manifest.json" in result.output and "Traceback" not in result.output


def test_a_plan_of_another_estate_is_refused(demo: Path, tmp_path: Path) -> None:
    write_example("regional-bank", tmp_path / "bank")
    result = CliRunner().invoke(main, ["cycle", "schedule", str(tmp_path / "bank" / "estate.yaml"),
                                       "--plan", str(demo / "plan" / "plan.json"), "--from",
                                       FROM])
    assert result.exit_code == 2 and "plan" in result.output
