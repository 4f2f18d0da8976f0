"""The renewal report: helper F's brief through the same rendering machinery, with its chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from planner.renewal.brief import ChartPoint
from planner.reports.renewal import consumption_chart
from tests.reports.conftest import Built


def test_chart_marks_consumption_beyond_entitlement() -> None:
    day = date(2026, 12, 1)
    points = (ChartPoint(date(2026, 6, 1), "old-only", 9, 9, "snapshot"),
              ChartPoint(day, "network-advantage", 10, 12, "estate"),
              ChartPoint(day, "<b>dna</b>", 20, 5, "estate"))
    svg = consumption_chart(points, day)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = {r.findtext(f"{ns}title"): r for r in root.iter(f"{ns}rect")
            if r.find(f"{ns}title") is not None}
    assert bars["network-advantage consumed 12"].get("fill") == "#c0392b"
    assert bars["<b>dna</b> consumed 5"].get("fill") == "#08519c"
    # each licence on its own scale: the larger of its two bars is full length
    assert float(bars["<b>dna</b> entitled 20"].get("width", "0")) == 560.0
    assert float(bars["<b>dna</b> consumed 5"].get("width", "0")) == 140.0
    assert float(bars["network-advantage consumed 12"].get("width", "0")) == 560.0
    assert "old-only" not in svg  # only the latest date is drawn
    assert "<b>" not in svg and "12 / 10 over" in svg


def test_renewal_report_carries_the_brief(hostile: Built) -> None:
    r = hostile.renewal
    assert dict(r.summary)["renewal date"] == "2027-06-30"
    assert dict(r.summary)["hygiene pack due"] == "2027-04-01"
    assert {f.kind for f in r.findings} >= {"refresh"}
    assert r.reproducibility.solver.startswith("none") and r.reproducibility.inputs
    assert [s.tag for s in r.series] == sorted(s.tag for s in r.series)
