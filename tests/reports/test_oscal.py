"""The compliance pack as OSCAL: valid against NIST's model, and the same pack as the HTML."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.poam import PlanOfActionAndMilestones

from planner.cli import main
from planner.reports.compliance import load_controls
from planner.reports.components import KINDS, load_component_defs
from planner.reports.oscal import (
    OscalError,
    OscalFormat,
    component_definition,
    deadline_groups,
    poam,
    render_oscal,
)
from planner.reports.render import ReportFormat, ReportKind
from planner.resources import models_dir
from tests.reports.conftest import WHEN, Built

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _uuids(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("uuid", "risk-uuid") and isinstance(v, str)]
        return found + [u for v in node.values() for u in _uuids(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uuids(v)]
    return []


def test_component_definition_is_valid_oscal(example: Built) -> None:
    doc = json.loads(render_oscal(OscalFormat.COMPONENT_DEFINITION, example.compliance))
    ComponentDefinition.model_validate(doc["component-definition"])  # strict: extra forbidden
    ids = [u for u in _uuids(doc) if u]
    assert all(UUID.match(u) for u in ids)
    assert len(ids) == len(set(ids))  # every object its own identifier


def test_poam_is_valid_oscal(example: Built) -> None:
    doc = json.loads(render_oscal(OscalFormat.POAM, example.compliance))
    PlanOfActionAndMilestones.model_validate(doc["plan-of-action-and-milestones"])
    defined = {r["uuid"] for r in doc["plan-of-action-and-milestones"]["risks"]}
    for item in doc["plan-of-action-and-milestones"]["poam-items"]:
        assert {r["risk-uuid"] for r in item["related-risks"]} <= defined


def _html_rows(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<tr id="{prefix}-([^"]+)">', html)


def test_oscal_says_what_the_html_pack_says(example: Built) -> None:
    """Same controls with the same statements, same components, same dated deadlines."""
    report = example.compliance
    html = example.render(ReportKind.COMPLIANCE, ReportFormat.HTML)
    cdef = component_definition(report)["component-definition"]
    implemented = {req["control-id"]: req["description"]
                   for comp in cdef["components"]
                   for impl in comp.get("control-implementations", [])
                   for req in impl["implemented-requirements"]}
    html_controls = _html_rows(html, "control")
    assert sorted(implemented) == sorted(c.lower() for c in html_controls)
    for control in report.controls:
        assert implemented[control.id.lower()] == control.satisfied
    assert [c["title"] for c in cdef["components"]] == [c.title for c in report.components]
    assert _html_rows(html, "component") == [c.id for c in report.components]
    # Deadlines: every dated clock of the pack is a milestone on its date, and nothing else.
    risks = poam(report)["plan-of-action-and-milestones"]["risks"]
    deadlines = {r["deadline"][:10] for r in risks if "deadline" in r}
    html_dates = set(re.findall(r"<td>(\d{4}-\d{2}-\d{2})</td>", html.split(
        'id="clocks"')[1].split("</section>")[0]))
    assert deadlines == html_dates == {c.due for c in report.clocks
                                      if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.due)}
    assert len(risks) == len(report.risks) + len(deadline_groups(report.clocks))


def test_components_follow_the_plan(example: Built) -> None:
    """A part appears only when the plan uses it: no CSLU in a pack whose sites use none."""
    modes = {d.mode.value for d in example.plan.class_decisions}
    kinds = {c.kind for c in example.compliance.components}
    assert ("cslu" in kinds) == ("cslu" in modes)
    assert ("onprem-server" in kinds) == bool(example.plan.servers)
    agents = {c.id.removeprefix("agent-") for c in example.compliance.components
              if c.kind == "device-agent"}
    assert agents == modes
    assert sum(c.devices for c in example.compliance.components
               if c.kind == "device-agent") == len(example.estate.devices)


def test_component_catalogue_names_only_known_controls() -> None:
    _, controls = load_controls()
    known = {c.id for c in controls}
    defs = load_component_defs()
    assert set(defs) == set(KINDS)
    for spec in defs.values():
        assert set(spec.controls) <= known, spec.kind
    doc = yaml.safe_load((models_dir() / "components.yaml").read_text(encoding="utf-8"))
    assert doc.get("source") or (doc.get("assumption") is True and doc.get("reason"))
    # The plan-wide component carries every control of the pack.
    assert set(defs["licensing-plan"].controls) == known


def test_same_inputs_same_bytes_and_new_inputs_new_ids(example: Built) -> None:
    first = render_oscal(OscalFormat.COMPONENT_DEFINITION, example.compliance)
    assert first == render_oscal(OscalFormat.COMPONENT_DEFINITION, example.compliance)
    later = replace(example.compliance, report_date="2027-01-01")
    moved = json.loads(render_oscal(OscalFormat.COMPONENT_DEFINITION, later))
    assert moved["component-definition"]["uuid"] != json.loads(first)[
        "component-definition"]["uuid"]


def test_an_undated_pack_is_refused(example: Built) -> None:
    undated = replace(example.compliance, report_date="not stamped (dates are relative)")
    with pytest.raises(OscalError, match="--date"):
        component_definition(undated)


def test_cli_writes_both_documents(tmp_path: Path, hostile_path: Path) -> None:
    runner = CliRunner()
    for fmt, key in (("oscal", "component-definition"),
                     ("oscal-poam", "plan-of-action-and-milestones")):
        out = tmp_path / f"{fmt}.json"
        result = runner.invoke(main, ["report", str(hostile_path), "--kind", "compliance",
                                      "--format", fmt, "--date", WHEN, "-o", str(out)])
        assert result.exit_code == 0, result.output
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc[key]["metadata"]["last-modified"] == f"{date.fromisoformat(WHEN)}T00:00:00Z"
    refused = runner.invoke(main, ["report", str(hostile_path), "--kind", "tradeoff",
                                   "--format", "oscal", "--date", WHEN])
    assert refused.exit_code == 2 and "--kind compliance" in refused.output
    undated = runner.invoke(main, ["report", str(hostile_path), "--kind", "compliance",
                                   "--format", "oscal"], env={"SOURCE_DATE_EPOCH": ""})
    assert undated.exit_code == 2 and "--date" in undated.output
