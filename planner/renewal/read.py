"""Run the renewal read: estate (+ optional history) -> every finding, the plan, the brief."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from planner.catalogue import Catalogue, estate_catalogue
from planner.history.diff import diff_snapshots
from planner.history.queries import licensed_keys, series, units_by_va_site_tag, va_activity
from planner.history.store import damaged, list_snapshots, snapshot_at_or_before
from planner.model import Estate
from planner.money import money
from planner.problems import UsageError
from planner.renewal import accounts, consumption, growth, software, tiers
from planner.renewal.brief import ChartPoint, RenewalBrief
from planner.renewal.context import Churn, HistoryView, RenewalContext, build_context
from planner.renewal.findings import (
    Finding,
    FindingKind,
    RenewalSettings,
    money_basis,
    sort_findings,
)
from planner.renewal.plan import build_plan
from planner.renewal.position import LineKind, Position, WhatIf, build_position, finding_lines


def history_view(conn: sqlite3.Connection, reference: date, since: date | None = None,
                 estate: str | None = None) -> HistoryView | None:
    """What the stored snapshots up to `reference` say; None when there are none."""
    infos = [i for i in list_snapshots(conn) if i.taken <= reference]
    foreign = sorted({i.estate for i in infos if estate is not None and i.estate != estate})
    if foreign:
        raise UsageError(f"the history database holds snapshots of {foreign[0]!r}, not "
                         f"{estate!r}; name the right one with --db")
    if not infos:
        if since is not None:
            raise UsageError(f"--since {since.isoformat()}: no snapshot stored on or before "
                             f"{reference.isoformat()}; run `planner snapshot add` first")
        return None
    base = infos[0]
    if since is not None:
        found = snapshot_at_or_before(conn, since)
        if found is None:
            raise UsageError(f"--since {since.isoformat()}: no snapshot on or before that date "
                             f"(first is {infos[0].taken.isoformat()})")
        base = found
    try:
        churn = None
        if len(infos) >= 2:
            d = diff_snapshots(conn, infos[-2].taken, infos[-1].taken)
            churn = Churn(d.before, d.after, d.churned, max(d.devices_before, d.devices_after))
        return HistoryView(
            snapshots=tuple(i.taken for i in infos), since=base.taken,
            usage_then=units_by_va_site_tag(conn, base), licensed_then=licensed_keys(conn, base),
            activity=tuple(va_activity(conn, infos)), series=tuple(series(conn, infos)),
            churn=churn)
    except (ValueError, TypeError, sqlite3.Error) as exc:
        # Rows edited outside planner (text in a count, a dropped table): say so, no traceback.
        raise damaged(conn, exc) from None


def find_all(ctx: RenewalContext) -> tuple[Finding, ...]:
    bal = consumption.balances(ctx)
    found: list[Finding] = []
    found += consumption.over_consumption(ctx, bal)
    found += growth.growth(ctx)
    found += tiers.upgrade_pitch(ctx)
    found += consumption.shelfware(ctx, bal)
    found += software.refresh(ctx)
    found += software.licensing_era(ctx)
    found += accounts.va_findings(ctx)
    found += accounts.default_va_stranded(ctx, bal)
    found += accounts.va_count(ctx)
    found += accounts.reseller_held(ctx)
    return sort_findings(found)


def chart_series(ctx: RenewalContext) -> tuple[ChartPoint, ...]:
    points = []
    if ctx.history is not None:
        points = [ChartPoint(p.taken, p.tag, p.entitled, p.consumed, "snapshot")
                  for p in ctx.history.series if p.taken < ctx.reference]
    entitled: dict[str, int] = defaultdict(int)
    consumed: dict[str, int] = defaultdict(int)
    for (_, tag), h in ctx.holdings.items():
        entitled[tag] += h.quantity
    for (_, tag), n in ctx.device_units.items():
        consumed[tag] += n
    for tag in sorted(set(entitled) | set(consumed)):
        points.append(ChartPoint(ctx.reference, tag, entitled[tag], consumed[tag], "estate"))
    return tuple(sorted(points, key=lambda p: (p.tag, p.taken)))


def assumptions(ctx: RenewalContext) -> tuple[str, ...]:
    s = ctx.settings
    ea = ctx.estate.agreement
    out = [
        "Prices, one rule for every figure: a unit on an entitlement line at that line's "
        "unit_price; a line without one at the estate's prices:, else the catalogue list price "
        "(models/licences.yaml; a planning assumption, not a quote). A figure that spans "
        "several lines of a licence in a Virtual Account (spare, dropped, true-forward or "
        "growth units) at the average of that VA's lines weighted by quantity in force (a "
        "lapsed term's own quantity when none is in force); a VA without a line of the "
        "licence at the estate's prices:, else list. Never another VA's line.",
        "Term licences are priced per year, perpetual ones once; a term line that ended "
        "before the reference date, or any line that starts after it (an order not in force "
        "yet), entitles nothing.",
        "Consumption per licence and VA is the larger of the devices' reports and CSSM's "
        "in use + reserved; a higher tier held in the same VA covers a lower-tier shortfall.",
        f"Priority: high from {money(s.high_money, ctx.currency)}, medium from "
        f"{money(s.medium_money, ctx.currency)} at stake, never below the signal's own risk.",
        f"Software is far below current at a lower major version or {s.refresh_minor_gap}+ "
        "minor trains behind the family's current_train (models/products.yaml).",
        f"More Virtual Accounts than max({s.va_count_floor}, min({s.va_count_cap}, devices / "
        f"{s.va_devices_each})) is unusual: VAs stand for business units or regions, not "
        "sites, projects or orders.",
        f"High churn: more than {s.high_churn_rate:.0%} of devices changed between the last "
        f"two snapshots, or collaboration/security products above {s.dominant_share:.0%} of "
        "devices; high churn means monthly reviews, otherwise quarterly.",
        "Site tags `seasonal` and `project:<name>` mark usage shown apart from growth.",
        "The opening renews every term line in force for a year at the renewal date (co-termed); "
        "perpetual holdings are not billed again. Growth since the stored snapshot is projected "
        "once more over the next year as uplift (ASSUMPTION: the renewal team quotes the trend "
        "it sees).",
        "Effort of the hygiene actions, priced at "
        f"{money(ctx.estate.costs.labour_rate_per_hour, ctx.currency)} an hour "
        "(costs.labour_rate_per_hour): a CSSM transfer "
        f"{ctx.estate.costs.transfer_hours_per_batch:g} h per pair of VAs "
        f"(costs.transfer_hours_per_batch); ASSUMPTIONS: {s.hours_per_device_change:g} h per "
        f"device set back to the tier owned, {s.hours_per_drop_line:g} h per licence on the "
        f"drop list, {s.hours_per_va_close:g} h to close a VA, {s.hours_per_segmented_site:g} h "
        "per site whose growth is shown apart.",
    ]
    if ea is not None:
        out.append(f"Enterprise Agreement {ea.start.isoformat()} to {ea.end.isoformat()}: a "
                   f"growth allowance of {ea.growth_allowance:.0%} of the entitled quantity "
                   "applies before true-forward; term true-forwards bill from the renewal date "
                   "to the agreement end, not retroactively.")
    else:
        out.append("No Enterprise Agreement declared: a term true-forward is priced for one "
                   "year from the renewal date.")
    return tuple(out)


def _basis(ctx: RenewalContext, f: Finding) -> str:
    """The money basis of a finding, from its kind and the licence it prices."""
    ev = f.evidence
    if f.kind in (FindingKind.VA_NO_DEVICES, FindingKind.VA_DORMANT, FindingKind.RESELLER_HELD):
        return money_basis(f.kind, term=None)
    if not ev.licences:
        return money_basis(f.kind, term=False)
    va = ev.virtual_accounts[0] if ev.virtual_accounts else None
    term = ctx.is_term(ev.licences[0], va)
    months = 0
    if f.kind is FindingKind.OVER_CONSUMPTION:
        months = int(ev.number("billed_months"))
    return money_basis(f.kind, term=term, months=months)


def consistency(ctx: RenewalContext, position: Position) -> tuple[str, ...]:
    """Why the brief's over-consumption may differ from `planner validate`'s, in numbers."""
    bal = consumption.balances(ctx)
    over = sum(b.over for b in bal.values())
    used: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for dev in ctx.estate.devices:
        for use in dev.licences:
            used[use.tag] += use.count
    for ent in ctx.estate.entitlements:
        held[ent.tag] += ent.quantity
    pooled = sum(max(n - held[t], 0) for t, n in used.items())
    charged = sum(ln.units for ln in position.lines if ln.kind is LineKind.TRUE_FORWARD)
    stepped = sum(ln.units for ln in position.lines if ln.kind is LineKind.STEP_UP)
    allowed = sum(ln.units for ln in position.lines
                  if ln.kind is LineKind.UPLIFT and ln.site is None)
    text = (f"Over-consumption: {over:,} unit(s) above entitlement here, per Virtual Account "
            "(lines in force on the reference date; the larger of device reports and CSSM's "
            "in use + reserved; a higher tier in the same VA covering first); in the opening "
            f"{charged:,} are true-forward, {stepped:,} step-up and {allowed:,} inside the EA "
            "growth allowance. ")
    if pooled == over:
        text += f"planner validate reports the same {pooled:,}."
    else:
        text += (f"planner validate reports {pooled:,}: it pools every VA, counts every "
                 "entitlement line (lapsed and not yet started ones too) and reads device "
                 "reports only, with no tier cover.")
    return (text, "planner plan buys what its allocation cannot cover after its own "
                  "transfers between VAs, priced for the planning horizon: compare it with the "
                  "position's true-forward lines, not the opening's.")


def run_renewal(estate: Estate, *, reference: date, renewal: date, since: date | None = None,
                conn: sqlite3.Connection | None = None,
                prices: Mapping[str, float] | None = None,
                settings: RenewalSettings | None = None,
                catalogue: Catalogue | None = None,
                what_if: WhatIf | None = None) -> RenewalBrief:
    if renewal < reference:
        raise UsageError(f"--renewal-date {renewal.isoformat()} is before the reference date "
                         f"{reference.isoformat()}")
    if since is not None and since > reference:
        raise UsageError(f"--since {since.isoformat()} is after the reference date "
                         f"{reference.isoformat()}")
    if since is not None and conn is None:
        raise UsageError(f"--since {since.isoformat()}: no snapshot stored (no history "
                         "database); run `planner snapshot add` first")
    hist = history_view(conn, reference, since, estate.name) if conn is not None else None
    cat = estate_catalogue(estate, catalogue)
    ctx = build_context(estate, cat, reference=reference, renewal=renewal, prices=prices,
                        settings=settings, history=hist)
    findings = find_all(ctx)
    plan = build_plan(ctx, list(findings))
    position = build_position(ctx, plan, what_if)
    findings = tuple(dataclasses.replace(f, lines=finding_lines(
        position, str(f.kind), f.subject, f.evidence.virtual_accounts, f.evidence.sites,
        f.evidence.licences), basis=_basis(ctx, f)) for f in findings)
    notes = []
    if hist is None:
        notes.append("No snapshot history: growth, dormant Virtual Accounts and churn need "
                     "stored snapshots (`planner snapshot add`).")
    elif hist.churn is None:
        notes.append("One snapshot stored: churn needs two.")
    return RenewalBrief(
        estate=estate.name, account=estate.account.name, holder=str(estate.account.holder),
        reference=reference, renewal=renewal, since=hist.since if hist else None,
        currency=ctx.currency, findings=findings, plan=plan, position=position,
        series=chart_series(ctx), snapshots=hist.snapshots if hist else (),
        assumptions=assumptions(ctx), notes=tuple(notes),
        consistency=consistency(ctx, position), top_actions=ctx.settings.top_actions)
