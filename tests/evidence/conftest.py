"""Shared paths for the evidence tests: the project's fixtures and the optional real captures."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
REALDATA = REPO / ".." / "shared" / "realdata"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present beside the repository")
    return REALDATA.resolve()
