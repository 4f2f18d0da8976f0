"""The renewal brief and checklist as Markdown, and the findings as table rows.

Rendering only formats; every number and sentence comes from the `RenewalBrief`.
"""

from __future__ import annotations

from tabulate import tabulate

from planner.renewal.brief import RenewalBrief
from planner.renewal.findings import Finding, Priority
from planner.renewal.position import Action, Line, Position
from planner.reports.render import md_escape

# The default table fits 100 columns (subjects and signals shortened with an ellipsis);
# `--wide` shows every column in full, and readings and counter-moves are in --format md/json.
WIDTH = 100
FINDING_HEADERS = ("priority", "kind", "subject", "money")
WIDE_FINDING_HEADERS = ("priority", "kind", "subject", "money", "currency", "signal", "lines")
ACTION_HEADERS = ("rank", "action", "saving", "hours", "per hour", "due")
WIDE_ACTION_HEADERS = ("rank", "action", "saving", "hours", "labour", "per hour", "due",
                       "step", "title")
LINE_HEADERS = ("line", "basis", "units", "opening", "position")


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def finding_rows(brief: RenewalBrief, wide: bool = False) -> list[tuple[object, ...]]:
    if wide:
        return [(str(f.priority), str(f.kind), f.subject, round(f.money, 2), f.currency,
                 f.signal, " ".join(f.lines)) for f in brief.findings]
    return [(str(f.priority), str(f.kind), clip(f.subject, 48), round(f.money, 2))
            for f in brief.findings]


def _per_hour(a: Action) -> object:
    return "-" if a.hours <= 0 else round(a.per_hour, 2)


def action_rows(position: Position, wide: bool = False) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for rank, a in enumerate(position.actions, 1):
        due = a.due.isoformat() + (" (overdue)" if a.overdue else "")
        if wide:
            out.append((rank, a.id, round(a.saving, 2), round(a.hours, 2), round(a.labour, 2),
                        _per_hour(a), due, a.step, a.title))
        else:
            out.append((rank, clip(a.id, 40), round(a.saving, 2), round(a.hours, 2),
                        _per_hour(a), due))
    return out


def line_rows(position: Position, wide: bool = False) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for ln in position.lines:
        _, moved = position.moved(ln.id)
        out.append((ln.id if wide else clip(ln.id, 44), ln.basis, ln.units,
                    round(ln.money, 2), round(ln.money - moved, 2)))
    return out


def headline(brief: RenewalBrief) -> list[str]:
    """The brief's first lines: the two numbers and the difference, money basis in words."""
    p = brief.position
    cur = brief.currency
    return [
        f"Expected opening: {_money(p.opening, cur)}",
        f"Buyer's position: {_money(p.position, cur)}",
        f"Difference: {_money(p.headroom, cur)} ({p.headroom_share:.1%} of the opening) from "
        f"{sum(1 for a in p.actions if a.saving > 0)} action(s)",
    ]


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
    moves = (", ".join(f"`{md_escape(i)}`" for i in f.lines) if f.lines else
             "none (no priced line: a perpetual holding is not billed again, or a proposal "
             "without a price)")
    ev = f.evidence
    lines = [f"### {f.priority.upper()} · {f.kind} · {_cell(f.subject)}", "",
             f"- **Signal:** {_cell(f.signal)}",
             f"- **How the renewal team reads it:** {_cell(f.reading)}",
             f"- **Counter-move:** {_cell(f.counter_move)}",
             f"- **Money at stake:** {_money(f.money, f.currency)}"
             + (f" ({f.basis})" if f.basis else ""),
             f"- **Moves lines:** {moves}"]
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
    if ev.entitlement_rows:
        lines.append(f"- **Entitlement rows:** {_list(ev.entitlement_rows)}")
    lines += [f"- _{_cell(n)}_" for n in f.notes]
    return [*lines, ""]


def render_brief_md(brief: RenewalBrief) -> str:
    out = [f"# Renewal brief: {_cell(brief.estate)}", "",
           f"Smart Account **{_cell(brief.account)}** (held by {_cell(brief.holder)}). "
           f"Reference date {brief.reference.isoformat()}, renewal {brief.renewal.isoformat()}, "
           f"hygiene pack due {brief.plan.pack_due.isoformat()}; growth measured since "
           f"{brief.since.isoformat() if brief.since else 'n/a (no snapshots)'}.", "",
           *_first_page(brief),
           "## Findings by kind", "",
           "| kind | findings | money at stake |", "|---|---:|---:|"]
    out += [f"| {t.kind} | {t.findings} | {_money(t.money, brief.currency)} |"
            for t in brief.totals]
    out += ["", "Kinds overlap (an upgrade pitch is also a true-forward on the same units): "
            "findings' money is not added up across kinds; the two sides above are, because "
            "each unit sits on one line.", ""]
    for priority in Priority:
        hits = brief.by_priority(priority)
        if hits:
            out += [f"## {priority.title()} priority ({len(hits)})", ""]
            for f in hits:
                out += _finding_md(f)
    out += _lines_md(brief)
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


def _first_page(brief: RenewalBrief) -> list[str]:
    p = brief.position
    cur = brief.currency
    top = p.top(brief.top_actions)
    out = ["## Renewal position", ""]
    out += [f"- **{md_escape(h.split(': ', 1)[0])}:** {md_escape(h.split(': ', 1)[1])}"
            for h in headline(brief)]
    out += ["", "The opening is what the renewal team would quote from the telemetry as it "
            "stands: every term licence entitled renewed for a year (shelfware included), "
            "over-consumption as a true-forward for the months to the agreement end (perpetual: "
            "once), a step-up where devices run a tier above the one the VA owns, and uplift "
            "for growth and for units inside the EA growth allowance. The position is the same "
            "lines after the actions below. Each line's money basis is stated beside it "
            "(per year, months billed, perpetual once).", ""]
    if top:
        out += [f"### The {len(top)} action(s) worth most, ranked by money per hour", "",
                "| # | action | saving | hours | per hour | due | lines moved |",
                "|---:|---|---:|---:|---:|---|---|"]
        for rank, a in enumerate(top, 1):
            per = "-" if a.hours <= 0 else _money(a.per_hour, cur)
            due = a.due.isoformat() + (" (overdue)" if a.overdue else "")
            out.append(f"| {rank} | {_cell(a.title)} | {_money(a.saving, cur)} | "
                       f"{a.hours:g} | {per} | {due} ({a.step}) | "
                       f"{_cell(', '.join(m.line for m in a.moves))} |")
        out.append("")
    else:
        out += ["No action the planner can name moves the opening.", ""]
    if p.excluded:
        out += ["Left out by what-if flags: " + "; ".join(
            f"{_cell(e.action)} ({_cell(e.reason)}, {_money(e.saving, cur)})"
            for e in p.excluded) + ".", ""]
    out += [f"- _{_cell(n)}_" for n in brief.consistency]
    return [*out, ""]


def _lines_md(brief: RenewalBrief) -> list[str]:
    p = brief.position
    cur = brief.currency
    out = ["## The two sides, line by line", "",
           "| line | basis | units (opening → position) | unit price | opening | position | "
           "moved by | rows |",
           "|---|---|---:|---:|---:|---:|---|---|"]
    for ln in p.lines:
        units, moved = p.moved(ln.id)
        price = f"{ln.unit_price:,.2f} ({ln.price_source})"
        out.append(f"| {_cell(ln.id)} | {ln.basis} | {ln.units:,} → {ln.units - units:,} | "
                   f"{_cell(price)} | "
                   f"{_money(ln.money, cur)} | {_money(ln.money - moved, cur)} | "
                   f"{_cell(_moved_by(p, ln))} | "
                   f"{_cell(', '.join(ln.entitlement_rows) or '-')} |")
    out += ["", f"All actions, ranked by money per hour (labour at "
            f"{_money(p.actions[0].rate if p.actions else 0.0, cur)} an hour):", "",
            "| # | action | saving | hours | labour | due | title |",
            "|---:|---|---:|---:|---:|---|---|"]
    for rank, a in enumerate(p.actions, 1):
        out.append(f"| {rank} | {_cell(a.id)} | {_money(a.saving, cur)} | {a.hours:g} | "
                   f"{_money(a.labour, cur)} | {a.due.isoformat()} | {_cell(a.title)} |")
    return [*out, ""]


def render_rows(headers: tuple[str, ...], rows: list[tuple[object, ...]], title: str) -> str:
    """One table in the CLI's table style (planner.cli._output.render_rows)."""
    table = tabulate(rows, headers=list(headers), tablefmt="simple", floatfmt=",.2f",
                     intfmt=",", disable_numparse=False)
    return f"{title}\n{table}\n"


def _moved_by(p: Position, line: Line) -> str:
    """The actions that move a line, and why what they leave stays."""
    return "; ".join(x for x in (", ".join(p.movers(line.id)), p.stays(line)) if x)


def render_table(brief: RenewalBrief, wide: bool = False) -> str:
    """The terminal view: the two numbers, the actions, the lines and the findings."""
    p = brief.position
    parts = [f"Renewal read: {brief.estate} (renewal {brief.renewal.isoformat()}, pack due "
             f"{brief.plan.pack_due.isoformat()})\n", *(h + "\n" for h in headline(brief))]
    parts.append(render_rows(WIDE_ACTION_HEADERS if wide else ACTION_HEADERS,
                             action_rows(p, wide)[:None if wide else brief.top_actions],
                             title="\nActions, ranked by money per hour"
                             + ("" if wide else " (top; --wide for all)")))
    if wide:
        parts.append(render_rows(LINE_HEADERS, line_rows(p, wide),
                                 title="\nLines: opening and position"))
    parts.append(render_rows(WIDE_FINDING_HEADERS if wide else FINDING_HEADERS,
                             finding_rows(brief, wide),
                             title=f"\nFindings (money in {brief.currency})"))
    return "".join(parts)


def render_checklist_md(brief: RenewalBrief) -> str:
    plan = brief.plan
    out = [f"# Renewal hygiene checklist: {_cell(brief.estate)}", "",
           f"Renewal {plan.renewal.isoformat()}; consolidated pack due "
           f"{plan.pack_due.isoformat()}; reviews {plan.cadence}.", "", "## By date", ""]
    for s in plan.steps:
        flag = " **(overdue)**" if s.overdue else ""
        out.append(f"- [ ] {s.due.isoformat()}{flag}: {_cell(s.title)}. {_cell(s.detail)}")
    cur = brief.currency
    out += ["", "## Actions that move the opening (by money per hour)", ""]
    for a in brief.position.actions:
        flag = " **(overdue)**" if a.overdue else ""
        out.append(f"- [ ] {a.due.isoformat()}{flag}: {_cell(a.title)} "
                   f"[{_money(a.saving, cur)}, {a.hours:g} h; lines "
                   f"{_cell(', '.join(m.line for m in a.moves))}]")
    out += ["", "## From the findings", ""]
    for f in brief.findings:
        moves = f"; moves {_cell(', '.join(f.lines))}" if f.lines else ""
        out.append(f"- [ ] ({f.priority}) {f.kind} {_cell(f.subject)}: {_cell(f.counter_move)} "
                   f"[{_money(f.money, f.currency)}{moves}]")
    return "\n".join(out) + "\n"
