"""`snapshot diff` explains each change by its cause, and the causes add up to the change."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hist_builders import device, estate
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.history import add_snapshot, diff_snapshots, from_estate, open_history
from planner.history.diff import Cause
from planner.model import Entitlement, Estate, TermType, Tier, VirtualAccount

D1 = date(2026, 3, 1)
D2 = date(2026, 6, 1)


def line(va: str, qty: int, *, sub: str = "S1", start: date | None = None,
         end: date | None = None, reserved: int = 0, tag: str = "dna-advantage") -> Entitlement:
    return Entitlement(va, tag, tag, Tier.ADVANTAGE, qty, reserved=reserved, term=TermType.TERM,
                       start=start, end=end, subscription_id=sub)


def with_lines(*lines: Entitlement, devices: list | None = None) -> Estate:  # type: ignore[type-arg]
    base = estate(devices or [device(1)])
    return dataclasses.replace(
        base, entitlements=tuple(lines),
        virtual_accounts=(*base.virtual_accounts, VirtualAccount("LAB")))


def diff_of(tmp_path: Path, first: Estate, second: Estate):  # type: ignore[no-untyped-def]
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(first, D1))
    add_snapshot(conn, from_estate(second, D2))
    return diff_snapshots(conn, D1, D2)


def test_identical_files_across_a_term_start_say_term_started(tmp_path: Path) -> None:
    same = with_lines(line("NET", 9, start=date(2026, 4, 14), end=date(2033, 4, 12)))
    d = diff_of(tmp_path, same, same)
    (h,) = d.holdings
    assert (h.before, h.after) == (0, 9)
    (why,) = h.causes
    assert (why.cause, why.change) == (Cause.TERM_STARTED, 9)
    assert "2026-04-14" in why.detail
    conn = open_history(tmp_path / "h.db")
    conn.close()
    (tmp_path / "estate.yaml").write_text("x", encoding="utf-8")
    out = CliRunner().invoke(main, ["snapshot", "diff", D1.isoformat(), D2.isoformat(),
                                    "--db", str(tmp_path / "h.db")]).stdout
    assert "term started (+9" in out


def test_term_ended_transfer_line_added_and_removed(tmp_path: Path) -> None:
    first = with_lines(line("NET", 5, sub="OLD", start=date(2023, 1, 1), end=date(2026, 4, 1)),
                       line("NET", 3, sub="MOVE"), line("NET", 2, sub="GONE"))
    second = with_lines(line("NET", 5, sub="OLD", start=date(2023, 1, 1), end=date(2026, 4, 1)),
                        line("LAB", 3, sub="MOVE"), line("NET", 4, sub="NEW"))
    d = diff_of(tmp_path, first, second)
    causes = {h.virtual_account: {(e.cause, e.change) for e in h.causes} for h in d.holdings}
    assert causes["NET"] == {(Cause.TERM_ENDED, -5), (Cause.TRANSFER, -3),
                             (Cause.LINE_REMOVED, -2), (Cause.LINE_ADDED, 4)}
    assert causes["LAB"] == {(Cause.TRANSFER, 3)}
    lab = next(h for h in d.holdings if h.virtual_account == "LAB")
    assert "from NET" in lab.causes[0].detail


def test_reservations_made_and_returned(tmp_path: Path) -> None:
    d = diff_of(tmp_path, with_lines(line("NET", 5, reserved=1), line("LAB", 5, sub="L",
                                                                         reserved=3)),
                with_lines(line("NET", 5, reserved=4), line("LAB", 5, sub="L", reserved=0)))
    causes = {h.virtual_account: [(e.cause, e.change) for e in h.causes] for h in d.holdings}
    assert causes == {"NET": [(Cause.RESERVATION_MADE, 3)],
                      "LAB": [(Cause.RESERVATION_RETURNED, -3)]}


def test_unit_changes_by_device_cause(tmp_path: Path) -> None:
    before = [device(1), device(2), device(3), device(4, site="FAIR")]
    after = [device(1), device(2, licences="network-advantage,dna-advantage"),
             device(4), device(5), device(6)]
    d = diff_of(tmp_path, with_lines(devices=before), with_lines(devices=after))
    got = {(u.tag, u.site): {(e.cause, e.change) for e in u.causes} for u in d.units}
    assert got[("network-advantage", "HQ")] == {
        (Cause.DEVICE_ADDED, 2), (Cause.DEVICE_REMOVED, -1), (Cause.DEVICE_MOVED, 1)}
    assert got[("network-advantage", "FAIR")] == {(Cause.DEVICE_MOVED, -1)}
    assert got[("dna-advantage", "HQ")] == {(Cause.USAGE_CHANGED, 1)}


USES = ["network-advantage", "network-advantage,dna-advantage", "dna-advantage"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["HQ", "FAIR"]),
                          st.sampled_from(USES)), max_size=8, unique_by=lambda t: t[0]),
       st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["HQ", "FAIR"]),
                          st.sampled_from(["network-advantage", "dna-advantage"])),
                max_size=8, unique_by=lambda t: t[0]),
       st.lists(st.tuples(st.sampled_from(["NET", "LAB"]), st.sampled_from(["A", "B", "C"]),
                          st.integers(1, 9), st.booleans()), max_size=4,
                unique_by=lambda t: t[1]),
       st.lists(st.tuples(st.sampled_from(["NET", "LAB"]), st.sampled_from(["A", "B", "C"]),
                          st.integers(1, 9), st.booleans()), max_size=4,
                unique_by=lambda t: t[1]))
def test_causes_add_up_to_every_change(tmp_path_factory, devs1, devs2, ents1, ents2) -> None:  # type: ignore[no-untyped-def]
    def est(devs, ents):  # type: ignore[no-untyped-def]
        lines = [line(va, q, sub=sub, start=date(2026, 4, 1) if late else None)
                 for va, sub, q, late in ents]
        return with_lines(*lines, devices=[device(n, site=s, licences=lic)
                                           for n, s, lic in devs] or [device(99)])
    d = diff_of(tmp_path_factory.mktemp("p"), est(devs1, ents1), est(devs2, ents2))
    for u in d.units:
        assert sum(e.change for e in u.causes) == u.change
    for h in d.holdings:
        assert sum(e.change for e in h.causes if e.cause not in (
            Cause.RESERVATION_MADE, Cause.RESERVATION_RETURNED)) == h.after - h.before


def test_an_old_database_read_only_says_not_recorded(tmp_path: Path) -> None:
    same = with_lines(line("NET", 9, start=date(2026, 4, 14), end=date(2033, 4, 12)))
    conn = open_history(tmp_path / "h.db")
    add_snapshot(conn, from_estate(same, D1))
    add_snapshot(conn, from_estate(same, D2))
    # As a database written before entitlement lines were kept: the table is not there.
    conn.execute("DROP TABLE entitlement_lines")
    conn.close()
    ro = open_history(tmp_path / "h.db", readonly=True)
    (h,) = diff_snapshots(ro, D1, D2).holdings
    assert [e.cause for e in h.causes] == [Cause.NOT_RECORDED]
