""""The estate's catalogue, else the shipped one" is written once: planner.catalogue's
`estate_catalogue`. Any other expression that picks between an estate's `.catalogue` and
`load_catalogue()` (`a.catalogue or load_catalogue()`, `... if a.catalogue is not None else
load_catalogue()`) is a copy that can drift, and fails here with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "planner"
HOME = "planner/catalogue.py"

def _is_load_catalogue(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and not node.args
            and isinstance(node.func, ast.Name) and node.func.id == "load_catalogue")


def _names_a_catalogue(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "catalogue" for n in ast.walk(node))


def copies(source: str) -> list[tuple[int, str]]:
    """(line, expression) of every choice between a `.catalogue` and `load_catalogue()`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            parts: list[ast.AST] = list(node.values)
        elif isinstance(node, ast.IfExp):
            parts = [node.body, node.test, node.orelse]
        else:
            continue
        if any(_is_load_catalogue(p) for p in parts) and any(_names_a_catalogue(p)
                                                             for p in parts):
            found.append((node.lineno, ast.unparse(node)))
    return found


def _all_copies() -> set[tuple[str, str]]:
    out = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).as_posix()
        if rel != HOME:
            out.update((rel, text) for _, text in copies(path.read_text(encoding="utf-8")))
    return out


def test_the_catalogue_view_is_written_once() -> None:
    found = sorted(_all_copies())
    assert not found, "use planner.catalogue.estate_catalogue(estate[, given]) instead of:\n" \
        + "\n".join(f"{file}: {text}" for file, text in found)


def test_a_copy_is_seen() -> None:
    for text in ("cat = catalogue or estate.catalogue or load_catalogue()",
                 "cat = est.catalogue if est.catalogue is not None else load_catalogue()",
                 "cat = load_catalogue() if plan.estate.catalogue is None else x.catalogue"):
        assert copies(text), text
    assert not copies("cat = estate_catalogue(estate, catalogue)")
    assert not copies("cat = load_catalogue()")
