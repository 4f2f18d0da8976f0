"""Hostile outputs: targets that are not regular files, OS faults, locks, stale files, signals.

Each case gives exit 2 with the path and the reason, no traceback, and leaves the previous
complete output (or the new complete output), never a mix, no temporary folder, lock file or
empty folder it created.
"""

from __future__ import annotations

import errno
import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

from planner import output
from planner.output import MANIFEST, OutputError, write_file, write_folder

from ._outkit import DATE, child, leftovers, owned, refused, run, snapshot, write_estate


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_estate(tmp_path_factory.mktemp("estate"))


# --- targets that are not regular files ---------------------------------------------------------

def test_a_symlink_to_a_device_is_never_replaced(estate: Path, tmp_path: Path) -> None:
    link = tmp_path / "graph.graphml"
    link.symlink_to(os.devnull)
    refused(run("graph", str(estate), "-o", str(link)), str(link), "symlink")
    assert link.is_symlink() and os.readlink(link) == os.devnull


def test_a_device_node_is_refused(estate: Path) -> None:
    before = os.stat(os.devnull)
    refused(run("graph", str(estate), "-o", os.devnull), os.devnull, "device node")
    after = os.stat(os.devnull)
    assert (before.st_ino, before.st_rdev) == (after.st_ino, after.st_rdev)


@pytest.mark.parametrize("command", ["graph", "report", "ingest"])
def test_a_fifo_is_refused_before_any_work(estate: Path, tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    args = {"graph": ["graph", str(estate)],
            "report": ["report", str(estate), "--kind", "tradeoff", "--date", DATE],
            "ingest": ["ingest", str(tmp_path)]}[command]
    refused(run(*args, "-o", str(fifo)), str(fifo), "FIFO")
    assert fifo.is_fifo()


@pytest.mark.parametrize("command", ["plan", "runbook", "renewal"])
def test_a_symlinked_output_folder_is_refused(estate: Path, tmp_path: Path, command: str) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("mine")
    link = tmp_path / "out"
    link.symlink_to(real)
    args = {"plan": ["plan", str(estate)], "runbook": ["runbook", str(estate)],
            "renewal": ["renewal", str(estate), "--renewal-date", "2027-06-01"]}[command]
    refused(run(*args, "-o", str(link), "--date", DATE), str(link), "symlink")
    assert sorted(p.name for p in real.iterdir()) == ["keep.txt"]
    assert leftovers(tmp_path) == []


def test_a_file_where_a_folder_is_wanted(estate: Path, tmp_path: Path) -> None:
    (tmp_path / "plan").write_text("a file")
    refused(run("plan", str(estate), "-o", str(tmp_path / "plan")), "is a file")


# --- operating-system faults --------------------------------------------------------------------

def test_a_path_under_a_regular_file(estate: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "sub" / "plan"
    refused(run("plan", str(estate), "-o", str(target), "--date", DATE), "Not a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_name_too_long(estate: Path, tmp_path: Path) -> None:
    target = tmp_path / ("x" * 300) / "plan"
    refused(run("plan", str(estate), "-o", str(target), "--date", DATE), "name too long")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EDQUOT])
def test_write_faults_are_exit_2_and_change_nothing(estate: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    code: int) -> None:
    out = tmp_path / "deep" / "plan"
    real = output._write_new
    calls: list[Path] = []

    def failing(path: Path, data: bytes, mode: int, sync: bool = True) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(code, os.strerror(code), str(path))
        real(path, data, mode, sync=sync)

    monkeypatch.setattr(output, "_write_new", failing)
    refused(run("plan", str(estate), "-o", str(out), "--date", DATE), os.strerror(code))
    assert list(tmp_path.iterdir()) == [], "an empty folder or a temporary file was left"


def test_a_failed_swap_keeps_the_previous_set(estate: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "plan"
    assert run("plan", str(estate), "-o", str(out), "--date", DATE).exit_code == 0
    before = snapshot(out)

    def full(a: Path, b: Path) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(b))

    monkeypatch.setattr(output, "_exchange", full)
    refused(run("plan", str(estate), "-o", str(out), "--date", "2027-01-01"), str(out))
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_read_only_single_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def readonly(path: Path, data: bytes, mode: int, sync: bool = True) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(output, "_write_new", readonly)
    with pytest.raises(OutputError, match="read-only"):
        write_file(tmp_path / "new" / "a.txt", "x")
    assert list(tmp_path.iterdir()) == []


# --- ownership: stale files go, foreign files stay ---------------------------------------------

def _move_first_device(estate: Path) -> tuple[str, str, str]:
    """Move the first device to another site; (hostname, old site, new site)."""
    devices = estate.parent / "devices.csv"
    lines = devices.read_text().splitlines()
    header = lines[0].split(",")
    h, s = header.index("hostname"), header.index("site")
    sites = sorted({line.split(",")[s] for line in lines[1:]})
    row = lines[1].split(",")
    old = row[s]
    new = next(x for x in sites if x != old)
    row[s] = new
    lines[1] = ",".join(row)
    devices.write_text("\n".join(lines) + "\n")
    return row[h], old, new


def test_runbook_rerun_after_a_device_moved(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    out = tmp_path / "rb"
    assert run("runbook", str(estate), "-o", str(out), "--date", DATE).exit_code == 0
    (out / "notes.txt").write_text("the operator's own notes")
    host, old, new = _move_first_device(estate)
    old_files = {p.relative_to(out).as_posix() for p in out.rglob(f"{host}.txt")}
    assert old_files, "the device had a command file"
    assert run("runbook", str(estate), "-o", str(out), "--date", DATE).exit_code == 0
    now = {p.relative_to(out).as_posix() for p in out.rglob(f"{host}.txt")}
    assert len(now) == 1 and now != old_files, (old_files, now)
    assert all(old not in path and new in path for path in now), (old, new, now)
    assert (out / "notes.txt").read_text() == "the operator's own notes"
    assert leftovers(tmp_path) == []


def test_runbook_folder_reused_for_another_estate(tmp_path: Path) -> None:
    one = write_estate(tmp_path / "one", seed=4)
    two = write_estate(tmp_path / "two", devices=12, sites=3, seed=9)
    out = tmp_path / "rb"
    assert run("runbook", str(one), "-o", str(out), "--date", DATE).exit_code == 0
    assert run("runbook", str(two), "-o", str(out), "--date", DATE).exit_code == 0
    fresh = tmp_path / "fresh"
    assert run("runbook", str(two), "-o", str(fresh), "--date", DATE).exit_code == 0
    assert owned(out) == owned(fresh), "files of the first estate survived"


def test_foreign_files_are_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    (out / "sub").mkdir()
    (out / "sub" / "deep.txt").write_text("deep")
    write_folder(out, {"a.txt": "1", "sub/b.txt": "2"})
    write_folder(out, {"c.txt": "3"})
    assert snapshot(out) == {"mine.txt": b"mine", "sub/deep.txt": b"deep", "c.txt": b"3",
                             MANIFEST: snapshot(out)[MANIFEST]}


# --- locks and concurrency ---------------------------------------------------------------------

def test_a_second_run_waits_then_names_the_holder(estate: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    lock = output._Lock(out)
    lock.acquire()
    try:
        started = time.monotonic()
        result = run("plan", str(estate), "-o", str(out), "--date", DATE,
                     env={"PLANNER_LOCK_WAIT": "0.3"})
        waited = time.monotonic() - started
    finally:
        lock.release()
    refused(result, f"pid {os.getpid()}", "another planner run")
    assert waited >= 0.3
    assert not out.exists() and leftovers(tmp_path) == []


_CONCURRENT = textwrap.dedent("""
    import sys, time
    from planner import output
    real = output._write_new
    def slow(path, data, mode, sync=True):
        time.sleep(0.02)
        real(path, data, mode, sync=sync)
    output._write_new = slow
    tag = sys.argv[2]
    files = {f"f{i:02d}.txt": f"{tag} {i}\\n" for i in range(20)}
    files[f"only-{tag}.txt"] = tag
    output.write_folder(sys.argv[1], files)
""")


def test_concurrent_runs_leave_one_complete_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env_wait = os.environ.get("PLANNER_LOCK_WAIT")
    os.environ["PLANNER_LOCK_WAIT"] = "20"
    try:
        procs = [child(_CONCURRENT, str(out), tag) for tag in ("A", "B", "C")]
        codes = [p.wait(60) for p in procs]
    finally:
        if env_wait is None:
            del os.environ["PLANNER_LOCK_WAIT"]
        else:
            os.environ["PLANNER_LOCK_WAIT"] = env_wait
    assert codes == [0, 0, 0], [p.stderr.read() for p in procs if p.stderr]
    files = owned(out)
    tags = {v.split()[0] for k, v in ((k, v.decode()) for k, v in files.items())}
    assert len(tags) == 1, "a mix of two runs"
    assert len(files) == 21 and leftovers(tmp_path) == []


# --- signals -----------------------------------------------------------------------------------

_SLOW_PLAN = textwrap.dedent("""
    import sys, time
    from planner import output
    from planner.cli import main
    real_write, real_exchange = output._write_new, output._exchange
    stage = sys.argv[3]
    def slow_write(path, data, mode, sync=True):
        if stage == "write":
            print("writing", flush=True)
            time.sleep(30)
        real_write(path, data, mode, sync=sync)
    def slow_exchange(a, b):
        if stage == "swap":
            print("writing", flush=True)
            time.sleep(1.5)
        return real_exchange(a, b)
    output._write_new, output._exchange = slow_write, slow_exchange
    main(["plan", sys.argv[1], "-o", sys.argv[2], "--date", "2027-01-01"])
""")


@pytest.mark.parametrize("stage", ["write", "swap"])
def test_sigterm_leaves_the_old_or_the_new_complete_set(estate: Path, tmp_path: Path,
                                                        stage: str) -> None:
    out = tmp_path / "plan"
    assert run("plan", str(estate), "-o", str(out), "--date", DATE).exit_code == 0
    before = snapshot(out)
    proc = child(_SLOW_PLAN, str(estate), str(out), stage)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"writing"
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(60)
    err = proc.stderr.read().decode()
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "terminated" in err
    after = snapshot(out)
    if stage == "write":
        assert after == before
    else:  # the swap was under way: it completes, then the signal is honoured
        assert after != before and set(after) == set(before), err
        assert all(b"2027-01-01" in after[k] for k in ("plan.json", "summary.txt"))
    assert leftovers(tmp_path) == []


# --- the current folder -------------------------------------------------------------------------

def test_the_current_folder_is_replaced_in_place(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "here"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    monkeypatch.chdir(out)
    inode = os.stat(".").st_ino
    write_folder(".", {"a.txt": "1", "sub/b.txt": "2"})
    write_folder(".", {"a.txt": "3"})
    assert os.stat(os.getcwd()).st_ino == inode, "the shell's folder was swapped away"
    assert owned(out) == {"a.txt": b"3", "mine.txt": b"mine"} and not (out / "sub").exists()
    assert leftovers(tmp_path) == []


def test_a_failed_rename_in_the_current_folder_restores_it(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    write_folder(".", {"a.txt": "old a", "b.txt": "old b", "c.txt": "old c"})
    before = snapshot(out)
    real = os.replace
    calls: list[str] = []

    def failing(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OutputError, match="No space left"):
        write_folder(".", {"a.txt": "new a", "b.txt": "new b", "c.txt": "new c", "d.txt": "d"})
    assert snapshot(out) == before and leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_standard_output_is_exit_2(estate: Path) -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "planner", "graph", str(estate),
                               "--format", "json"], stdout=full, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
                              timeout=120, check=False)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "No space left on device" in err and "Traceback" not in err
