"""The estate reader's node-tree walk against the walk it replaced (estate_yaml_oracle.py).

Generated documents mix block and flow collections over lines, text and typed scalars (dates
PyYAML cannot build, numbers no constructor accepts), duplicate keys, anchors, aliases, merge
and `=` keys, non-text keys and explicit tags: every value, every YAML path's line and column,
every problem and every refusal must come out the same.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model_yaml import LOADER
from planner.problems import InputError
from planner.readers.estate_yaml import _Builder
from tests.readers.estate_yaml_oracle import OracleBuilder

SCALARS = ["HQ", "a b", "'quoted'", '"double"', "''", "1", "-3", "0x1F", "0o17", "1_000",
           "12:30:00", "1.5", ".inf", ".nan", "1e500", "true", "no", "On", "~", "null",
           "2025-02-01", "2025-02-30", "2025-13-01", "2025-01-01T10:00+02:00", "=",
           "!!int abc", "!!float x", "!!str 12", "!!binary aGk=", "!!timestamp 2025-02-01"]
KEYS = ["id", "name", "sites", "x", "1", "true", "~", "=", "2025-02-01", "!!int 7"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    anchors: list[str] = []
    mappings: list[str] = []  # anchors that name a mapping (merge sources)

    def node(depth: int, indent: str) -> str:
        kind = draw(st.sampled_from(["scalar", "scalar", "flow_seq", "flow_map", "alias",
                                     "set"] if depth < 3 else ["scalar", "alias"]))
        if kind == "alias" and anchors:
            return "*" + draw(st.sampled_from(anchors))
        if kind == "set":
            return "!!set {a, b}"
        if kind in ("scalar", "alias"):
            return draw(st.sampled_from(SCALARS))
        sep = draw(st.sampled_from([", ", ",\n" + indent + "  "]))
        if kind == "flow_seq":
            items = [node(depth + 1, indent + "  ")
                     for _ in range(draw(st.integers(0, 3)))]
            body = "[" + sep.join(items) + "]"
        else:
            pairs = []
            for _ in range(draw(st.integers(0, 4))):
                if mappings and draw(st.booleans()):
                    pairs.append("<<: *" + draw(st.sampled_from(mappings)))
                elif draw(st.integers(0, 9)) == 0:
                    pairs.append("[k]: v")  # a key that is not a plain value
                else:
                    pairs.append(draw(st.sampled_from(KEYS)) + ": "
                                 + node(depth + 1, indent + "  "))
            body = "{" + sep.join(pairs) + "}"
        if draw(st.integers(0, 3)) == 0:
            name = f"a{len(anchors)}"
            anchors.append(name)
            if kind == "flow_map":
                mappings.append(name)
            return f"&{name} {body}"
        return body

    lines = []
    for i in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from([*KEYS, f"k{i}"]))
        if draw(st.booleans()):  # a block list under the key
            lines.append(f"{key}:")
            lines.extend(f"  - {node(1, '    ')}" for _ in range(draw(st.integers(1, 3))))
        else:
            lines.append(f"{key}: {node(0, '  ')}")
    return "\n".join(lines) + "\n"


def _walk(builder_class: type, text: str) -> Any:
    loader = LOADER(text)
    try:
        root = loader.get_single_node()
        lines: dict[str, int] = {}
        builder = builder_class(loader, lines, "estate.yaml")
        try:
            data = builder.build(root, "")
        except InputError as exc:
            return ("refused", exc.problems)
        except (yaml.YAMLError, ValueError, KeyError, TypeError) as exc:
            return ("raised", type(exc).__name__, str(exc))
        return repr(data), lines, builder.columns, builder.problems, builder.visits
    finally:
        loader.dispose()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_walk_matches_the_oracle(text: str) -> None:
    try:
        yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return  # not YAML at all: the parser refuses it before either walk
    assert _walk(_Builder, text) == _walk(OracleBuilder, text), text


@pytest.mark.parametrize("text", [
    "base: &b {id: HQ, name: x}\nsite: {<<: *b, id: BR}\n",
    "base: &b {id: HQ}\nmore: &m {name: y}\nsite: {<<: [*b, *m], x: 1}\n",
    "site: {=: 1, id: 2, id: 3}\n",
    "bad: {<<: 3}\n",
    "sites:\n  - {id: HQ, tags: [hq, dc]}\n  - id: 7\n    when: 2025-02-30\n",
    "[a]: b\n",
])
def test_walk_matches_the_oracle_on_known_shapes(text: str) -> None:
    assert _walk(_Builder, text) == _walk(OracleBuilder, text)
