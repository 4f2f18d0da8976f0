#!/usr/bin/env python3
"""Build an offline wheelhouse: planner's wheel and every dependency, pinned with hashes.

    python scripts/wheelhouse.py -o wheelhouse
    python scripts/wheelhouse.py -o wheelhouse --python-version 3.12 --platform manylinux2014_x86_64

Run it on a machine that can reach a package index (the target Python and platform default to
this machine's). Carry the folder across the air gap and install with:

    python3 -m venv venv && . venv/bin/activate
    pip install --no-index --find-links wheelhouse --require-hashes -r wheelhouse/requirements.txt

or, with pipx:

    export PIP_NO_INDEX=1 PIP_FIND_LINKS=$PWD/wheelhouse
    pipx install wheelhouse/offline_licence_planner-*.whl

Uses only the standard library and pip, so it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def _target(args: argparse.Namespace) -> list[str]:
    """pip download's target options: only binary wheels for that Python and platform."""
    if not (args.python_version or args.platform):
        return ["--only-binary=:all:"]
    options = ["--only-binary=:all:", "--implementation", "cp"]
    if args.python_version:
        options += ["--python-version", args.python_version]
    if args.platform:
        options += ["--platform", args.platform]
    return options


def requirements(folder: Path) -> str:
    """`name==version --hash=sha256:...` for every wheel in the folder, sorted by name."""
    lines = []
    for wheel in sorted(folder.glob("*.whl"), key=lambda p: p.name.lower()):
        match = WHEEL_NAME.match(wheel.name)
        if match is None:
            raise SystemExit(f"wheelhouse: cannot read the name of {wheel.name}")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        name = match["name"].replace("_", "-").lower()
        lines.append(f"{name}=={match['version']} --hash=sha256:{digest}")
    names = [line.split("==")[0] for line in lines]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SystemExit(f"wheelhouse: more than one version of {', '.join(dupes)} in "
                         f"{folder}; start from an empty folder")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("wheelhouse"),
                        help="folder for the wheels and requirements.txt (default: wheelhouse)")
    parser.add_argument("--python-version", default="",
                        help=f"target Python, e.g. 3.11 (default: this one, "
                             f"{platform.python_version()})")
    parser.add_argument("--platform", default="",
                        help=f"target platform tag, e.g. manylinux2014_x86_64 (default: this "
                             f"one, {sysconfig.get_platform()})")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="the planner checkout or sdist to build (default: this checkout)")
    args = parser.parse_args(argv)
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("offline_licence_planner-*.whl"):
        old.unlink()  # a rebuilt wheel of the same version replaces the old one
    _pip("wheel", "--no-deps", "--wheel-dir", str(out), str(args.project))
    (built,) = out.glob("offline_licence_planner-*.whl")
    _pip("download", "--dest", str(out), *_target(args), str(built))
    # pip itself rides along: pipx installs from the wheelhouse only with a recent pip, and a
    # fresh venv gets the same pip as the machine that built the wheelhouse.
    _pip("download", "--dest", str(out), "--no-deps", *_target(args), "pip")
    (out / "requirements.txt").write_text(requirements(out), encoding="utf-8")
    print(f"wheelhouse: {len(list(out.glob('*.whl')))} wheels and requirements.txt in {out}; "
          f"install with: pip install --no-index --find-links {out} --require-hashes "
          f"-r {out / 'requirements.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
