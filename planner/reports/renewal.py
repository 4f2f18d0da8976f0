"""Build the renewal report's context from helper F's `RenewalBrief` (planner.renewal).

The brief already holds every finding, step and number; this module only flattens it into the
report's frozen rows and draws the consumption-versus-entitlement chart. No solver runs.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from planner import __version__
from planner.model import Estate
from planner.money import money
from planner.problems import UsageError
from planner.renewal.brief import ChartPoint, RenewalBrief
from planner.renewal.findings import Finding
from planner.renewal.render import ActionRow, PositionLineRow, position_lines, ranked_actions
from planner.reports.context import Chart, ReportMeta, Reproducibility
from planner.reports.reproducibility import reproducibility


@dataclass(frozen=True, slots=True)
class FindingRow:
    priority: str
    kind: str
    subject: str
    signal: str
    reading: str
    counter_move: str
    money: float
    evidence: tuple[str, ...]  # "Devices (12): a, b, ...", "Licences: ...", ...
    notes: tuple[str, ...]
    lines: tuple[str, ...] = ()  # the position lines the finding moves


@dataclass(frozen=True, slots=True)
class StepRow:
    id: str
    due: str
    title: str
    detail: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class SeriesRow:
    taken: str
    tag: str
    entitled: int
    consumed: int
    gap: int  # consumed minus entitled (positive: a true-forward)
    source: str


@dataclass(frozen=True, slots=True)
class RenewalReport:
    meta: ReportMeta
    summary: tuple[tuple[str, str], ...]
    # The first page: the two sides, the difference, the actions worth most (planner.renewal
    # .position); the full line list follows the findings.
    position: tuple[tuple[str, str], ...]
    top_actions: tuple[ActionRow, ...]
    actions: tuple[ActionRow, ...]
    lines: tuple[PositionLineRow, ...]
    consistency: tuple[str, ...]
    totals: tuple[tuple[str, int, float], ...]  # (kind, findings, money)
    findings: tuple[FindingRow, ...]
    steps: tuple[StepRow, ...]
    chart: Chart
    series: tuple[SeriesRow, ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]
    reproducibility: Reproducibility


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


CHART_CAP = 3.0  # the common scale runs to 300% of entitlement; beyond it a bar is clipped


def consumption_chart(points: tuple[ChartPoint, ...], when: date) -> str:
    """One bar per licence at the latest date: consumed units as a share of entitled units, on
    one common scale with a line at 100%, so licences counted in thousands and in tens compare
    at a glance (red beyond entitlement; a licence with nothing entitled is named, not drawn)."""
    latest = max((p.taken for p in points), default=when)
    rows = sorted((p for p in points if p.taken == latest), key=lambda p: p.tag)
    label_w, bar_w, row_h = 220.0, 560.0, 26.0
    peak = max([CHART_CAP if p.entitled and p.consumed / p.entitled > CHART_CAP
                else (p.consumed / p.entitled if p.entitled else 1.0) for p in rows] + [1.0])
    scale = bar_w / peak
    height = 40 + row_h * len(rows) + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart consumption" role="img" '
           f'viewBox="0 0 960 {height:g}" width="960" height="{height:g}" '
           f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           f"<title>Consumption as a per cent of entitlement on {latest.isoformat()}</title>"]
    for i, p in enumerate(rows):
        y = 30 + i * row_h
        out.append(f'<text x="{label_w - 8:g}" y="{y + 15:g}" text-anchor="end">'
                   f"{_esc(p.tag)}</text>")
        if not p.entitled:
            out.append(f'<text x="{label_w + 4:g}" y="{y + 15:g}" fill="#c0392b" '
                       f'font-style="italic">{p.consumed} in use, none entitled</text>')
            continue
        share = p.consumed / p.entitled
        width = scale * min(share, CHART_CAP)
        over = share > 1.0
        out.append(f'<rect x="{label_w:g}" y="{y + 4:g}" width="{round(width, 1):g}" height="16" '
                   f'fill="{"#c0392b" if over else "#08519c"}" data-share="{share:.4f}">'
                   f"<title>{_esc(p.tag)}: {p.consumed} of {p.entitled} entitled "
                   f"({share:.0%})</title></rect>")
        clipped = " (clipped)" if share > CHART_CAP else ""
        out.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 16:g}">{share:.0%} '
                   f"({p.consumed} / {p.entitled}){clipped}</text>")
    top, bottom = 26, 30 + row_h * len(rows)
    full = label_w + scale
    out.append(f'<line x1="{full:.1f}" y1="{top}" x2="{full:.1f}" y2="{bottom:g}" '
               f'stroke="#333" stroke-dasharray="4 3"/>'
               f'<text x="{full:.1f}" y="{top - 4}" text-anchor="middle" font-size="10">'
               "100% of entitlement</text>")
    y = bottom + 14
    out.append(f'<rect x="{label_w:g}" y="{y:g}" width="14" height="12" fill="#08519c"/>'
               f'<text x="{label_w + 20:g}" y="{y + 11:g}">within entitlement</text>'
               f'<rect x="{label_w + 170:g}" y="{y:g}" width="14" height="12" fill="#c0392b"/>'
               f'<text x="{label_w + 190:g}" y="{y + 11:g}">beyond entitlement</text>')
    out.append("</svg>")
    return "\n".join(out)


def renewal_day(estate: Estate, option: str | None) -> date:
    if option:
        try:
            return date.fromisoformat(option)
        except ValueError:
            raise UsageError(f"--renewal-date {option!r} is not an ISO date (YYYY-MM-DD)") \
                from None
    if estate.agreement is not None:
        return estate.agreement.end
    raise UsageError("the renewal report needs --renewal-date (the estate declares no "
                     "agreement end to default to)")


def history(estate: Estate) -> sqlite3.Connection | None:
    """The snapshot history beside the estate file, when one was recorded."""
    from planner.history.store import default_db_path, open_history

    if not estate.path:
        return None
    path = default_db_path(estate.path)
    return open_history(path, readonly=True) if Path(path).is_file() else None


def build_renewal(estate: Estate, *, when: date | None, date_source: str, command: str,
                  renewal: str | None = None) -> RenewalReport:
    from planner.renewal.read import run_renewal

    if when is None:
        raise UsageError("the renewal report needs a reference date: pass --date YYYY-MM-DD "
                         "or set SOURCE_DATE_EPOCH")
    conn = history(estate)
    try:
        brief = run_renewal(estate, reference=when, renewal=renewal_day(estate, renewal),
                            conn=conn)
    finally:
        if conn is not None:
            conn.close()
    report = from_brief(estate, brief, date_source=date_source, command=command)
    return replace(report, summary=report.summary + ledger_summary(estate, when))


def ledger_summary(estate: Estate, when: date) -> tuple[tuple[str, str], ...]:
    """The reporting ledger as the renewal team will see it: ACKs and deadlines from the last
    recorded 'planner cycle status' read, where one exists (read-only)."""
    from planner.cycle.record import site_acks
    from planner.history.store import default_db_path

    sites = site_acks(default_db_path(estate.path), when) if estate.path else {}
    if not sites:
        return (("reporting ledger", "no recorded 'planner cycle status' read: report and ACK "
                 "dates are not evidenced"),)
    read_on = max(s.read_on for s in sites.values())
    devices = sum(s.devices for s in sites.values())
    evidenced = sum(s.evidenced for s in sites.values())
    overdue = sum(s.overdue for s in sites.values())
    deadlines = [s.earliest_deadline for s in sites.values() if s.earliest_deadline]
    late = sorted(s.site for s in sites.values() if s.overdue)
    text = (f"read {read_on}: {evidenced} of {devices} device(s) show a next ACK deadline, "
            f"{overdue} overdue" + (f" (at {', '.join(late[:5])}"
                                    f"{' ...' if len(late) > 5 else ''})" if late else "")
            + (f"; earliest deadline {min(deadlines)}" if deadlines else ""))
    return (("reporting ledger", text),)


def _evidence(f: Finding) -> tuple[str, ...]:
    ev = f.evidence
    out = []
    if ev.devices:
        more = ev.devices_total - len(ev.devices)
        out.append(f"Devices ({ev.devices_total}): {', '.join(ev.devices)}"
                   + (f" and {more} more" if more > 0 else ""))
    for label, items in (("Licences", ev.licences), ("Virtual Accounts", ev.virtual_accounts),
                         ("Sites", ev.sites)):
        if items:
            out.append(f"{label}: {', '.join(items)}")
    if ev.numbers:
        out.append("Numbers: " + ", ".join(f"{k} = {v:g}" for k, v in ev.numbers))
    if ev.entitlement_rows:
        out.append(f"Entitlement rows: {', '.join(ev.entitlement_rows)}")
    return tuple(out)


def from_brief(estate: Estate, brief: RenewalBrief, *, date_source: str,
               command: str) -> RenewalReport:
    plan = brief.plan
    summary = (
        ("reference date", brief.reference.isoformat()),
        ("renewal date", brief.renewal.isoformat()),
        ("hygiene pack due", plan.pack_due.isoformat()),
        ("review cadence", str(plan.cadence)
         + (f" (high churn: {'; '.join(plan.churn_reasons)})" if plan.high_churn else "")),
        ("growth measured since", brief.since.isoformat() if brief.since else
         "n/a (no snapshots)"),
        ("snapshots", str(len(brief.snapshots))),
        ("findings", str(len(brief.findings))),
        ("Smart Account holder", brief.holder),
    )
    findings = tuple(FindingRow(
        priority=str(f.priority), kind=str(f.kind), subject=f.subject, signal=f.signal,
        reading=f.reading, counter_move=f.counter_move, money=f.money,
        evidence=_evidence(f), notes=f.notes, lines=f.lines) for f in brief.findings)
    pos = brief.position
    cur = brief.currency
    position = (
        ("expected opening", money(pos.opening, cur)),
        ("buyer's position", money(pos.position, cur)),
        ("difference", f"{money(pos.headroom, cur)} ({pos.headroom_share:.1%} of the opening)"),
        ("actions that earn it", str(sum(1 for a in pos.actions if a.saving > 0))),
    )
    actions = ranked_actions(pos.actions)
    top = {a.id for a in pos.top(brief.top_actions)}
    steps = tuple(StepRow(s.id, s.due.isoformat(), s.title, s.detail, s.overdue)
                  for s in plan.steps)
    series = tuple(SeriesRow(p.taken.isoformat(), p.tag, p.entitled, p.consumed,
                             p.consumed - p.entitled, p.source)
                   for p in sorted(brief.series, key=lambda p: (p.taken, p.tag)))
    meta = ReportMeta(title=f"Renewal brief: {estate.name}", kind="renewal",
                      estate=estate.name, account=estate.account.name,
                      currency=brief.currency, generated=brief.reference.isoformat(),
                      tool_version=__version__, horizon_years=estate.costs.horizon_years)
    return RenewalReport(
        meta=meta, summary=summary, position=position,
        top_actions=tuple(a for a in actions if a.id in top), actions=actions,
        lines=position_lines(pos), consistency=brief.consistency,
        totals=tuple((str(t.kind), t.findings, t.money) for t in brief.totals),
        findings=findings, steps=steps,
        chart=Chart("consumption-chart", "Consumption against entitlement",
                    consumption_chart(brief.series, brief.reference),
                    "Per licence at the latest date, consumed units (the larger of what devices "
                    "report and what CSSM counts) as a per cent of entitled units, every "
                    "licence on one common scale; the dashed line is 100%. The table below "
                    "gives the units."),
        series=series, assumptions=brief.assumptions, notes=brief.notes,
        reproducibility=reproducibility(estate, None, brief.reference, date_source, command))
