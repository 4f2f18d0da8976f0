"""The catalogue's remembered answers (PID -> family, version keys) equal the computed ones."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.catalogue import Catalogue, ProductFamily, load_catalogue, version_key

CAT = load_catalogue()
PREFIXES = [prefix for prefix, _ in CAT._prefixes]


def _scan(cat: Catalogue, pid: str) -> ProductFamily | None:
    """The definition: the first (longest) prefix the upper-cased, stripped PID starts with."""
    upper = pid.strip().upper()
    for prefix, family_id in cat._prefixes:
        if upper.startswith(prefix):
            return cat.families[family_id]
    return None


pids = st.one_of(
    st.builds(lambda p, tail, lower, pad: (" " * pad) + (p.lower() if lower else p) + tail,
              st.sampled_from(PREFIXES), st.text("0123456789-ABCXYZ", max_size=8),
              st.booleans(), st.integers(0, 2)),
    st.text(max_size=12))


@settings(deadline=None)
@given(st.lists(pids, min_size=1, max_size=30))
def test_family_for_pid_asked_again_and_again_matches_the_scan(asked: list[str]) -> None:
    for pid in asked + asked[::-1]:  # every PID asked at least twice: once computed, once kept
        assert CAT.family_for_pid(pid) == _scan(CAT, pid)


def test_a_catalogue_built_from_another_does_not_inherit_its_answers() -> None:
    CAT.family_for_pid("C9300-24P")
    other = dataclasses.replace(CAT, _prefixes=())  # as estate overrides build a new one
    assert other.family_for_pid("C9300-24P") is None


@settings(deadline=None)
@given(st.text(max_size=20))
def test_version_key_kept_equals_computed(version: str) -> None:
    expected = tuple(int(p) for p in re.findall(r"\d+", version)[:4])
    assert version_key(version) == expected
    assert version_key(version) == expected
