"""Engine commands: graph, plan, compare, explain."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner import progress
from planner.cli import main
from planner.cli._output import dump_json, render_rows
from planner.cli._redact import redact_option
from planner.cli.loading import read_estate
from planner.cli.options import (
    document_output,
    emit,
    note,
    solver_options,
    table_output,
    wide_requested,
)
from planner.fileio import write_atomic, write_files_atomic
from planner.graph import GRAPH_FORMATS, export_graph
from planner.model import DataElement
from planner.money import money
from planner.output import check_target
from planner.plan import COST_PARTS, Detail, Plan, Pricing, Strategy
from planner.solving import SolveOptions

if TYPE_CHECKING:  # the optimiser (and highspy) load only when a command solves
    from planner.optimise.strategies import Comparison, StrategyResult



@main.command("graph")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@document_output(GRAPH_FORMATS, "graphml",
                 help="GraphML (yEd, Gephi), DOT (Graphviz) or node-link JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Treat input warnings as errors (exit 2).")
@redact_option
def graph_cmd(estate: Path, fmt: str, output: Path | None, strict: bool, redact: bool) -> None:
    """Export the estate graph: sites, links, the internet, and the account tree.

    \b
    Example:
      planner graph demo/estate.yaml --format dot -o estate.dot
      dot -Tsvg estate.dot > estate.svg

    Boundary links are marked `crosses_boundary`; the Smart Account > Virtual Account >
    entitlement tree comes with it. Same estate, same bytes.
    """
    if output is not None:
        check_target(output, folder=False)  # before any work: never onto a device or symlink
    loaded = read_estate(estate, strict)
    if redact:
        from planner.redact import Redactor

        redactor = Redactor()
        text = redactor.scrub(export_graph(redactor.estate(loaded), fmt))
    else:
        text = export_graph(loaded, fmt)
    if output is None:
        emit(text)
    else:
        write_atomic(output, text)
        note(f"wrote {output}")


def _summary(plan: Plan) -> dict[str, Any]:
    """The plan in numbers, under snake_case keys: what `--format json|csv` prints."""
    sites: Counter[str] = Counter()
    for decision in plan.sites:
        sites[",".join(m.value for m in decision.modes)] += 1
    summary: dict[str, Any] = {
        "strategy": plan.strategy.value, "status": plan.status.value, "solver": plan.solver,
        "gap": round(plan.gap, 6), "gap_money": round(plan.gap_money, 2),
        "solve_seconds": round(plan.solve_seconds, 2), "currency": plan.estate.costs.currency,
    }
    summary.update({f"sites_{mode}": n for mode, n in sorted(sites.items())})
    summary.update({
        "onprem_servers": sum(p.servers for p in plan.servers),
        "server_sites": ",".join(p.site for p in plan.servers),
        "devices": len(plan.estate.devices),
        "devices_reserved": plan.devices_reserved,
        "labour_hours_per_year": round(plan.labour_hours_per_year, 1),
    })
    summary.update({f"cost_{part}": round(getattr(plan.costs, part), 2) for part in COST_PARTS})
    summary["cost_total"] = round(plan.costs.total, 2)
    return summary


def _summary_table_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The same summary for people: money with separators, the gap in percent."""
    cur = summary["currency"]
    rows = []
    for key, value in summary.items():
        if key == "currency":
            continue
        if key == "gap":
            text = f"{value:.4%}"
        elif key == "gap_money" or key.startswith("cost_"):
            text = money(value, cur)
        else:
            text = "-" if value == "" else str(value)
        rows.append((key.replace("_", " "), text))
    return rows


@main.command("plan")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for plan.json, devices.csv, reservations/, onprem, transfers, ...")
@solver_options
@table_output
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Date stamped in plan.json (default: SOURCE_DATE_EPOCH, else none).")
@redact_option
def plan_cmd(estate: Path, outdir: Path, solve: SolveOptions, strict: bool, fmt: str,
             date_text: str | None, redact: bool) -> None:
    """Choose a licensing mode per site at least total cost and write the plan files.

    \b
    Example:
      planner plan demo/estate.yaml -o demo/plan
      planner plan demo/estate.yaml -o demo/plan --solver cbc --time-limit 30

    Writes plan.json (schema planner.plan/2, docs/plan-schema.md), devices.csv, one
    reservation manifest per Virtual Account, onprem.csv/json, transfers.csv, purchases.csv and
    summary.txt; prints a summary. Exit 3 when no plan is possible or the solver fails.
    """
    from planner.optimise import plan_estate
    from planner.writers.plan_files import generated_date, render_plan_files, write_plan_files

    when = generated_date(date_text)  # a bad --date fails before any solving
    check_target(outdir, folder=True)
    loaded = read_estate(estate, strict, when)
    redactor = None
    if redact:  # a plan to share: solved on the tokenised estate
        from planner.redact import Redactor  # only a redacted plan needs it

        redactor = Redactor()
        loaded = redactor.estate(loaded)
    plan = plan_estate(loaded, solve)  # NoPlanError (exit 3) when no plan is possible
    rows, cols, _ = plan.model_size
    classes = progress.plural(len(plan.classes), "class", "classes")
    progress.mark("model", f"{classes}, {rows:,} rows x {cols:,} columns", plan.build_seconds)
    progress.mark("solve", f"{plan.status.value}, gap {plan.gap:.4%} ({plan.solver})",
                  plan.solve_seconds)
    if redactor is not None:
        written = write_files_atomic(outdir, redactor.scrub_files(render_plan_files(plan, when)))
    else:
        written = write_plan_files(plan, outdir, when)
    progress.mark("write", progress.plural(len(written), "file"))
    summary = _summary(plan)
    if fmt == "json":
        emit(dump_json(summary))
    elif fmt == "csv":
        emit(render_rows(tuple(summary), [tuple(summary.values())], fmt))
    else:
        emit(render_rows(("item", "value"), _summary_table_rows(summary), fmt))
    note(f"wrote plan files to {outdir}")


def _infeasible_text(result: StrategyResult, *, sites: int = 12, reasons: int = 3) -> str:
    """Which sites break a strategy and why: the first few distinct reasons per site."""
    lines = [f"{result.strategy.value}: no feasible plan ({result.status.value})"]
    for site, why in result.infeasible[:sites]:
        distinct = list(dict.fromkeys(why))
        more = f" (+{len(distinct) - reasons} more)" if len(distinct) > reasons else ""
        lines.append(f"  {site}: {'; '.join(distinct[:reasons])}{more}")
    if len(result.infeasible) > sites:
        lines.append(f"  ... and {len(result.infeasible) - sites} more site(s)")
    lines.append("  (`planner explain ESTATE --site ID` lists every reason for one site)")
    return "\n".join(lines)


COMPARE_HEADERS = ("strategy", "status", "priced", "total", *COST_PARTS, "devices_reserved",
                   "onprem_servers", "labour_hours_per_year", "exposed_devices",
                   "exposed_by_element", "gap",
                   "infeasible_sites", "devices_in_mode", "fallback_sites", "fallback_devices",
                   "fallback_modes")
# The default table: what an architect reads first; --wide adds the cost parts, JSON/CSV all.
TABLE_HEADERS = ("strategy", "status", "total", "vs optimal", "in mode", "falls back to",
                 "reserved", "servers", "h/year", "exposed")
PRICED_NOTE = ("where allowed: the strategy is infeasible at the sites that fall back; it is "
               "priced with its mode wherever eligible, the optimal mode there.")


# Short names for the table: which licence data elements leave, and from how many devices.
_ELEMENT_SHORT = {DataElement.PID_SERIAL: "id", DataElement.ENTITLEMENT_USAGE: "usage",
                  DataElement.SOFTWARE_VERSION: "version", DataElement.HOSTNAME: "hostname",
                  DataElement.HA_MEMBERS: "members"}


def compare_rows(comparison: Comparison) -> list[list[Any]]:
    """One row per strategy: feasibility of the pure strategy; the cost and its parts,
    reservations, servers and labour of the plan that prices it (`priced`: the pure plan or,
    when it is infeasible, the plan with the mode where allowed), and how much of the estate
    falls back."""
    rows = []
    for result in comparison.results:
        priced, partial = result.priced, result.where_allowed
        exposed = Counter[str]()
        for item in priced.exposure if priced else ():
            exposed[item.site] = max(exposed[item.site], item.devices)
        ok = priced is not None
        rows.append([
            result.strategy.value, result.status.value, result.pricing.value,
            round(priced.costs.total, 2) if priced else None,
            *[round(getattr(priced.costs, part), 2) if priced else None for part in COST_PARTS],
            priced.devices_reserved if priced else None,
            sum(p.servers for p in priced.servers) if priced else None,
            round(priced.labour_hours_per_year, 1) if priced else None,
            sum(exposed.values()) if ok else None,
            ";".join(f"{e.value}:{n}" for e, n in priced.exposed_by_element().items())
            if priced else None,
            round(priced.gap, 6) if priced else None,
            len(result.infeasible),
            result.devices_in_mode,
            partial.fallback_sites if partial else 0,
            partial.fallback_devices if partial else 0,
            ";".join(f"{m.value}:{n}" for m, n in partial.fallback_modes().items())
            if partial else "",
        ])
    return rows


def compare_table_rows(comparison: Comparison, *, wide: bool = False,
                       ) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The rows for people: money with separators, partial strategies labelled."""
    cur = comparison.estate.costs.currency
    best = comparison.optimal.costs.total
    devices = len(comparison.estate.devices)
    # The default table fits 100 columns: labour and exposure join the cost parts under --wide.
    headers = (TABLE_HEADERS[0], TABLE_HEADERS[1], f"total ({cur})", *TABLE_HEADERS[3:6],
               *(f"{p} ({cur})" for p in (COST_PARTS if wide else ())),
               *TABLE_HEADERS[6:8], *(TABLE_HEADERS[8:] if wide else ()))
    rows = []
    for result, full in zip(comparison.results, compare_rows(comparison), strict=True):
        priced, partial = result.priced, result.where_allowed
        data = dict(zip(COMPARE_HEADERS, full, strict=True))
        label = result.strategy.value
        status = result.status.value
        if result.pricing is Pricing.WHERE_ALLOWED:
            status = "where allowed"  # the falls-back column names the sites that break it
        elif result.infeasible:
            n = len(result.infeasible)
            status += f" at {n} site{'s' if n != 1 else ''}"
        vs = ("-" if priced is None or result.strategy is Strategy.OPTIMAL
              else money(priced.costs.total - best, signed=True))
        fallback = partial.fallback_short() if partial else "-"
        in_mode = ("-" if data["devices_in_mode"] is None
                   else f"{data['devices_in_mode']:,} of {devices:,}")
        rows.append([label, status, money(data["total"]), vs, in_mode, fallback,
                     *([money(data[p]) for p in COST_PARTS] if wide else []),
                     _count(data["devices_reserved"]), _count(data["onprem_servers"]),
                     *([_hours(data["labour_hours_per_year"]), _exposed_cell(priced)]
                       if wide else [])])
    return headers, rows


def _hours(value: float | None) -> str:
    """Hours a year in the compare table (two decimals, as the money columns beside them)."""
    return "-" if value is None else f"{value:,.2f}"


def _exposed_cell(plan: Plan | None) -> str:
    """The exposure price and, per element that leaves, from how many devices."""
    if plan is None:
        return "-"
    parts = [f"{_ELEMENT_SHORT[e]} {n:,}" for e, n in plan.exposed_by_element().items() if n]
    return money(plan.costs.exposure) + (f" ({', '.join(parts)})" if parts else "")


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _strategy_notes(result: StrategyResult, best: Plan) -> str:
    """Below the table: why a pure strategy is infeasible and what its where-allowed plan is."""
    text = _infeasible_text(result)
    partial = result.where_allowed
    if partial is None or not partial.partial:
        return text
    cur = best.estate.costs.currency
    head, rest = text.split("\n", 1)
    total = partial.plan.costs.total
    return (f"{head}\n  where allowed: {money(total, cur)} "
            f"({money(total - best.costs.total, signed=True)} vs "
            f"optimal), {partial.forced_devices:,} devices in {partial.mode.value}; falls back at "
            f"{partial.fallback_text()}\n{rest}")


@main.command("compare")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@solver_options
@table_output
@click.option("--where-allowed/--pure-only", "where_allowed", default=True, show_default=True,
              help="Also price each infeasible single-mode strategy with its mode wherever it "
                   "is eligible and the optimal mode elsewhere (one more solve each).")
def compare_cmd(estate: Path, solve: SolveOptions, strict: bool, fmt: str,
                where_allowed: bool) -> None:
    """Price every single-mode strategy beside the optimal mix.

    \b
    Example:
      planner compare demo/estate.yaml
      planner compare demo/estate.yaml --wide
      planner compare demo/estate.yaml --format csv > strategies.csv

    A strategy forces one mode (all-cssm-direct, all-cslu, all-onprem-network,
    all-onprem-manual, all-offline, all-slr, all-plr) on every site. When some site cannot
    take it, it is infeasible: the sites that break it are listed below the table with why,
    and it is priced "where allowed" (its mode wherever eligible, the optimal mode at the
    sites that fall back). Columns: status, total cost over the horizon (--wide adds its
    parts), cost above the optimal mix, devices in the strategy's mode, sites that fall back
    and the modes they take, devices reserved (SLR/PLR), On-Prem servers, labour hours a year,
    devices whose licence data leaves their site. JSON/CSV carry every column, `priced`
    (all-sites, where-allowed, none) and the fallback per site and mode.
    """
    from planner.optimise import compare_strategies

    # Every column is a total: no per-class or per-device decision is mapped back.
    comparison = compare_strategies(read_estate(estate, strict), solve,
                                    where_allowed=where_allowed, detail=Detail.TOTALS)
    solved = sum(r.priced is not None for r in comparison.results)
    progress.mark("compare", f"{len(comparison.results)} strategies, "
                  f"{progress.plural(solved, 'plan')} solved")
    rows = compare_rows(comparison)
    if fmt == "json":
        data = [dict(zip(COMPARE_HEADERS, row, strict=True)) for row in rows]
        for entry, result in zip(data, comparison.results, strict=True):
            entry["infeasible"] = {site: list(r) for site, r in result.infeasible}
            partial = result.where_allowed
            entry["fallback_modes"] = ({m.value: n for m, n in partial.fallback_modes().items()}
                                       if partial else {})
            entry["fallback"] = ({f.site: {"devices": f.devices,
                                           "modes": {m.value: n for m, n in f.modes},
                                           "reason": f.reason} for f in partial.fallbacks}
                                 if partial else {})
        emit(dump_json(data))
        return
    if fmt == "csv":
        emit(render_rows(COMPARE_HEADERS, rows, fmt))
        return
    wide = wide_requested()
    headers, table = compare_table_rows(comparison, wide=wide)
    emit(render_rows(headers, table, fmt))
    if any(r.pricing is Pricing.WHERE_ALLOWED for r in comparison.results):
        emit(_fit(PRICED_NOTE, wide) + "\n")
    for result in comparison.results:
        if result.infeasible:
            emit("\n" + _fit(_strategy_notes(result, comparison.optimal), wide) + "\n")


@main.command("explain")
@click.argument("estate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--site", "site_id", required=True, help="The site id to explain.")
@solver_options
@table_output
def explain_cmd(estate: Path, site_id: str, solve: SolveOptions, strict: bool,
                fmt: str) -> None:
    """Say why a site got its mode, what the others would cost, and what would flip it.

    \b
    Example:
      planner explain demo/estate.yaml --site SCIF-1

    Re-solves with the site pinned to each other eligible mode to price it; modes blocked only
    by inputs you control (policy, SLR/PLR pre-approval, export authorisation) are priced as if
    you changed them.
    """
    from planner.explain import explain_site

    result = explain_site(read_estate(estate, strict), site_id, solve)
    if fmt == "json":
        emit(dump_json(result.as_dict()))
        return
    cur = result.currency
    headers = ("mode", "status", f"site cost ({cur})", "plan total vs optimum",
               "why / what to change")
    lines = [f"Site {result.site} ({result.classification}, {result.devices} devices): "
             f"{', '.join(m.value for m in result.modes)}"
             + (f" served by the On-Prem server at {result.server_site}"
                if result.server_site else ""),
             f"This site's own cost in the plan: {money(result.site_cost, cur)} (labour, "
             "exposure, flexibility, PLR uplift)",
             f"Plan total: {money(result.cost, cur)}", ""]
    chosen = [[", ".join(m.value for m in result.modes), "chosen", money(result.site_cost),
               "-", "-"]]
    rows = chosen + [[a.mode.value,
                      "eligible" if a.eligible else ("with a change" if a.lever else "excluded"),
                      money(a.site_cost),
                      "-" if a.delta is None else money(a.delta, signed=True),
                      a.lever or ("see below" if a.reasons else "-")]
                     for a in result.alternatives]
    if fmt == "csv":
        emit(render_rows(headers, rows, fmt))
        return
    lines.append(render_rows(headers, rows, "table").rstrip("\n"))
    blocked = [a for a in result.alternatives if a.reasons]
    if blocked:
        lines += ["", "Why the other modes are out:"]
        for alt in blocked:
            lines += [f"  {alt.mode.value}: {reason}" for reason in alt.reasons]
    lines += ["", "What would flip the choice:"] + [f"  - {f}" for f in result.flips]
    emit(_fit("\n".join(lines), wide_requested()) + "\n")


def _fit(text: str, wide: bool) -> str:
    """Prose under a table, wrapped to the table width (indentation kept) unless --wide."""
    if wide:
        return text
    from planner.cli._output import TABLE_WIDTH

    out = []
    for line in text.split("\n"):
        if len(line) <= TABLE_WIDTH:
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        bullet = "  " if line.lstrip().startswith("- ") else ""
        out.extend(textwrap.wrap(line.strip(), TABLE_WIDTH, initial_indent=indent,
                                 subsequent_indent=indent + bullet + "  ",
                                 break_on_hyphens=False, break_long_words=True))
    return "\n".join(out)
