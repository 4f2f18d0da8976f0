"""Byte-level fuzzing of every reader (hypothesis): mutated valid files and random bytes.

Each reader is called directly (milliseconds per example, so a modest budget still covers many
shapes); a SIGALRM guard turns a hang into a failure. The memory-capped end-to-end cases are in
test_fuzz_readers.py.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalogue import load_catalogue
from planner.evidence.ingest import read_one
from planner.problems import InputError, Severity
from planner.readers import ReadContext, SourceKind
from planner.readers.estate_yaml import read_estate_document
from planner.readers.registry import reader_for

from .kit import READER_FILES, base_files

FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
BASE = base_files()
CTX = ReadContext(load_catalogue(), {"hq": "HQ", "dc1": "DC1", "br001": "BR001"})
KINDS = {"devices-csv": SourceKind.DEVICES, "entitlements-csv": SourceKind.ENTITLEMENTS,
         "cssm-json": SourceKind.CSSM_JSON, "cssm-csv": SourceKind.CSSM_CSV,
         "netbox-csv": SourceKind.NETBOX}


@contextmanager
def _deadline(seconds: int = 10) -> Iterator[None]:
    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"reader still busy after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _read(reader: str, path: Path) -> None:
    """Run one reader; only InputError (or problems in the result) may come out."""
    with _deadline():
        if reader == "estate-yaml":
            try:
                doc = read_estate_document(path, path.name)
            except InputError as exc:
                assert exc.problems and all(p.file == path.name for p in exc.problems)
                return
            assert all(p.file == path.name for p in doc.problems)
        elif reader in KINDS:
            try:
                result = reader_for(KINDS[reader]).read(path, path.name, CTX)
            except InputError as exc:
                assert exc.problems and all(p.file == path.name for p in exc.problems)
                return
            assert all(p.file == path.name for p in result.problems)
        else:
            _, problems, _ = read_one((path, path.name))
            # A capture is never fatal: everything it can say is a warning.
            assert all(p.severity is Severity.WARNING for p in problems)


@st.composite
def mutated(draw: Callable[..., object], valid: bytes) -> bytes:
    """The valid file with a few bytes replaced, inserted or deleted, or cut short."""
    data = bytearray(valid)
    ops = draw(st.lists(st.tuples(st.sampled_from(("set", "insert", "delete", "cut")),
                                  st.integers(0, max(0, len(valid) - 1)),
                                  st.binary(min_size=1, max_size=8)), min_size=1, max_size=6))
    assert isinstance(ops, list)
    for op, pos, chunk in ops:
        pos = min(pos, len(data))
        if op == "set":
            data[pos:pos + len(chunk)] = chunk
        elif op == "insert":
            data[pos:pos] = chunk
        elif op == "delete":
            del data[pos:pos + len(chunk)]
        else:
            del data[pos:]
    return bytes(data)


def _inputs(reader: str) -> st.SearchStrategy[bytes]:
    valid = BASE[READER_FILES[reader]]
    return st.one_of(mutated(valid), st.binary(max_size=512),
                     st.text(max_size=300).map(lambda t: t.encode("utf-8")))


@pytest.mark.parametrize("reader", sorted(READER_FILES))
def test_reader_survives_mutations(reader: str, tmp_path: Path) -> None:
    target = tmp_path / Path(READER_FILES[reader]).name

    @FUZZ
    @given(data=_inputs(reader))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        _read(reader, target)

    check()
