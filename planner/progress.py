"""Stage progress for long runs: what each stage did and how long it took, on stderr.

The library marks its stages (`mark("read", "1,000,000 devices from 1 file")`) wherever they
end; nothing is printed unless a command has opened `reporting` (the CLI does, for every
command). Then a run shows its stages when stderr is a terminal and the run has taken more than
a couple of seconds (earlier stages are shown at that point, so short runs stay quiet), and
every stage with its time under -v whatever stderr is. Nothing is shown under --quiet, and
nothing goes to stdout, which carries data.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TextIO

# A run shorter than this shows no progress on a terminal (unless -v asks for timings).
SHOW_AFTER_SECONDS = 2.0


class Stages:
    """The stages of one run, timed from one mark to the next."""

    def __init__(self, stream: TextIO, *, live: bool, timings: bool,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._stream = stream
        self._live = live  # a terminal, not --quiet
        self._timings = timings  # -v
        self._clock = clock
        self._start = self._last = clock()
        self._pending: list[str] = []
        self._showing = timings
        self._marked = False

    def mark(self, stage: str, what: str, seconds: float | None = None) -> None:
        """`stage` has just ended, having done `what` (counts, in words). `seconds` gives its
        own time when the caller measured it (a stage inside a library call), else the time
        since the previous mark is the stage's."""
        now = self._clock()
        since, self._last = now - self._last, now
        seconds = since if seconds is None else seconds
        self._marked = True
        self._pending.append(f"planner: {stage:<9} {what:<44} {seconds:7.2f} s")
        if not self._showing and self._live and now - self._start >= SHOW_AFTER_SECONDS:
            self._showing = True
        if self._showing:
            self._flush()

    def finish(self) -> None:
        """The run has ended: under -v, its total."""
        if self._timings and self._marked:
            self._flush()
            total = self._clock() - self._start
            self._stream.write(f"planner: {'total':<9} {'':<44} {total:7.2f} s\n")
            self._stream.flush()

    def _flush(self) -> None:
        for line in self._pending:
            self._stream.write(line + "\n")
        self._pending.clear()
        self._stream.flush()


_active: list[Stages] = []


@contextlib.contextmanager
def reporting(stream: TextIO, *, live: bool, timings: bool) -> Iterator[Stages]:
    """Report the stages marked inside the block (the innermost block wins when nested)."""
    stages = Stages(stream, live=live, timings=timings)
    _active.append(stages)
    try:
        yield stages
    finally:
        _active.remove(stages)
    stages.finish()


def mark(stage: str, what: str, seconds: float | None = None) -> None:
    """Mark the end of a stage; free when no command is reporting (library use, tests)."""
    if _active:
        _active[-1].mark(stage, what, seconds)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 file`, `1,000,000 devices`, `2 classes` (with `nouns` given)."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"
