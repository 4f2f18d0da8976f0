"""The compliance pack's ACK clock and the renewal brief read the recorded ledger where a site
has evidence, and say plainly when there is none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main
from planner.examples import write_example
from planner.loader import load_estate
from planner.optimise import plan_estate
from planner.reports.compliance import build_compliance
from planner.reports.renewal import ledger_summary
from tests.cycle.test_ledger import status_capture

WHEN = date(2027, 1, 5)


def test_compliance_and_renewal_use_the_recorded_ledger(tmp_path: Path) -> None:
    write_example("federal-agency", tmp_path / "demo")
    estate_path = tmp_path / "demo" / "estate.yaml"
    estate = load_estate(estate_path, today=WHEN).estate
    plan = plan_estate(estate)
    lab = sorted((d for d in estate.devices if d.site == "LAB-FOR" and d.state.value == "slup"),
                 key=lambda d: d.hostname)[:2]
    assert len(lab) == 2
    before = build_compliance(plan, when=WHEN, date_source="test", command="test")
    assumed = [c for c in before.clocks if c.site == "LAB-FOR"
               and c.clock == "acknowledgement imported"]
    assert assumed and all("assumed" in c.basis for c in assumed)
    assert ledger_summary(estate, WHEN)[0][1].startswith("no recorded")

    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "a.txt").write_text(status_capture(lab[0].hostname, lab[0].serial,
                                                   "Dec 01 09:00:00 2026 UTC",
                                                   "Mar 01 09:00:00 2027 UTC"))
    (captures / "b.txt").write_text(status_capture(lab[1].hostname, lab[1].serial,
                                                   "Sep 01 09:00:00 2026 UTC",
                                                   "Nov 30 09:00:00 2026 UTC"))
    result = CliRunner().invoke(main, ["cycle", "status", str(estate_path), "--evidence",
                                       str(captures), "--date", WHEN.isoformat(), "--record",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output

    after = build_compliance(plan, when=WHEN, date_source="test", command="test")
    acks = [c for c in after.clocks if c.site == "LAB-FOR"
            and c.clock == "acknowledgement imported"]
    assert acks and all(c.due == "2026-11-30" for c in acks)
    assert all(c.basis.startswith("evidence:") and "1 overdue" in c.basis for c in acks)
    others = [c for c in after.clocks if c.site != "LAB-FOR"
              and c.clock == "acknowledgement imported"]
    assert all("assumed" in c.basis for c in others)
    line = ledger_summary(estate, WHEN)[0][1]
    assert "2 of" in line and "1 overdue (at LAB-FOR)" in line and "2026-11-30" in line


def test_an_onprem_servers_sync_clock_starts_from_its_last_sealed_response(
        tmp_path: Path) -> None:
    from datetime import timedelta

    from planner.cadence import onprem_manual_syncs
    from planner.cycle.record import Event, add_event
    from planner.history.store import default_db_path, open_history

    write_example("federal-agency", tmp_path / "demo")
    estate_path = tmp_path / "demo" / "estate.yaml"
    estate = load_estate(estate_path, today=WHEN).estate
    plan = plan_estate(estate)
    servers = [p.site for p in plan.servers if p.mode.value == "onprem-manual"]
    assert servers == ["LAB-FOR"]

    def sync_clock() -> tuple[str, str]:
        pack = build_compliance(plan, when=WHEN, date_source="test", command="test")
        clock = next(c for c in pack.clocks if c.site == "LAB-FOR"
                     and c.clock.startswith("next manual sync"))
        return clock.due, clock.basis

    interval = onprem_manual_syncs(estate.costs).interval_days
    due, basis = sync_clock()
    assert due == (WHEN + timedelta(days=interval)).isoformat() and "evidence" not in basis
    conn = open_history(default_db_path(estate_path))
    try:
        add_event(conn, Event(date(2026, 12, 20), "seal-in", "LAB-FOR-20261218", "LAB-FOR",
                              "0" * 64, 5, True))
        add_event(conn, Event(date(2026, 12, 28), "seal-in", "LAB-FOR-20261226", "LAB-FOR",
                              "1" * 64, 5, False, "missing: in/x"))  # a failed seal counts not
    finally:
        conn.close()
    due, basis = sync_clock()
    assert due == (date(2026, 12, 20) + timedelta(days=interval)).isoformat()
    assert "sealed on 2026-12-20 (trip LAB-FOR-20261218" in basis
