"""One identifier policy for every input: NFC text, and no two ids that only look different.

Every input file is decoded to Unicode NFC (planner.fileio), so `é` typed as one code point or
as `e` plus a combining accent is the same id. Two ids that are still different strings but
read the same to a person — they differ only in case (`HQ`, `hq`) or by look-alike characters
(`SITE-A` with U+2010 HYPHEN, or a Cyrillic `А`) — are an error naming both places: an operator
cannot tell them apart in a report, and a command file or ticket would land on the wrong one.

`skeleton()` is the comparison key: compatibility-normalised (NFKC), case-folded, invisible
format characters (zero-width space, joiners) removed, and every non-ASCII character that the
Unicode confusables table (Unicode TR39 data, as packaged by `confusable-homoglyphs`) lists as
a look-alike of an ASCII character replaced by it. ASCII characters are kept as they are, so
`SITE-1` and `SITE-l` stay distinct ids (both typeable, both visible in any font a planner
document uses).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from planner.problems import Problem, error


@cache
def _ascii_lookalikes() -> Mapping[str, str]:
    """Non-ASCII character -> the ASCII text it is confusable with (loaded on first use)."""
    from confusable_homoglyphs.confusables import confusables_data

    out: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if char.isascii():
            continue
        for entry in entries:
            target = entry.get("c", "")
            if target and target.isascii() and target.isprintable():
                out[char] = target
                break
    return out


def skeleton(text: str) -> str:
    """The comparison key for an id: equal skeletons mean "a person cannot tell them apart"."""
    if text.isascii():
        return text.casefold()
    folded = unicodedata.normalize("NFKC", text)
    table = _ascii_lookalikes()
    chars = (table.get(c, c) for c in folded if unicodedata.category(c) != "Cf")
    return "".join(chars).casefold()


@dataclass(frozen=True, slots=True)
class Place:
    """Where an id was written, for a message naming both places."""

    file: str
    line: int | None
    field: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} ({self.field})"


def lookalike_collisions(ids: Iterable[tuple[str, Place]], what: str) -> list[Problem]:
    """An error for every id that differs from an earlier one only in case or look-alikes.

    Exact repeats are not reported here (each list has its own "listed twice" rule).
    """
    first: dict[str, tuple[str, Place]] = {}
    out: list[Problem] = []
    for value, place in ids:
        key = skeleton(value)
        seen = first.setdefault(key, (value, place))
        if seen[0] != value:
            out.append(error(place.file, f"{what} {value!r} differs from {what} {seen[0]!r} "
                             f"at {seen[1]} only in case or look-alike characters",
                             line=place.line, column=place.field,
                             expected=f"{what}s that differ visibly (or the same {what} "
                             "written identically)"))
    return out


def lookalike_of(value: str, known: Mapping[str, str]) -> str | None:
    """The known id that `value` matches only by skeleton (`known`: skeleton -> id), or None."""
    got = known.get(skeleton(value))
    return got if got is not None and got != value else None
