"""The estate reader's node-tree walk as it was before text scalars were taken inline: the
oracle tests/readers/test_estate_yaml_builder.py holds the faster walk to, document by document
(values, every YAML path's line and column, problems and refusals)."""

from __future__ import annotations

from typing import Any

import yaml

from planner.problems import InputError, Problem, error
from planner.readers.estate_yaml import MAX_NODES

_STR, _SEQ, _MAP, _TIMESTAMP, _MERGE = (f"tag:yaml.org,2002:{t}" for t in (
    "str", "seq", "map", "timestamp", "merge"))


class OracleBuilder:
    """Plain values from the node tree, recording each YAML path's line on the way.

    One pass instead of PyYAML's construct_document plus a separate walk. Scalars other than
    strings go through the safe constructor (ints, floats, booleans, nulls, dates); merge keys
    are flattened as safe_load does. Every node visit is counted, so an alias bomb is refused
    instead of expanded.
    """

    def __init__(self, loader: Any, lines: dict[str, int], display: str) -> None:
        self.loader = loader
        self.lines = lines
        self.display = display
        self.visits = 0
        self.problems: list[Problem] = []  # duplicate keys, values no constructor accepts
        self.columns: dict[str, int] = {}  # YAML path -> 1-based column, for problems as data

    def build(self, node: yaml.Node, path: str) -> Any:
        self.visits += 1
        if self.visits > MAX_NODES:
            raise InputError([error(self.display, f"document expands to more than {MAX_NODES} "
                                    "nodes (nested aliases?)", expected="a plain estate file")])
        self.lines.setdefault(path, node.start_mark.line + 1)
        self.columns.setdefault(path, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag in (_STR, _TIMESTAMP):
                # Dates stay text here: the typed reader checks them as calendar dates with
                # their line (PyYAML raises a bare ValueError for 2025-02-30 and turns
                # `2025-01-01T10:00+02:00` into a datetime that no date compares with).
                return node.value
            try:
                return self.loader.construct_object(node)
            except (ValueError, OverflowError) as exc:
                self.problems.append(error(self.display, f"value {node.value!r} cannot be read "
                                           f"({exc})", line=node.start_mark.line + 1,
                                           column=path or None, expected="a plain value"))
                return node.value
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            return [self.build(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            self._duplicates(node, path)
            self.loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path)
                if isinstance(key, (dict, list)):
                    raise InputError([error(self.display, "a mapping key is not a plain value",
                                            line=key_node.start_mark.line + 1, column=path,
                                            expected="text keys")])
                name = f"{path}.{key}" if path else str(key)
                out[key] = self.build(value_node, name)
                self.lines[name] = key_node.start_mark.line + 1
                self.columns[name] = key_node.start_mark.column + 1
            return out
        # Any other tag (!!set, !!omap, !!python/...): the safe constructor accepts or refuses.
        return self.loader.construct_object(node)

    def _duplicates(self, node: yaml.MappingNode, path: str) -> None:
        """A key written twice in one mapping is an error (YAML says keys are unique; PyYAML
        silently keeps the last). Checked before merge keys (`<<`) are expanded, since an
        explicit key overriding a merged one is the point of a merge."""
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            line = key_node.start_mark.line + 1
            key = key_node.value
            if key not in first:
                first[key] = line
                continue
            self.problems.append(error(
                self.display, f"key {key!r} appears twice in one mapping (first on line "
                f"{first[key]})", line=line, column=f"{path}.{key}" if path else str(key),
                position=key_node.start_mark.column + 1,
                expected="each key once (YAML would silently keep the last)"))
