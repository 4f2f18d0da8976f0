"""Inline SVG charts: strategy cost by part, and a map-like picture of sites, enclaves and servers.

Pure functions of their inputs with a deterministic layout (sorted ids, fixed sizes, rounded
coordinates), so the same plan draws the same bytes. Every label goes through `_esc`: the SVG is
inserted into the HTML as markup, so input text must never reach it raw.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from planner.graph import boundary_free_components
from planner.model import Estate, InternetAccess, Mode
from planner.modes import mode_colour
from planner.money import money, money_compact
from planner.plan import Plan
from planner.reports.context import StrategyRow

PART_COLOURS = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1",
                "#9C755F")
_FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: rounded so float noise never changes the bytes."""
    return f"{round(value, 1):g}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


COMMON_PART = "purchases"  # licence purchases: mostly the same whatever the modes


def cost_chart(rows: Sequence[StrategyRow], parts: Sequence[str], currency: str) -> str:
    """Horizontal stacked bars of the spend the decision controls, by part; licence purchases,
    which every strategy mostly shares, stand as a number beside each bar instead of a bar that
    would dwarf the differences that decide. Infeasible strategies are named, not drawn."""
    shown = [p for p in parts if p != COMMON_PART]
    label_w, bar_w, row_h, top = 190.0, 560.0, 30.0, 12.0
    width = label_w + bar_w + 250

    def controllable(row: StrategyRow) -> float:
        return sum(max(piece.value, 0.0) for piece in row.parts if piece.name != COMMON_PART)

    peak = max((controllable(r) for r in rows if r.feasible), default=0.0) or 1.0
    legend_y = top + row_h * len(rows) + 16
    legend_rows = (len(shown) + 3) // 4
    height = legend_y + 22 * legend_rows + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
           f'{_FONT} font-size="12">',
           f"<title>Controllable spend by part per strategy ({_esc(currency)}); licence "
           f"purchases beside each bar</title>"]
    for i, row in enumerate(rows):
        y = top + i * row_h
        weight = ' font-weight="bold"' if row.chosen else ""
        out.append(f'<text x="{_n(label_w - 8)}" y="{_n(y + 19)}" text-anchor="end"{weight}>'
                   f"{_esc(_clip(row.strategy, 26))}</text>")
        if not row.feasible:
            out.append(f'<text x="{_n(label_w + 4)}" y="{_n(y + 19)}" fill="#555" '
                       f'font-style="italic">infeasible at {len(row.infeasible_sites)} '
                       f"site(s)</text>")
            continue
        x = label_w
        purchases = 0.0
        for piece in row.parts:
            if piece.name == COMMON_PART:
                purchases = piece.value
                continue
            w = bar_w * max(piece.value, 0.0) / peak
            if w < 0.05:
                continue
            colour = PART_COLOURS[shown.index(piece.name) % len(PART_COLOURS)]
            out.append(f'<rect x="{_n(x)}" y="{_n(y + 5)}" width="{_n(w)}" height="20" '
                       f'fill="{colour}" data-part="{_esc(piece.name)}">'
                       f"<title>{_esc(row.strategy)}: {_esc(piece.name)} "
                       f"{_esc(money(piece.value, currency))}</title></rect>")
            x += w
        out.append(f'<text x="{_n(x + 6)}" y="{_n(y + 19)}"{weight}>'
                   f"{_esc(money_compact(controllable(row), currency))}"
                   f'<tspan fill="#666" font-weight="normal"> + purchases '
                   f"{money_compact(purchases)}</tspan></text>")
    for j, part in enumerate(shown):
        lx = label_w + (j % 4) * 150
        ly = legend_y + (j // 4) * 22
        out.append(f'<rect x="{_n(lx)}" y="{_n(ly)}" width="14" height="14" '
                   f'fill="{PART_COLOURS[j % len(PART_COLOURS)]}"/>'
                   f'<text x="{_n(lx + 20)}" y="{_n(ly + 12)}">{_esc(part)}</text>')
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class _Box:
    title: str
    sites: tuple[str, ...]
    enclave: bool
    x: float = 0.0
    y: float = 0.0
    cols: int = 1


TILE_W, TILE_H, GAP, PAD, HEAD = 150.0, 44.0, 10.0, 12.0, 24.0
MAX_COLS, CANVAS_W = 5, 1240.0


def _box_size(box: _Box) -> tuple[float, float]:
    rows = (len(box.sites) + box.cols - 1) // box.cols
    return (PAD * 2 + box.cols * TILE_W + (box.cols - 1) * GAP,
            HEAD + PAD + rows * TILE_H + (rows - 1) * GAP + PAD)


def _boxes(estate: Estate) -> list[_Box]:
    """Boundary-free segments as boxes, titled by their enclave when all share one."""
    out = []
    for component in boundary_free_components(estate):
        ids = tuple(sorted(component))
        enclaves = {estate.site(s).enclave for s in ids}
        enclave = next(iter(enclaves)) if len(enclaves) == 1 else None
        if enclave:
            title = f"enclave {enclave}"
        elif len(ids) == 1:
            title = f"isolated: {ids[0]}" if estate.site(ids[0]).internet is \
                InternetAccess.NONE else f"segment: {ids[0]}"
        else:
            title = f"network segment ({len(ids)} sites)"
        out.append(_Box(title, ids, bool(enclave), cols=min(MAX_COLS, len(ids))))
    return sorted(out, key=lambda b: (-len(b.sites), b.sites[0]))


def _place(boxes: list[_Box], top: float) -> tuple[list[_Box], float]:
    placed, x, y, row_h = [], GAP, top, 0.0
    for box in boxes:
        w, h = _box_size(box)
        if x > GAP and x + w > CANVAS_W - GAP:
            x, y, row_h = GAP, y + row_h + GAP * 2, 0.0
        placed.append(_Box(box.title, box.sites, box.enclave, x, y, box.cols))
        x, row_h = x + w + GAP * 2, max(row_h, h)
    return placed, y + row_h + GAP


def site_map(estate: Estate, plan: Plan | None) -> str:
    """Sites in boundary-free segments (enclaves titled), coloured by the plan's mode; boundary
    links dashed red; On-Prem server sites outlined; internet-connected sites marked."""
    modes: dict[str, str] = {}
    servers: set[str] = set()
    devices: dict[str, int] = {}
    if plan is not None:
        for decision in plan.sites:
            modes[decision.site] = "+".join(m.value for m in decision.modes)
            devices[decision.site] = decision.devices
        servers = {p.site for p in plan.servers}
    boxes, bottom = _place(_boxes(estate), 64.0)
    centre: dict[str, tuple[float, float]] = {}
    tiles: list[str] = []
    frames: list[str] = []
    for box in boxes:
        w, h = _box_size(box)
        dash = ' stroke-dasharray="6 3"' if box.enclave else ""
        frames.append(f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(w)}" height="{_n(h)}" '
                      f'rx="8" fill="{"#fdf1f1" if box.enclave else "#f4f6f8"}" '
                      f'stroke="{"#b22222" if box.enclave else "#8a99a8"}"{dash}/>'
                      f'<text x="{_n(box.x + PAD)}" y="{_n(box.y + 17)}" font-weight="bold">'
                      f"{_esc(_clip(box.title, int(w / 7)))}</text>")
        for k, site_id in enumerate(box.sites):
            site = estate.site(site_id)
            tx = box.x + PAD + (k % box.cols) * (TILE_W + GAP)
            ty = box.y + HEAD + PAD + (k // box.cols) * (TILE_H + GAP)
            centre[site_id] = (tx + TILE_W / 2, ty + TILE_H / 2)
            mode = modes.get(site_id, "")
            colour = mode_colour(mode.split("+")[0])
            server = site_id in servers
            stroke = ' stroke="#111" stroke-width="3"' if server else ' stroke="#666"'
            tip = (f"{site.name} ({site.id}) | {site.classification} | internet "
                   f"{site.internet.value} | {mode or 'no devices'} | "
                   f"{devices.get(site_id, 0)} devices" + (" | SSM On-Prem server" if server
                                                          else ""))
            tiles.append(
                f"<g><title>{_esc(tip)}</title>"
                f'<rect class="site" data-site="{_esc(site_id)}" x="{_n(tx)}" y="{_n(ty)}" '
                f'width="{_n(TILE_W)}" height="{_n(TILE_H)}" rx="4" fill="#ffffff"{stroke}/>'
                f'<rect x="{_n(tx)}" y="{_n(ty)}" width="8" height="{_n(TILE_H)}" '
                f'fill="{colour}"/>'
                f'<text x="{_n(tx + 14)}" y="{_n(ty + 17)}" font-weight="bold">'
                f"{_esc(_clip(site.id, 17))}</text>"
                f'<text x="{_n(tx + 14)}" y="{_n(ty + 34)}" font-size="10" fill="#333">'
                f"{_esc(_clip(mode or '-', 16))} \u00b7 {devices.get(site_id, 0)}</text>")
            if site.internet is not InternetAccess.NONE:
                tiles.append(f'<text x="{_n(tx + TILE_W - 8)}" y="{_n(ty + 15)}" '
                             f'text-anchor="end" font-size="10" fill="#0072B2">'
                             f"{'net' if site.internet is InternetAccess.DIRECT else 'proxy'}"
                             f"</text>")
            if server:
                tiles.append(f'<text x="{_n(tx + TILE_W - 8)}" y="{_n(ty + 36)}" '
                             f'text-anchor="end" font-size="10" font-weight="bold">SRV</text>')
            tiles.append("</g>")
    under, over = _links(estate, centre)
    legend = _map_legend(bottom)
    height = bottom + 60
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart map" role="img" '
        f'viewBox="0 0 {_n(CANVAS_W)} {_n(height)}" width="{_n(CANVAS_W)}" height="{_n(height)}" '
        f'{_FONT} font-size="12">',
        f"<title>Sites, enclaves and SSM On-Prem servers of {_esc(estate.name)}</title>",
        '<text x="10" y="22" font-size="15" font-weight="bold">'
        f"{_esc(_clip(estate.name, 90))}</text>",
        '<text x="10" y="44" font-size="11" fill="#333">Boxes: segments reachable without '
        "crossing a boundary. Dashed red: boundary links (only carried media crosses them). "
        "net/proxy: the site reaches CSSM itself. SRV: SSM On-Prem server.</text>",
        *frames, *under, *tiles, *over, legend, "</svg>"])


def _border(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the segment from a tile's centre towards a point leaves the tile's rectangle."""
    (cx, cy), (tx, ty) = centre, towards
    dx, dy = tx - cx, ty - cy
    scales = [TILE_W / 2 / abs(dx)] if dx else []
    scales += [TILE_H / 2 / abs(dy)] if dy else []
    t = min(scales, default=0.0)
    return cx + t * dx, cy + t * dy


def _links(estate: Estate, centre: dict[str, tuple[float, float]],
           ) -> tuple[list[str], list[str]]:
    """(links drawn under the tiles, boundary links drawn over them).

    Links inside a segment are faint context and go under the tiles. Boundary links are what an
    assessor reads the map for, so they go on top, run from the edge of one site's tile to the
    edge of the other's (never ending on a tile they do not join), and carry their two site ids
    as a label and as data attributes.
    """
    under, over = [], []
    for link in sorted(estate.links, key=lambda ln: (ln.crosses_boundary, ln.a, ln.b)):
        if link.a not in centre or link.b not in centre or link.a == link.b:
            continue
        a, b = centre[link.a], centre[link.b]
        if not link.crosses_boundary:
            under.append(f'<line x1="{_n(a[0])}" y1="{_n(a[1])}" x2="{_n(b[0])}" '
                         f'y2="{_n(b[1])}" stroke="#9aa5b1" stroke-width="1" opacity="0.5">'
                         f"<title>{_esc(link.a)} \u2013 {_esc(link.b)}</title></line>")
            continue
        (x1, y1), (x2, y2) = _border(a, b), _border(b, a)
        label = f"{link.a} \u2013 {link.b}"
        over.append(
            f'<g class="boundary-link" data-a="{_esc(link.a)}" data-b="{_esc(link.b)}">'
            f"<title>{_esc(label)} (crosses a boundary)</title>"
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="#b22222" '
            f'stroke-width="2" stroke-dasharray="7 4"/>'
            f'<circle cx="{_n(x1)}" cy="{_n(y1)}" r="3" fill="#b22222"/>'
            f'<circle cx="{_n(x2)}" cy="{_n(y2)}" r="3" fill="#b22222"/>'
            f'<text x="{_n((x1 + x2) / 2)}" y="{_n((y1 + y2) / 2 - 4)}" text-anchor="middle" '
            f'font-size="10" fill="#b22222" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke">{_esc(_clip(label, 40))}</text></g>')
    return under, over


def _map_legend(y: float) -> str:
    parts = []
    for i, mode in enumerate(Mode):
        x = 10 + i * 172
        parts.append(f'<rect x="{_n(x)}" y="{_n(y + 8)}" width="14" height="14" '
                     f'fill="{mode_colour(mode.value)}" stroke="#666"/>'
                     f'<text x="{_n(x + 20)}" y="{_n(y + 20)}">{_esc(mode.value)}</text>')
    parts.append(f'<line x1="10" y1="{_n(y + 40)}" x2="60" y2="{_n(y + 40)}" stroke="#b22222" '
                 f'stroke-width="2" stroke-dasharray="7 4"/><text x="68" y="{_n(y + 44)}">'
                 "boundary link</text>")
    return "\n".join(parts)
