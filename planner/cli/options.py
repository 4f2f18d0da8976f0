"""The options every command shares, declared once: output format, width and verbosity.

Every command carries `-q/--quiet` and `-v/--verbose` and exactly one `--format`:
`table_output` where the output is rows (table for people, `--wide` for every column, JSON and
CSV for machines), `document_output` where it is a document (HTML, Markdown, GraphML...).
tests/test_cli_conventions.py walks the click tree and fails for a command without them, so a
new command adopts the convention by stacking one of these decorators, nothing more:

    @main.command("thing")
    @table_output
    def thing(fmt: str) -> None:
        emit(render_rows(HEADERS, rows, fmt))   # fits 100 columns unless --wide
        note("wrote thing")            # stderr; silent under --quiet

Data goes to stdout (`emit`), diagnostics to stderr (`note`, `detail`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from planner.cli._types import FiniteFloatRange
from planner.solving import SolveOptions, Solver

F = TypeVar("F", bound=Callable[..., Any])

TABULAR_FORMATS = ("table", "json", "csv")
# What the convention test reads: how a command's output is shaped.
KIND_ATTRIBUTE = "__planner_output__"
TABLE, DOCUMENT = "table", "document"

_QUIET, _VERBOSE, _WIDE = "planner.quiet", "planner.verbose", "planner.wide"


def _context() -> click.Context | None:
    return click.get_current_context(silent=True)


def verbosity() -> int:
    """-1 under --quiet, else the number of -v given (on the group or the command)."""
    ctx = _context()
    if ctx is None:
        return 0
    if ctx.meta.get(_QUIET):
        return -1
    return int(ctx.meta.get(_VERBOSE, 0))


def wide_requested() -> bool:
    """True when --wide was given: tables keep every column at full width."""
    ctx = _context()
    return bool(ctx is not None and ctx.meta.get(_WIDE))


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_WIDE] = True


def _remember_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_QUIET] = True


def _remember_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    # Context.meta is shared along the chain: `planner -v plan -v` counts both.
    ctx.meta[_VERBOSE] = int(ctx.meta.get(_VERBOSE, 0)) + value


def verbosity_options(func: F) -> F:
    """`-q/--quiet` and `-v/--verbose`; they fill the context, not the callback's arguments."""
    func = click.option("-v", "--verbose", count=True, expose_value=False, is_eager=True,
                        callback=_remember_verbose,
                        help="Say more on stderr (-vv: a traceback on internal errors).")(func)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
                        callback=_remember_quiet,
                        help="Print only data and errors: no progress or 'wrote' notes.")(func)


def tabular_output(*documents: str) -> Callable[[F], F]:
    """`--format table|json|csv` (then any document formats the command also renders, such as
    `md`) and `--wide`, plus the verbosity options."""
    formats = (*TABULAR_FORMATS, *documents)

    def decorate(func: F) -> F:
        func = click.option("--wide", is_flag=True, expose_value=False, callback=_remember_wide,
                            help="Table: every column at full width (default: fit 100 "
                                 "columns). JSON and CSV always carry every column.")(func)
        more = f", or {'/'.join(documents)}" if documents else ""
        func = click.option("--format", "fmt", type=click.Choice(formats), default="table",
                            show_default=True,
                            help=f"A table for people, JSON or CSV for machines{more}.")(func)
        setattr(func, KIND_ATTRIBUTE, TABLE)
        return verbosity_options(func)

    return decorate


def table_output(func: F) -> F:
    """The usual case: `--format table|json|csv`, `--wide`, `-q`, `-v`."""
    return tabular_output()(func)


def document_output(formats: Sequence[str], default: str, help: str) -> Callable[[F], F]:
    """`--format` over the document formats a command writes, plus the verbosity options."""

    def decorate(func: F) -> F:
        func = click.option("--format", "fmt", type=click.Choice(tuple(formats)),
                            default=default, show_default=True, help=help)(func)
        setattr(func, KIND_ATTRIBUTE, DOCUMENT)
        return verbosity_options(func)

    return decorate


def solver_options(func: F) -> F:
    """--solver, --time-limit, --gap and --threads, with SolveOptions' defaults, handed to the
    command as one `solve: SolveOptions` argument; and --strict. The same on every command that
    solves (plan, compare, explain, report, runbook)."""
    default = SolveOptions()

    @functools.wraps(func)
    def command(*args: Any, solver: str, time_limit: float, gap: float, threads: int,
                **kwargs: Any) -> Any:
        options = SolveOptions(Solver(solver), time_limit, gap, threads)
        return func(*args, solve=options, **kwargs)

    options = [
        click.option("--solver", type=click.Choice([s.value for s in Solver]),
                     default=default.solver.value, show_default=True,
                     help="MILP solver: HiGHS, or PuLP's CBC as fallback."),
        click.option("--time-limit", type=FiniteFloatRange(min=0.1), default=default.time_limit,
                     show_default=True, help="Seconds per solve; the best plan found and its "
                     "proven gap are reported when it runs out."),
        click.option("--gap", type=FiniteFloatRange(min=0.0, max=1.0), default=default.gap,
                     show_default=True, help="Relative gap at which to stop early. The default "
                     "proves the optimum (within one currency unit); a looser gap is reported "
                     "as feasible with its proven gap."),
        # Bounded by the machine's cores: HiGHS aborts the process (a C++ message, no exit
        # code of ours) when asked for far more threads than it can start.
        click.option("--threads", type=click.IntRange(min=1, max=os.cpu_count() or 1),
                     default=default.threads, show_default=True,
                     help="Solver threads, up to the machine's cores (1 keeps results "
                     "reproducible)."),
        click.option("--strict", is_flag=True, help="Treat input warnings as errors (exit 2)."),
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def emit(text: str) -> None:
    """Data: to stdout, exactly as given (the renderers end their text with a newline)."""
    click.echo(text, nl=False)


def note(message: str) -> None:
    """A diagnostic people want by default ('wrote ...', next steps): stderr, not under -q."""
    if verbosity() >= 0:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A diagnostic for -v: timings, counts, choices made along the way."""
    if verbosity() >= 1:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """An input warning: always on stderr (the --strict flag turns them into errors)."""
    click.echo(message, err=True)
