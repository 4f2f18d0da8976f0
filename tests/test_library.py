"""The library API: `planner` re-exports what a script needs, and the example in
docs/library.md runs as written against a bundled example estate."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import planner
from planner.resources import examples_dir

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def test_every_public_name_resolves_and_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for name in planner.__all__:
        assert getattr(planner, name) is not None
        if name != "__version__":
            assert f"`{name}" in doc, f"{name} is exported but docs/library.md does not say so"


def test_the_documented_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    shutil.copytree(examples_dir() / "utility", tmp_path / "demo")
    done = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "optimal" in done.stdout and "runbook files" in done.stdout
    assert (tmp_path / "demo" / "plan" / "plan.json").is_file()
    assert (tmp_path / "demo" / "pack.md").read_text(encoding="utf-8").startswith("#")
