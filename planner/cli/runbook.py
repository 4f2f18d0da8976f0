"""`planner runbook`: device-side runbooks from a solved or saved plan."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli import main
from planner.cli._output import render_rows
from planner.cli._redact import redact_option
from planner.cli.loading import read_estate
from planner.cli.options import emit, note, solver_options, table_output
from planner.fileio import write_files_atomic
from planner.output import check_target
from planner.problems import UsageError
from planner.solving import SolveOptions


def _server_urls(values: tuple[str, ...]) -> dict[str, str]:
    urls: dict[str, str] = {}
    for value in values:
        site, sep, url = value.partition("=")
        if not sep or not site.strip() or not url.strip():
            raise UsageError(f"--server-url {value!r}: expected SITE=URL "
                             "(the SSM On-Prem transport URL of the server at SITE)")
        urls[site.strip()] = url.strip()
    return urls


def _proxy(value: str | None) -> tuple[str, str]:
    if not value:
        return "", ""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise UsageError(f"--proxy {value!r}: expected HOST:PORT")
    return host, port


@main.command("runbook")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the runbooks (one sub-folder per site).")
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A plan.json written by 'planner plan' for this estate (no solve).")
@click.option("--server-url", "server_urls", multiple=True, metavar="SITE=URL",
              help="SSM On-Prem transport URL of the server at SITE (repeatable).")
@click.option("--cslu-url", default="", metavar="URL",
              help="CSLU URL for sites planned on CSLU, e.g. http://cslu:8182/cslu/v1/pi.")
@click.option("--proxy", "proxy", metavar="HOST:PORT",
              help="HTTPS proxy for cssm-direct sites whose internet access is 'proxy'.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Date stamped in the runbooks (default: SOURCE_DATE_EPOCH, else none).")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="Folder with your own runbook.md.j2, runbook.html.j2 or runbook-index.md.j2 "
                   "(the built-in ones otherwise).")
@click.option("--no-html", is_flag=True, help="Skip the HTML runbooks (Markdown stays).")
@redact_option
@solver_options
@table_output
def runbook_cmd(estate: Path, outdir: Path, plan_file: Path | None, server_urls: tuple[str, ...],
                cslu_url: str, proxy: str | None, date_text: str | None,
                templates: Path | None, no_html: bool, redact: bool, solve: SolveOptions,
                strict: bool, fmt: str) -> None:
    """Write device-side runbooks that put every device into its planned licensing mode.

    \b
    Example:
      planner plan demo/estate.yaml -o demo/plan
      planner runbook demo/estate.yaml --plan demo/plan/plan.json -o demo/runbooks
      planner runbook demo/estate.yaml -o demo/runbooks --server-url DC1=https://onprem/cslu/v1/pi/T1

    Writes README.md, one folder per site (runbook.md and runbook.html with the change-record
    header, steps, carry trips and rollback; <hostname>.txt command files; carry.csv) and
    ansible-vars.yml.
    Commands come from models/commands.yaml with their Cisco source; a command that could not
    be confirmed is written commented out and marked for confirmation. Without --plan the estate
    is solved first (same options as 'planner plan').
    """
    from planner.runbooks import runbook_files
    from planner.runbooks.planned import from_plan, from_plan_file
    from planner.runbooks.render import site_folders
    from planner.runbooks.types import RunbookSettings
    from planner.writers.plan_files import generated_date

    when = generated_date(date_text)
    check_target(outdir, folder=True)
    host, port = _proxy(proxy)
    settings = RunbookSettings(server_urls=_server_urls(server_urls), cslu_url=cslu_url,
                               proxy_host=host, proxy_port=port)
    loaded = read_estate(estate, strict)
    unknown = sorted(set(settings.server_urls) - {s.id for s in loaded.sites})
    if unknown:
        raise UsageError(f"--server-url names unknown site(s): {', '.join(unknown)}")
    if plan_file is not None:
        planned = from_plan_file(loaded, plan_file)
    else:
        from planner.optimise import plan_estate

        # NoPlanError (exit 3, nothing written) when no plan is possible
        planned = from_plan(plan_estate(loaded, solve))
    redactor = None
    if redact:  # a runbook to review outside: the plan and the values given here, tokenised
        from planner.redact import Redactor

        redactor = Redactor()
        planned = redactor.planned(planned)
        settings = RunbookSettings(
            server_urls=redactor.urls(settings.server_urls),
            cslu_url=redactor.token("url", settings.cslu_url),
            proxy_host=redactor.token("proxy", settings.proxy_host),
            proxy_port=settings.proxy_port)
    files = runbook_files(planned, settings, when.isoformat() if when else None,
                          html=not no_html, templates=templates)
    if redactor is not None:
        files = redactor.scrub_files(files)
    write_files_atomic(outdir, files)
    per_site: dict[str, list[int]] = {}
    for p in planned.devices:
        counts = per_site.setdefault(p.device.site, [0, 0])
        counts[0] += 1
    site_of = {folder: site for site, folder in site_folders(per_site).items()}
    for name in files:
        folder, sep, _rest = name.partition("/")
        if sep and folder in site_of:
            per_site[site_of[folder]][1] += 1
    emit(render_rows(("site", "devices", "files"),
                     [(site, n, f) for site, (n, f) in sorted(per_site.items())], fmt))
    note(f"wrote runbooks for {len(planned.devices)} device(s) at {len(per_site)} site(s) "
         f"to {outdir}")
