"""The bundled models/*.yaml files parsed by libyaml, PyYAML's C parser, when it is there.

The pure-Python parser takes ten times as long (about 0.1 s of CPU for the files every run
reads). The data is the same: tests/test_model_yaml.py parses every bundled file both ways.
A user's estate file has its own reader (planner.readers.estate_yaml), which also uses libyaml.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

# libyaml's safe loader when PyYAML was built with it (same safe constructors, ten times
# faster), else the pure-Python one: the one choice every YAML reader in the planner uses.
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """yaml.safe_load, by libyaml when PyYAML was built with it."""
    return yaml.load(stream, Loader=LOADER)
