"""The renewal brief: the typed context every renderer (Markdown, JSON, later HTML) shows.

`RenewalBrief.to_dict()` is the `planner renewal --format json` document, schema
`planner.renewal/2` (docs/renewal-schema.md, models/renewal.schema.json).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.renewal.findings import Finding, FindingKind, Priority
from planner.renewal.plan import HygienePlan
from planner.renewal.position import Position

SCHEMA = "planner.renewal/2"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One licence on one date: entitled quantity against active units (the brief's chart)."""

    taken: date
    tag: str
    entitled: int
    consumed: int
    source: str  # "snapshot" (history) or "estate" (the estate as loaded, at the reference date)


@dataclass(frozen=True, slots=True)
class KindTotal:
    kind: FindingKind
    findings: int
    money: float


@dataclass(frozen=True, slots=True)
class RenewalBrief:
    estate: str
    account: str
    holder: str
    reference: date
    renewal: date
    since: date | None
    currency: str
    findings: tuple[Finding, ...]
    plan: HygienePlan
    position: Position
    series: tuple[ChartPoint, ...]
    snapshots: tuple[date, ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]
    # Sentences that reconcile figures other commands print (validate's over-consumption).
    consistency: tuple[str, ...] = ()
    top_actions: int = 5
    schema: str = SCHEMA

    @property
    def totals(self) -> tuple[KindTotal, ...]:
        """Per kind: count and money. Kinds overlap (an upgrade pitch is also a true-forward
        on the same units), so no grand total is given."""
        out = []
        for kind in FindingKind:
            hits = [f for f in self.findings if f.kind is kind]
            if hits:
                out.append(KindTotal(kind, len(hits), round(sum(f.money for f in hits), 2)))
        return tuple(out)

    def by_priority(self, priority: Priority) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.priority is priority)

    def chart_tags(self) -> tuple[str, ...]:
        return tuple(sorted({p.tag for p in self.series}))

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "schema": self.schema,
            "estate": self.estate,
            "account": {"name": self.account, "holder": self.holder},
            "reference_date": self.reference.isoformat(),
            "renewal_date": self.renewal.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "currency": self.currency,
            "snapshots": [d.isoformat() for d in self.snapshots],
            "summary": {
                "findings": len(self.findings),
                "by_priority": {str(p): len(self.by_priority(p)) for p in Priority},
                "by_kind": [{"kind": str(t.kind), "findings": t.findings, "money": t.money}
                            for t in self.totals],
            },
            "findings": [f.to_dict() for f in self.findings],
            "position": {**self.position.to_dict(), "top_actions": [
                a.id for a in self.position.top(self.top_actions)]},
            "plan": {
                "renewal_date": plan.renewal.isoformat(),
                "pack_due": plan.pack_due.isoformat(),
                "cadence": str(plan.cadence),
                "high_churn": plan.high_churn,
                "churn_reasons": list(plan.churn_reasons),
                "churn_rate": plan.churn_rate,
                "steps": [{"id": s.id, "due": s.due.isoformat(), "title": s.title,
                           "detail": s.detail, "overdue": s.overdue} for s in plan.steps],
            },
            "series": [{"date": p.taken.isoformat(), "licence": p.tag, "entitled": p.entitled,
                        "consumed": p.consumed, "source": p.source} for p in self.series],
            "assumptions": list(self.assumptions),
            "consistency": list(self.consistency),
            "notes": list(self.notes),
        }
