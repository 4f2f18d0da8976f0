"""The one way the planner writes files: whole output sets, swapped in as one step.

Every command that writes files goes through `write_folder` (a set of files under an output
folder) or `write_file` (one file named by `-o`). Both promise the same things:

- Only regular files and real folders are written. An existing target that is a symlink, a
  device node, a FIFO or a socket is refused (exit 2), so `-o /dev/null` never replaces
  /dev/null and a symlink never redirects a write.
- A reader sees the previous complete output or the new complete output, never a mix. A folder
  is built in full in a temporary sibling folder and exchanged with the old one in a single
  rename (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames with signals held off); a
  file is written beside its target and renamed over it.
- One writer at a time per target: an exclusive lock file beside the target names its holder;
  a second run waits `PLANNER_LOCK_WAIT` seconds (default 5) and then exits 2 naming it.
- The planner owns what it wrote, and only that. A folder's `.planner-outputs.json` lists the
  files of the last run; those are replaced whole (no stale file survives a rerun), while any
  other file in the folder is carried over untouched (hard-linked into the new folder).
- Every OS error (read-only filesystem, full disk, a path under a regular file, a name too
  long, permission) is an `OutputError` (exit 2) naming the path and the reason, and leaves no
  temporary folder, lock file or folder the run created behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import itertools
import json
import os
import queue
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.problems import PlannerError

MANIFEST = ".planner-outputs.json"
MANIFEST_SCHEMA = "planner.outputs/1"
LOCK_WAIT_SECONDS = 5.0
_STAGE_TAG = ".planner-new-"
_OLD_TAG = ".planner-old-"
_LOCK_SUFFIX = ".planner-lock"
_RENAME_EXCHANGE = 2  # linux/fs.h


class OutputError(PlannerError):
    """An output could not be written: the path and the operating system's reason."""


Bytes = bytes | memoryview  # UTF-8 bytes, or a view of them (a pyarrow buffer's, not copied)
Piece = str | Bytes


@dataclass(frozen=True, slots=True)
class Streamed:
    """A file's content made in pieces while it is written (a million-row devices.csv), so it is
    never held whole: `chunks()` is called once, inside the output set being built, and each
    piece goes straight to the file's temporary copy. An error while making a piece fails the
    whole set like any other: the previous set stays untouched."""

    chunks: Callable[[], Iterable[Piece]]


Content = str | bytes | Streamed


def describe(exc: OSError, path: Path | str | None = None) -> str:
    """`path: reason` for an OS error, with a hint for the reasons people meet most."""
    target = path if path is not None else exc.filename
    where = f"{target}: " if target else "standard output or an open file: "
    reason = exc.strerror or str(exc)
    hints = {errno.ENOTDIR: " (a part of the path is a file, not a folder)",
             errno.EROFS: " (the filesystem is mounted read-only)",
             errno.ENOSPC: " (the disk is full)", errno.EDQUOT: " (the disk quota is used up)",
             errno.ENAMETOOLONG: " (choose a shorter path)",
             errno.EACCES: " (no permission)", errno.EPERM: " (not permitted)"}
    return f"{where}{reason}{hints.get(exc.errno or 0, '')}"


def _fail(exc: OSError, path: Path | str | None = None) -> OutputError:
    return OutputError(f"cannot write {describe(exc, path)}; nothing was changed")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _absolute(path: Path | str) -> Path:
    """The absolute path without resolving its last part (a symlink there must be seen)."""
    return Path(os.path.abspath(os.fspath(path)))


def check_target(path: Path | str, *, folder: bool) -> Path:
    """Refuse a target that is not a real folder / regular file (or absent); the absolute path.

    Called before any work is done, so `-o /dev/null` fails in a second, not after a solve.
    """
    target = _absolute(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise _fail(exc, target) from None
    kind = _kind(info.st_mode)
    if folder and kind != "folder":
        raise OutputError(f"cannot write {target}: it is {_article(kind)}, not a folder; "
                          "give a folder path")
    if not folder and kind != "file":
        raise OutputError(f"cannot write {target}: it is {_article(kind)}, not a regular file; "
                          "the planner writes only regular files")
    return target


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device node"


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiouAEIOUF" else f"a {kind}"


# --- signals ----------------------------------------------------------------------------------

@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM off for a few system calls that must not be split (the swap);
    a signal that arrives meanwhile is acted on right after.

    Masking alone is not enough: the solver's worker threads leave the signals unblocked, and
    Python runs its handlers in the main thread whichever thread received them. So the Python
    handlers are swapped for one that only records the signal, then restored and called.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def record(signum: int, frame: object) -> None:
        caught.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, record) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in dict.fromkeys(caught):
            handler = previous[signal.Signals(number)]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


# --- the lock ---------------------------------------------------------------------------------

def _wait_seconds() -> float:
    text = os.environ.get("PLANNER_LOCK_WAIT", "")
    try:
        value = float(text) if text else LOCK_WAIT_SECONDS
    except ValueError:
        return LOCK_WAIT_SECONDS
    return value if 0 <= value < 3600 else LOCK_WAIT_SECONDS


class _Lock:
    """An exclusive flock on `.NAME.planner-lock` beside the target, holding the holder's name.

    The file is removed on release; a waiter that locked a file removed meanwhile retries on
    the new one (lock, then check the path still names the locked file).
    """

    def __init__(self, target: Path) -> None:
        self.path = target.parent / f".{target.name}{_LOCK_SUFFIX}"
        self.target = target
        self.fd: int | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + _wait_seconds()
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
                             0o644)
            except OSError as exc:
                raise _fail(exc, self.path) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"cannot write {self.target}: another planner run is writing it "
                        f"({holder or 'holder unknown'}; lock {self.path}); try again when it "
                        "has finished") from None
                time.sleep(0.05)
                continue
            except OSError as exc:
                os.close(fd)
                raise _fail(exc, self.path) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # released and removed between our open and our lock
                os.close(fd)
                continue
            self.fd = fd
            try:
                os.ftruncate(fd, 0)
                os.write(fd, f"pid {os.getpid()} on {os.uname().nodename}\n".encode())
            except OSError as exc:
                self.release()
                raise _fail(exc, self.path) from None
            return

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


# --- folders the run creates ------------------------------------------------------------------

def _make_parents(folder: Path) -> list[Path]:
    """Create `folder` and missing parents; the ones created, deepest last."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        if probe.is_symlink():
            raise OutputError(f"cannot write {folder}: {probe} is a dangling symlink")
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            os.mkdir(path)
            created.append(path)
    except OSError as exc:
        _remove_empty(created)
        raise _fail(exc, exc.filename or folder) from None
    if not folder.is_dir():
        raise OutputError(f"cannot write under {folder}: it is not a folder")
    return created


def _remove_empty(created: list[Path]) -> None:
    for path in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(path)


# --- the writers ------------------------------------------------------------------------------

def _encode(content: Piece) -> Bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _pieces(content: Content) -> Iterator[Bytes]:
    if isinstance(content, Streamed):
        for piece in content.chunks():
            yield _encode(piece)
    else:
        yield _encode(content)


def _write_fully(fd: int, data: Bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# The size of a piece from which the rest of a file is written by a writer thread. Below it a
# piece is written where it is made: copying a few megabytes into the page cache takes about a
# millisecond, less than starting a thread and handing pieces over (measured at 10k devices:
# plan.json and devices.csv are one piece each, 2-3 MB, and the thread cost ~6 ms a run).
THREADED_PIECE_BYTES = 4 << 20


def _write_streamed(fd: int, pieces: Iterator[Bytes]) -> int:
    """Write `pieces` to `fd`; the number of bytes written. Small pieces are written as they
    come; from the first piece of THREADED_PIECE_BYTES on, a writer thread writes each piece
    while the next is being made (`_write_overlapped`). Either way the file holds the same
    bytes."""
    written = 0
    for data in pieces:
        if len(data) >= THREADED_PIECE_BYTES:
            return written + _write_overlapped(fd, itertools.chain((data,), pieces))
        _write_fully(fd, data)
        written += len(data)
    return written


_END = None  # what the maker hands the writer thread last


def _write_overlapped(fd: int, pieces: Iterator[Bytes]) -> int:
    """Write `pieces` to `fd`, each while the next is being made: a writer thread takes them
    one at a time (os.write runs without the GIL, the pieces' makers mostly in pyarrow and
    numpy), so a second core copies a large file into the page cache while the first makes
    the next piece. At most one finished piece waits, so memory stays one piece ahead.

    An error on either side stops both: a piece that cannot be made propagates once the
    thread has finished the write in hand; a write that fails (a full disk) is raised here.
    Returns the number of bytes written.
    """
    ready: queue.Queue[Bytes | None] = queue.Queue(maxsize=1)
    failed: list[OSError] = []
    written = 0

    def drain() -> None:
        while (data := ready.get()) is not _END:
            if not failed:  # after a failure keep taking pieces, so the maker never blocks
                try:
                    _write_fully(fd, data)
                except OSError as exc:
                    failed.append(exc)

    writer = threading.Thread(target=drain, name="planner-writer", daemon=True)
    writer.start()
    try:
        for data in pieces:
            if failed:
                break
            if len(data):
                ready.put(data)
                written += len(data)
    finally:
        ready.put(_END)
        writer.join()
    if failed:
        raise failed[0]
    return written


def _write_new(path: Path, content: Content, mode: int, *, sync: bool = True) -> None:
    """Create `path` (never an existing file or a symlink) holding `content`, piece by piece
    when it is Streamed; `sync=False` leaves the flush to one `_sync_all` for a whole set
    (thousands of fsyncs cost seconds), after starting a large file's writeback."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)  # the umask already applied; fchmod makes it exact
        if isinstance(content, Streamed):
            written = _write_streamed(fd, _pieces(content))
        else:
            data = _encode(content)
            _write_fully(fd, data)
            written = len(data)
        if sync:
            os.fsync(fd)
        elif EARLY_WRITEBACK_BYTES[0] <= written < EARLY_WRITEBACK_BYTES[1]:
            _start_writeback(fd)
    finally:
        os.close(fd)


# A file of this many bytes (from, up to) written into a set has its writeback started at
# once, so the disk writes it while the next files are made and the flush before the swap
# waits for less (10k devices, 2-3 MB files: syncfs 5.2 -> 1.8 ms). Small files are left to
# the flush. Larger ones too: starting the writeback of hundreds of megabytes blocks until
# most of it is queued to the disk, which stalls making the next file (1M devices: write
# stage 2.9 -> 3.6-4.3 s with the hint on every file).
EARLY_WRITEBACK_BYTES = (1 << 20, 16 << 20)
_SYNC_FILE_RANGE_WRITE = 2  # linux/fs.h: start writeback of the range's dirty pages, no wait


def _start_writeback(fd: int) -> None:
    """Start writing `fd`'s dirty pages to disk without waiting (Linux sync_file_range). A
    hint: it guarantees nothing and its failure changes nothing; `_sync_all` is what makes
    the set durable."""
    start = _writeback_call()
    if start is not None:
        start(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


@functools.cache
def _writeback_call() -> Any:
    libc = _libc()
    call = getattr(libc, "sync_file_range", None) if libc is not None else None
    if call is not None:
        import ctypes

        call.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    return call


@functools.cache
def _libc() -> Any:
    """The C library's functions the os module lacks (syncfs, renameat2), or None. They are
    looked up in the running process (dlopen(NULL)), which has the C library loaded: naming
    it with ctypes.util.find_library would run ldconfig, ~7 ms a swap."""
    import ctypes  # only here: most commands never write a folder

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _sync_all(folder: Path, paths: list[Path]) -> bool:
    """Flush a freshly written set to disk before it is swapped in: one syncfs(2) of the
    filesystem where Linux has it (True: every file and folder entry on it is on disk), else
    an fsync per file (False: the folder's entries are still to flush)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        libc = _libc()
        if libc is not None and getattr(libc, "syncfs", None) is not None and libc.syncfs(fd) == 0:
            return True
        for path in paths:
            file_fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fsync(file_fd)
            finally:
                os.close(file_fd)
        return False
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_relative(rel: str) -> None:
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"output name {rel!r} is not a plain relative path")


def write_file(path: Path | str, content: Content) -> Path:
    """Write one regular file: the previous content or the new content, never a half."""
    target = check_target(path, folder=False)
    if not target.name:
        raise OutputError(f"cannot write {path}: not a file name")
    created = _make_parents(target.parent)
    lock = _Lock(target)
    try:
        lock.acquire()
        check_target(target, folder=False)  # again, now that no other run can change it
        _sweep(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{_STAGE_TAG}", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)
        try:
            _write_new(Path(tmp), content, 0o666 & ~_umask())
            with signals_held():
                os.replace(tmp, target)
                _fsync_dir(target.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        lock.release()
        _remove_empty(created)
        raise _fail(exc, exc.filename or target) from None
    except BaseException:
        lock.release()
        _remove_empty(created)
        raise
    lock.release()
    return target


def owned_files(folder: Path) -> set[str]:
    """The files the planner wrote in `folder` last time (its manifest), or none."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = doc.get("files") if isinstance(doc, dict) else None
    if doc.get("schema") != MANIFEST_SCHEMA or not isinstance(files, list):
        return set()
    return {f for f in files if isinstance(f, str)}


def _manifest(files: Mapping[str, object]) -> bytes:
    doc = {"schema": MANIFEST_SCHEMA,
           "note": "files written by planner; a rerun replaces them, other files are kept",
           "files": sorted(files)}
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _carry_over(old: Path, new: Path, skip: set[str], rel: str = "") -> None:
    """Hard-link every entry of `old` not in `skip` (nor written anew) into `new`."""
    with os.scandir(old) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = f"{rel}{entry.name}"
            if name in skip or name == MANIFEST:
                continue
            dest = new / entry.name
            if entry.is_symlink():
                if not os.path.lexists(dest):
                    os.symlink(os.readlink(entry.path), dest)
            elif entry.is_dir(follow_symlinks=False):
                if os.lstat(entry.path).st_dev != os.lstat(old).st_dev:
                    raise OutputError(f"cannot replace {old}: {entry.path} is another "
                                      "filesystem mounted inside it; choose another folder")
                if not dest.exists():
                    os.mkdir(dest)
                    shutil.copymode(entry.path, dest)
                elif not dest.is_dir():
                    continue  # the new output has a file there; the planner's name wins
                _carry_over(Path(entry.path), dest, skip, f"{name}/")
            elif entry.is_file(follow_symlinks=False):
                if os.path.lexists(dest):
                    continue
                try:
                    os.link(entry.path, dest)
                except OSError:
                    shutil.copy2(entry.path, dest)
            else:
                raise OutputError(f"cannot replace {old}: it holds {entry.path}, which is not "
                                  "a regular file; choose another folder")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call; False where the system cannot."""
    import ctypes  # only here: most commands never swap a folder

    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc is not None else None
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(stage: Path, target: Path) -> None:
    """Put `stage` at `target` in one step; the old folder (if any) is removed after."""
    with signals_held():
        if not os.path.lexists(target):
            os.rename(stage, target)
        elif _exchange(stage, target):
            _fsync_dir(target.parent)
            shutil.rmtree(stage)
        else:
            old = target.parent / f".{target.name}{_OLD_TAG}{os.getpid()}"
            os.rename(target, old)
            try:
                os.rename(stage, target)
            except BaseException:
                os.rename(old, target)
                raise
            shutil.rmtree(old)
        _fsync_dir(target.parent)


def _sweep(target: Path) -> None:
    """Under the lock: finish what a killed run left (restore a folder it had moved aside,
    remove its temporary siblings)."""
    prefix = f".{target.name}"
    with os.scandir(target.parent) as entries:
        leftovers = sorted(e.path for e in entries if e.name.startswith(prefix)
                           and (_STAGE_TAG in e.name or _OLD_TAG in e.name))
    for path in leftovers:
        if _OLD_TAG in path and not os.path.lexists(target):
            os.rename(path, target)  # a run killed between its two renames: put it back
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def _holds_cwd(target: Path) -> bool:
    """Whether the process works in `target` or below it: swapping that folder would leave the
    shell that started the planner in a deleted folder."""
    try:
        cwd = Path(os.path.realpath(os.getcwd()))
    except OSError:
        return False
    real = Path(os.path.realpath(target))
    return cwd == real or real in cwd.parents


def _move_in(stage: Path, target: Path, names: list[str], stale: set[str]) -> None:
    """The fallback for a folder that holds the current folder: rename each staged file into
    place, restoring every replaced file if any rename fails, then drop the stale owned files.
    A reader may see a mix for the milliseconds this takes; an error or signal never leaves one."""
    backups = stage / ".planner-backup"
    os.mkdir(backups)
    done: list[tuple[Path, Path | None]] = []
    with signals_held():
        try:
            for rel in [*names, MANIFEST]:
                dest = target / rel
                if os.path.isdir(dest) and not os.path.islink(dest):
                    raise OutputError(f"cannot write {dest}: a folder is in the way")
                backup: Path | None = None
                if os.path.lexists(dest):
                    backup = backups / str(len(done))
                    os.link(dest, backup, follow_symlinks=False)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(stage / rel, dest)
                done.append((dest, backup))
        except BaseException:
            for dest, backup in reversed(done):
                if backup is None:
                    os.unlink(dest)
                else:
                    os.replace(backup, dest)
            raise
        for rel in sorted(stale):
            path = target / rel
            if os.path.isfile(path) and not os.path.islink(path):
                os.unlink(path)
                for parent in path.parents:  # folders the planner made and emptied
                    if parent == target or os.listdir(parent):
                        break
                    os.rmdir(parent)
        _fsync_dir(target)


def write_folder(outdir: Path | str, files: Mapping[str, Content]) -> list[Path]:
    """Replace the planner's files in `outdir` by `files` (relative path -> content) in one step.
    A Streamed content is made piece by piece straight into its file in the temporary folder.

    Files listed in the folder's manifest from the previous run and not written now are gone
    afterwards; files the planner did not write are kept. Returns the written paths, sorted.
    """
    for rel in files:
        _check_relative(rel)
    target = check_target(outdir, folder=True)
    created = _make_parents(target.parent)
    lock = _Lock(target)
    stage: Path | None = None
    try:
        lock.acquire()
        check_target(target, folder=True)
        _sweep(target)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGE_TAG}", dir=target.parent))
        file_mode = 0o666 & ~_umask()
        exists = os.path.lexists(target)
        os.chmod(stage, stat.S_IMODE(os.stat(target).st_mode) if exists
                 else 0o777 & ~_umask())
        written = []
        for rel in sorted(files):
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_new(path, files[rel], file_mode, sync=False)
            written.append(path)
        _write_new(stage / MANIFEST, _manifest(files), file_mode, sync=False)
        moving_in = exists and _holds_cwd(target)
        if exists and not moving_in:  # before the flush, so it covers the links too
            _carry_over(target, stage, owned_files(target) | set(files))
        whole_fs = _sync_all(stage, [*written, stage / MANIFEST])
        if moving_in:
            _move_in(stage, target, sorted(files), owned_files(target) - set(files))
            shutil.rmtree(stage)
        else:
            if not whole_fs:  # syncfs flushed the folder's entries already (a commit saved)
                _fsync_dir(stage)
            _swap_in(stage, target)
        stage = None
    except OSError as exc:
        raise _fail(exc, exc.filename or target) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        lock.release()
        if stage is not None or not target.is_dir():
            _remove_empty(created)
    return [target / rel for rel in sorted(files)]
