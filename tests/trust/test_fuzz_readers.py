"""Every reader meets hostile input with a clear InputError or a clean skip, never a crash.

Each case replaces one file of a small estate that uses every reader, then loads the estate in
a child process capped in memory and time (kit.isolated_loads): random bytes, truncations,
wrong encodings, a 5 MB field, YAML that tries to build Python objects or expands aliases,
10,000-deep nesting, XML entity bombs and external entities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import adversarial as adv
from .kit import READER_FILES, base_files, isolated_loads, write_base

Outcome = dict[str, Any]
EVIDENCE = ("capture", "rum-xml", "slr-xml")  # a bad capture is skipped with a warning


def _cases() -> list[tuple[str, str, str, bytes]]:
    """(reader, case, file replaced, content) for every reader and every hostile input."""
    base = base_files()
    cases = []
    for reader, rel in READER_FILES.items():
        valid = base[rel]
        cases.append((reader, "random-bytes", rel, adv.random_bytes(len(rel), 3000)))
        cases.append((reader, "empty", rel, b""))
        cases.append((reader, "huge-field", rel, adv.huge_field(valid)))
        cases.extend((reader, f"truncated-{i}", rel, cut)
                     for i, cut in enumerate(adv.truncations(valid)))
        cases.extend((reader, name, rel, data) for name, data in adv.encodings(valid).items())
    yaml = READER_FILES["estate-yaml"]
    cases.extend(("estate-yaml", f"python-tag-{i}", yaml, data)
                 for i, data in enumerate(adv.YAML_PYTHON_TAGS))
    cases += [("estate-yaml", "alias-bomb", yaml, adv.YAML_ALIAS_BOMB),
              ("estate-yaml", "deep-flow", yaml, adv.YAML_DEEP_FLOW),
              ("estate-yaml", "deep-block", yaml, adv.YAML_DEEP_BLOCK),
              ("estate-yaml", "deep-mapping", yaml, adv.YAML_DEEP_MAPPING),
              ("cssm-json", "deep-nesting", READER_FILES["cssm-json"], adv.JSON_DEEP),
              ("cssm-json", "huge-integer", READER_FILES["cssm-json"], adv.JSON_HUGE_INT),
              ("rum-xml", "deep-json", READER_FILES["rum-xml"], adv.RUM_DEEP_JSON)]
    cases.extend(("rum-xml", f"rum-shape-{i}", READER_FILES["rum-xml"], data)
                 for i, data in enumerate(adv.RUM_SHAPES))
    for reader in ("rum-xml", "slr-xml"):
        for name, data in (("billion-laughs", adv.BILLION_LAUGHS), ("xxe", adv.EXTERNAL_ENTITY),
                           ("external-dtd", adv.EXTERNAL_DTD),
                           ("parameter-entity", adv.PARAMETER_ENTITY)):
            cases.append((reader, name, READER_FILES[reader], data))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Outcome]]:
    """Every case loaded once, in one capped child process (imports paid once)."""
    paths = []
    for reader, name, rel, data in CASES:
        root = tmp_path_factory.mktemp(f"{reader}-{name}")
        paths.append(write_base(root, {rel: data}))
    results = isolated_loads(paths, each=30)
    return {f"{r}:{n}": (p, out) for (r, n, _, _), p, out in zip(CASES, paths, results,
                                                                   strict=True)}


def test_the_base_estate_loads(tmp_path: Path) -> None:
    [out] = isolated_loads([write_base(tmp_path)])
    assert out["outcome"] == "ok", out


@pytest.mark.parametrize(("reader", "case"), [(r, n) for r, n, _, _ in CASES])
def test_hostile_input_is_a_clear_error_or_a_clean_skip(
        outcomes: dict[str, tuple[Path, Outcome]], reader: str, case: str) -> None:
    path, out = outcomes[f"{reader}:{case}"]
    assert out["outcome"] in ("ok", "input-error"), f"{reader} {case}: {out}"
    assert not (path.parent / "pwned.txt").exists(), "a YAML tag ran a command"
    if out["outcome"] == "input-error":
        # Every problem names a file of the estate (the one replaced, or one the bad row breaks).
        assert all(str(path.parent) in p or p.startswith("captures/") for p in out["problems"])
    if reader in EVIDENCE:
        # One bad capture never stops the estate: it is skipped or kept, with a warning.
        assert out["outcome"] == "ok", f"{reader} {case}: {out}"
    for text in out.get("problems", []) + out.get("warnings", []):
        assert "root:x:0:0" not in text, "an external entity was resolved"
        assert "lollollol" not in text, "an entity was expanded"


def test_python_tags_are_refused_by_name(outcomes: dict[str, tuple[Path, Outcome]]) -> None:
    for i in range(len(adv.YAML_PYTHON_TAGS)):
        _, out = outcomes[f"estate-yaml:python-tag-{i}"]
        assert out["outcome"] == "input-error"
        assert any("python/" in p for p in out["problems"]), out


def test_bombs_and_depth_are_refused(outcomes: dict[str, tuple[Path, Outcome]]) -> None:
    for key in ("estate-yaml:alias-bomb", "estate-yaml:deep-flow", "estate-yaml:deep-block",
                "estate-yaml:deep-mapping", "cssm-json:deep-nesting"):
        assert outcomes[key][1]["outcome"] == "input-error", key


def test_entity_tricks_skip_the_file_with_a_warning(
        outcomes: dict[str, tuple[Path, Outcome]]) -> None:
    for reader in ("rum-xml", "slr-xml"):
        for case in ("billion-laughs", "xxe", "external-dtd", "parameter-entity"):
            _, out = outcomes[f"{reader}:{case}"]
            name = Path(READER_FILES[reader]).name
            assert any(name in w for w in out["warnings"]), (reader, case, out)
