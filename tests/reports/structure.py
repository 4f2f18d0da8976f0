"""Reduce a rendered report to its structure: headings, section ids, tables and their headers.

Golden files pin this, not the numbers, so a re-priced catalogue does not break them while a
lost section, renamed column or missing chart does.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PIPE = re.compile(r"(?<!\\)\|")


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._text: list[str] | None = None
        self._heads: list[str] | None = None
        self._in_thead = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("h1", "h2", "h3"):
            self._text = []
        elif tag == "section":
            self.lines.append(f"section #{a.get('id', '')}")
        elif tag == "figure":
            self.lines.append(f"figure #{a.get('id', '')}")
        elif tag == "svg":
            self.lines.append(f"svg .{a.get('class', '')}")
        elif tag == "table":
            self.lines.append(f"table #{a.get('id') or ''} .{a.get('class') or ''}")
        elif tag == "thead":
            self._in_thead, self._heads = True, []
        elif tag == "th" and self._in_thead:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._text is not None:
            self.lines.append(f"{tag} {' '.join(''.join(self._text).split())}")
            self._text = None
        elif tag == "th" and self._in_thead and self._text is not None and self._heads is not None:
            self._heads.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "thead" and self._heads is not None:
            self.lines.append("  columns: " + " | ".join(self._heads))
            self._in_thead, self._heads = False, None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def html_outline(text: str) -> str:
    parser = _Outline()
    parser.feed(text)
    return "\n".join(parser.lines) + "\n"


def md_cells(line: str) -> list[str]:
    """Cells of a Markdown table row, splitting only on unescaped pipes."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in _PIPE.split(inner)]


def md_outline(text: str, *, depth: int = 3) -> str:
    """Headings down to `depth` and every table's header row."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("#"):
            if len(line) - len(line.lstrip("#")) > depth:
                continue
            out.append(line)
        elif (line.startswith("|") and i + 1 < len(lines)
              and re.fullmatch(r"\|(-{3}:?\||-{3}\|)+", lines[i + 1].replace("---:", "---"))):
            out.append("  columns: " + " | ".join(md_cells(line)))
    return "\n".join(out) + "\n"


def md_tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cells (header first, separator dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            if re.fullmatch(r"\|(-{3}:?\|)+", line):
                continue
            current.append(md_cells(line))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables
