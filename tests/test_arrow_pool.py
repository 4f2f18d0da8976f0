"""pyarrow is imported in one place (planner/arrow.py), after its memory pool is chosen."""

from __future__ import annotations

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parent.parent / "planner"


def _imports_pyarrow(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pyarrow"
                                                for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pyarrow":
            return True
    return False


def test_only_planner_arrow_imports_pyarrow() -> None:
    importers = sorted(str(p.relative_to(PLANNER)) for p in PLANNER.rglob("*.py")
                       if _imports_pyarrow(p))
    assert importers == ["arrow.py"]

