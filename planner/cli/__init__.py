"""The `planner` command line: parse arguments, call one core function, map errors to exit codes.

Each area's commands live in a module of their own beside this one and register on `main`.
Nothing here knows licensing; the core never imports click.
"""

from __future__ import annotations

import importlib
import os
import signal
import threading
import traceback
from typing import Any

import click

from planner import __version__
from planner.output import describe
from planner.problems import ExitCode, InputError, PlannerError

INTERNAL_ERROR = 4  # a bug in the planner itself; documented in the README


# Which module registers each command. Modules are imported only when their command runs, so
# `planner validate` does not pay for the optimiser, networkx or the report templates.
COMMAND_MODULES = {
    "compare": "engine",
    "cycle": "cycle",
    "example": "examples",
    "explain": "engine",
    "generate": "examples",
    "graph": "engine",
    "ingest": "evidence",
    "plan": "engine",
    "renewal": "renewal",
    "report": "reports",
    "runbook": "runbook",
    "snapshot": "renewal",
    "validate": "estate",
}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so it unwinds exactly as Ctrl-C does: every
    writer's clean-up runs and the previous outputs stay whole."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _terminate_like_interrupt() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


class PlannerGroup(click.Group):
    """Loads commands lazily and turns every error into a message and an exit code.

    No traceback reaches the user: input problems exit 2 with every problem listed, solver
    failures 3, and anything unexpected 4 with a one-line message.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"planner.cli.{COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        _terminate_like_interrupt()
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            count = sum(1 for p in exc.problems if p.severity == "error")
            click.echo(f"planner: {count} error(s); nothing was written.", err=True)
            ctx.exit(int(exc.exit_code))
        except PlannerError as exc:
            click.echo(f"planner: {exc}", err=True)
            ctx.exit(int(exc.exit_code))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Terminated:
            click.echo("planner: terminated; outputs are the previous or the new complete set.",
                       err=True)
            ctx.exit(128 + signal.SIGTERM)
        except KeyboardInterrupt:
            click.echo("planner: interrupted; outputs are the previous or the new complete set.",
                       err=True)
            ctx.exit(130)
        except OSError as exc:  # the writer names its own; this catches any other path
            click.echo(f"planner: {describe(exc)}", err=True)
            ctx.exit(int(ExitCode.INPUT))
        except MemoryError:
            click.echo("planner: out of memory; try a smaller estate or more memory.", err=True)
            ctx.exit(INTERNAL_ERROR)
        except Exception as exc:  # the last line of defence: no traceback reaches the user
            if os.environ.get("PLANNER_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"planner: internal error ({type(exc).__name__}: {exc}). This is a bug; "
                "rerun with PLANNER_DEBUG=1 for details and report it.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planner")
def main() -> None:
    """Plan Cisco licensing modes per site: CSSM, SSM On-Prem, offline reporting, SLR or PLR.

    \b
    Start with a bundled example:
      planner example federal-agency demo
      planner validate demo/estate.yaml
    """


__all__ = ["ExitCode", "main"]
