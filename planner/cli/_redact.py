"""`--redact` for every command that writes documents or exports: one option, one help text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

REDACT_HELP = ("Replace hostnames, serials, organisation, domain, site ids and names, Virtual "
               "Accounts, subscription ids and input file paths by stable tokens, so the output "
               "can leave the building (key the tokens with PLANNER_REDACT_KEY).")


def redact_option(func: F) -> F:
    return click.option("--redact", is_flag=True, help=REDACT_HELP)(func)
