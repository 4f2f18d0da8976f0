"""`planner report`: the trade-off report, the compliance pack and the renewal brief, HTML or MD."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from planner.cli import main
from planner.cli._redact import redact_option
from planner.cli.loading import read_estate
from planner.cli.options import document_output, emit, note, solver_options
from planner.fileio import write_atomic
from planner.output import check_target
from planner.problems import UsageError
from planner.reports.build import ReportRequest, build_report
from planner.reports.oscal import OscalFormat, render_oscal
from planner.reports.registers import name_registers, register_text
from planner.reports.render import ReportFormat, ReportKind, render
from planner.reports.reproducibility import report_date
from planner.solving import SolveOptions


def _command(estate: Path, kind: ReportKind, fmt: str, when: date | None,
             options: SolveOptions, renewal: str | None) -> str:
    parts = [f"planner report {estate.name} --kind {kind.value} --format {fmt}"]
    if when is not None:
        parts.append(f"--date {when.isoformat()}")
    if kind is ReportKind.RENEWAL:
        if renewal:
            parts.append(f"--renewal-date {renewal}")
        return " ".join(parts)  # no solver runs
    parts.append(options.command_line())
    return " ".join(parts)


@main.command("report")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice([k.value for k in ReportKind]), required=True,
              help="summary: the executive page; tradeoff: strategies side by side; "
                   "compliance: the assessor's pack; "
                   "renewal: the renewal brief.")
@document_output([f.value for f in ReportFormat] + [f.value for f in OscalFormat], "html",
                 help="Self-contained HTML (inline CSS and SVG, no network) or Markdown; for "
                      "--kind compliance also OSCAL JSON: oscal (component definition) or "
                      "oscal-poam (plan of action and milestones).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file (atomically) instead of standard output.")
@click.option("--templates", "templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of your own templates; a file there replaces the built-in one of "
                   "the same name.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Report date (clocks count from it). Default: SOURCE_DATE_EPOCH, else none: "
                   "the report is not stamped and clocks are relative.")
@click.option("--renewal-date", "renewal_text", metavar="YYYY-MM-DD",
              help="--kind renewal: the renewal date (default: the agreement's end).")
@redact_option
@solver_options
def report_cmd(estate: Path, kind: str, fmt: str, output: Path | None, templates: Path | None,
               date_text: str | None, renewal_text: str | None, redact: bool,
               solve: SolveOptions, strict: bool) -> None:
    """Render a report for an estate: trade-off, compliance pack or renewal brief.

    \b
    Examples:
      planner report demo/estate.yaml --kind tradeoff -o tradeoff.html --date 2026-12-01
      planner report demo/estate.yaml --kind compliance --format md -o pack.md
      planner report demo/estate.yaml --kind tradeoff --templates my-templates/
      planner report demo/estate.yaml --kind renewal --date 2026-12-01 -o renewal.html
      planner report demo/estate.yaml --kind compliance --redact -o pack-for-assessor.html

    The HTML is one file with inline CSS and SVG charts and makes no network request. Same
    inputs and date, same bytes. Exit 3 when no plan is possible.
    """
    oscal = OscalFormat(fmt) if fmt in {f.value for f in OscalFormat} else None
    report_kind = ReportKind(kind)
    report_format = ReportFormat.HTML if oscal else ReportFormat(fmt)
    when, source = report_date(date_text)  # a bad --date fails before any solving
    if oscal is not None:
        if report_kind is not ReportKind.COMPLIANCE:
            raise UsageError(f"--format {fmt} is an OSCAL document of the compliance pack: use "
                             "it with --kind compliance")
        if when is None:
            raise UsageError(f"--format {fmt}: OSCAL documents carry a date; pass --date "
                             "YYYY-MM-DD or set SOURCE_DATE_EPOCH")
    if output is not None:
        check_target(output, folder=False)
    if report_kind is ReportKind.RENEWAL and when is None:
        raise UsageError("the renewal report needs a reference date: pass --date YYYY-MM-DD "
                         "or set SOURCE_DATE_EPOCH")
    command = _command(estate, report_kind, fmt, when, solve, renewal_text)
    loaded = read_estate(estate, strict, when)
    redactor = None
    if redact:
        from planner.redact import Redactor

        redactor = Redactor()
        loaded = redactor.estate(loaded)
        command = command.replace(estate.name, redactor.path(estate.name), 1) + " --redact"
    context = build_report(report_kind, ReportRequest(
        loaded, when=when, source=source, command=command, options=solve,
        renewal=renewal_text))
    if output is not None:
        context = name_registers(context, output)
    if oscal is not None:
        text = render_oscal(oscal, context)
    else:
        text = render(report_kind, report_format, context, user_dir=templates)
    if redactor is not None:  # the second layer: sweep what was rendered
        text = redactor.scrub(text)
    if output is None:
        emit(text)
        return
    if oscal is None:  # the document links its long registers as CSV files beside it
        # Registers first, the document last: a document on disk never links a missing file.
        for register in getattr(context, "registers", ()):
            path = output.parent / register.file
            register_csv = register_text(register)
            write_atomic(path, redactor.scrub(register_csv) if redactor else register_csv)
            note(f"wrote {path}")
    write_atomic(output, text)
    note(f"wrote {output}")
