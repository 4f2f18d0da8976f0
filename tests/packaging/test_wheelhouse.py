"""The air-gapped install path works as the README says: scripts/wheelhouse.py builds the
project's wheel and every dependency with hashes, and a fresh virtual environment installs
from that folder alone, with pip cut off from every index (no index, no configuration files,
an unroutable proxy). pipx installs the same wheel from the same folder.

Building the wheelhouse needs the package index once (pip's cache makes reruns quick).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

UNROUTABLE = "http://127.0.0.1:9"  # the discard port: any network attempt fails at once


def _offline_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PIPX_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "HTTPS_PROXY": UNROUTABLE,
                "HTTP_PROXY": UNROUTABLE, "https_proxy": UNROUTABLE,
                "http_proxy": UNROUTABLE, **extra})
    return env


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "wheelhouse.py"), "-o",
                            str(out)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    return out


def test_requirements_pin_every_wheel_with_its_hash(wheelhouse: Path) -> None:
    lines = (wheelhouse / "requirements.txt").read_text().splitlines()
    wheels = list(wheelhouse.glob("*.whl"))
    assert len(lines) == len(wheels) > 5
    assert all("==" in line and " --hash=sha256:" in line for line in lines)
    names = {line.split("==")[0] for line in lines}
    assert {"offline-licence-planner", "click", "highspy", "numpy", "pyarrow", "pulp",
            "pip"} <= names


def test_fresh_venv_installs_from_the_wheelhouse_offline(wheelhouse: Path,
                                                         tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    env = _offline_env()
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--find-links", str(wheelhouse),
         "--require-hashes", "-r", str(wheelhouse / "requirements.txt")],
        env=env, capture_output=True, text=True, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    planner = str(env_dir / "bin" / "planner")
    version = subprocess.run([planner, "--version"], env=env, capture_output=True, text=True,
                             cwd=tmp_path)
    assert version.returncode == 0 and "planner, version" in version.stdout
    listing = subprocess.run([planner, "example", "--list"], env=env, capture_output=True,
                             text=True, cwd=tmp_path)
    assert listing.returncode == 0 and "federal-agency" in listing.stdout
    where = subprocess.run([python, "-c", "import planner; print(planner.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(env_dir) in where  # from the wheelhouse, not this checkout


@pytest.mark.skipif(importlib.util.find_spec("pipx") is None, reason="pipx is not installed")
def test_pipx_installs_the_wheel_from_the_wheelhouse_offline(wheelhouse: Path,
                                                             tmp_path: Path) -> None:
    (wheel,) = wheelhouse.glob("offline_licence_planner-*.whl")
    home = tmp_path / "pipx"
    env = _offline_env(PIP_FIND_LINKS=str(wheelhouse), PIPX_HOME=str(home),
                       PIPX_BIN_DIR=str(home / "bin"), PIPX_MAN_DIR=str(home / "man"))
    done = subprocess.run([sys.executable, "-m", "pipx", "install", str(wheel)], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]
    version = subprocess.run([str(home / "bin" / "planner"), "--version"], env=env,
                             capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and "planner, version" in version.stdout
