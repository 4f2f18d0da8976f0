"""The renewal report: helper F's brief through the same rendering machinery, with its chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from planner.renewal.brief import ChartPoint
from planner.reports.renewal import consumption_chart
from tests.reports.conftest import Built


def test_chart_puts_every_licence_on_one_scale_of_entitlement() -> None:
    """Bars are consumed/entitled on one common scale (100% is the same x for every licence),
    red beyond entitlement, clipped at the cap; a licence with nothing entitled is named."""
    day = date(2026, 12, 1)
    points = (ChartPoint(date(2026, 6, 1), "old-only", 9, 9, "snapshot"),
              ChartPoint(day, "network-advantage", 10, 12, "estate"),
              ChartPoint(day, "<b>dna</b>", 2000, 500, "estate"),
              ChartPoint(day, "huge", 1, 50, "estate"),
              ChartPoint(day, "orphan", 0, 7, "estate"))
    svg = consumption_chart(points, day)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = {r.findtext(f"{ns}title", "").split(":")[0]: r for r in root.iter(f"{ns}rect")
            if r.find(f"{ns}title") is not None}
    assert bars["network-advantage"].get("fill") == "#c0392b"
    assert bars["<b>dna</b>"].get("fill") == "#08519c"
    width = {k: float(v.get("width", "0")) for k, v in bars.items()}
    # One scale: 25% of entitlement is a quarter of 120%'s bar times 120/25 ... i.e. widths
    # are proportional to the shares, whatever the unit counts.
    assert abs(width["<b>dna</b>"] / width["network-advantage"] - 0.25 / 1.2) < 0.01
    assert width["huge"] == 560.0 and "(clipped)" in svg  # 5000% is clipped at the cap
    assert "orphan" in svg and "none entitled" in svg and "orphan" not in bars
    assert "old-only" not in svg  # only the latest date is drawn
    assert "<b>" not in svg and "120% (12 / 10)" in svg
    assert "100% of entitlement" in svg


def test_renewal_report_carries_the_brief(hostile: Built) -> None:
    r = hostile.renewal
    assert dict(r.summary)["renewal date"] == "2027-06-30"
    assert dict(r.summary)["hygiene pack due"] == "2027-04-01"
    assert {f.kind for f in r.findings} >= {"refresh"}
    assert r.reproducibility.solver.startswith("none") and r.reproducibility.inputs
    assert [s.tag for s in r.series] == sorted(s.tag for s in r.series)
