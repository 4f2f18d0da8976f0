"""The inline SVG charts: well-formed, escaped, deterministic, and true to their data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planner.reports.charts import cost_chart, short_money, site_map
from planner.reports.context import CostPart, StrategyRow
from tests.reports.conftest import SCRIPT, Built

SVG = "{http://www.w3.org/2000/svg}"


def _row(name: str, parts: tuple[float, ...], feasible: bool = True) -> StrategyRow:
    return StrategyRow(
        strategy=name, status="optimal" if feasible else "infeasible", feasible=feasible,
        chosen=name == "optimal", total=sum(parts) if feasible else 0.0,
        parts=tuple(CostPart(f"p{i}", v) for i, v in enumerate(parts)), delta=0.0,
        devices_reserved=0, locked_share=0.0, flexibility=0.0, servers=0,
        labour_hours_initial=0.0, labour_hours_per_year=0.0, exposed_devices=0, gap=0.0,
        infeasible_sites=() if feasible else ("A", "B"), infeasible_example="")


def test_cost_bars_are_proportional_and_escaped() -> None:
    rows = (_row("optimal", (100.0, 50.0)), _row(SCRIPT, (300.0, 0.0)),
            _row("all-x", (1.0, 1.0), feasible=False))
    svg = cost_chart(rows, ("p0", "p1"), "USD")
    root = ET.fromstring(svg)  # well-formed XML despite the hostile label
    widths: dict[str, float] = {}
    for rect in root.iter(f"{SVG}rect"):
        title = rect.find(f"{SVG}title")
        if title is not None and title.text:
            name = title.text.split(":")[0]
            widths[name] = widths.get(name, 0.0) + float(rect.get("width", "0"))
    assert widths["optimal"] == 310.0 and widths[SCRIPT] == 620.0  # 150/300 of the full bar
    assert "all-x" not in widths
    assert "infeasible at 2 site(s)" in svg
    assert SCRIPT not in svg and "&lt;script&gt;" in svg


def test_short_money() -> None:
    assert short_money(999) == "999"
    assert short_money(368417.58) == "368.4k"
    assert short_money(2_500_000) == "2.5M"


def test_site_map_draws_every_site_boundary_and_server(hostile: Built) -> None:
    svg = site_map(hostile.estate, hostile.plan)
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for site in hostile.estate.sites:
        assert site.id in texts
    dashed = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray")]
    # one boundary link in the estate, one in the legend
    assert len(dashed) == 2
    assert "enclave enc-{{7*7}}" in texts
    assert SCRIPT not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert svg == site_map(hostile.estate, hostile.plan)  # deterministic


def test_site_map_marks_onprem_servers(example: Built) -> None:
    svg = site_map(example.estate, example.plan)
    ET.fromstring(svg)
    servers = {p.site for p in example.plan.servers}
    assert svg.count(">SRV</text>") == len(servers)
    for site in servers:
        assert re.search(rf"\({re.escape(site)}\) \|[^<]*SSM On-Prem server", svg)
