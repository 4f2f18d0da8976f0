"""The least spend on purchases that covers a set of needs from units already held.

Held units of tag t may cover a need u when t is in covers[u] (tier substitution is free);
whatever is left uncovered is bought at u's price, rounded down to the cent. This is a
transportation problem whose cost sits only on the needs, so the amounts that can be covered
from what is held form a polymatroid (Hall: a set S of needs can take at most the units of the
tags that cover some need of S), and the greedy rule is exact over it: take the needs from the
dearest down and cover each as far as the held units allow, re-routing earlier needs along
augmenting paths but never uncovering them (Edmonds 1970, "Submodular functions, matroids,
and certain polyhedra"). Integer arithmetic throughout, so the figure is exact.

It replaces a networkx min-cost flow: the answer is the same (tests/optimise/test_cover.py
checks it against networkx's network simplex on generated instances), and `planner plan` no
longer pays networkx's import, about a third of a 10k-device plan's fixed cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise


def cheapest_cover(have: Mapping[str, int], needs: Mapping[str, int],
                   covers: Mapping[str, tuple[str, ...]], price: Mapping[str, float]) -> float:
    """The least spend on purchases that covers `needs` from `have` (tier substitution free).
    Prices are rounded down to the cent, so this is a lower bound (to a cent a unit), as the
    cuts that use it need."""
    wanted = {u: n for u, n in needs.items() if n > 0}
    if not wanted:
        return 0.0
    left = {t: n for t, n in have.items() if n > 0}  # held units not yet covering a need
    cents = {u: math.floor(price[u] * 100) for u in wanted}
    usable = {u: tuple(t for t in covers[u] if t in left) for u in wanted}
    used: dict[str, dict[str, int]] = {t: {} for t in left}  # tag -> need -> units it covers
    spend = 0
    for need in sorted(wanted, key=lambda u: (-cents[u], u)):
        short = wanted[need]
        while short:
            path = _augmenting_path(need, usable, left, used)
            if path is None:
                break
            short -= _augment(path, short, left, used)
        spend += short * cents[need]
    return spend / 100


def _augmenting_path(start: str, usable: Mapping[str, tuple[str, ...]],
                     left: Mapping[str, int], used: Mapping[str, Mapping[str, int]],
                     ) -> list[tuple[str, str]] | None:
    """(need, tag) steps from `start` to a tag with units left: each need takes units of its
    tag from the need after it, which takes them from the next tag, and so on (breadth first,
    so the shortest such chain)."""
    # tag -> (the need that takes it, the tag that need gives up; None for `start`)
    came: dict[str, tuple[str, str | None]] = {}
    frontier: list[tuple[str, str | None]] = [(start, None)]
    seen_needs = {start}
    while frontier:
        nxt: list[tuple[str, str | None]] = []
        for need, via in frontier:
            for tag in usable[need]:
                if tag in came:
                    continue
                came[tag] = (need, via)
                if left[tag] > 0:
                    path = []
                    step: str | None = tag
                    while step is not None:
                        taker, before = came[step]
                        path.append((taker, step))
                        step = before
                    return path[::-1]
                for other in used[tag]:
                    if other not in seen_needs:
                        seen_needs.add(other)
                        nxt.append((other, tag))
        frontier = nxt
    return None


def _augment(path: list[tuple[str, str]], want: int, left: dict[str, int],
             used: dict[str, dict[str, int]]) -> int:
    """Move units along `path` (start need first); returns how many more units it covers."""
    amount = min(want, left[path[-1][1]])
    # Each later need gives up units of the tag the need before it takes over.
    for (_, tag), (giver, _) in pairwise(path):
        amount = min(amount, used[tag][giver])
    for i, (taker, tag) in enumerate(path):
        used[tag][taker] = used[tag].get(taker, 0) + amount
        if i + 1 < len(path):
            giver = path[i + 1][0]
            used[tag][giver] -= amount
            if not used[tag][giver]:
                del used[tag][giver]
    left[path[-1][1]] -= amount
    return amount
