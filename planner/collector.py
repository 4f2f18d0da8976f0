"""The cyclic garbage collector, handled in one place for every command.

The planner's bulk stages (reading inventories, grouping and planning, comparing strategies,
rendering and writing plan files, generating estates) make hundreds of thousands to millions of
small objects that form no reference cycles: reference counting frees them, and the cyclic
collector would only rescan the growing heap again and again (measured at 1M devices: seconds
in the reader, the optimiser and the plan writer). Every CLI command runs inside one
`bulk_objects(keep=True)` (planner.cli.PlannerCommand), and the `planner` program opens one
before it imports a command (planner.cli.run), so start-up's imports are not scanned either;
the library's bulk stages open their own for scripts that call them directly (nested uses cost
nothing).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def bulk_objects(*, keep: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector paused; nested uses are free.

    Only the outermost use restores the collector, and only if it was on. `keep=True` says the
    objects made here live as long as the process (the loaded estate): on leaving, everything
    alive moves to the collector's permanent generation (gc.freeze), so later full collections
    do not traverse millions of immutable records.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if keep:
                gc.freeze()
            gc.enable()


def keep_until_exit(value: object) -> None:
    """Never free `value`: a large result (a million-device estate) would otherwise be freed
    one object at a time as the command returns, most of a second for memory the OS takes back
    at exit anyway. A self-referencing holder moved into the permanent generation is neither
    collected before exit nor walked at interpreter teardown."""
    holder: list[object] = [value]
    holder.append(holder)
    gc.freeze()
