"""Every licensing mode of the catalogue, forced by policy, through every output: the plan, each
report kind in each of its formats, and the runbooks. A new catalogue entry is walked here
without editing this file; a mode a renderer does not know fails here."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import main
from planner.model import DataElement, Mode
from planner.modes import load_modes
from planner.reports.render import ReportKind

WHEN = "2026-12-01"
HEADER = "hostname,pid,serial,site,virtual_account,version,state,licences,members\n"
# Software on Smart Licensing Using Policy for the reporting modes; routers on classic software
# for the reservations (no new SLR on SLUP Catalyst; PLR is documented for ISR 4000).
SLUP_DEVICES = """\
hq-sw1,C9300-48P,FOC2201A001,HQ,DEFAULT,17.9.4,slup,network-advantage:1;dna-advantage:1,
br-sw1,C9300-24P,FOC2201A002,BR,DEFAULT,17.9.4,slup,network-essentials:1;dna-essentials:1,
"""
CLASSIC_DEVICES = """\
hq-rtr1,ISR4321/K9,FLM2303D41Z,HQ,DEFAULT,16.12.5,classic,ipbasek9:1;securityk9:1,
br-rtr1,ISR4321/K9,FLM2629YJNU,BR,DEFAULT,16.12.5,classic,ipbasek9:1,
"""
FORMATS = {ReportKind.COMPLIANCE: ("md", "html", "oscal")}


def _estate(folder: Path, mode: Mode) -> Path:
    leaving = ", ".join(e.value for e in DataElement)
    (folder / "estate.yaml").write_text(textwrap.dedent(f"""\
        name: Every mode
        account: {{name: Acme, domain: acme.example, holder: customer,
                  slr_preapproved: true, plr_preapproved: true, export_authorised: true}}
        virtual_accounts: [{{name: DEFAULT, default: true}}]
        sites:
          - {{id: HQ, name: Head office, classification: lab, internet: direct, tags: [dc]}}
          - {{id: BR, name: Branch, classification: lab, internet: direct}}
        links: [{{a: HQ, b: BR}}]
        policies:
          lab: {{allowed_modes: [{mode.value}], telemetry_may_leave: [{leaving}],
                 hostname_privacy: false}}
        costs: {{labour_rate_per_hour: 100, horizon_years: 3}}
        inventory: {{devices: [devices.csv]}}
        """), encoding="utf-8")
    rows = CLASSIC_DEVICES if load_modes()[mode].reservation else SLUP_DEVICES
    (folder / "devices.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder / "estate.yaml"


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, ["-q", *args])
    assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("mode", list(Mode), ids=str)
def test_every_mode_reaches_every_output(tmp_path: Path, mode: Mode) -> None:
    spec = load_modes()[mode]
    estate = _estate(tmp_path, mode)
    _run("plan", str(estate), "-o", str(tmp_path / "plan"), "--date", WHEN)
    plan = json.loads((tmp_path / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert {m for d in plan["sites"] for m in d["modes"]} == {mode.value}, plan["sites"]
    for kind in ReportKind:
        for fmt in FORMATS.get(kind, ("md", "html")):
            out = tmp_path / f"{kind.value}.{fmt}"
            extra = ("--renewal-date", "2027-06-30") if kind is ReportKind.RENEWAL else ()
            _run("report", str(estate), "--kind", kind.value, "--format", fmt, "-o", str(out),
                 "--date", WHEN, *extra)
            assert out.stat().st_size > 0
    html = (tmp_path / "tradeoff.html").read_text(encoding="utf-8")
    assert spec.colour in html  # the map and legend draw the mode in its catalogue colour
    _run("runbook", str(estate), "--plan", str(tmp_path / "plan" / "plan.json"),
         "-o", str(tmp_path / "runbooks"), "--date", WHEN)
    variables = yaml.safe_load((tmp_path / "runbooks" / "ansible-vars.yml")
                               .read_text(encoding="utf-8"))
    transports = {d["transport"] for d in variables["planner_runbook"]["hosts"].values()}
    assert transports == {spec.transport or None}
