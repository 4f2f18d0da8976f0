"""The renewal brief's documents and terminal tables.

The Markdown brief and checklist come from templates (templates/renewal-brief.md.j2,
templates/renewal-checklist.md.j2); this module builds their context from the `RenewalBrief`
and the rows of the terminal and CSV tables. Every number and sentence comes from the brief.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tabulate import tabulate

from planner.money import money
from planner.renewal.brief import KindTotal, RenewalBrief
from planner.renewal.findings import Finding, Priority
from planner.renewal.plan import PlanStep
from planner.renewal.position import Action, Excluded, Line, Position
from planner.reports.render import render_template

BRIEF_TEMPLATE = "renewal-brief.md.j2"
CHECKLIST_TEMPLATE = "renewal-checklist.md.j2"

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


def headline(brief: RenewalBrief) -> tuple[tuple[str, str], ...]:
    """The brief's first lines: the two numbers and the difference, money basis in words."""
    p = brief.position
    cur = brief.currency
    return (
        ("Expected opening", money(p.opening, cur)),
        ("Buyer's position", money(p.position, cur)),
        ("Difference", f"{money(p.headroom, cur)} ({p.headroom_share:.1%} of the opening) from "
                       f"{sum(1 for a in p.actions if a.saving > 0)} action(s)"),
    )


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One hygiene action as the brief and the renewal report show it."""

    rank: int
    id: str
    title: str
    saving: float
    hours: float
    labour: float
    per_hour: float | None  # None when the action takes no hours
    due: str
    overdue: bool
    step: str
    lines: str  # the lines it moves, comma-joined


@dataclass(frozen=True, slots=True)
class PositionLineRow:
    """One priced line: opening and position, and what moves it."""

    id: str
    basis: str
    units: int
    position_units: int
    unit_price: float
    price_source: str
    opening: float
    position: float
    moved_by: str  # the actions that move it, and why what they leave stays
    rows: str  # entitlement rows, comma-joined


@dataclass(frozen=True, slots=True)
class UseView:
    taken: str
    entitled: int
    consumed: int
    use: str  # consumed as a share of entitled, "n/a" or "over"
    source: str


@dataclass(frozen=True, slots=True)
class BriefDocument:
    """What the brief and checklist templates show: the brief's facts, computed once here, with
    money as numbers (the templates format it with the one money filter)."""

    estate: str
    account: str
    holder: str
    currency: str
    reference: str
    renewal: str
    pack_due: str
    since: str
    cadence: str
    high_churn: bool
    churn_reasons: tuple[str, ...]
    headline: tuple[tuple[str, str], ...]
    top: tuple[ActionRow, ...]
    actions: tuple[ActionRow, ...]
    excluded: tuple[Excluded, ...]
    consistency: tuple[str, ...]
    totals: tuple[KindTotal, ...]
    findings: tuple[Finding, ...]
    by_priority: tuple[tuple[Priority, tuple[Finding, ...]], ...]
    lines: tuple[PositionLineRow, ...]
    rate: float  # labour per hour, as the actions price it
    consumption: tuple[tuple[str, tuple[UseView, ...]], ...]
    steps: tuple[PlanStep, ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]


def _use(consumed: int, entitled: int) -> str:
    return f"{consumed / entitled:.0%}" if entitled else ("n/a" if not consumed else "over")


def ranked_actions(actions: Iterable[Action]) -> tuple[ActionRow, ...]:
    """`actions` in their order (money per hour), ranked from 1."""
    return tuple(ActionRow(
        rank=rank, id=a.id, title=a.title, saving=a.saving, hours=a.hours, labour=a.labour,
        per_hour=None if a.hours <= 0 else a.per_hour, due=a.due.isoformat(),
        overdue=a.overdue, step=a.step, lines=", ".join(m.line for m in a.moves))
        for rank, a in enumerate(actions, 1))


def position_lines(p: Position) -> tuple[PositionLineRow, ...]:
    """Every line of the opening beside what is left of it after the actions."""
    out = []
    for ln in p.lines:
        units, moved = p.moved(ln.id)
        out.append(PositionLineRow(ln.id, ln.basis, ln.units, ln.units - units, ln.unit_price,
                            ln.price_source, ln.money, ln.money - moved, _moved_by(p, ln),
                            ", ".join(ln.entitlement_rows)))
    return tuple(out)


def document(brief: RenewalBrief) -> BriefDocument:
    """The context of the brief's documents (renewal-brief.md.j2, renewal-checklist.md.j2)."""
    p = brief.position
    plan = brief.plan
    return BriefDocument(
        estate=brief.estate, account=brief.account, holder=brief.holder,
        currency=brief.currency, reference=brief.reference.isoformat(),
        renewal=brief.renewal.isoformat(), pack_due=plan.pack_due.isoformat(),
        since=brief.since.isoformat() if brief.since else "n/a (no snapshots)",
        cadence=str(plan.cadence), high_churn=plan.high_churn,
        churn_reasons=plan.churn_reasons, headline=headline(brief),
        top=ranked_actions(p.top(brief.top_actions)), actions=ranked_actions(p.actions),
        excluded=p.excluded, consistency=brief.consistency, totals=brief.totals,
        findings=brief.findings,
        by_priority=tuple((pr, hits) for pr in Priority if (hits := brief.by_priority(pr))),
        lines=position_lines(p), rate=p.actions[0].rate if p.actions else 0.0,
        consumption=tuple((tag, tuple(
            UseView(s.taken.isoformat(), s.entitled, s.consumed, _use(s.consumed, s.entitled),
                    s.source) for s in brief.series if s.tag == tag))
            for tag in brief.chart_tags()),
        steps=plan.steps, assumptions=brief.assumptions, notes=brief.notes)


def render_brief_md(brief: RenewalBrief) -> str:
    """The renewal brief as Markdown, from templates/renewal-brief.md.j2."""
    return render_template(BRIEF_TEMPLATE, b=document(brief))


def render_checklist_md(brief: RenewalBrief) -> str:
    """The hygiene checklist as Markdown, from templates/renewal-checklist.md.j2."""
    return render_template(CHECKLIST_TEMPLATE, b=document(brief))


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
             f"{brief.plan.pack_due.isoformat()})\n",
             *(f"{label}: {value}\n" for label, value in headline(brief))]
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
