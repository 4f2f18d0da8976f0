"""`planner runbook --plan FILE` reads a plan.json a user may have edited: hostile or malformed
JSON is exit 2 naming the file (or a clean run), never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.generate import generate_estate, write_estate


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("planjson")
    write_estate(root / "e", generate_estate(30, 6, 3))
    estate = root / "e" / "estate.yaml"
    result = CliRunner().invoke(main, ["plan", str(estate), "-o", str(root / "plan")])
    assert result.exit_code == 0, result.output
    return estate, json.loads((root / "plan" / "plan.json").read_text(encoding="utf-8"))


def _reserved(plan: dict[str, object], value: object) -> dict[str, object]:
    """The plan with its first class's reserved runs (schema 2) replaced by `value`."""
    classes = plan["classes"]
    assert isinstance(classes, list) and classes
    return {**plan, "classes": [{**classes[0], "reserved": value}, *classes[1:]]}


def _cases(plan: dict[str, object]) -> dict[str, bytes]:
    return {
        "random-bytes": bytes(range(256)) * 2,
        "a-list": b"[]",
        "no-keys": b"{}",
        "reserved-text": json.dumps(_reserved(plan, "x")).encode(),
        "reserved-ints": json.dumps(_reserved(plan, [1, 2])).encode(),
        "v1-reservations-text": json.dumps({**plan, "schema": "planner.plan/1",
                                            "reservations": "x"}).encode(),
        "v1-reservations-ints": json.dumps({**plan, "schema": "planner.plan/1",
                                            "reservations": [1, 2]}).encode(),
        "other-schema": json.dumps({**plan, "schema": "other/9"}).encode(),
    }


@pytest.mark.parametrize("case", ["random-bytes", "a-list", "no-keys", "reserved-text",
                                  "reserved-ints", "v1-reservations-text",
                                  "v1-reservations-ints", "other-schema"])
def test_malformed_plan_json_is_exit_2(planned: tuple[Path, dict[str, object]], tmp_path: Path,
                                       case: str) -> None:
    estate, plan = planned
    path = tmp_path / "plan.json"
    path.write_bytes(_cases(plan)[case])
    result = CliRunner().invoke(main, ["runbook", str(estate), "--plan", str(path),
                                       "-o", str(tmp_path / "rb")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "rb").exists()


@pytest.mark.parametrize("content", [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep-nesting"),
    pytest.param(b'{"schema": ' + b"9" * 5000 + b"}", id="huge-integer"),
])
def test_hostile_plan_json_is_exit_2(planned: tuple[Path, dict[str, object]], tmp_path: Path,
                                     content: bytes) -> None:
    estate, _ = planned
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["runbook", str(estate), "--plan", str(path),
                                       "-o", str(tmp_path / "rb")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
