"""planner.collector: the one place the cyclic garbage collector is paused and restored."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from planner.collector import bulk_objects, keep_until_exit


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("keep", [True, False])
def test_paused_inside_and_restored_after(enabled: bool, keep: bool) -> None:
    gc.enable() if enabled else gc.disable()
    gc.unfreeze()
    with bulk_objects(keep=keep):
        assert not gc.isenabled()
        made = [object() for _ in range(10)]
    assert gc.isenabled() is enabled
    # Freezing happens only for kept objects, and only when the collector was on to begin with.
    assert (gc.get_freeze_count() > 0) is (keep and enabled)
    del made


def test_nested_uses_restore_only_at_the_outermost() -> None:
    gc.enable()
    with bulk_objects():
        with bulk_objects(keep=True):
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it paused and leaves it paused
    assert gc.isenabled()


def test_restored_when_the_block_raises() -> None:
    gc.enable()
    with pytest.raises(ValueError), bulk_objects():
        raise ValueError("boom")
    assert gc.isenabled()


def test_kept_values_survive_a_full_collection() -> None:
    gc.unfreeze()
    marker = type("Marker", (), {})()
    ref = weakref.ref(marker)
    keep_until_exit(marker)
    del marker
    gc.collect()
    assert ref() is not None


def test_unkept_values_are_freed() -> None:
    marker = type("Marker", (), {})()
    ref = weakref.ref(marker)
    holder: list[object] = [marker]
    holder.append(holder)  # a cycle only the collector frees: nothing keeps it
    del marker, holder
    gc.collect()
    assert ref() is None


def test_every_command_runs_with_the_collector_paused() -> None:
    """The one place for the CLI: PlannerCommand, which every command is an instance of."""
    from click.testing import CliRunner

    from planner.cli import PlannerCommand, main

    gc.enable()
    seen: list[bool] = []
    probe = PlannerCommand("probe", callback=lambda: seen.append(gc.isenabled()))
    result = CliRunner().invoke(probe, [])
    assert result.exit_code == 0, result.output
    assert seen == [False] and gc.isenabled()
    ctx = main.make_context("planner", ["plan", "x", "-o", "y"])
    assert all(isinstance(main.get_command(ctx, name), PlannerCommand)
               for name in ("plan", "compare", "explain", "report", "runbook"))
