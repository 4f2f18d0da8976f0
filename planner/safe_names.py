"""File names from input names (site ids, hostnames, Virtual Accounts): safe, bounded, distinct.

A name from the input can be `../x`, `README.md`, 248 characters long, `CON` (reserved on
Windows), or differ from another only in case (one file on macOS and Windows). `file_names`
maps a set of names that share one folder to file names that are:

- safe: ASCII letters, digits, `.`, `_` and `-` only, never starting with a dot;
- bounded: at most MAX_NAME_BYTES bytes, suffix included;
- distinct even on a case-insensitive filesystem, and distinct from the names the planner
  itself writes in that folder (`reserved`);
- stable: a name that is already safe and clashes with nothing is kept as it is; any other
  gets a short hash of the original, so the same estate always gives the same names.

The original name is always written inside the file (the runbook header, the CSV column).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

MAX_NAME_BYTES = 100
STEM_CHARS = 60  # what is kept of a long name before its hash
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                               *(f"lpt{i}" for i in range(10))})


def _plain(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._-")[:STEM_CHARS].rstrip("._-") or "x"


def _is_safe(name: str, suffix: str) -> bool:
    return (_plain(name) == name and len(name) + len(suffix) <= MAX_NAME_BYTES
            and name.split(".")[0].casefold() not in _WINDOWS_RESERVED)


def _hashed(name: str, suffix: str, digits: int) -> str:
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    room = max(1, MAX_NAME_BYTES - len(suffix) - digits - 1)
    return f"{_plain(name)[:room]}-{digest}{suffix}"


def file_names(names: Iterable[str], *, suffix: str = "",
               reserved: Iterable[str] = ()) -> dict[str, str]:
    """Each distinct name -> its file name (`suffix` appended) in one shared folder."""
    unique = sorted(set(names))
    taken = {r.casefold() for r in reserved}
    plain_folded = Counter(f"{n}{suffix}".casefold() for n in unique if _is_safe(n, suffix))
    out: dict[str, str] = {}
    for name in unique:
        candidate = f"{name}{suffix}"
        folded = candidate.casefold()
        if _is_safe(name, suffix) and plain_folded[folded] == 1 and folded not in taken:
            out[name] = candidate
    used = {v.casefold() for v in out.values()} | taken
    for name in unique:
        if name in out:
            continue
        digits = 8
        candidate = _hashed(name, suffix, digits)
        while candidate.casefold() in used:  # a hash prefix collision: lengthen it
            digits += 4
            candidate = _hashed(name, suffix, digits)
        used.add(candidate.casefold())
        out[name] = candidate
    return out


def file_name(name: str, suffix: str = "", reserved: Iterable[str] = ()) -> str:
    """The file name of a single name (no other names share its folder)."""
    return file_names([name], suffix=suffix, reserved=reserved)[name]
