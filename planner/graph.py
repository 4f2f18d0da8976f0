"""The estate graph: sites, links and the internet; who reaches CSSM and which server reaches whom.

Rule (docs/model.md): licence traffic never crosses a boundary link, only carried media does; a
site whose internet is `none` does not reach CSSM, whatever it links to. An SSM On-Prem server
placed at site j therefore serves exactly the sites of j's boundary-free component (the graph
without boundary links and without the internet node: two sites that both reach the internet do
not reach each other's servers through it). Components cost O(sites + links), so 2,000 sites
take milliseconds.

networkx is imported only where a graph object is built (exports, the account tree): the reach
analysis every plan runs works on the estate's links directly, so `planner plan` does not pay
networkx's import (about a tenth of a 10k-device plan).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.device_table import DeviceTable
from planner.encode import xml_text
from planner.model import Estate, InternetAccess
from planner.modes import server_modes
from planner.problems import InputError, error

if TYPE_CHECKING:
    import networkx as nx

INTERNET = "internet"
SERVER_TAGS = frozenset({"dc", "server"})


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
    import networkx as nx  # deferred: only graph exports and charts build a graph object

    _check(estate)
    graph = nx.Graph()
    graph.add_node(INTERNET, kind="internet", name="Internet (CSSM)", classification="",
                   internet="", enclave="", tags="")
    for site in sorted(estate.sites, key=lambda s: s.id):
        graph.add_node(site.id, kind="site", name=site.name, classification=site.classification,
                       internet=site.internet.value, enclave=site.enclave or "",
                       tags=",".join(sorted(site.tags)))
    edges: list[tuple[str, str, dict[str, object]]] = [
        (a, b, {"kind": "link", "crosses_boundary": crosses, "via": ""})
        for (a, b), crosses in _merged_links(estate).items()
    ]
    edges.extend(
        (site.id, INTERNET, {"kind": "internet", "crosses_boundary": False,
                             "via": site.internet.value})
        for site in estate.sites if site.internet is not InternetAccess.NONE
    )
    graph.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1])))
    return graph


def _merged_links(estate: Estate) -> dict[tuple[str, str], bool]:
    """(smaller id, larger id) -> crosses a boundary, for every pair of distinct linked sites.

    Two links between the same sites merge: the pair is boundary-free when either link is."""
    merged: dict[tuple[str, str], bool] = {}
    for link in estate.links:
        if link.a == link.b:
            continue
        key = (min(link.a, link.b), max(link.a, link.b))
        merged[key] = merged.get(key, True) and link.crosses_boundary
    return merged


def boundary_free_components(estate: Estate) -> list[frozenset[str]]:
    """Groups of sites connected without crossing a boundary link (internet node excluded),
    ordered by their smallest site id. Raises InputError for a link to an unknown site."""
    _check(estate)
    # Union-find with path halving: the root of each site's group.
    parent = {site.id: site.id for site in estate.sites}

    def root(site: str) -> str:
        while parent[site] != site:
            parent[site] = parent[parent[site]]
            site = parent[site]
        return site

    for (a, b), crosses in _merged_links(estate).items():
        if not crosses:
            parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for site in parent:
        groups.setdefault(root(site), set()).add(site)
    return sorted((frozenset(g) for g in groups.values()), key=min)


def analyse_reach(estate: Estate) -> Reach:
    """Which sites reach CSSM, which candidate server sites serve which sites, what is isolated.

    Candidates: sites tagged `dc` or `server`, plus, in every boundary-free component with none,
    its largest site by device count (ties: smallest id) and, when that site has no internet
    path, also the largest site that has one (for network sync), when some site of the component
    may use an On-Prem mode under its policy. A component where no policy allows On-Prem gets no
    candidate: its sites can only use carried media (offline, SLR, PLR) or their own internet.
    """
    components = boundary_free_components(estate)  # checks the links first
    devices = Counter(DeviceTable.of(estate.devices).site.counts())
    onprem_ok = set()
    for site in estate.sites:
        try:
            policy = estate.policy(site.classification)
        except KeyError:
            continue
        if policy.allowed_modes & server_modes():
            onprem_ok.add(site.id)
    tagged = {s.id for s in estate.sites if SERVER_TAGS & {t.lower() for t in s.tags}}
    cssm = frozenset(s.id for s in estate.sites if s.internet is not InternetAccess.NONE)
    serves: dict[str, frozenset[str]] = {}
    for component in components:
        chosen = sorted(component & tagged)
        if not chosen and component & onprem_ok:
            # A server costs the same anywhere in the component and serves all of it, so the
            # site only matters for network sync, which needs it to reach CSSM: the largest
            # site, and the largest with an internet path when that is another one.
            ranked = sorted(component, key=lambda s: (-devices[s], s))
            chosen = [ranked[0]]
            online = [s for s in ranked if s in cssm]
            if online and online[0] != ranked[0]:
                chosen.append(online[0])
        for server in chosen:
            serves[server] = component
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


# --- The account tree and exports -----------------------------------------------------------

GRAPH_FORMATS = ("graphml", "dot", "json")
GRAPH_SCHEMA = "planner.graph/1"


def build_account_tree(estate: Estate) -> nx.DiGraph:
    """Smart Account > Virtual Account > entitlement line, as a directed tree.

    Node ids: `sa:<domain>`, `va:<name>`, `ent:<va>:<tag>:<n>` (n counts that VA's lines of one
    tag in sorted order). Virtual Accounts named only by devices or entitlements appear too.
    """
    import networkx as nx  # deferred, as in build_graph

    tree = nx.DiGraph()
    root = f"sa:{estate.account.domain}"
    tree.add_node(root, kind="smart-account", name=estate.account.name,
                  holder=estate.account.holder.value,
                  slr_preapproved=estate.account.slr_preapproved,
                  plr_preapproved=estate.account.plr_preapproved,
                  export_authorised=estate.account.export_authorised)
    declared = {va.name: va for va in estate.virtual_accounts}
    devices = Counter(DeviceTable.of(estate.devices).virtual_account.counts())
    names = sorted(set(declared) | {e.virtual_account for e in estate.entitlements}
                   | set(devices))
    for name in names:
        va = declared.get(name)
        tree.add_node(f"va:{name}", kind="virtual-account", name=name,
                      description=va.description if va else "",
                      default=bool(va and va.is_default), declared=va is not None,
                      devices=devices[name])
        tree.add_edge(root, f"va:{name}", kind="contains")
    lines = sorted(estate.entitlements, key=lambda e: (
        e.virtual_account, e.tag, e.term.value, str(e.end or ""), e.subscription_id, e.quantity))
    seen: Counter[tuple[str, str]] = Counter()
    for ent in lines:
        n = seen[(ent.virtual_account, ent.tag)]
        seen[(ent.virtual_account, ent.tag)] += 1
        node = f"ent:{ent.virtual_account}:{ent.tag}:{n}"
        tree.add_node(node, kind="entitlement", name=ent.name, tag=ent.tag, tier=ent.tier.value,
                      quantity=ent.quantity, in_use=ent.in_use, reserved=ent.reserved,
                      available=ent.available, term=ent.term.value,
                      start=ent.start.isoformat() if ent.start else "",
                      end=ent.end.isoformat() if ent.end else "",
                      subscription_id=ent.subscription_id)
        tree.add_edge(f"va:{ent.virtual_account}", node, kind="holds")
    return tree


def _combined(estate: Estate) -> nx.DiGraph:
    """Network and account tree in one directed graph; network links carry directed=False."""
    import networkx as nx  # deferred, as in build_graph

    network = build_graph(estate)
    tree = build_account_tree(estate)
    out = nx.DiGraph(name=estate.name, schema=GRAPH_SCHEMA)
    for node, data in sorted([*network.nodes(data=True), *tree.nodes(data=True)],
                             key=lambda item: str(item[0])):
        out.add_node(node, **data)
    edges = [(min(a, b), max(a, b), {**d, "directed": False})
             for a, b, d in network.edges(data=True)]
    edges += [(a, b, {**d, "crosses_boundary": False, "via": "", "directed": True})
              for a, b, d in tree.edges(data=True)]
    out.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1])))
    return out


def _node_link(graph: nx.Graph) -> dict[str, object]:
    import networkx as nx  # deferred, as in build_graph

    try:
        data: dict[str, object] = nx.node_link_data(graph, edges="links")
    except TypeError:  # networkx < 3.4 names the keyword `link`
        data = nx.node_link_data(graph, link="links")
    return data


def _xml_clean(graph: nx.DiGraph) -> nx.DiGraph:
    """The graph with every string (ids, attributes) holding only characters XML 1.0 allows: a
    control character in a site name would otherwise make the whole file unreadable."""
    import networkx as nx  # deferred, as in build_graph

    def clean(value: object) -> object:
        return xml_text(value) if isinstance(value, str) else value

    out = nx.DiGraph(**{k: clean(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        out.add_node(clean(node), **{k: clean(v) for k, v in data.items()})
    out.add_edges_from((clean(a), clean(b), {k: clean(v) for k, v in d.items()})
                       for a, b, d in graph.edges(data=True))
    return out


def _dot_id(value: object) -> str:
    # Inside a DOT quoted string a backslash before the closing quote escapes it, whatever came
    # before; Graphviz decodes HTML entities in strings, so a backslash is written as one.
    text = str(value).replace("\\", "&#92;").replace('"', '\\"').replace("\n", "\\n")
    text = xml_text(text.replace("\r", "\\r"))  # no raw control characters either
    return f'"{text}"'


def _dot_attrs(data: dict[str, object]) -> str:
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, bool):
            value = "true" if value else "false"
        parts.append(f"{key}={_dot_id(value)}")
    return ", ".join(parts)


def _to_dot(graph: nx.DiGraph) -> str:
    """DOT written by hand (no pydot/graphviz): sorted nodes and edges, styled by kind."""
    shapes = {"internet": "cloud", "site": "box", "smart-account": "folder",
              "virtual-account": "tab", "entitlement": "note"}
    lines = [f"digraph {_dot_id(graph.graph.get('name', 'estate'))} {{",
             "  graph [rankdir=LR];"]
    for node, data in graph.nodes(data=True):
        label = str(node) if data.get("kind") != "entitlement" else (
            f"{data['tag']} x{data['quantity']}")
        attrs = {**data, "label": label, "shape": shapes.get(str(data.get("kind")), "ellipse")}
        lines.append(f"  {_dot_id(node)} [{_dot_attrs(attrs)}];")
    for a, b, data in graph.edges(data=True):
        attrs = dict(data)
        if not data.get("directed"):
            attrs["dir"] = "none"
        if data.get("crosses_boundary"):
            attrs.update(style="dashed", color="red", label="boundary")
        elif data.get("via"):
            attrs.update(style="dotted", label=str(data["via"]))
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [{_dot_attrs(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(estate: Estate, fmt: str) -> str:
    """The estate graph and account tree as GraphML, DOT or JSON; same estate, same bytes."""
    if fmt == "json":
        doc = {"schema": GRAPH_SCHEMA, "name": estate.name,
               "network": _node_link(build_graph(estate)),
               "accounts": _node_link(build_account_tree(estate))}
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    combined = _combined(estate)
    if fmt == "graphml":
        import networkx as nx  # deferred, as in build_graph

        body = "\n".join(nx.generate_graphml(_xml_clean(combined)))
        return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
    if fmt == "dot":
        return _to_dot(combined)
    raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(GRAPH_FORMATS)}")
