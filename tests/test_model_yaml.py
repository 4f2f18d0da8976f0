"""Every bundled model file reads the same through libyaml as through the pure-Python parser
(planner.model_yaml uses libyaml when PyYAML has it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parsed_copy_is_current(path) -> None:  # type: ignore[no-untyped-def]
    """Each model file has a copy made from its present bytes (else every run parses it)."""
    expected = model_yaml.parsed_copy_text(path)
    assert expected is not None, f"{path.name}: JSON cannot hold its data; drop it from FILES"
    copy = model_yaml.parsed_copy(path)
    assert copy.is_file() and copy.read_text(encoding="utf-8") == expected, (
        f"{copy.name} is stale: run `python scripts/parse_models.py`")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_load_model_gives_what_the_yaml_says(path) -> None:  # type: ignore[no-untyped-def]
    with open(path, encoding="utf-8") as fh:
        parsed = yaml.safe_load(fh)
    got = model_yaml.load_model(path)
    assert model_yaml.same_data(got, parsed)
    assert got is not model_yaml.load_model(path)  # a caller may change what it was given


def _model_with_copy(tmp_path: Path, yaml_text: str, copy_text: str | None) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    if copy_text is not None:
        (tmp_path / model_yaml.PARSED).mkdir()
        model_yaml.parsed_copy(path).write_text(copy_text, encoding="utf-8")
    return path


def test_a_copy_of_other_bytes_is_not_used(tmp_path: Path) -> None:
    path = _model_with_copy(tmp_path, "a: 1\n", None)
    copy = model_yaml.parsed_copy_text(path)
    assert copy is not None
    path.write_text("a: 2\n", encoding="utf-8")  # edited after the copy was made
    (tmp_path / model_yaml.PARSED).mkdir()
    model_yaml.parsed_copy(path).write_text(copy, encoding="utf-8")
    assert model_yaml.load_model(path) == {"a": 2}
    path.write_text("a: 1\n", encoding="utf-8")
    assert model_yaml.load_model(path) == {"a": 1}


@pytest.mark.parametrize("copy_text", [None, "", "{not json", "[1]", '{"sha256": 1}'])
def test_a_missing_or_broken_copy_means_the_yaml_is_parsed(tmp_path: Path,
                                                           copy_text: str | None) -> None:
    path = _model_with_copy(tmp_path, "a: [yes, 1.5, ~]\r\nb: x\r\n", copy_text)
    assert model_yaml.load_model(path) == {"a": [True, 1.5, None], "b": "x"}


@pytest.mark.parametrize("text", ["when: 2025-02-01\n", "1: a\n", "s: !!set {a}\n",
                                  "x: .nan\n"])
def test_data_json_cannot_hold_gets_no_copy(tmp_path: Path, text: str) -> None:
    assert model_yaml.parsed_copy_text(_model_with_copy(tmp_path, text, None)) is None


@settings(max_examples=200, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20))
def test_a_copy_holds_exactly_what_the_yaml_does(tmp_path_factory: pytest.TempPathFactory,
                                                  data: object) -> None:
    tmp_path = tmp_path_factory.mktemp("m")
    path = _model_with_copy(tmp_path, yaml.safe_dump({"d": data}, allow_unicode=True), None)
    copy = model_yaml.parsed_copy_text(path)
    if copy is not None:
        (tmp_path / model_yaml.PARSED).mkdir()
        model_yaml.parsed_copy(path).write_text(copy, encoding="utf-8")
    assert model_yaml.same_data(model_yaml.load_model(path),
                                model_yaml.parse_model_bytes(path.read_bytes()))
