"""The `planner` command line: parse arguments, call one core function, map errors to exit codes.

Each area's commands live in a module of their own beside this one and register on `main`.
Nothing here knows licensing; the core never imports click.
"""

from __future__ import annotations

import os
import traceback
from typing import Any

import click

from planner import __version__
from planner.problems import ExitCode, InputError, PlannerError

INTERNAL_ERROR = 4  # a bug in the planner itself; documented in the README


class PlannerGroup(click.Group):
    """Turns every error into a message and an exit code; no traceback reaches the user."""

    def invoke(self, ctx: click.Context) -> Any:
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
        except KeyboardInterrupt:
            click.echo("planner: interrupted; finished outputs are intact.", err=True)
            ctx.exit(130)
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


# Command modules register themselves on `main` when imported.
from planner.cli import engine as _engine  # noqa: E402,F401
from planner.cli import estate as _estate  # noqa: E402,F401
from planner.cli import evidence as _evidence  # noqa: E402,F401
from planner.cli import examples as _examples  # noqa: E402,F401
from planner.cli import renewal as _renewal  # noqa: E402,F401
from planner.cli import reports as _reports  # noqa: E402,F401
from planner.cli import runbook as _runbook  # noqa: E402,F401

__all__ = ["ExitCode", "main"]
