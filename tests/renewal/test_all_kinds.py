"""One hand-made estate with history in which every FindingKind fires: the enum is walked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from renewal_builders import REFERENCE, RENEWAL, dev, ent, estate

from planner.history import add_snapshot, from_estate, open_history
from planner.model import Holder
from planner.renewal import FindingKind, run_renewal

VAS = ("NET", "LAB", "OLD", *(f"V{n}" for n in range(9)))  # 13 with DEFAULT, 3 sites
BASE = [ent("NET", "network-advantage", 2, price=1000), ent("NET", "dna-essentials", 3),
        ent("OLD", "network-essentials", 1), ent("DEFAULT", "network-essentials", 5)]
THEN = [*BASE, ent("LAB", "network-advantage", 1)]
HOLD = [*BASE, ent("LAB", "network-advantage", 2)]  # LAB changed: not dormant, just empty


def test_every_kind_fires(tmp_path: Path) -> None:
    early = [dev("h1"), dev("p1", "dna-advantage"), dev("r1", version="16.12.4")]
    now = [*early, dev("h2"), dev("h3"), dev("f1", site="FAIR")]
    conn = open_history(tmp_path / "h.db")
    for taken in (date(2026, 1, 1), date(2026, 4, 1)):
        add_snapshot(conn, from_estate(estate(early, THEN, vas=VAS, holder=Holder.RESELLER),
                                       taken))
    brief = run_renewal(estate(now, HOLD, vas=VAS, holder=Holder.RESELLER),
                        reference=REFERENCE, renewal=RENEWAL, conn=conn)
    seen = {f.kind for f in brief.findings}
    assert seen == set(FindingKind), set(FindingKind) - seen
    subjects = {(f.kind, f.subject) for f in brief.findings}
    assert (FindingKind.VA_NO_DEVICES, "LAB") in subjects
    assert (FindingKind.VA_DORMANT, "OLD") in subjects
    assert {k for k, s in subjects if s == "LAB"} == {FindingKind.VA_NO_DEVICES}
