"""cheapest_cover (greedy over the coverable amounts, integer arithmetic) against a min-cost flow
solved by networkx's network simplex, the implementation it replaced, on generated instances:
tier chains, add-ons covered by several tags, zero prices, tags held but covering nothing."""

from __future__ import annotations

import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.optimise.cover import cheapest_cover

TAGS = tuple(f"t{i}" for i in range(6))


def _min_cost_flow(have: dict[str, int], needs: dict[str, int],
                   covers: dict[str, tuple[str, ...]], price: dict[str, float]) -> float:
    needs = {u: n for u, n in needs.items() if n > 0}
    if not needs:
        return 0.0
    have = {t: n for t, n in have.items() if n > 0}
    g = nx.DiGraph()
    g.add_node("buy", demand=-sum(needs.values()))
    g.add_node("left", demand=sum(have.values()))
    g.add_edge("buy", "left", weight=0)
    for t, n in have.items():
        g.add_node(("t", t), demand=-n)
        g.add_edge(("t", t), "left", weight=0)
    for u, n in needs.items():
        g.add_node(("u", u), demand=n)
        g.add_edge("buy", ("u", u), weight=math.floor(price[u] * 100))
        for t in covers[u]:
            if t in have:
                g.add_edge(("t", t), ("u", u), weight=0)
    cents: int = nx.network_simplex(g)[0]
    return cents / 100


@st.composite
def instances(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int],
                                        dict[str, tuple[str, ...]], dict[str, float]]:
    needed = draw(st.lists(st.sampled_from(TAGS), min_size=0, max_size=6, unique=True))
    covers = {}
    for u in needed:
        others = draw(st.lists(st.sampled_from(TAGS), max_size=4, unique=True))
        covers[u] = tuple(dict.fromkeys([u, *others]))  # a need's own tag always covers it
    needs = {u: draw(st.integers(0, 40)) for u in needed}
    have = {t: draw(st.integers(0, 40)) for t in draw(st.lists(st.sampled_from(TAGS),
                                                              max_size=6, unique=True))}
    price = {u: draw(st.one_of(st.just(0.0), st.floats(0, 5000, allow_nan=False)))
             for u in needed}
    return have, needs, covers, price


@settings(max_examples=400, deadline=None, derandomize=True)
@given(instances())
def test_cheapest_cover_equals_the_min_cost_flow(
        case: tuple[dict[str, int], dict[str, int], dict[str, tuple[str, ...]],
                    dict[str, float]]) -> None:
    have, needs, covers, price = case
    assert cheapest_cover(have, needs, covers, price) == _min_cost_flow(have, needs, covers, price)


def test_rerouting_an_earlier_need_frees_the_only_tag_a_later_one_can_use() -> None:
    # The dear need takes t1 first; the cheaper one can only use t1, so the dear one must move
    # to t2 for both to be covered: no purchase at all.
    covers = {"dear": ("t1", "t2"), "cheap": ("t1",)}
    price = {"dear": 10.0, "cheap": 1.0}
    assert cheapest_cover({"t1": 5, "t2": 5}, {"dear": 5, "cheap": 5}, covers, price) == 0.0
    # With t2 short by two, two units are bought at the cheaper need's price.
    assert cheapest_cover({"t1": 5, "t2": 3}, {"dear": 5, "cheap": 5}, covers, price) == 2.0


def test_nothing_needed_costs_nothing() -> None:
    assert cheapest_cover({"t1": 3}, {"u": 0}, {"u": ("u", "t1")}, {"u": 9.99}) == 0.0
