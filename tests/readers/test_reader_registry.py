"""The reader registry maps every SourceKind to a reader of that kind, and estate.yaml agrees."""

from __future__ import annotations

import pytest

from planner.readers import SourceKind, reader_for
from planner.readers.estate_yaml import INVENTORY_KEYS


@pytest.mark.parametrize("kind", list(SourceKind))
def test_every_kind_has_a_reader_of_that_kind(kind: SourceKind) -> None:
    reader = reader_for(kind)
    assert reader.kind is kind
    assert callable(reader.read)


def test_inventory_keys_are_the_source_kinds_plus_evidence() -> None:
    assert set(INVENTORY_KEYS) == {k.value for k in SourceKind} | {"evidence"}
