"""The hygiene plan: what to do by when, counting back from the renewal date.

The consolidated hygiene pack is due at least 90 days before renewal; reviews run quarterly, or
monthly for a high-churn estate (licensing-facts s5). High churn (ASSUMPTION, thresholds in
`RenewalSettings`): more than 10% of devices changed between the last two snapshots, or
collaboration and security products (CUCM, ISE, firewalls) making up most of the estate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.renewal.context import RenewalContext, add_months
from planner.renewal.findings import Finding, FindingKind, Priority


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True, slots=True)
class PlanStep:
    id: str
    due: date
    title: str
    detail: str
    overdue: bool  # due before the reference date: do it now


@dataclass(frozen=True, slots=True)
class HygienePlan:
    renewal: date
    reference: date
    pack_due: date
    cadence: Cadence
    high_churn: bool
    churn_reasons: tuple[str, ...]
    churn_rate: float | None
    steps: tuple[PlanStep, ...]


_COLLAB_SECURITY_OS = frozenset({"cucm", "ise"})


def churn(ctx: RenewalContext) -> tuple[bool, tuple[str, ...], float | None]:
    reasons = []
    rate = None
    hist = ctx.history
    if hist is not None and hist.churn is not None:
        rate = round(hist.churn.rate, 4)
        if hist.churn.rate > ctx.settings.high_churn_rate:
            reasons.append(f"{hist.churn.changed} of {hist.churn.devices} devices changed "
                           f"between {hist.churn.before} and {hist.churn.after}")
    total = len(ctx.estate.devices)
    hot = 0
    for dev in ctx.estate.devices:
        fam = ctx.family(dev.pid)
        if fam is not None and (fam.os in _COLLAB_SECURITY_OS or fam.kind == "firewall"):
            hot += 1
    if total and hot / total > ctx.settings.dominant_share:
        reasons.append(f"collaboration and security products are {hot} of {total} devices")
    return bool(reasons), tuple(reasons), rate


def _count(findings: list[Finding], *kinds: FindingKind) -> int:
    return sum(1 for f in findings if f.kind in kinds)


def build_plan(ctx: RenewalContext, findings: list[Finding]) -> HygienePlan:
    high, reasons, rate = churn(ctx)
    cadence = Cadence.MONTHLY if high else Cadence.QUARTERLY
    r = ctx.renewal
    pack_due = r - timedelta(days=ctx.settings.pack_days_before)
    accounts = _count(findings, FindingKind.VA_NO_DEVICES, FindingKind.VA_DORMANT,
                      FindingKind.DEFAULT_VA_STRANDED, FindingKind.VA_COUNT,
                      FindingKind.RESELLER_HELD)
    usage = _count(findings, FindingKind.OVER_CONSUMPTION, FindingKind.UPGRADE_PITCH)
    drops = _count(findings, FindingKind.SHELFWARE)
    growth = _count(findings, FindingKind.GROWTH, FindingKind.GROWTH_TAGGED)
    urgent = sum(1 for f in findings if f.priority is Priority.HIGH)
    fixed = [
        ("baseline", max(ctx.reference, r - timedelta(days=180)),
         "Baseline snapshot and findings review",
         f"Run `planner snapshot add` and `planner renewal`; {len(findings)} finding(s), "
         f"{urgent} high priority."),
        ("accounts", r - timedelta(days=150), "Clean up Smart and Virtual Accounts",
         f"{accounts} account finding(s): ownership, dormant and empty VAs, Default VA."),
        ("consumption", r - timedelta(days=120), "Resolve over-consumption and tier drift",
         f"{usage} finding(s): suspend or reassign devices, transfer spare units, set "
         "licence levels to the tier bought."),
        ("pack", pack_due, "Consolidated hygiene pack due",
         f"At least {ctx.settings.pack_days_before} days before renewal: snapshot, findings, "
         f"drop list ({drops} shelfware finding(s)) and the growth story ({growth})."),
        ("position", r - timedelta(days=60), "Negotiation position",
         "Baseline commit, seasonal and project usage shown apart, drops and substitutions."),
        ("final-snapshot", r - timedelta(days=30), "Final snapshot before renewal",
         "Check nothing new drifted since the pack."),
        ("renewal", r, "Renewal / true-forward date", "The renewal opens."),
    ]
    steps = [PlanStep(sid, due, title, detail, due < ctx.reference)
             for sid, due, title, detail in fixed]
    step = 1 if cadence is Cadence.MONTHLY else 3
    n = 1
    while (due := add_months(ctx.reference, step * n)) < r:
        steps.append(PlanStep(f"review-{due.isoformat()}", due, f"{cadence.title()} review",
                              "Snapshot, diff against the last one, and re-run the renewal "
                              "read.", False))
        n += 1
    steps.sort(key=lambda s: (s.due, s.id))
    return HygienePlan(r, ctx.reference, pack_due, cadence, high, reasons, rate, tuple(steps))
