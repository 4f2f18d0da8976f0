"""The estate graph: sites, links and the internet; who reaches CSSM and which server reaches whom.

Rule (docs/model.md): licence traffic never crosses a boundary link, only carried media does; a
site whose internet is `none` does not reach CSSM, whatever it links to. An SSM On-Prem server
placed at site j therefore serves exactly the sites of j's boundary-free component (the graph
without boundary links and without the internet node: two sites that both reach the internet do
not reach each other's servers through it). Components cost O(sites + links), so 2,000 sites
take milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from planner.model import Estate, InternetAccess, Mode
from planner.problems import InputError, error

INTERNET = "internet"
SERVER_TAGS = frozenset({"dc", "server"})
_ONPREM = frozenset({Mode.ONPREM_NETWORK, Mode.ONPREM_MANUAL})


@dataclass(frozen=True, slots=True)
class Reach:
    cssm: frozenset[str]  # sites that reach CSSM themselves (internet != none)
    serves: Mapping[str, frozenset[str]]  # candidate server site -> sites it serves (incl. itself)
    candidates: tuple[str, ...]  # candidate server sites, sorted
    enclaves: Mapping[str, frozenset[str]]  # enclave name -> sites
    isolated: frozenset[str]  # sites no server candidate and no CSSM path reaches

    def servers_for(self, site: str) -> tuple[str, ...]:
        """Candidate server sites that can serve `site`, sorted."""
        return tuple(c for c in self.candidates if site in self.serves[c])


def _check(estate: Estate) -> None:
    where = estate.path or "estate"
    ids = {s.id for s in estate.sites}
    problems = []
    if INTERNET in ids:
        problems.append(error(where, f"site id {INTERNET!r} is reserved for the internet node",
                              column="sites", expected="another site id"))
    for i, link in enumerate(estate.links):
        for end in (link.a, link.b):
            if end not in ids:
                problems.append(error(where, f"link names unknown site {end!r}",
                                      column=f"links[{i}]", expected="a site id from sites:"))
    if problems:
        raise InputError(problems)


def build_graph(estate: Estate) -> nx.Graph:
    """Sites, the internet node, links (attr crosses_boundary) and internet edges (attr via).

    Nodes and edges are inserted in sorted order so every export is byte-stable. Two links
    between the same sites merge: the pair is boundary-free when either link is.
    """
    _check(estate)
    graph = nx.Graph()
    graph.add_node(INTERNET, kind="internet", name="Internet (CSSM)", classification="",
                   internet="", enclave="", tags="")
    for site in sorted(estate.sites, key=lambda s: s.id):
        graph.add_node(site.id, kind="site", name=site.name, classification=site.classification,
                       internet=site.internet.value, enclave=site.enclave or "",
                       tags=",".join(sorted(site.tags)))
    merged: dict[tuple[str, str], bool] = {}
    for link in estate.links:
        if link.a == link.b:
            continue
        key = (min(link.a, link.b), max(link.a, link.b))
        merged[key] = merged.get(key, True) and link.crosses_boundary
    edges: list[tuple[str, str, dict[str, object]]] = [
        (a, b, {"kind": "link", "crosses_boundary": crosses, "via": ""})
        for (a, b), crosses in merged.items()
    ]
    edges.extend(
        (site.id, INTERNET, {"kind": "internet", "crosses_boundary": False,
                             "via": site.internet.value})
        for site in estate.sites if site.internet is not InternetAccess.NONE
    )
    graph.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1])))
    return graph


def boundary_free_components(estate: Estate, graph: nx.Graph) -> list[frozenset[str]]:
    """Groups of sites connected without crossing a boundary link (internet node excluded)."""
    inner = nx.Graph()
    inner.add_nodes_from(s.id for s in estate.sites)
    inner.add_edges_from(
        (a, b) for a, b, data in graph.edges(data=True)
        if data.get("kind") == "link" and not data.get("crosses_boundary")
    )
    return sorted((frozenset(c) for c in nx.connected_components(inner)), key=min)


def analyse_reach(estate: Estate, graph: nx.Graph | None = None) -> Reach:
    """Which sites reach CSSM, which candidate server sites serve which sites, what is isolated.

    Candidates: sites tagged `dc` or `server`, plus, in every boundary-free component with none,
    its largest site by device count (ties: smallest id) when some site of the component may use
    an On-Prem mode under its policy. A component where no policy allows On-Prem gets no
    candidate: its sites can only use carried media (offline, SLR, PLR) or their own internet.
    """
    g = build_graph(estate) if graph is None else graph
    devices = Counter(d.site for d in estate.devices)
    onprem_ok = set()
    for site in estate.sites:
        try:
            policy = estate.policy(site.classification)
        except KeyError:
            continue
        if policy.allowed_modes & _ONPREM:
            onprem_ok.add(site.id)
    tagged = {s.id for s in estate.sites if SERVER_TAGS & {t.lower() for t in s.tags}}
    serves: dict[str, frozenset[str]] = {}
    for component in boundary_free_components(estate, g):
        chosen = sorted(component & tagged)
        if not chosen and component & onprem_ok:
            chosen = [min(component, key=lambda s: (-devices[s], s))]
        for server in chosen:
            serves[server] = component
    cssm = frozenset(s.id for s in estate.sites if s.internet is not InternetAccess.NONE)
    served = frozenset().union(*serves.values()) if serves else frozenset()
    enclaves: dict[str, set[str]] = {}
    for site in estate.sites:
        if site.enclave:
            enclaves.setdefault(site.enclave, set()).add(site.id)
    return Reach(
        cssm=cssm,
        serves=dict(sorted(serves.items())),
        candidates=tuple(sorted(serves)),
        enclaves={k: frozenset(v) for k, v in sorted(enclaves.items())},
        isolated=frozenset(s.id for s in estate.sites) - cssm - served,
    )
