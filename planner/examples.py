"""The bundled example estates: list them, and copy one into a folder the user names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.fileio import write_files_atomic
from planner.output import check_target as check_output
from planner.problems import UsageError
from planner.resources import examples_dir


@dataclass(frozen=True, slots=True)
class ExampleInfo:
    name: str
    description: str  # the first line of the example's README.md
    devices: int  # rows in devices.csv (header excluded)


def _folders() -> dict[str, Path]:
    """Every sub-folder of examples/ holding an estate.yaml, by name."""
    root = examples_dir()
    return {p.name: p for p in sorted(root.iterdir())
            if p.is_dir() and (p / "estate.yaml").is_file()}


def list_examples() -> list[ExampleInfo]:
    infos = []
    for name, folder in _folders().items():
        readme = folder / "README.md"
        first = readme.read_text(encoding="utf-8").strip().splitlines() if readme.is_file() else []
        description = first[0].lstrip("# ").strip() if first else ""
        devices = folder / "devices.csv"
        count = 0
        if devices.is_file():
            with open(devices, encoding="utf-8") as fh:
                count = max(sum(1 for _ in fh) - 1, 0)
        infos.append(ExampleInfo(name, description, count))
    return infos


def example_files(name: str) -> dict[str, bytes]:
    """The files of one example (relative path -> bytes); UsageError naming the known ones."""
    folders = _folders()
    if name not in folders:
        known = ", ".join(folders) or "none"
        raise UsageError(f"unknown example {name!r}; known examples: {known}")
    root = folders[name]
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def check_target(dest: Path | str, *, force: bool = False) -> Path:
    """The folder to write into: refused when it is a file, or non-empty without `force`."""
    target = Path(dest)
    check_output(target, folder=True)  # a symlink, device or file there is refused (exit 2)
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} is not empty; choose an empty folder or pass --force "
                         "to overwrite the files it shares with the estate")
    return target


def write_example(name: str, dest: Path | str, *, force: bool = False) -> list[Path]:
    """Copy example `name` into `dest`; returns the written files."""
    files = example_files(name)
    target = check_target(dest, force=force)
    return write_files_atomic(target, dict(files))
