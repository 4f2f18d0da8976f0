"""The compliance pack's content, pinned on the small estate where every answer is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.reports import compliance
from planner.reports.compliance import load_controls, placeholders
from tests.reports.conftest import Built


def test_flows_name_every_site_leaving_and_how(hostile: Built) -> None:
    flows = {f.source: f for f in hostile.compliance.flows}
    assert sorted(flows) == ["AIR", "BR1", "BR2", "ENC", "HQ"]
    assert [f.id for f in hostile.compliance.flows] == ["F01", "F02", "F03", "F04", "F05"]
    enc = flows["ENC"]
    assert enc.mode == "slr" and enc.classification == "secret"
    assert "removable media" in enc.transport
    assert enc.elements == ("pid-serial", "entitlement-usage", "ha-member-serials")
    # The planner enforces each policy's may-leave list: nothing exceeds it.
    assert enc.beyond_policy == ()
    assert flows["HQ"].transport == "HTTPS through the site proxy"
    assert flows["BR1"].transport == "HTTPS direct"
    assert "hostname" not in flows["BR1"].elements  # unclassified preset keeps hostnames in
    assert flows["AIR"].mode == "offline" and flows["AIR"].beyond_policy == ()


def test_clocks_count_from_the_report_date(hostile: Built) -> None:
    clocks = {(c.site, c.clock.split(" (")[0]): c for c in hostile.compliance.clocks}
    # dna-essentials is a subscription: report and ACK within 90 days of 2026-12-01; the offline
    # round trip is planned 15 days inside that window (every 75 days), not every 91 days.
    trip = next(c for c in hostile.compliance.clocks if c.site == "AIR"
                and c.clock.startswith(("next report-and-ACK round trip", "next usage report")))
    assert trip.due <= "2027-03-01"
    if trip.clock.startswith("next report-and-ACK"):
        assert trip.due == "2027-02-14" and "every 75 days" in trip.basis
    assert clocks[("AIR", "acknowledgement imported")].due == "2027-03-01"
    assert "Policy: Cisco default" in clocks[("AIR", "acknowledgement imported")].basis
    codes = [c for c in hostile.compliance.clocks if c.site == "ENC"]
    assert len(codes) == 1 and codes[0].clock.startswith("keep 2 authorization code(s)")
    assert hostile.compliance.report_date == "2026-12-01"


def test_every_required_control_is_mapped(hostile: Built) -> None:
    ids = [c.id for c in hostile.compliance.controls]
    for required in ("AC-4", "SC-7", "CM-8", "CA-3", "SA-9", "AU-2", "CM-10"):
        assert required in ids
    for control in hostile.compliance.controls:
        assert control.statement and control.satisfied and "{" not in control.satisfied
    assert "NIST SP 800-53 Rev. 5" in hostile.compliance.controls_source
    ac4 = next(c for c in hostile.compliance.controls if c.id == "AC-4")
    assert "5 flows" in ac4.satisfied and "No flow carries" in ac4.satisfied


def test_controls_file_uses_only_known_placeholders(hostile: Built) -> None:
    pack = hostile.compliance
    facts = compliance.control_facts(hostile.plan, pack.scope, pack.flows, len(pack.clocks))
    _, defs = load_controls()
    for c in defs:
        assert placeholders(c.satisfied) <= set(facts), c.id
    assert facts["flows"] == 5 and facts["media_flows"] == 2 and facts["networked_sources"] == 3


def test_unknown_placeholder_is_an_error(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    (tmp_path / "controls.yaml").write_text(
        "version: x\nsource: test\ncontrols:\n  - {id: XX-1, title: t, statement: s, "
        "satisfied: 'uses {nope}'}\n", encoding="utf-8")
    monkeypatch.setattr(compliance, "models_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match="XX-1: unknown placeholder"):
        compliance.controls({"flows": 1})


def test_scope_risks_and_signoff(hostile: Built) -> None:
    pack = hostile.compliance
    assert pack.scope.boundary_links == (("ENC", "HQ"),)
    assert pack.scope.offline_sites == 2 and pack.scope.internet_sites == 3
    assert [name for name, _ in pack.scope.enclaves] == ["enc-{{7*7}}"]
    assert pack.inventory.devices == 6 and pack.inventory.members == 2
    risks = " ".join(r.risk for r in pack.risks)
    assert "authorization codes" in risks and "offline site" in risks
    assert "not list them as allowed to leave" not in risks
    assert "Authorizing Official or delegate" in pack.signoff


def _control(built: Built, cid: str) -> str:
    return next(c.satisfied for c in built.compliance.controls if c.id == cid)


def test_control_statements_follow_the_register(example: Built) -> None:
    """SC-7, CA-3 and MP-5 say what the data-flow register says: the paths the plan uses and
    no other, the media flows it lists, and where the sites without internet send their data."""
    from planner.model import InternetAccess, Mode
    from planner.modes import load_modes
    from planner.reports.exposure import CSSM

    specs = load_modes()
    flows = example.compliance.flows
    to_cisco = [f for f in flows if f.destination.endswith(CSSM)]
    carried = [f for f in to_cisco if not specs[Mode(f.mode)].networked]
    sc7, ca3, mp5 = (_control(example, c) for c in ("SC-7", "CA-3", "MP-5"))
    assert f"{len(carried)} flows cross to Cisco on carried media" in sc7
    assert f"The {len(carried)} carried-media flows" in mp5
    assert ("CSLU" in ca3) == any(f.mode == Mode.CSLU.value for f in flows)
    assert ("SSM On-Prem server" in ca3) == bool(example.plan.servers)
    assert ("carried media" in ca3) == bool(carried)
    offline = {s.id for s in example.estate.sites if s.internet is InternetAccess.NONE}
    inside = offline & {f.source for f in flows if f.destination.startswith("SSM On-Prem")}
    if offline:
        assert f"None of the {len(offline)} site" in sc7
        assert "send nothing over a network" not in sc7
    if inside:  # the register lists HTTPS flows to a server inside: the statement says so
        assert f"{len(inside)} site{'' if len(inside) == 1 else 's'} send" in sc7
        assert "over HTTPS to an SSM On-Prem server inside their own boundary" in sc7


def test_classification_table_agrees_with_hostname_privacy(example: Built) -> None:
    for row in example.compliance.scope.classifications:
        if row.hostname_privacy:
            assert "hostname" not in row.may_leave.split(", "), row.name


def test_a_statement_names_no_unused_path(hostile: Built) -> None:
    """The hostile estate uses no CSLU: no control statement may name a CSLU collector."""
    from planner.model import Mode

    assert all(d.mode is not Mode.CSLU for d in hostile.plan.class_decisions)
    assert all("CSLU" not in c.satisfied for c in hostile.compliance.controls)


def test_a_network_sync_server_has_the_cssm_sync_clocks_too() -> None:
    """Network sync runs by itself, but a server that stops syncing is alerted and removed like
    any other: the pack lists those clocks beside the token re-authentication."""
    from datetime import date

    from planner.catalogue import load_catalogue
    from planner.model import Mode
    from planner.optimise import plan_estate
    from tests.engine_io.conftest import sample_estate

    when = date(2026, 12, 1)
    plan = plan_estate(sample_estate(), forced={"DC1": Mode.ONPREM_NETWORK,
                                                "HQ": Mode.ONPREM_NETWORK})
    assert any(p.mode is Mode.ONPREM_NETWORK for p in plan.servers)
    server = [c for c in compliance.clocks(plan, when, load_catalogue())
              if c.device_class == "SSM On-Prem server" and c.mode == "onprem-network"]
    kinds = {c.clock.split(" (")[0] for c in server}
    assert "instance removed from CSSM if not synced by" in kinds
    assert any(c.clock.startswith("last successful scheduled sync") and c.due == "2026-12-31"
               for c in server)
    assert any("token re-authentication" in c.clock for c in server)
    removed = next(c for c in server if c.clock.startswith("instance removed"))
    assert removed.due == "2027-03-01" and "is removed from CSSM" in removed.basis
