"""Every command module is known to the lazy registry, and every listed command exists."""

from __future__ import annotations

import importlib
import pkgutil

import click

import planner.cli
from planner.cli import COMMAND_MODULES, COMMAND_SUMMARIES, PlannerGroup, main


def test_registry_matches_the_command_modules() -> None:
    for info in pkgutil.iter_modules(planner.cli.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"planner.cli.{info.name}")
    assert set(main.commands) == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        callback = main.commands[name].callback
        assert callback is not None and callback.__module__ == f"planner.cli.{module}", name


def test_every_command_has_help_with_an_example() -> None:
    for name in COMMAND_MODULES:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help, name
        assert "planner " in command.help, f"{name}: help should show an example"


def test_help_summaries_are_each_commands_own_first_sentence() -> None:
    """`planner --help` lists commands from COMMAND_SUMMARIES without loading them: each must
    shorten exactly as the command's own help does, at every width."""
    assert set(COMMAND_SUMMARIES) == set(COMMAND_MODULES)
    for name, summary in COMMAND_SUMMARIES.items():
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and not command.hidden
        stand_in = click.Command(name, help=summary)
        for limit in range(8, 160):
            assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_root_help_lists_what_the_loaded_commands_would() -> None:
    """The listing from stand-ins is byte for byte click's own over the real commands."""
    bare = PlannerGroup("planner")  # registers nothing itself: it lists stand-ins only
    bare.lazy = COMMAND_MODULES
    for width in (60, 72, 100):
        ctx = click.Context(bare, info_name="planner", terminal_width=width)
        formatter = ctx.make_formatter()
        bare.format_commands(ctx, formatter)
        listed = formatter.getvalue()
        ctx = click.Context(main, info_name="planner", terminal_width=width)
        for name in COMMAND_MODULES:
            main.get_command(ctx, name)
        formatter = ctx.make_formatter()
        click.Group.format_commands(main, ctx, formatter)
        assert listed == formatter.getvalue()
        assert "Commands:" in listed and "plan" in listed
