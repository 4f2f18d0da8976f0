"""Hostile inputs, files: FIFOs, device nodes and symlinks to them, paths outside the estate's
folder, and every input opened exactly once (the bytes parsed are the bytes hashed).

A FIFO used to hang the loader forever (it opened the estate file twice, once to hash it) and
/dev/zero exhausted memory (the size cap trusted stat(), which says 0 for a device). These runs
go through a child process with a timeout, so a regression fails the test instead of hanging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner import fileio
from planner.loader import load_estate
from planner.problems import InputError
from tests.hostile._inkit import DATE, assert_refused, validate, write_estate

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def _cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})


def _refused(proc: subprocess.CompletedProcess[str], *where: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    for fragment in where:
        assert fragment in proc.stderr, proc.stderr


def test_fifo_as_estate_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "estate.yaml"
    os.mkfifo(fifo)
    _refused(_cli("validate", str(fifo), "--date", DATE), "estate.yaml", "FIFO")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link", "dev-null-link"])
def test_special_files_as_inventory_are_refused(tmp_path: Path, kind: str) -> None:
    estate = write_estate(tmp_path / "e")
    target = estate.parent / "devices.csv"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero" if kind == "dev-zero-link" else "/dev/null")
        # Allowed outside the folder, so it is the special-file check that must refuse it.
        estate.write_text(estate.read_text("utf-8") + "outside_paths: allow\n", "utf-8")
    out = tmp_path / "out"
    _refused(_cli("plan", str(estate), "-o", str(out), "--date", DATE), "devices.csv",
             "not a regular file")
    assert not out.exists()


def test_fifo_inside_an_evidence_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    captures = estate.parent / "captures"
    captures.mkdir()
    os.mkfifo(captures / "sw-hq-01.txt")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  evidence: [captures]\n"), "utf-8")
    proc = _cli("validate", str(estate), "--date", DATE)
    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "sw-hq-01.txt" in proc.stderr and "not a regular file" in proc.stderr


def test_size_cap_is_enforced_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(InputError) as caught:
        fileio.read_input(big, "big.csv", max_bytes=4096)
    assert "larger than 4096 bytes" in str(caught.value)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        fileio.read_input(link, "zero.csv", max_bytes=4096)


@pytest.mark.parametrize("rel", ["../outside.csv", "/etc/hostname", "link/devices.csv"])
def test_paths_outside_the_estate_folder_are_refused_unless_allowed(tmp_path: Path,
                                                                    rel: str) -> None:
    estate = write_estate(tmp_path / "e")
    (tmp_path / "outside.csv").write_text((estate.parent / "devices.csv").read_text("utf-8"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "devices.csv").write_text((estate.parent / "devices.csv").read_text("utf-8"))
    (estate.parent / "link").symlink_to(elsewhere)
    text = estate.read_text("utf-8").replace("devices: [devices.csv]", f"devices: [{rel}]")
    estate.write_text(text, "utf-8")
    assert_refused(validate(estate), "estate.yaml:", "outside the estate file's folder")
    if rel != "/etc/hostname":
        estate.write_text(text + "outside_paths: allow\n", "utf-8")
        result = validate(estate)
        assert result.exit_code == 0, result.output


def test_every_input_is_opened_once_and_hashed_from_what_was_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    estate = write_estate(tmp_path / "e")
    captures = estate.parent / "captures"
    captures.mkdir()
    fixture = Path(__file__).parents[1] / "evidence" / "fixtures" / "site-hq" / "sw-hq-01.txt"
    (captures / "sw-hq-01.txt").write_bytes(fixture.read_bytes())
    devices = estate.parent / "devices.csv"
    header = devices.read_text("utf-8").split("\n")[0].split(",")
    row = {"hostname": "sw-hq-01", "pid": "C9300-48P", "serial": "FOC2233X0AB", "site": "HQ",
           "virtual_account": "Campus-Network"}
    with devices.open("a", encoding="utf-8") as fh:
        fh.write(",".join(row.get(c, "") for c in header) + "\n")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  evidence: [captures]\n"), "utf-8")
    opened: list[str] = []
    real_open = os.open

    def counting_open(path: object, *args: object, **kwargs: object) -> int:
        opened.append(Path(str(path)).name)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", counting_open)
    try:
        result = load_estate(estate)
    except InputError as exc:  # the capture's device is in no inventory: fine for this test
        raise AssertionError(str(exc)) from None
    for name in ("estate.yaml", "devices.csv", "entitlements.csv", "sw-hq-01.txt"):
        assert opened.count(name) == 1, (name, opened)
    digests = {s.path: s.sha256 for s in result.estate.sources}
    import hashlib
    for rel in ("devices.csv", "captures/sw-hq-01.txt"):
        assert digests[rel] == hashlib.sha256((estate.parent / rel).read_bytes()).hexdigest()
