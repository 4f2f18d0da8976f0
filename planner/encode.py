"""Values from the input, encoded for the place they land: command files, Markdown, XML, JSON.

Input text (a hostname, a Virtual Account name, a licence tag from a saved plan.json) can hold
line breaks, control characters, markup or code fences. Each output context has one function
here, and the writers call it for every value, not per field:

- command files (what an operator pastes into a device): `one_line` makes every line exactly one
  line (line breaks and control characters become visible `\\n`, `\\x07` escapes), and
  `cli_value` refuses a value that is not single-line printable text and quotes one holding
  spaces or characters the device CLI reads specially;
- Markdown: `fence` and `code_span` pick a fence longer than any backtick run inside, so input
  never closes a code block (inline text goes through reports.render.md_escape);
- XML: `xml_text` replaces the characters XML 1.0 cannot hold;
- JSON: `finite` and `json_safe` turn NaN and infinities (not JSON) into null.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Line and paragraph separators count as line breaks in many editors and terminals.
_BREAKING = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_CLI_SPECIAL = re.compile(r"[\s\"'?!#\\|]")
# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _unsafe(char: str) -> bool:
    """A character that may not appear inside one line of a command file: line breaks, C0/C1
    controls, and format characters (bidirectional overrides reorder what the operator sees)."""
    return char in _BREAKING or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
        char, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
        else f"\\U{code:08x}")


def one_line(text: str) -> str:
    """`text` as exactly one printable line: every unsafe character shown as an escape."""
    if text.isprintable():  # the common case, fast: no control or separator characters
        return text
    return "".join(_escape(c) if _unsafe(c) and c != " " else c for c in text)


def is_one_line(text: str) -> bool:
    return not any(_unsafe(c) for c in text)


class UnsafeValue(ValueError):
    """A value that cannot go into a command file as it is (line break, control character)."""


def cli_value(value: str, what: str) -> str:
    """A value for a device command line: refused unless single-line printable; quoted (with
    `"` and `\\` escaped) when it holds spaces or characters the CLI reads specially."""
    if not is_one_line(value):
        raise UnsafeValue(f"{what} {one_line(value)!r} holds a line break or control character; "
                          "a command file takes only single-line printable values")
    if value.startswith("<") and value.endswith(">"):
        return value  # a placeholder the operator replaces; its inner text is checked above
    if _CLI_SPECIAL.search(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def longest_run(text: str, char: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        best = max(best, run)
    return best


def fence(lines: Iterable[str], indent: str = "") -> list[str]:
    """A Markdown fenced code block whose fence no line inside can close."""
    body = [one_line(line) for line in lines]
    ticks = "`" * max(3, 1 + max((longest_run(line, "`") for line in body), default=0))
    return [f"{indent}{ticks}", *(f"{indent}{line}" for line in body), f"{indent}{ticks}"]


def code_span(text: str) -> str:
    """Inline Markdown code that input cannot break out of (CommonMark: a longer backtick run,
    padded with spaces when the text starts or ends with a backtick)."""
    body = " ".join(one_line(text).split("\n"))
    ticks = "`" * (1 + longest_run(body, "`"))
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold replaced by a visible escape."""
    return _XML_BAD.sub(lambda m: _escape(m.group()), text)


def finite(value: float | None) -> float | None:
    """A number JSON can hold: NaN and the infinities become None (null)."""
    return None if value is None or not math.isfinite(value) else value


def json_safe(value: Any) -> Any:
    """`value` with every non-finite float, at any depth, replaced by None."""
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
