"""One convention for every command, checked by walking the click tree (so no command drifts).

Every command: `-h/--help` on stdout, `-q/--quiet`, `-v/--verbose`, one `--format`
(table|json|csv + `--wide` where the output is rows, its document formats otherwise), data on
stdout and diagnostics on stderr, default tables within 100 columns. A new command fails
`test_every_command_has_a_sample_run` until it is given a sample run below.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import string
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import COMMAND_MODULES, main
from planner.cli._output import TABLE_WIDTH, _wrap, fit_widths, render_rows
from planner.cli.options import DOCUMENT, KIND_ATTRIBUTE, TABLE, TABULAR_FORMATS

ROOT = Path(__file__).resolve().parents[1]
CAPTURES = ROOT / "tests" / "evidence" / "fixtures" / "site-hq"


def _load_all() -> click.Group:
    for name in COMMAND_MODULES:
        main.get_command(click.Context(main), name)
    return main


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                            click.Command]]:
    """Every command under `group` as (path, command); groups are walked, not yielded."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from walk(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def groups(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from groups(command, (*prefix, name))


COMMANDS = sorted(walk(_load_all()), key=lambda item: item[0])
NAMES = [" ".join(path) for path, _ in COMMANDS]


def _option(command: click.Command, flag: str) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and flag in (*param.opts, *param.secondary_opts):
            return param
    return None


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_every_command_carries_the_shared_options(path: tuple[str, ...],
                                                  command: click.Command) -> None:
    for flag in ("-q", "--quiet", "-v", "--verbose", "--format"):
        assert _option(command, flag) is not None, f"planner {' '.join(path)} lacks {flag}"
    kind = getattr(command.callback, KIND_ATTRIBUTE, None)
    assert kind in (TABLE, DOCUMENT), f"{path}: use table_output or document_output"
    fmt = _option(command, "--format")
    assert fmt is not None and isinstance(fmt.type, click.Choice)
    choices = tuple(fmt.type.choices)
    if kind == TABLE:
        assert choices[:3] == TABULAR_FORMATS and fmt.default == "table", path
        assert _option(command, "--wide") is not None, path
    else:
        assert "table" not in choices and fmt.default in choices, path
    assert command.help and "planner " in command.help, f"{path}: help should show an example"


@pytest.mark.parametrize("path", list(groups(main)), ids=lambda p: " ".join(p) or "planner")
def test_help_goes_to_stdout_and_exits_0(path: tuple[str, ...]) -> None:
    for args in ([*path, "--help"], [*path, "-h"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage:"), args
        assert result.stderr == ""


def test_planner_alone_prints_help_on_stdout_and_exits_0() -> None:
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: planner") and "Commands:" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_leaf_help_on_stdout(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "--format" in result.stdout and "--quiet" in result.stdout
    assert result.stderr == ""


def _typos(name: str) -> list[str]:
    """A dropped letter, a doubled letter and two swapped neighbours."""
    out = [name[:i] + name[i + 1:] for i in range(1, len(name))]
    out += [name[:i] + name[i] + name[i:] for i in range(len(name))]
    out += [name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(len(name) - 1)]
    return [t for t in dict.fromkeys(out) if t != name]


@pytest.mark.parametrize("path", list(groups(main)), ids=lambda p: " ".join(p) or "planner")
def test_mistyped_commands_get_a_suggestion(path: tuple[str, ...]) -> None:
    group = main
    for part in path:
        found = group.get_command(click.Context(group), part)
        assert isinstance(found, click.Group)
        group = found
    names = group.list_commands(click.Context(group))
    for name in names:
        for typo in _typos(name)[:6]:
            if typo in names:
                continue
            result = CliRunner().invoke(main, [*path, typo])
            assert result.exit_code == 2, (path, typo)  # a usage error, as before
            assert "Did you mean" in result.stderr and repr(name) in result.stderr, typo
            assert result.stdout == ""


def test_no_suggestion_for_nonsense() -> None:
    result = CliRunner().invoke(main, ["zzzzqqqq"])
    assert result.exit_code == 2 and "No such command" in result.stderr
    assert "Did you mean" not in result.stderr


# -- running every command ---------------------------------------------------------------------

EXAMPLE, SITE, CYCLE_FROM = "regional-bank", "HQ", "2027-01-04"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundled example with a plan, two snapshots and an offline-cycle bundle (and a copy
    with its out leg collected, to seal)."""
    folder = tmp_path_factory.mktemp("conventions")
    runner = CliRunner()
    est = str(folder / "est" / "estate.yaml")
    assert runner.invoke(main, ["example", EXAMPLE, str(folder / "est")]).exit_code == 0
    plan = runner.invoke(main, ["plan", est, "-o", str(folder / "plan")])
    assert plan.exit_code == 0, plan.output
    for day in ("2026-01-01", "2026-06-01"):
        added = runner.invoke(main, ["snapshot", "add", est, "--date", day])
        assert added.exit_code == 0, added.output
    schedule = runner.invoke(main, ["cycle", "schedule", est, "--plan",
                                    str(folder / "plan" / "plan.json"), "--from", CYCLE_FROM,
                                    "--format", "json"])
    assert schedule.exit_code == 0, schedule.output
    trip = json.loads(schedule.stdout)["trips"][0]["id"]
    (folder / "trip").write_text(trip)
    bundle = runner.invoke(main, ["cycle", "bundle", est, "--plan",
                                  str(folder / "plan" / "plan.json"), "--from", CYCLE_FROM,
                                  "--trip", trip, "-o", str(folder / "bundle")])
    assert bundle.exit_code == 0, bundle.output
    from planner.cycle.manifest import Leg, load

    shutil.copytree(folder / "bundle", folder / "bundle-out")
    for rel in load(folder / "bundle-out", None).expected[Leg.OUT]:
        (folder / "bundle-out" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "bundle-out" / rel).write_bytes(f"content of {rel}\n".encode())
    return folder


def sample_runs(work: Path, fresh: str) -> dict[str, list[str]]:
    """One realistic invocation per command; `fresh` is an unused name in `work`."""
    est = str(work / "est" / "estate.yaml")
    out = str(work / fresh)
    plan = str(work / "plan" / "plan.json")
    trip = (work / "trip").read_text() if (work / "trip").exists() else "T"
    cycle = ["--plan", plan, "--from", CYCLE_FROM]
    return {
        "compare": ["compare", est],
        "cycle bundle": ["cycle", "bundle", est, *cycle, "--trip", trip, "-o", out],
        "cycle history": ["cycle", "history", est],
        "cycle schedule": ["cycle", "schedule", est, *cycle],
        "cycle seal": ["cycle", "seal", out, "--leg", "out"],  # on a copy of the bundle
        "cycle status": ["cycle", "status", est, "--evidence", str(CAPTURES), "--date",
                         "2026-12-01"],
        "cycle verify": ["cycle", "verify", str(work / "bundle")],
        "example": ["example", EXAMPLE, out],
        "explain": ["explain", est, "--site", SITE],
        "generate": ["generate", "--devices", "40", "--sites", "4", "--seed", "3", out],
        "graph": ["graph", est],
        "ingest": ["ingest", str(CAPTURES), "-o", f"{out}.csv", "--site", SITE],
        "plan": ["plan", est, "-o", out],
        "renewal": ["renewal", est, "--renewal-date", "2027-06-30", "--date", "2026-12-01"],
        "report": ["report", est, "--kind", "renewal", "--date", "2026-12-01",
                   "--renewal-date", "2027-06-30"],
        "runbook": ["runbook", est, "--plan", plan, "-o", out, "--no-html"],
        "snapshot add": ["snapshot", "add", est, "--date", "2026-09-01", "--db", f"{out}.db"],
        "snapshot diff": ["snapshot", "diff", "2026-01-01", "2026-06-01", "--estate", est],
        "snapshot list": ["snapshot", "list", est],
        "validate": ["validate", est],
        "export netbox": ["export", "netbox", plan, "--estate", est, "-o", out],
        "export nautobot": ["export", "nautobot", plan, "--estate", est, "-o", out],
        "export cyclonedx": ["export", "cyclonedx", plan, "--estate", est, "-o",
                             f"{out}.cdx.json"],
    }


def test_every_command_has_a_sample_run(tmp_path: Path) -> None:
    assert set(NAMES) <= set(sample_runs(tmp_path, "x")), "give the new command a sample run"


_counter = iter(range(10**6))


def _run(work: Path, name: str, *extra: str) -> tuple[int, str, str]:
    fresh = f"run{next(_counter)}"
    if name == "cycle seal":  # sealing changes the bundle: each run seals its own copy
        shutil.copytree(work / "bundle-out", work / fresh)
    args = sample_runs(work, fresh)[name]
    result = CliRunner().invoke(main, [*args, *extra])
    return result.exit_code, result.stdout, result.stderr


def _only_warnings(stderr: str) -> bool:
    """What -q leaves on stderr: input warnings and notes about the input, nothing else."""
    return all(": warning:" in line or line.startswith("note:") for line in stderr.splitlines())


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_every_command_follows_the_output_convention(work: Path, path: tuple[str, ...],
                                                     command: click.Command) -> None:
    name = " ".join(path)
    if name not in sample_runs(work, "x"):
        pytest.fail(f"no sample run for {name}")
    code, out, err = _run(work, name)
    assert code == 0, f"{name}: {err}"
    if getattr(command.callback, KIND_ATTRIBUTE) == TABLE:
        wide = [line for line in out.splitlines() if len(line) > TABLE_WIDTH]
        assert not wide, f"{name}: table lines over {TABLE_WIDTH} columns: {wide[:2]}"
        code, out, err = _run(work, name, "--format", "json")
        assert code == 0, err
        json.loads(out)  # stdout is the data and nothing else
        code, out, err = _run(work, name, "--format", "csv")
        assert code == 0, err
        rows = list(csv.reader(io.StringIO(out)))
        assert rows and len({len(r) for r in rows}) == 1, f"{name}: ragged CSV"
    code, out, err = _run(work, name, "-q")
    assert code == 0 and _only_warnings(err), f"{name} -q still says: {err}"
    code, _, err = _run(work, name, "-v")
    assert code == 0, err


# -- the width rule itself ---------------------------------------------------------------------

words = st.text(alphabet=string.ascii_letters + "-_.;/", min_size=1, max_size=12)
numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False),
                    st.none())
texts = st.one_of(st.lists(words, max_size=30).map(" ".join), st.none())


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[object]]]:
    """Up to six columns, each of numbers or of text (as commands print them), up to 8 rows."""
    kinds = draw(st.lists(st.sampled_from((numbers, texts)), min_size=1, max_size=6))
    headers = draw(st.lists(words, min_size=len(kinds), max_size=len(kinds)))
    rows = draw(st.lists(st.tuples(*kinds).map(list), max_size=8))
    return headers, rows


@settings(max_examples=200, deadline=None)
@given(tables())
def test_default_tables_fit_100_columns_when_their_words_do(table: tuple[list[str],
                                                                         list[list[object]]]
                                                            ) -> None:
    headers, rows = table
    text = render_rows(headers, rows, "table", wide=False)
    # Six columns of words up to 12 characters and numbers up to 13 (with header padding) fit.
    assert max(len(line) for line in text.splitlines()) <= TABLE_WIDTH
    limits = fit_widths(headers, rows)
    for row in rows:  # wrapping loses and moves no character
        for cell, limit in zip(row, limits, strict=True):
            if isinstance(cell, str):
                assert "".join(str(_wrap(cell, limit)).split()) == "".join(cell.split())


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_as_the_readme_documents(shell: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"_PLANNER_COMPLETE={shell}_source planner" in readme
    result = CliRunner().invoke(main, [], prog_name="planner",
                                env={"_PLANNER_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0 and "_PLANNER_COMPLETE" in result.stdout


def test_completion_completes_command_names() -> None:
    result = CliRunner().invoke(main, [], prog_name="planner",
                                env={"_PLANNER_COMPLETE": "bash_complete",
                                     "COMP_WORDS": "planner ren", "COMP_CWORD": "1"})
    assert result.exit_code == 0 and "renewal" in result.stdout
