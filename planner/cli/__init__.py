"""The `planner` command line: parse arguments, call one core function, map errors to exit codes.

Each area's commands live in a module of their own beside this one and register on `main`.
Nothing here knows licensing; the core never imports click.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

# Before anything imports numpy: its OpenBLAS starts a thread per core as it loads, which costs
# a small command measurable CPU, and the planner does no dense linear algebra (HiGHS has its
# own threads). A value the user set is left alone.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

from planner import __version__, progress
from planner.cli.options import verbosity, verbosity_options
from planner.collector import bulk_objects
from planner.output import describe
from planner.problems import ExitCode, InputError, PlannerError, problems_document

if TYPE_CHECKING:
    import sqlite3

INTERNAL_ERROR = 4  # a bug in the planner itself; documented in the README


# Which module registers each command. Modules are imported only when their command runs, so
# `planner validate` does not pay for the optimiser, networkx or the report templates.
COMMAND_MODULES = {
    "compare": "engine",
    "cycle": "cycle",
    "example": "examples",
    "explain": "engine",
    "export": "export",
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


# Each command's summary for the `planner --help` listing, so listing the commands does not
# import every command's module (and with them numpy, pyarrow, the solver, jinja2: half a second
# of start-up). The first sentence of each command's own help, word for word: the registry
# test checks them against the commands.
COMMAND_SUMMARIES = {
    "compare": "Price every single-mode strategy beside the optimal mix.",
    "cycle": "Run the offline cycle: report round trips, carried bundles, the ACK ledger.",
    "example": "Write the bundled example estate NAME into DIRECTORY.",
    "explain": "Say why a site got its mode, what the others would cost, and what would "
               "flip it.",
    "export": "Write a plan back to NetBox, Nautobot or a CycloneDX licence BOM.",
    "generate": "Write a realistic synthetic estate of any size into DIRECTORY.",
    "graph": "Export the estate graph: sites, links, the internet, and the account tree.",
    "ingest": "Read device captures under FOLDER (recursively) and write a planner "
              "devices.csv.",
    "plan": "Choose a licensing mode per site at least total cost and write the plan files.",
    "renewal": "Read the estate as the vendor's renewal team will, and plan the hygiene "
               "before it.",
    "report": "Render a report for an estate: trade-off, compliance pack or renewal brief.",
    "runbook": "Write device-side runbooks that put every device into its planned licensing "
               "mode.",
    "snapshot": "Snapshot history: store an estate's licence and device state by date, list, "
                "diff.",
    "validate": "Read and check an estate; print what it holds.",
}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so it unwinds exactly as Ctrl-C does: every
    writer's clean-up runs and the previous outputs stay whole."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _terminate_like_interrupt() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


# ctx.meta is shared by a context and all its children: a command records the output format it
# was asked for, so the group can report input problems in that format when the command fails.
_FORMAT_KEY = "planner.format"


class PlannerCommand(click.Command):
    """A command that records its `--format` choice for the error reporting in PlannerGroup."""

    def invoke(self, ctx: click.Context) -> Any:
        fmt = ctx.params.get("fmt")
        if isinstance(fmt, str):
            ctx.meta[_FORMAT_KEY] = fmt
        # Stage progress (planner.progress): on a terminal for long runs, always under -v.
        level = verbosity()
        stream = sys.stderr
        # The cyclic collector is paused for the whole command, here for every command
        # (planner.collector): what is alive at the end is frozen, not walked at exit.
        with bulk_objects(keep=True), progress.reporting(
                stream, live=level >= 0 and stream.isatty(), timings=level >= 1):
            return super().invoke(ctx)


def report_problems(exc: InputError, fmt: str | None) -> None:
    """Input problems on stderr, one per line; with `--format json` also as objects on stdout.

    The JSON document ({errors, warnings, problems: [{severity, file, line, column, field,
    message, expected}]}) goes to stdout so a pipeline reads it like the command's output.
    """
    if fmt == "json":
        click.echo(json.dumps(problems_document(exc.problems), indent=2, sort_keys=True))
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    count = sum(1 for p in exc.problems if p.severity == "error")
    click.echo(f"planner: {count} error(s); nothing was written.", err=True)


def _database_errors() -> tuple[type[sqlite3.OperationalError], ...]:
    """sqlite3's OperationalError once the command has opened a database, else nothing: a run
    that never imported sqlite3 cannot raise its errors, and most commands never need it, so
    the CLI does not import it (the except clause evaluates this when an error arrives)."""
    module = sys.modules.get("sqlite3")
    return (module.OperationalError,) if module is not None else ()


class SuggestingGroup(click.Group):
    """A group that answers a mistyped command with the closest real ones ("did you mean")."""

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib  # deferred: only a mistyped command needs it

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


class PlannerGroup(SuggestingGroup):
    """Loads commands lazily and turns every error into a message and an exit code.

    No traceback reaches the user: input problems exit 2 with every problem listed, solver
    failures 3, and anything unexpected 4 with a one-line message.
    """

    command_class = PlannerCommand
    group_class = type  # subgroups (`snapshot`) are PlannerGroups with PlannerCommands too

    # The root's COMMAND_MODULES (set below); subgroups register their commands eagerly.
    lazy: Mapping[str, str] = MappingProxyType({})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.lazy) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(f"planner.cli.{self.lazy[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def listed_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command as the help listing needs it: the command itself once loaded, else a
        stand-in carrying its summary (loading it would import its whole module)."""
        if name in self.commands or name not in self.lazy:
            return self.get_command(ctx, name)
        return click.Command(name, help=COMMAND_SUMMARIES[name])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing (Group.format_commands), over listed_command."""
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := self.listed_command(ctx, name)) is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit))
                                    for name, cmd in commands])

    def invoke(self, ctx: click.Context) -> Any:
        _terminate_like_interrupt()
        try:
            return super().invoke(ctx)
        except InputError as exc:
            fmt = ctx.meta.get(_FORMAT_KEY)
            report_problems(exc, fmt if isinstance(fmt, str) else None)
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
        except _database_errors() as exc:  # a lock held past the wait, read-only media
            from planner.history.store import database_trouble

            click.echo(f"planner: {database_trouble(exc)}", err=True)
            ctx.exit(int(ExitCode.INPUT))
        except OSError as exc:  # the writer names its own; this catches any other path
            click.echo(f"planner: {describe(exc)}", err=True)
            ctx.exit(int(ExitCode.INPUT))
        except MemoryError:
            click.echo("planner: out of memory; try a smaller estate or more memory.", err=True)
            ctx.exit(INTERNAL_ERROR)
        except Exception as exc:  # the last line of defence: no traceback reaches the user
            if os.environ.get("PLANNER_DEBUG") or verbosity() >= 2:
                traceback.print_exc()
            click.echo(
                f"planner: internal error ({type(exc).__name__}: {exc}). This is a bug; "
                "rerun with -vv (or PLANNER_DEBUG=1) for details and report it.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group("planner", cls=PlannerGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planner")
@verbosity_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan Cisco licensing modes per site: CSSM, SSM On-Prem, offline reporting, SLR or PLR.

    \b
    Start with a bundled example:
      planner example federal-agency demo
      planner validate demo/estate.yaml

    \b
    Every command takes --format (table, json, csv; or its document formats), --wide,
    -q/--quiet and -v/--verbose. Data goes to stdout, diagnostics to stderr.
    Shell completion (bash, zsh, fish): see the README, "Shell completion".
    """
    if ctx.invoked_subcommand is None:
        # `planner` alone is a request for help, not a mistake: stdout and exit 0.
        click.echo(ctx.get_help())
        ctx.exit(0)


main.lazy = COMMAND_MODULES


def run() -> NoReturn:
    """The `planner` program (the console script and `python -m planner`): run one command,
    then end the process as soon as its work is done.

    By then every file is written and synced, and stdout and stderr are flushed below. What a
    normal exit would still do is tear the interpreter down: free every module and object one
    by one, memory the OS takes back whole anyway (~15 ms for any command, more with a large
    plan in memory). The atexit callbacks still
    run; if another thread is still alive or a stream cannot be flushed, the exit is Python's
    normal one, so nothing is cut short. Library callers (`main(...)`, click's test runner)
    never come here.
    """
    try:
        # From the first import on, not only inside the command: importing numpy, pyarrow and
        # the planner's own modules makes tens of thousands of objects, and the collector's
        # passes over them were ~10 ms of a small plan (planner.collector says why pausing it
        # is safe).
        with bulk_objects(keep=True):
            main.main()  # standalone: ends in SystemExit with the command's exit code
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int) or threading.active_count() > 1 or not _flushed():
        sys.exit(code)  # anything unusual: Python's own exit, exactly as before
    atexit._run_exitfuncs()
    os._exit(code)


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: let the normal exit report it
        return False
    return True


__all__ = ["ExitCode", "main", "run"]
