"""Graph exports: parseable, complete and byte-identical across runs and hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from planner.graph import build_account_tree, export_graph
from planner.model import Estate

ROOT = Path(__file__).resolve().parents[2]


def test_account_tree_is_sa_va_entitlement(estate: Estate) -> None:
    tree = build_account_tree(estate)
    assert nx.is_tree(tree) and nx.is_directed_acyclic_graph(tree)
    assert sorted(tree.successors("sa:northwind.example")) == ["va:DEFAULT", "va:HQ-Network"]
    assert sorted(tree.successors("va:DEFAULT")) == ["ent:DEFAULT:dna-advantage:0",
                                                      "ent:DEFAULT:network-advantage:0"]
    assert tree.nodes["ent:DEFAULT:network-advantage:0"]["available"] == 10


def test_graphml_round_trips(estate: Estate) -> None:
    g = nx.parse_graphml(export_graph(estate, "graphml"))
    assert {"HQ", "internet", "va:DEFAULT"} <= set(g.nodes)
    assert g.edges["DC1", "SCIF"]["crosses_boundary"] is True
    assert g.edges["DC1", "SCIF"]["directed"] is False


def test_json_is_node_link_data(estate: Estate) -> None:
    doc = json.loads(export_graph(estate, "json"))
    assert doc["schema"] == "planner.graph/1"
    network = nx.node_link_graph(doc["network"], edges="links")
    assert network.edges["HQ", "internet"]["via"] == "direct"


def test_dot_marks_boundaries_and_escapes(estate: Estate) -> None:
    from dataclasses import replace
    sites = tuple(replace(s, name='Say "hi"') if s.id == "HQ" else s for s in estate.sites)
    dot = export_graph(replace(estate, sites=sites), "dot")
    assert dot.startswith('digraph "Northwind test" {')
    assert '"DC1" -> "SCIF" [' in dot and 'style="dashed"' in dot
    assert 'name="Say \\"hi\\""' in dot


def test_unknown_format_is_refused(estate: Estate) -> None:
    with pytest.raises(ValueError, match="graphml, dot, json"):
        export_graph(estate, "png")


def test_exports_are_byte_identical_across_hash_seeds() -> None:
    # one interpreter per seed renders all three formats: set and dict order must not leak
    code = ("from tests.engine_io.conftest import sample_estate;"
            "from planner.graph import export_graph;"
            "import sys; e = sample_estate();"
            "sys.stdout.write('\\x00'.join("
            "export_graph(e, f) for f in ('graphml', 'dot', 'json')))")
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                                   capture_output=True, text=True).stdout)
    assert outs[0] == outs[1]
    assert [len(part) > 200 for part in outs[0].split("\x00")] == [True, True, True]


def test_dot_ids_survive_backslashes_and_quotes() -> None:
    from planner.graph import _dot_id

    for raw in ('ends with \\', 'say "hi"', 'a\\"b', "two\nlines"):
        quoted = _dot_id(raw)
        body = quoted[1:-1]
        # no unescaped quote inside, and the closing quote is not escaped by a backslash
        assert not body.endswith("\\")
        assert body.replace('\\"', "").count('"') == 0
    assert _dot_id("C:\\path") == '"C:&#92;path"'
