"""Every mode the bundled examples' plans choose produces runbooks for every device in them; a
saved plan.json gives the same runbooks as the solved plan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from planner.loader import load_estate
from planner.optimise import plan_estate
from planner.plan import Plan
from planner.resources import examples_dir
from planner.runbooks import build_runbooks, runbook_files
from planner.runbooks.carry import Trip
from planner.runbooks.planned import PlannedEstate, from_plan, from_plan_file
from planner.runbooks.render import render_files
from planner.runbooks.types import DeviceRunbook, StepKind
from planner.writers.plan_files import write_plan_files

EXAMPLES = ("federal-agency", "regional-bank", "utility")


Built = tuple[Plan, PlannedEstate, list[DeviceRunbook], dict[str, tuple[Trip, ...]],
              dict[str, str | bytes]]


@pytest.fixture(scope="module", params=EXAMPLES)
def built(request: pytest.FixtureRequest) -> Built:
    """Solve an example once and build its runbooks once (the slow part, shared by the tests)."""
    path = examples_dir() / str(request.param) / "estate.yaml"
    if not path.exists():
        pytest.skip(f"example {request.param} is not bundled")
    plan = plan_estate(load_estate(path).estate)
    planned = from_plan(plan)
    runbooks, trips = build_runbooks(planned)
    files = render_files(plan.estate, runbooks, trips, planned.source)
    return plan, planned, runbooks, dict(trips), files


def test_every_device_of_every_chosen_mode_gets_a_runbook(built: Built) -> None:
    solved, _planned, runbooks, _trips, _files = built
    estate = solved.estate
    assert len(runbooks) == len(estate.devices)
    decided = {d.class_id: d.mode for d in solved.class_decisions}
    chosen = {decided[c.id] for c in solved.classes}
    by_mode = Counter(rb.mode for rb in runbooks)
    assert set(by_mode) == chosen  # every chosen mode, nothing else
    for rb in runbooks:
        assert rb.steps, rb.hostname
        assert rb.platform or rb.steps[0].kind is StepKind.MANUAL
        for step in rb.steps:
            assert step.kind is not StepKind.DEVICE or step.source or not step.lines


def test_files_exist_per_device_and_no_unconfirmed_line_is_live(built: Built) -> None:
    solved, _planned, runbooks, _trips, files = built
    texts = [name for name in files if name.endswith(".txt")]
    assert len(texts) == len(solved.estate.devices)
    confirmed = {line for rb in runbooks for s in (*rb.prechecks, *rb.steps, *rb.rollback)
                 if s.confirmed for line in (*s.lines, "configure terminal", "end")}
    for name in texts:
        live = {line for line in str(files[name]).splitlines()
                if line and not line.startswith("!")}
        assert live <= confirmed, (name, live - confirmed)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: seconds, not half a minute
    doc = yaml.load(str(files["ansible-vars.yml"]), Loader=loader)
    hosts = doc["planner_runbook"]["hosts"]
    assert len(hosts) == len(solved.estate.devices)
    assert sum(1 for name in files if name.endswith("/runbook.md")) == \
        len({d.site for d in solved.estate.devices})


def test_saved_plan_json_gives_the_same_runbooks(built: Built, tmp_path: Path) -> None:
    solved, _planned, _runbooks, _trips, from_solve = built
    write_plan_files(solved, tmp_path)
    from_file = runbook_files(from_plan_file(solved.estate, tmp_path / "plan.json"))
    assert set(from_file) == set(from_solve)
    differ = [name for name in from_file if from_file[name] != from_solve[name]]
    assert differ == ["README.md"]  # only the "Plan: <source>" line differs
