"""`planner example` and `planner generate` from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from planner.cli import main
from planner.output import MANIFEST
from planner.resources import examples_dir


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _tree(root: Path) -> dict[str, bytes]:
    """The files under `root`, without the planner's record of which ones it wrote."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST}


def test_list_names_every_example() -> None:
    code, out = _run("example", "--list")
    assert code == 0
    for name in ("federal-agency", "regional-bank", "utility"):
        assert name in out


def test_example_is_written_byte_for_byte(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    code, out = _run("example", "federal-agency", str(dest))
    assert code == 0, out
    assert _tree(dest) == _tree(examples_dir() / "federal-agency")
    code, out = _run("validate", str(dest / "estate.yaml"))
    assert code == 0, out


def test_a_non_empty_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, out = _run("example", "utility", str(tmp_path))
    assert code == 2
    assert "not empty" in out and "--force" in out
    assert _tree(tmp_path) == {"notes.txt": b"mine"}
    code, out = _run("generate", "--devices", "5", "--sites", "2", str(tmp_path))
    assert code == 2
    assert _tree(tmp_path) == {"notes.txt": b"mine"}


def test_force_writes_into_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _ = _run("example", "utility", str(tmp_path), "--force")
    assert code == 0
    assert (tmp_path / "estate.yaml").is_file() and (tmp_path / "notes.txt").is_file()


def test_unknown_example_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _run("example", "nuclear-plant", str(tmp_path / "x"))
    assert code == 2
    assert "federal-agency" in out
    assert not (tmp_path / "x").exists()


def test_example_without_arguments_is_a_usage_error() -> None:
    code, out = _run("example")
    assert code == 2
    assert "--list" in out


def test_generate_is_reproducible(tmp_path: Path) -> None:
    args = ("generate", "--devices", "120", "--sites", "9", "--seed", "4")
    assert _run(*args, str(tmp_path / "a"))[0] == 0
    assert _run(*args, str(tmp_path / "b"))[0] == 0
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert set(_tree(tmp_path / "a")) == {"estate.yaml", "devices.csv", "entitlements.csv"}
    code, out = _run("validate", str(tmp_path / "a" / "estate.yaml"))
    assert code == 0, out


def test_generate_rejects_empty_sizes(tmp_path: Path) -> None:
    for flag in ("--devices", "--sites"):
        args = {"--devices": "10", "--sites": "2"} | {flag: "0"}
        code, out = _run("generate", *[x for kv in args.items() for x in kv], str(tmp_path / "z"))
        assert code == 2
        assert flag in out
    assert not (tmp_path / "z").exists()


def test_help_shows_an_example() -> None:
    for command in ("example", "generate"):
        code, out = _run(command, "--help")
        assert code == 0 and "Example" in out
