"""The renewal brief and checklist as Markdown, and the findings as table rows.

Rendering only formats; every number and sentence comes from the `RenewalBrief`.
"""

from __future__ import annotations

from planner.renewal.brief import RenewalBrief
from planner.renewal.findings import Finding, Priority
from planner.reports.render import md_escape

# The table keeps to what fits a terminal; readings and counter-moves are in --format md/json.
FINDING_HEADERS = ("priority", "kind", "subject", "money", "currency", "signal")


def finding_rows(brief: RenewalBrief) -> list[tuple[object, ...]]:
    return [(str(f.priority), str(f.kind), f.subject, round(f.money, 2), f.currency, f.signal)
            for f in brief.findings]


def _cell(text: object) -> str:
    """Input-derived text (hostnames, VA and site names) as inert Markdown: no HTML, no links."""
    return md_escape(text)


def _list(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(md_escape(i) for i in items)


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _use(consumed: int, entitled: int) -> str:
    return f"{consumed / entitled:.0%}" if entitled else ("n/a" if not consumed else "over")


def _finding_md(f: Finding) -> list[str]:
    ev = f.evidence
    lines = [f"### {f.priority.upper()} · {f.kind} · {_cell(f.subject)}", "",
             f"- **Signal:** {_cell(f.signal)}",
             f"- **How the renewal team reads it:** {_cell(f.reading)}",
             f"- **Counter-move:** {_cell(f.counter_move)}",
             f"- **Money at stake:** {_money(f.money, f.currency)}"]
    if ev.devices:
        more = f" (and {ev.devices_total - len(ev.devices)} more)" if (
            ev.devices_total > len(ev.devices)) else ""
        lines.append(f"- **Devices ({ev.devices_total}):** {_list(ev.devices)}{more}")
    if ev.licences:
        lines.append(f"- **Licences:** {_list(ev.licences)}")
    if ev.virtual_accounts:
        lines.append(f"- **Virtual Accounts:** {_list(ev.virtual_accounts)}")
    if ev.sites:
        lines.append(f"- **Sites:** {_list(ev.sites)}")
    if ev.numbers:
        lines.append("- **Numbers:** " + ", ".join(f"{k} = {v:g}" for k, v in ev.numbers))
    lines += [f"- _{_cell(n)}_" for n in f.notes]
    return [*lines, ""]


def render_brief_md(brief: RenewalBrief) -> str:
    out = [f"# Renewal brief: {_cell(brief.estate)}", "",
           f"Smart Account **{_cell(brief.account)}** (held by {brief.holder}). Reference date "
           f"{brief.reference.isoformat()}, renewal {brief.renewal.isoformat()}, hygiene pack "
           f"due {brief.plan.pack_due.isoformat()}; growth measured since "
           f"{brief.since.isoformat() if brief.since else 'n/a (no snapshots)'}.", "",
           "## Summary", "",
           "| kind | findings | money at stake |", "|---|---:|---:|"]
    out += [f"| {t.kind} | {t.findings} | {_money(t.money, brief.currency)} |"
            for t in brief.totals]
    out += ["", "Kinds overlap (an upgrade pitch is also a true-forward on the same units): "
            "the money is not added up across kinds.", ""]
    for priority in Priority:
        hits = brief.by_priority(priority)
        if hits:
            out += [f"## {priority.title()} priority ({len(hits)})", ""]
            for f in hits:
                out += _finding_md(f)
    out += ["## Consumption against entitlement", ""]
    for tag in brief.chart_tags():
        out += [f"**{_cell(tag)}**", "", "| date | entitled | consumed | use | source |",
                "|---|---:|---:|---:|---|"]
        out += [f"| {p.taken.isoformat()} | {p.entitled} | {p.consumed} | "
                f"{_use(p.consumed, p.entitled)} | {_cell(p.source)} |"
                for p in brief.series if p.tag == tag]
        out.append("")
    out += ["## Hygiene plan", "", f"Review cadence: **{brief.plan.cadence}**"
            + (f" (high churn: {_cell('; '.join(brief.plan.churn_reasons))})"
               if brief.plan.high_churn else "") + ".", "",
            "| due | step | detail |", "|---|---|---|"]
    out += [f"| {s.due.isoformat()}{' (overdue)' if s.overdue else ''} | {_cell(s.title)} | "
            f"{_cell(s.detail)} |" for s in brief.plan.steps]
    out += ["", "## Assumptions", ""] + [f"- {_cell(a)}" for a in brief.assumptions]
    if brief.notes:
        out += ["", "## Notes", ""] + [f"- {_cell(n)}" for n in brief.notes]
    return "\n".join(out) + "\n"


def render_checklist_md(brief: RenewalBrief) -> str:
    plan = brief.plan
    out = [f"# Renewal hygiene checklist: {_cell(brief.estate)}", "",
           f"Renewal {plan.renewal.isoformat()}; consolidated pack due "
           f"{plan.pack_due.isoformat()}; reviews {plan.cadence}.", "", "## By date", ""]
    for s in plan.steps:
        flag = " **(overdue)**" if s.overdue else ""
        out.append(f"- [ ] {s.due.isoformat()}{flag}: {_cell(s.title)}. {_cell(s.detail)}")
    out += ["", "## From the findings", ""]
    for f in brief.findings:
        out.append(f"- [ ] ({f.priority}) {f.kind} {_cell(f.subject)}: {_cell(f.counter_move)} "
                   f"[{_money(f.money, f.currency)}]")
    return "\n".join(out) + "\n"
