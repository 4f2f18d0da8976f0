"""Find the data folders (models/, templates/, examples/) in a checkout or an installed wheel.

In a source checkout they sit at the top level beside `planner/`; the wheel maps them under
`planner/_data/` (pyproject's force-include). One helper so no other module guesses paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder `name` (models, templates or examples), wherever this install keeps it."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"planner data folder {name!r} is missing from this installation")


def models_dir() -> Path:
    return data_dir("models")


def templates_dir() -> Path:
    return data_dir("templates")


def examples_dir() -> Path:
    return data_dir("examples")
