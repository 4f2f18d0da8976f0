"""Reach rules: boundary links block server reach; internet `none` never reaches CSSM."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.graph import INTERNET, analyse_reach, boundary_free_components, build_graph
from planner.model import Estate, InternetAccess, Link, Site
from planner.problems import InputError


def test_graph_has_sites_internet_and_typed_edges(estate: Estate) -> None:
    g = build_graph(estate)
    assert set(g.nodes) == {s.id for s in estate.sites} | {INTERNET}
    assert g.edges["DC1", "SCIF"]["crosses_boundary"] is True
    assert g.edges["HQ", "DC1"]["crosses_boundary"] is False
    assert g.edges["HQ", INTERNET]["via"] == "direct"
    assert g.edges["DC1", INTERNET]["via"] == "proxy"
    assert not g.has_edge("BR1", INTERNET)


def test_cssm_reach_is_the_sites_own_internet(estate: Estate) -> None:
    reach = analyse_reach(estate)
    # BR1 links to DC1, which has a proxy, but internet: none never reaches CSSM
    assert reach.cssm == {"HQ", "DC1"}


def test_boundary_links_block_server_reach(estate: Estate) -> None:
    reach = analyse_reach(estate)
    assert reach.serves["DC1"] == {"HQ", "DC1", "BR1"}
    assert "SCIF" not in reach.serves["DC1"] and "OT1" not in reach.serves["DC1"]
    # the OT component has no dc tag: its largest site (OT2, 2 devices) becomes the candidate
    assert reach.serves["OT2"] == {"OT1", "OT2"}
    assert reach.candidates == ("DC1", "OT2")
    # SCIF's policy forbids On-Prem, so it gets no candidate and nothing reaches it
    assert reach.isolated == {"SCIF"}
    assert reach.enclaves == {"ot-net": {"OT1", "OT2"}, "scif-1": {"SCIF"}}
    assert reach.servers_for("BR1") == ("DC1",)
    assert reach.servers_for("SCIF") == ()


def test_a_second_boundary_free_link_joins_the_pair(estate: Estate) -> None:
    merged = replace(estate, links=(*estate.links, Link("SCIF", "DC1")))
    assert build_graph(merged).edges["DC1", "SCIF"]["crosses_boundary"] is False
    assert "SCIF" in analyse_reach(merged).serves["DC1"]


def test_server_tag_adds_a_candidate_without_the_largest_site_rule(estate: Estate) -> None:
    sites = tuple(replace(s, tags=("server",)) if s.id == "OT1" else s for s in estate.sites)
    reach = analyse_reach(replace(estate, sites=sites))
    assert reach.candidates == ("DC1", "OT1")


def test_unknown_link_end_and_reserved_id_are_input_errors(estate: Estate) -> None:
    bad = replace(estate, links=(*estate.links, Link("HQ", "NOWHERE")))
    with pytest.raises(InputError, match="unknown site 'NOWHERE'"):
        build_graph(bad)
    clash = replace(estate, sites=(*estate.sites,
                                   Site(INTERNET, "x", "unclassified", InternetAccess.NONE)))
    with pytest.raises(InputError, match="reserved"):
        build_graph(clash)


def test_reach_on_2000_sites_serves_whole_components(estate: Estate) -> None:
    # 20 boundary-separated regions of 100 sites in a chain; the first of each is a dc
    sites, links = [], []
    for r in range(20):
        for i in range(100):
            sid = f"R{r:02d}S{i:03d}"
            sites.append(Site(sid, sid, "regulated", InternetAccess.NONE,
                              tags=("dc",) if i == 0 else ()))
            if i:
                links.append(Link(f"R{r:02d}S{i - 1:03d}", sid))
        if r:
            links.append(Link(f"R{r - 1:02d}S099", f"R{r:02d}S000", crosses_boundary=True))
    big = replace(estate, sites=tuple(sites), links=tuple(links), devices=())
    reach = analyse_reach(big)
    assert len(reach.candidates) == 20
    assert all(len(reach.serves[c]) == 100 for c in reach.candidates)
    assert reach.servers_for("R07S055") == ("R07S000",)
    assert reach.isolated == frozenset()


def _random_estate(base: Estate, internet: list[int], edges: list[tuple[int, int, bool]]) -> Estate:
    kinds = (InternetAccess.NONE, InternetAccess.DIRECT, InternetAccess.PROXY)
    sites = tuple(Site(f"S{i}", f"S{i}", "regulated", kinds[k]) for i, k in enumerate(internet))
    n = len(sites)
    links = tuple(Link(f"S{a % n}", f"S{b % n}", crossing) for a, b, crossing in edges)
    return replace(base, sites=sites, links=links, devices=())


@settings(max_examples=60, deadline=None, derandomize=True)
@given(internet=st.lists(st.integers(0, 2), min_size=1, max_size=9),
       edges=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.booleans()),
                      max_size=14))
def test_serves_is_exactly_boundary_free_reachability(internet: list[int],
                                                      edges: list[tuple[int, int, bool]]) -> None:
    import networkx as nx

    from tests.engine_io.conftest import sample_estate

    estate = _random_estate(sample_estate(), internet, edges)
    g = build_graph(estate)
    reach = analyse_reach(estate)
    free = nx.Graph()
    free.add_nodes_from(s.id for s in estate.sites)
    free.add_edges_from((a, b) for a, b, d in g.edges(data=True)
                        if d["kind"] == "link" and not d["crosses_boundary"])
    for cand in reach.candidates:
        for site in estate.sites:
            assert (site.id in reach.serves[cand]) == nx.has_path(free, cand, site.id)
    # every component gets a candidate (regulated allows On-Prem), so nothing is isolated
    assert reach.isolated == frozenset()
    assert reach.cssm == {s.id for s in estate.sites if s.internet is not InternetAccess.NONE}


@settings(max_examples=80, deadline=None, derandomize=True)
@given(internet=st.lists(st.integers(0, 2), min_size=1, max_size=12),
       edges=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.booleans()),
                      max_size=20))
def test_components_match_networkx_on_the_exported_graph(
        internet: list[int], edges: list[tuple[int, int, bool]]) -> None:
    """The reach analysis finds components without networkx; the graph export builds them with
    it: both must agree on every estate (duplicate links, self-links, boundary mixes)."""
    import networkx as nx

    from tests.engine_io.conftest import sample_estate

    estate = _random_estate(sample_estate(), internet, edges)
    g = build_graph(estate)
    free = nx.Graph()
    free.add_nodes_from(s.id for s in estate.sites)
    free.add_edges_from((a, b) for a, b, d in g.edges(data=True)
                        if d["kind"] == "link" and not d["crosses_boundary"])
    expected = sorted((frozenset(c) for c in nx.connected_components(free)), key=min)
    assert boundary_free_components(estate) == expected
