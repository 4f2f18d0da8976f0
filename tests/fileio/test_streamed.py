"""Streamed outputs: made in pieces straight into the output set, still one atomic set with a
manifest, every OS error exit 2, and a failure while making a piece leaves the old set whole."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import output
from planner.output import MANIFEST, OutputError, Streamed, write_folder


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@settings(max_examples=50, deadline=None, derandomize=True)
@given(pieces=st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=40)), max_size=12))
def test_a_streamed_file_holds_its_pieces_in_order(tmp_path_factory: pytest.TempPathFactory,
                                                   pieces: list[str | bytes]) -> None:
    folder = tmp_path_factory.mktemp("streamed")
    write_folder(folder / "out", {"big.csv": Streamed(lambda: iter(pieces)), "small.txt": "x"})
    expected = b"".join(p.encode() if isinstance(p, str) else p for p in pieces)
    assert (folder / "out" / "big.csv").read_bytes() == expected
    manifest = json.loads((folder / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == ["big.csv", "small.txt"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(pieces=st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=40),
                                 st.binary(max_size=40).map(memoryview)), max_size=12),
       threaded_from=st.integers(min_value=0, max_value=60))
def test_a_file_holds_the_same_bytes_written_inline_or_by_the_writer_thread(
        tmp_path_factory: pytest.TempPathFactory, pieces: list[str | bytes | memoryview],
        threaded_from: int) -> None:
    # Small pieces are written where they are made; from the first piece of
    # THREADED_PIECE_BYTES on, a writer thread takes the rest. The bytes never depend on it.
    folder = tmp_path_factory.mktemp("threaded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "THREADED_PIECE_BYTES", threaded_from)
        write_folder(folder / "out", {"big.csv": Streamed(lambda: iter(pieces))})
    expected = b"".join(p.encode() if isinstance(p, str) else bytes(p) for p in pieces)
    assert (folder / "out" / "big.csv").read_bytes() == expected


def test_only_a_large_piece_starts_the_writer_thread(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    real_overlapped = output._write_overlapped

    def overlapped(fd: int, pieces: Iterator[bytes | memoryview]) -> int:
        started.append("thread")
        return real_overlapped(fd, pieces)

    monkeypatch.setattr(output, "_write_overlapped", overlapped)
    monkeypatch.setattr(output, "THREADED_PIECE_BYTES", 8)
    write_folder(tmp_path / "small", {"a.csv": Streamed(lambda: iter(["1234567", "x"]))})
    assert started == []
    write_folder(tmp_path / "large", {"a.csv": Streamed(lambda: iter(["1", "12345678", "9"]))})
    assert started == ["thread"]
    assert (tmp_path / "large" / "a.csv").read_text() == "1123456789"


def test_chunks_are_made_once_and_only_while_writing(tmp_path: Path) -> None:
    calls: list[str] = []

    def chunks() -> Iterator[str]:
        calls.append("made")
        yield "a,b\n"
        yield "1,2\n"

    content = Streamed(chunks)
    assert calls == []
    write_folder(tmp_path / "out", {"t.csv": content})
    assert calls == ["made"]


def test_a_failure_while_making_a_piece_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"devices.csv": "old\n", "plan.json": "{}\n"})
    before = _files(out)

    def broken() -> Iterator[str]:
        yield "half of a file\n"
        raise RuntimeError("a bug while rendering")

    with pytest.raises(RuntimeError):
        write_folder(out, {"devices.csv": Streamed(broken), "plan.json": "{\"new\": 1}\n"})
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no stage, no lock left


def test_an_os_error_while_streaming_is_an_output_error(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_folder(out, {"devices.csv": "old\n"})
    real_write = os.write
    written: list[int] = []

    def disk_fills(fd: int, data: bytes | memoryview) -> int:
        written.append(len(data))
        if len(written) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(output.os, "write", disk_fills)
    with pytest.raises(OutputError, match="disk is full"):
        write_folder(out, {"devices.csv": Streamed(lambda: (f"{i}\n" for i in range(9)))})
    monkeypatch.undo()
    assert (out / "devices.csv").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("threaded_from", [0, 1 << 30])
def test_a_failed_write_stops_the_pieces_either_way(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    threaded_from: int) -> None:
    # Pieces are written by a thread while the next is made (threaded_from 0), or inline
    # (1 GiB): either way, once a write fails no more of a (possibly huge) file is made, and
    # the error is the write's.
    made: list[int] = []

    def pieces() -> Iterator[str]:
        for i in range(10_000):
            made.append(i)
            yield f"{i}\n"

    def disk_full(fd: int, data: bytes | memoryview) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "THREADED_PIECE_BYTES", threaded_from)
    monkeypatch.setattr(output.os, "write", disk_full)
    with pytest.raises(OutputError, match="disk is full"):
        write_folder(tmp_path / "out", {"devices.csv": Streamed(pieces)})
    assert len(made) < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_large_file_has_its_writeback_started_as_it_is_finished(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A hint to the kernel, so the flush before the swap waits for less, for files in a size
    # range (a huge file's hint stalls the run); the bytes and the flush itself (_sync_all)
    # are the same either way.
    started: list[int] = []
    real_start = output._start_writeback

    def start(fd: int) -> None:
        started.append(os.fstat(fd).st_size)
        real_start(fd)

    monkeypatch.setattr(output, "_start_writeback", start)
    monkeypatch.setattr(output, "EARLY_WRITEBACK_BYTES", (1000, 2000))
    write_folder(tmp_path / "out", {"big.csv": Streamed(lambda: iter(["1" * 500, "2" * 500])),
                                    "big.txt": "x" * 1200, "small.txt": "y" * 999,
                                    "huge.txt": "z" * 2000})
    assert sorted(started) == [1000, 1200]
    assert (tmp_path / "out" / "big.csv").read_text() == "1" * 500 + "2" * 500


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs and renameat2: Linux")
def test_the_c_library_calls_are_found_in_the_process(tmp_path: Path) -> None:
    # Looked up in the running process, not by naming the library (which runs ldconfig).
    libc = output._libc()
    assert libc is not None and libc.syncfs is not None
    assert output._writeback_call() is not None
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    assert output._exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "x").read_text() == "a"
    assert list((tmp_path / "a").iterdir()) == []


@pytest.mark.parametrize("has_syncfs", [True, False])
def test_the_stage_folder_is_flushed_by_syncfs_or_on_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_syncfs: bool) -> None:
    # syncfs flushes every file and folder entry of the filesystem, the carried-over links
    # included (they are made before it), so the stage folder needs no fsync of its own; the
    # per-file fallback leaves the entries, and the folder is fsynced before the swap.
    out = tmp_path / "out"
    write_folder(out, {"plan.json": "{}\n"})
    (out / "notes.txt").write_text("mine")  # not the planner's: carried over
    flushed: list[str] = []
    real_fsync_dir = output._fsync_dir

    def fsync_dir(path: Path) -> None:
        flushed.append(Path(path).name)
        real_fsync_dir(path)

    monkeypatch.setattr(output, "_fsync_dir", fsync_dir)
    if not has_syncfs:
        monkeypatch.setattr(output, "_libc", lambda: None)
    elif not sys.platform.startswith("linux"):
        pytest.skip("syncfs: Linux")
    write_folder(out, {"plan.json": "{\"new\": 1}\n"})
    stage_flushes = [name for name in flushed if ".planner-new-" in name]
    assert len(stage_flushes) == (0 if has_syncfs else 1)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "plan.json").read_text() == "{\"new\": 1}\n"
