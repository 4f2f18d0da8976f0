"""The built wheel installs into a fresh virtual environment and works from an empty folder.

This is what a user on a fresh machine gets: the wheel must carry models/, templates/ and
examples/ (force-included under planner/_data) and find them without the source checkout.
The fresh environment borrows the already-installed dependencies through a .pth file so the
test stays offline and fast; the planner package itself comes only from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (built,) = out.glob("offline_licence_planner-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)
    env_python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(env_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # Dependencies come from this interpreter's site-packages, added after the fresh ones.
    Path(purelib, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(purelib)
    # The console script is what a user types; write it as pip would.
    script = env_dir / "bin" / "planner"
    script.write_text(f"#!{env_python}\nfrom planner.cli import main\nmain()\n")
    script.chmod(0o755)
    return env_dir


def test_wheel_carries_data_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("models", "templates", "examples"):
        assert any(n.startswith(f"planner/_data/{folder}/") for n in names), folder
    assert "planner/_data/models/licences.yaml" in names


def test_installed_cli_runs_from_empty_folder(fresh_env: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    planner = str(fresh_env / "bin" / "planner")
    version = subprocess.run([planner, "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=True)
    assert "planner, version" in version.stdout
    where = subprocess.run(
        [str(fresh_env / "bin" / "python"), "-c", "import planner; print(planner.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert str(fresh_env) in where, "planner must come from the wheel, not the checkout"
    listing = subprocess.run([planner, "example", "--list"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    assert "federal-agency" in listing.stdout
    made = subprocess.run([planner, "example", "federal-agency", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([planner, "validate", "demo/estate.yaml"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
