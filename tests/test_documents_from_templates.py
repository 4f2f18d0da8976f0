"""Every document is rendered by a template: no module under planner/ builds Markdown or HTML
line by line. Read from the source's AST, every string literal and every literal part of an
f-string (docstrings apart) is searched for what only a document's text holds: a Markdown
heading below the title (`## `), a Markdown table rule (`|---`), or an HTML structure tag. The
templates in templates/ hold those; Python builds the context. SVG charts (reports/charts.py)
are drawings, not documents, and are not matched."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "planner"
DOCUMENT_TEXT = re.compile(
    r"(?:^|\n)[ \t]*#{2,6} "  # a Markdown heading, level 2 or below
    r"|\|[ \t]*:?-{3}"  # a Markdown table rule
    r"|<(?:h[1-6]|table|thead|tbody|tr|td|th|ul|ol|li|p|html|head|body|section|article)[\s>/]",
    re.IGNORECASE)


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def document_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in `source` that holds document markup."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docs and DOCUMENT_TEXT.search(node.value)]


def test_no_module_builds_a_document_line_by_line() -> None:
    found = [f"{path.relative_to(ROOT.parent)}:{line}: {text[:60]!r}"
             for path in sorted(ROOT.rglob("*.py"))
             for line, text in document_literals(path.read_text(encoding="utf-8"))]
    assert not found, "document markup in Python (move it to a template):\n" + "\n".join(found)


def test_the_check_sees_markup_however_it_is_written() -> None:
    """The scan finds headings, table rules and tags in plain and f-strings, at the start or
    after a line break, and leaves comments, YAML and prose alone."""
    built = '''
out = [f"## Steps for {site}", "", "| a | b |", "|---|---:|"]
html = "<table>" + f"<tr><td>{x}</td></tr>"
text = "\\n".join(lines) + "\\n### Rollback\\n"
para = f"<p class='muted'>{n}</p>"
'''
    assert len(document_literals(built)) == 6
    plain = '''
"""## A docstring may show Markdown."""
yaml = f"# {comment}\\n{body}\\n"
note = "see section 2 - the gap is <5%"
cli = "hostname#show license summary"
'''
    assert document_literals(plain) == []
