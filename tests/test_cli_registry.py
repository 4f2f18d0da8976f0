"""Every command module is known to the lazy registry, and every listed command exists."""

from __future__ import annotations

import importlib
import pkgutil

import planner.cli
from planner.cli import COMMAND_MODULES, main


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
