"""Hostile inputs, the history database: another application's SQLite file, read-only media,
a lock held by another process. Read commands never write; nothing but a planner database is
ever altered; a lock wait is bounded and reported as exit 2."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from planner.history import store
from tests.hostile._inkit import DATE, assert_refused, run, write_estate


def _foreign_db(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [
    ("snapshot", "list"), ("snapshot", "add"), ("snapshot", "diff", "2026-01-01", "2026-02-01"),
])
def test_another_applications_sqlite_file_is_never_altered(tmp_path: Path,
                                                           command: tuple[str, ...]) -> None:
    estate = write_estate(tmp_path / "e")
    other = tmp_path / "other.db"
    before = _foreign_db(other)
    args = [*command, "--db", str(other)]
    if command[1] in ("add", "list"):
        args.insert(2, str(estate))
    if command[1] == "add":
        args += ["--date", DATE]
    assert_refused(run(*args), "other.db", "not a planner history database")
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    assert not Path(f"{other}-wal").exists() and not Path(f"{other}-shm").exists()
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"contacts"}


def test_empty_file_is_not_turned_into_a_history_by_a_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert_refused(run("snapshot", "list", "--db", str(empty)), "empty.db")
    assert empty.read_bytes() == b""


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_snapshot_list_works_on_read_only_media(tmp_path: Path) -> None:
    _read_only_listing(tmp_path)


def test_snapshot_list_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root a chmod does not make media read-only: check the open mode itself."""
    _read_only_listing(tmp_path, check_uri=monkeypatch)


def _read_only_listing(tmp_path: Path, check_uri: pytest.MonkeyPatch | None = None) -> None:
    estate = write_estate(tmp_path / "e")
    db = tmp_path / "ro" / "history.db"
    added = run("snapshot", "add", str(estate), "--db", str(db), "--date", DATE)
    assert added.exit_code == 0, added.output
    uris: list[str] = []
    if check_uri is not None:
        real = sqlite3.connect

        def spy(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
            uris.append(str(target))
            return real(target, *args, **kwargs)  # type: ignore[arg-type]

        check_uri.setattr(sqlite3, "connect", spy)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for path in db.parent.iterdir():
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        listed = run("snapshot", "list", "--db", str(db))
    finally:
        db.parent.chmod(stat.S_IRWXU)
    assert listed.exit_code == 0, listed.output
    assert DATE in listed.stdout
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    if check_uri is not None:
        assert uris and all("mode=ro" in u or "immutable=1" in u for u in uris), uris


def test_a_held_lock_is_a_bounded_wait_and_exit_2(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    estate = write_estate(tmp_path / "e")
    db = tmp_path / "history.db"
    assert run("snapshot", "add", str(estate), "--db", str(db), "--date", DATE).exit_code == 0
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("snapshot", "add", str(estate), "--db", str(db), "--date", "2026-12-02")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_refused(result, "locked by another process")
