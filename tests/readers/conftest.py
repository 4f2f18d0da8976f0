"""Shared fixtures for reader tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalogue import load_catalogue
from planner.readers import ReadContext

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


@pytest.fixture
def ctx() -> ReadContext:
    return ReadContext(load_catalogue(), {"HQ": "HQ", "Headquarters": "HQ", "BR1": "BR1",
                                          "Branch One": "BR1"})
