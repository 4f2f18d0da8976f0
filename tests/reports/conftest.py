"""Fixtures for the report tests: a small estate with hostile names, and the bundled examples."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from planner.loader import load_estate
from planner.model import Estate
from planner.optimise import compare_strategies
from planner.plan import Plan
from planner.reports.compliance import build_compliance
from planner.reports.context import ComplianceReport, TradeoffReport
from planner.reports.render import ReportFormat, ReportKind, render
from planner.reports.renewal import RenewalReport, build_renewal
from planner.reports.tradeoff import build_summary, build_tradeoff
from planner.resources import examples_dir

SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{7*7}}"
WHEN = "2026-12-01"
RENEWAL = "2027-06-30"

ESTATE_YAML = f"""\
name: "Acme {SCRIPT} {TEMPLATE}"
account: {{name: "Acme *bold* | pipe", domain: acme.example, holder: customer,
          slr_preapproved: true, plr_preapproved: false, export_authorised: true}}
virtual_accounts:
  - {{name: DEFAULT, default: true}}
  - {{name: "NET_[x](y)"}}
sites:
  - {{id: HQ, name: "{SCRIPT}", classification: regulated, internet: proxy, tags: [dc]}}
  - {{id: BR1, name: "{TEMPLATE}", classification: unclassified, internet: direct}}
  - {{id: BR2, name: "Branch `two` _under_", classification: unclassified, internet: direct}}
  - {{id: ENC, name: "Enclave | {SCRIPT}", classification: secret, internet: none,
      enclave: "enc-{TEMPLATE}"}}
  - {{id: AIR, name: "Air-gapped lab", classification: ot, internet: none}}
links:
  - {{a: HQ, b: BR1}}
  - {{a: HQ, b: BR2}}
  - {{a: HQ, b: ENC, crosses_boundary: true}}
costs: {{labour_rate_per_hour: 100, horizon_years: 3}}
inventory:
  devices: [devices.csv]
  entitlements: [entitlements.csv]
"""

DEVICES_CSV = f"""\
hostname,pid,serial,site,virtual_account,version,state,licences,members
"{SCRIPT}",C9300-48P,FOC2201A001,HQ,"NET_[x](y)",17.9.4,slup,network-advantage:1;dna-advantage:1,C9300-48P:FOC2201A101
"{TEMPLATE}",C9300-48P,FOC2201A002,HQ,"NET_[x](y)",17.9.4,slup,network-advantage:1;dna-advantage:1,
br1-sw1,C9300-24P,FOC2201A003,BR1,"NET_[x](y)",17.9.4,slup,network-advantage:1;dna-advantage:1,
br2-sw1,C9300-24P,FOC2201A004,BR2,"NET_[x](y)",16.12.10,classic,network-essentials:1;dna-essentials:1,
enc-sw1,C9300-24P,FOC2201A005,ENC,"NET_[x](y)",16.12.10,slr,network-advantage:1;dna-advantage:1,C9300-24P:FOC2201A105
air-sw1,C9300-24P,FOC2201A006,AIR,"NET_[x](y)",17.9.4,slup,network-essentials:1;dna-essentials:1,
"""

ENTITLEMENTS_CSV = """\
virtual_account,licence,quantity,in_use,reserved,term,start,end,subscription_id,unit_price
"NET_[x](y)",network-advantage,4,3,1,perpetual,,,,
"NET_[x](y)",dna-advantage,4,3,1,term,2025-01-01,2028-01-01,SUB-1,
"NET_[x](y)",network-essentials,2,2,0,perpetual,,,,
"NET_[x](y)",dna-essentials,2,2,0,term,2025-01-01,2028-01-01,SUB-2,
"""


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "estate.yaml").write_text(ESTATE_YAML, encoding="utf-8")
    (folder / "devices.csv").write_text(DEVICES_CSV, encoding="utf-8")
    (folder / "entitlements.csv").write_text(ENTITLEMENTS_CSV, encoding="utf-8")
    return folder / "estate.yaml"


@pytest.fixture(scope="session")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile(tmp_path_factory.mktemp("hostile"))


@dataclass(frozen=True)
class Built:
    name: str
    estate: Estate
    tradeoff: TradeoffReport
    summary: TradeoffReport
    compliance: ComplianceReport
    plan: Plan  # the optimal plan the compliance pack was built from
    renewal: RenewalReport

    def report(self, kind: ReportKind) -> Any:
        return {ReportKind.TRADEOFF: self.tradeoff, ReportKind.SUMMARY: self.summary,
                ReportKind.COMPLIANCE: self.compliance,
                ReportKind.RENEWAL: self.renewal}[kind]

    def render(self, kind: ReportKind, fmt: ReportFormat) -> str:
        return render(kind, fmt, self.report(kind))


def build(name: str, path: Path) -> Built:
    from datetime import date

    when = date.fromisoformat(WHEN)
    estate = load_estate(path, today=when).estate
    plans = compare_strategies(estate)
    tradeoff = build_tradeoff(plans, when=when, date_source="--date", command="test")
    summary = build_summary(plans, when=when, date_source="--date", command="test")
    plan = plans.optimal  # the same solve `plan_estate` would make
    compliance = build_compliance(plan, when=when, date_source="--date", command="test")
    renewal = build_renewal(estate, when=when, date_source="--date", command="test",
                            renewal=RENEWAL)
    return Built(name, estate, tradeoff, summary, compliance, plan, renewal)


@pytest.fixture(scope="session")
def hostile(hostile_path: Path) -> Built:
    return build("hostile", hostile_path)


EXAMPLES = ("federal-agency", "regional-bank", "utility")


@pytest.fixture(scope="session", params=EXAMPLES)
def example(request: pytest.FixtureRequest) -> Built:
    path = examples_dir() / request.param / "estate.yaml"
    if not path.is_file():
        pytest.skip(f"example {request.param} is not bundled")
    return build(request.param, path)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
