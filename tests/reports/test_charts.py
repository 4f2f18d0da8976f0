"""The inline SVG charts: well-formed, escaped, deterministic, and true to their data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planner.money import money_compact
from planner.reports.charts import cost_chart, site_map
from planner.reports.context import CostPart, StrategyRow
from tests.reports.conftest import SCRIPT, Built

SVG = "{http://www.w3.org/2000/svg}"


def _row(name: str, parts: tuple[float, ...], feasible: bool = True) -> StrategyRow:
    return StrategyRow(
        strategy=name, status="optimal" if feasible else "infeasible", feasible=feasible,
        chosen=name == "optimal", total=sum(parts) if feasible else 0.0,
        parts=tuple(CostPart(f"p{i}", v) for i, v in enumerate(parts)), delta=0.0,
        devices_reserved=0, locked_share=0.0, flexibility=0.0, servers=0,
        labour_hours_initial=0.0, labour_hours_per_year=0.0, exposure=0.0,
        exposed_by_element=(), gap=0.0,
        infeasible_sites=() if feasible else ("A", "B"), infeasible_example="")


def test_purchases_are_a_number_beside_the_bar_not_a_bar() -> None:
    """Purchases every strategy shares would dwarf the spend that decides: bars leave them out
    and scale to the controllable spend; the number still stands beside each bar."""
    def row(name: str, purchases: float, labour: float) -> StrategyRow:
        base = _row(name, (0.0,))
        return StrategyRow(**{**{f: getattr(base, f) for f in base.__slots__},
                              "parts": (CostPart("purchases", purchases),
                                        CostPart("labour", labour)),
                              "total": purchases + labour})

    svg = cost_chart((row("optimal", 1_600_000.0, 50_000.0), row("all-x", 1_600_000.0,
                                                                   100_000.0)),
                     ("purchases", "labour"), "USD")
    root = ET.fromstring(svg)
    drawn = {r.get("data-part") for r in root.iter(f"{SVG}rect") if r.get("data-part")}
    assert drawn == {"labour"}
    widths = {title.text.split(":")[0]: float(r.get("width", "0"))
              for r in root.iter(f"{SVG}rect") if (title := r.find(f"{SVG}title")) is not None
              and title.text}
    assert widths["optimal"] == 280.0 and widths["all-x"] == 560.0
    assert svg.count("+ purchases 1.6M") == 2
    assert ">purchases<" not in svg  # not in the legend either


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
    assert widths["optimal"] == 280.0 and widths[SCRIPT] == 560.0  # 150/300 of the full bar
    assert "all-x" not in widths
    assert "infeasible at 2 site(s)" in svg
    assert SCRIPT not in svg and "&lt;script&gt;" in svg


def test_money_compact() -> None:
    assert money_compact(999) == "999"
    assert money_compact(368417.58) == "368.4k"
    assert money_compact(2_500_000, "USD") == "USD 2.5M"
    assert money_compact(-0.4) == "0"


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


def _tiles(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    return {r.get("data-site", ""): (float(r.get("x", "0")), float(r.get("y", "0")),
                                     float(r.get("width", "0")), float(r.get("height", "0")))
            for r in root.iter(f"{SVG}rect") if r.get("class") == "site"}


def _on_border(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    (px, py), (x, y, w, h) = point, box
    inside = x - 0.1 <= px <= x + w + 0.1 and y - 0.1 <= py <= y + h + 0.1
    edge = min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= 0.1
    return inside and edge


def test_boundary_links_join_the_sites_the_estate_names(example: Built) -> None:
    """Every boundary link drawn starts and ends on the tiles of its own two sites, is drawn
    above the tiles, and is labelled with both ids: an assessor cannot misread the boundary."""
    svg = site_map(example.estate, example.plan)
    root = ET.fromstring(svg)
    tiles = _tiles(root)
    expected = {tuple(sorted((ln.a, ln.b))) for ln in example.estate.links
                if ln.crosses_boundary and ln.a != ln.b}
    drawn = set()
    children = list(root)
    last_tile = max(i for i, el in enumerate(children) if el.tag == f"{SVG}g"
                    and el.find(f"{SVG}rect[@class='site']") is not None)
    for i, group in enumerate(children):
        if group.get("class") != "boundary-link":
            continue
        assert i > last_tile  # painted after (above) every site tile
        a, b = group.get("data-a", ""), group.get("data-b", "")
        line = group.find(f"{SVG}line")
        assert line is not None
        start = (float(line.get("x1", "0")), float(line.get("y1", "0")))
        end = (float(line.get("x2", "0")), float(line.get("y2", "0")))
        assert _on_border(start, tiles[a]) and _on_border(end, tiles[b]), (a, b)
        label = group.find(f"{SVG}text")
        assert label is not None and label.text and a[:10] in label.text
        drawn.add(tuple(sorted((a, b))))
    assert drawn == expected
