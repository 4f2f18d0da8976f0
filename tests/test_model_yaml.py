"""Every bundled model file reads the same through libyaml as through the pure-Python parser
(planner.model_yaml uses libyaml when PyYAML has it)."""

from __future__ import annotations

import pytest
import yaml

from planner import model_yaml
from planner.resources import models_dir

FILES = sorted(models_dir().glob("*.yaml"))


def test_there_are_model_files() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_model_file_reads_as_the_python_parser_reads_it(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert model_yaml.safe_load(text) == yaml.safe_load(text)
    with open(path, encoding="utf-8") as fh:
        assert model_yaml.safe_load(fh) == yaml.safe_load(text)
