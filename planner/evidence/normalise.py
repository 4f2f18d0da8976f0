"""Licence names and status values as devices print them, turned into canonical values.

Devices print `network-advantage (C9300-24 Network Advantage)`, truncate display names in
`show license summary` (`C9200L Network Essen...`), add platform or throughput suffixes
(`essentialsk9-C9400`, `network-premier_5G`) and decorate statuses (`IN USE(15)`). Every
spelling goes through the catalogue's `canonical_tag`; the fallbacks here only strip what the
device added, so an unknown licence stays unknown (and is reported) rather than guessed.
"""

from __future__ import annotations

import re

from planner.catalogue import Catalogue, load_catalogue

_FOLD = re.compile(r"[\s_\-]+")
_THROUGHPUT = re.compile(r"[_\-]\d+(?:\.\d+)?[MG]$", re.IGNORECASE)  # network-premier_5G
_PLATFORM_SUFFIX = re.compile(r"[_\-](?:C9\w*|Nyquist\S*|CAT9K\w*)$", re.IGNORECASE)
_MODEL_PREFIX = re.compile(r"^(?:C\d{4}\w*(?:-\w+)?|CAT9K_VIRTUAL|ISR_?\d+\w*)\s+", re.IGNORECASE)
# Ordering SKUs printed as entitlement names: C9200L-NW-E-48, C9300-DNA-A-24 ...
_SKU = re.compile(r"(?:^|[-_])(NW|DNA)[-_]?([EAP])(?:[-_]|$)", re.IGNORECASE)
_SKU_TAGS = {("NW", "E"): "network-essentials", ("NW", "A"): "network-advantage",
             ("NW", "P"): "network-premier", ("DNA", "E"): "dna-essentials",
             ("DNA", "A"): "dna-advantage", ("DNA", "P"): "dna-premier"}
_STATUS_CODE = re.compile(r"\s*\((\d+)\)\s*$")


def _fold(text: str) -> str:
    return _FOLD.sub("", text).casefold()


_SPELLINGS: dict[int, tuple[tuple[str, str], ...]] = {}


def _spellings(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """Every (folded spelling, tag) the catalogue knows, for prefix matching truncated names."""
    key = id(catalogue)
    if key not in _SPELLINGS:
        pairs = {(_fold(spelling), tag) for tag, entry in catalogue.licences.items()
                 for spelling in (tag, entry.name, *entry.aliases)}
        _SPELLINGS[key] = tuple(sorted(pairs))
    return _SPELLINGS[key]


def _prefix_hit(catalogue: Catalogue, text: str) -> str | None:
    folded = _fold(text)
    if len(folded) < 6:
        return None
    tags = {tag for spelling, tag in _spellings(catalogue) if spelling.startswith(folded)}
    return tags.pop() if len(tags) == 1 else None


def _direct(catalogue: Catalogue, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    truncated = text.endswith("...")
    if truncated:
        text = text[:-3].rstrip()
    for candidate in (text, _THROUGHPUT.sub("", text), _PLATFORM_SUFFIX.sub("", text),
                      _MODEL_PREFIX.sub("", text)):
        if not candidate:
            continue
        hit = catalogue.canonical_tag(candidate)
        if hit is None and truncated:
            hit = _prefix_hit(catalogue, candidate)
        if hit:
            return hit
    return None


def canonical_licence(name: str, entitlement: str = "",
                      catalogue: Catalogue | None = None) -> tuple[str, bool]:
    """The canonical short tag for a printed licence and whether the catalogue knows it.

    `name` is the feature name (`network-advantage`), `entitlement` the text in parentheses or
    the `regid...` entitlement tag. Unknown licences come back as the printed name, unchanged.
    """
    if catalogue is None:
        key = (name, entitlement)
        hit = _CACHE.get(key)
        if hit is None:
            hit = _CACHE[key] = _canonical(name, entitlement, load_catalogue())
        return hit
    return _canonical(name, entitlement, catalogue)


# Devices repeat the same few licence lines: resolve each spelling once per process.
_CACHE: dict[tuple[str, str], tuple[str, bool]] = {}


def _canonical(name: str, entitlement: str, cat: Catalogue) -> tuple[str, bool]:
    for text in (name, entitlement):
        hit = _direct(cat, text)
        if hit:
            return hit, True
    for text in (entitlement, name):
        match = _SKU.search(text)
        if match:
            return _SKU_TAGS[(match.group(1).upper(), match.group(2).upper())], True
    # Unknown: keep what the device printed, preferring a single-token id (`ASAv-STD-100M`)
    # over a display name with spaces, so it stays usable as a devices.csv licence cell.
    options = [t.strip() for t in (name, entitlement)
               if t.strip() and not t.strip().endswith("...")]
    options = options or [t.strip().rstrip(". ") for t in (name, entitlement) if t.strip()]
    single = [t for t in options if " " not in t]
    return (single or options or [""])[0].replace(";", ",").replace(":", "."), False


def split_status(text: str) -> tuple[str, int | None]:
    """`IN USE(15)` -> (`IN USE`, 15): the status and the agent's internal status code.

    The number in parentheses is the Smart Agent's state code, not a count: real tech-support
    output prints `Count: 3` beside `Status: IN USE(15)` and `Count: 0` beside `NOT IN USE(1)`.
    """
    match = _STATUS_CODE.search(text)
    code = to_int(match.group(1), -1) if match else None
    status = _STATUS_CODE.sub("", text).strip().upper()
    # `AUTHORIZED on Mar 13 08:09:28 2024 UTC` -> AUTHORIZED
    status = re.sub(r"\s+ON\s+\w{3}\s+\d.*$", "", status)
    status = {"IN-USE": "IN USE", "INUSE": "IN USE", "UNUSED": "NOT IN USE",
              "ACTIVE, IN USE": "IN USE"}.get(status, status)
    return status, code


def to_int(text: str, default: int = 0) -> int:
    text = text.strip().replace(",", "")
    # ASCII digits only (`²` is isdigit() but not int()), and no count has 19 digits (a hostile
    # one of 5,000 would pass isdigit() and then break int()'s digit limit).
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else default
