"""The bundled models/*.yaml files parsed by libyaml, PyYAML's C parser, when it is there.

The pure-Python parser takes ten times as long (about 0.1 s of CPU for the files every run
reads). The data is the same: tests/test_model_yaml.py parses every bundled file both ways.
A user's estate file has its own reader (planner.readers.estate_yaml), which also uses libyaml.

Even libyaml leaves most of the work to PyYAML's Python resolver and constructor: the licence
and product catalogues alone take ~4 ms a run to parse, a tenth of reading a 10k-device estate.
So each model file has a parsed copy beside it (models/parsed/<name>.json, written by
scripts/parse_models.py), used only when it was made from the very bytes just read: its SHA-256
of the YAML must match. An edited model file is parsed as ever until its copy is remade; a
copy is never written while the planner runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

import yaml

# libyaml's safe loader when PyYAML was built with it (same safe constructors, ten times
# faster), else the pure-Python one: the one choice every YAML reader in the planner uses.
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PARSED = "parsed"  # the folder beside the model files that holds their parsed copies


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """yaml.safe_load, by libyaml when PyYAML was built with it."""
    return yaml.load(stream, Loader=LOADER)


def parsed_copy(path: Path) -> Path:
    """Where the parsed copy of model file `path` lives."""
    return path.parent / PARSED / f"{path.stem}.json"


def load_model(path: Path) -> Any:
    """A model file's data exactly as safe_load gives it (a new object on every call): from its
    parsed copy when the copy was made from these bytes, else parsed from the YAML."""
    raw = path.read_bytes()
    held = _held_copy(parsed_copy(path))
    if held is not None and held.get("sha256") == hashlib.sha256(raw).hexdigest():
        return held["data"]
    return parse_model_bytes(raw)


def _held_copy(copy: Path) -> dict[str, Any] | None:
    """The parsed copy's content; None when there is none or it cannot be read (the YAML is
    parsed instead: a copy is only ever a shortcut)."""
    try:
        held = json.loads(copy.read_bytes())
    except (OSError, ValueError):
        return None
    return held if isinstance(held, dict) and "data" in held else None


def parsed_copy_text(path: Path) -> str | None:
    """The parsed copy scripts/parse_models.py writes for model file `path`, or None when JSON
    cannot hold its data exactly (a date, a non-text key, a set): such a file is always parsed."""
    raw = path.read_bytes()
    data = parse_model_bytes(raw)
    try:
        text = json.dumps({"source": path.name, "sha256": hashlib.sha256(raw).hexdigest(),
                           "data": data}, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError):  # a value JSON has no word for (a date, NaN)
        return None
    return text if same_data(json.loads(text)["data"], data) else None


def parse_model_bytes(raw: bytes) -> Any:
    """A model file's bytes parsed as open(path, encoding="utf-8") and safe_load read them
    (UTF-8, universal newlines), never from a copy."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return safe_load(text)


def same_data(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down, mapping keys in the same order (1 == 1.0
    == True for ==, not here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
