"""The renewal position: the vendor's likely opening beside the buyer's position, line by line.

Both sides are built from one partition of every (Virtual Account, licence) pair, so no unit is
priced twice (docs/renewal-schema.md, "The two sides"):

- demand D (the larger of devices' reports and CSSM's in use + reserved), entitled in force Q,
  shortfall covered by a higher tier in the VA C, units lent to a lower tier;
- over O = max(D - Q - C, 0) splits into the EA growth allowance A (no charge now, but the team
  resets the baseline: an `uplift` line per year), the step-up U (units the VA owns at a lower
  tier with spare units: a `step-up` line at the price difference) and the true-forward
  F = O - A - U (a `true-forward` line);
- term licences renew: a `renewal` line of Q units valued line by line, shelfware included;
- growth since the stored snapshot is projected once more over the next year: an `uplift`
  line per (VA, site, licence) of new units, at the VA's price.

The buyer's actions each move units off named lines: spare units reassigned to a VA that would
true-forward them, idle term units dropped (or, in a VA without devices, moved and the VA
closed), features set back to the tier the VA owns, seasonal and project growth segmented from
the baseline. A unit moves once: opening - position = the sum of the actions' savings.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from planner.model import Tier
from planner.renewal.consumption import balances
from planner.renewal.context import RenewalContext, named
from planner.renewal.growth import growth_by_va
from planner.renewal.plan import HygienePlan


class LineKind(StrEnum):
    RENEWAL = "renewal"
    TRUE_FORWARD = "true-forward"
    STEP_UP = "step-up"
    UPLIFT = "uplift"


class ActionKind(StrEnum):
    REASSIGN = "reassign"  # spare units transferred to a VA that would otherwise true-forward
    DROP = "drop"  # idle term units left off the renewal
    CLOSE_VA = "close-va"  # a VA without devices: what others need moved, the rest dropped
    DOWNGRADE = "downgrade"  # devices set back to the tier the VA owns
    SEGMENT = "segment"  # seasonal or project growth shown apart from the baseline


# The hygiene-plan step whose date is each action's deadline (planner.renewal.plan).
ACTION_STEP = {ActionKind.CLOSE_VA: "accounts", ActionKind.REASSIGN: "consumption",
               ActionKind.DOWNGRADE: "consumption", ActionKind.DROP: "pack",
               ActionKind.SEGMENT: "position"}


@dataclass(frozen=True, slots=True)
class Line:
    """One priced line of the opening: units x unit price x billing factor."""

    id: str
    kind: LineKind
    virtual_account: str
    tag: str
    units: int
    unit_price: float  # per unit and year (term) or once (perpetual), by the one price rule
    price_source: str
    factor: float  # billed months / 12 for a term true-forward; 1 otherwise
    basis: str  # the money basis in words
    devices: tuple[str, ...] = ()
    devices_total: int = 0
    entitlement_rows: tuple[str, ...] = ()
    site: str | None = None
    detail: str = ""
    lower: str | None = None  # step-up: the lower tier the VA owns and the units come from

    @property
    def per_unit(self) -> float:
        return self.unit_price * self.factor

    @property
    def money(self) -> float:
        return self.units * self.per_unit


@dataclass(frozen=True, slots=True)
class Move:
    """Units an action takes off one line, and the money they carried there."""

    line: str
    units: int
    money: float
    from_va: str = ""  # reassign: the VA whose spare units cover the line


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    kind: ActionKind
    subject: str
    title: str
    moves: tuple[Move, ...]
    hours: float
    rate: float  # labour per hour
    due: date
    step: str  # the hygiene-plan step that sets `due`
    overdue: bool

    @property
    def saving(self) -> float:
        return sum(m.money for m in self.moves)

    @property
    def labour(self) -> float:
        return self.hours * self.rate

    @property
    def per_hour(self) -> float:
        return self.saving / self.hours if self.hours > 0 else math.inf


@dataclass(frozen=True, slots=True)
class Excluded:
    action: str
    reason: str  # the what-if flag that excluded it
    saving: float


@dataclass(frozen=True, slots=True)
class Position:
    currency: str
    lines: tuple[Line, ...]
    actions: tuple[Action, ...]  # ranked by money per hour
    excluded: tuple[Excluded, ...] = field(default=())

    @property
    def opening(self) -> float:
        return sum(ln.money for ln in self.lines)

    def moved(self, line_id: str) -> tuple[int, float]:
        units, money = 0, 0.0
        for act in self.actions:
            for m in act.moves:
                if m.line == line_id:
                    units += m.units
                    money += m.money
        return units, money

    def movers(self, line_id: str) -> tuple[str, ...]:
        return tuple(a.id for a in self.actions if any(m.line == line_id for m in a.moves))

    @property
    def headroom(self) -> float:
        return sum(a.saving for a in self.actions)

    @property
    def position(self) -> float:
        return self.opening - self.headroom

    @property
    def headroom_share(self) -> float:
        return self.headroom / self.opening if self.opening else 0.0

    def stays(self, line: Line) -> str:
        """Why the units no action moves stay on the line (empty when all are moved)."""
        units, _ = self.moved(line.id)
        if units >= line.units:
            return ""
        key = f"{line.virtual_account}/{line.tag}"
        flag = {LineKind.STEP_UP: "--no-downgrade", LineKind.RENEWAL: "--keep"}.get(line.kind)
        excluded = [e.reason for e in self.excluded if flag is not None
                    and e.action.split(":", 1)[1] == key and e.reason.startswith(flag)]
        if excluded:
            return f"kept by {excluded[0]}"
        if line.per_unit <= 0:
            return "no price: nothing to earn"
        return {
            LineKind.RENEWAL: "in use (or lent to a lower tier): renewed as it is",
            LineKind.TRUE_FORWARD: "no spare units elsewhere: bought at the baseline price",
            LineKind.STEP_UP: "the higher tier is in use",
            LineKind.UPLIFT: ("permanent growth: negotiate against the baseline commit"
                              if line.site else "inside the EA growth allowance: the baseline "
                              "resets at renewal"),
        }[line.kind]

    def top(self, n: int) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.saving > 0)[:n]

    def to_dict(self) -> dict[str, Any]:
        lines = []
        for ln in self.lines:
            units, money = self.moved(ln.id)
            lines.append({
                "id": ln.id, "kind": str(ln.kind), "virtual_account": ln.virtual_account,
                "licence": ln.tag, "site": ln.site, "units": ln.units,
                "unit_price": round(ln.unit_price, 6), "price_source": ln.price_source,
                "factor": round(ln.factor, 6), "basis": ln.basis,
                "opening": round(ln.money, 2),
                "position": round(ln.money - money, 2), "position_units": ln.units - units,
                "moved_by": list(self.movers(ln.id)), "detail": ln.detail,
                "stays": self.stays(ln),
                "lower_tier": ln.lower,
                "evidence": {"devices": list(ln.devices), "devices_total": ln.devices_total,
                             "entitlement_rows": list(ln.entitlement_rows)},
            })
        return {
            "currency": self.currency,
            "opening": round(self.opening, 2), "position": round(self.position, 2),
            "headroom": round(self.headroom, 2),
            "headroom_percent": round(self.headroom_share * 100, 2),
            "lines": lines,
            "actions": [{
                "id": a.id, "kind": str(a.kind), "subject": a.subject, "title": a.title,
                "saving": round(a.saving, 2), "hours": round(a.hours, 2),
                "labour": round(a.labour, 2),
                "per_hour": None if math.isinf(a.per_hour) else round(a.per_hour, 2),
                "due": a.due.isoformat(), "step": a.step, "overdue": a.overdue,
                "moves": [{"line": m.line, "units": m.units, "money": round(m.money, 2),
                           "from_virtual_account": m.from_va or None} for m in a.moves],
            } for a in self.actions],
            "excluded": [{"action": e.action, "reason": e.reason, "saving": round(e.saving, 2)}
                         for e in self.excluded],
        }


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Actions the organisation will not take (`--keep`, `--no-downgrade`)."""

    keep: tuple[str, ...] = ()  # licence, VA or VA/licence whose idle units stay
    no_downgrade: bool = False

    def keeps(self, va: str, tag: str) -> str | None:
        for k in self.keep:
            if k in (tag, va, f"{va}/{tag}"):
                return k
        return None


def _basis(factor: float, term: bool) -> str:
    if not term:
        return "perpetual, once"
    if factor == 1.0:
        return "per year"
    months = round(factor * 12)
    return f"{months} month{'s' if months != 1 else ''} billed"


def _lower_tier_donors(ctx: RenewalContext, va: str, tag: str,
                       spare: dict[tuple[str, str], int]) -> list[str]:
    """Lower tiers of `tag`'s track the VA owns with spare units, highest tier first."""
    lic = ctx.licence(tag)
    if lic is None or lic.tier is Tier.ADDON:
        return []
    out = []
    for (v, other), n in spare.items():
        low = ctx.licence(other)
        if (v == va and n > 0 and low is not None and low.track == lic.track
                and low.tier is not Tier.ADDON and low.tier.rank < lic.tier.rank):
            out.append(other)
    return sorted(out, key=lambda t: (-_rank(ctx, t), t))


def _rank(ctx: RenewalContext, tag: str) -> int:
    lic = ctx.licence(tag)
    return lic.tier.rank if lic else 0


@dataclass
class _Build:
    lines: dict[str, Line] = field(default_factory=dict)
    moves: dict[str, list[Move]] = field(default_factory=lambda: defaultdict(list))
    hours: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    meta: dict[str, tuple[ActionKind, str, str]] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)  # units of each line not yet moved

    def add(self, line: Line) -> None:
        if line.units > 0:
            self.lines[line.id] = line
            self.left[line.id] = line.units

    def move(self, action: str, line_id: str, units: int, from_va: str = "") -> int:
        take = min(units, self.left.get(line_id, 0))
        if take > 0:
            line = self.lines[line_id]
            self.left[line_id] -= take
            self.moves[action].append(Move(line_id, take, take * line.per_unit, from_va))
        return take


def build_position(ctx: RenewalContext, plan: HygienePlan,
                   what_if: WhatIf | None = None) -> Position:
    what_if = what_if or WhatIf()
    bal = balances(ctx)
    ea = ctx.estate.agreement
    b = _Build()
    spare = {k: v.spare for k, v in bal.items()}
    step_from: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for (va, tag), x in sorted(bal.items()):
        term = ctx.is_term(tag, va)
        price = ctx.price(tag, va)
        rows = ctx.row_names(va, tag)
        users = ctx.users.get((va, tag), ())
        devs = named(users, ctx.settings.evidence_devices)
        if term and x.quantity > 0:
            value = ctx.holding_value(va, tag)
            b.add(Line(f"renewal:{va}/{tag}", LineKind.RENEWAL, va, tag, x.quantity,
                       value / x.quantity, str(price.source), 1.0, "per year",
                       devs, len(users), rows,
                       detail=f"{x.demand} in use, {x.spare} idle"))
        if x.over <= 0:
            continue
        allowance = min(x.over, math.floor(x.quantity * ea.growth_allowance)) if ea else 0
        rest = x.over - allowance
        stepped: list[tuple[str, int]] = []
        for low in _lower_tier_donors(ctx, va, tag, spare):
            take = min(rest, spare[(va, low)])
            if take > 0:
                spare[(va, low)] -= take
                stepped.append((low, take))
                rest -= take
        months = ctx.true_forward_months(tag, va)
        factor = months / 12 if months else 1.0
        basis = _basis(factor, term)
        if allowance:
            b.add(Line(f"uplift:{va}/{tag}", LineKind.UPLIFT, va, tag, allowance,
                       price.value, str(price.source), 1.0,
                       "per year" if term else "perpetual, once", devs, len(users), rows,
                       detail="within the EA growth allowance: no true-forward now, the "
                              "baseline reset at renewal"))
        for low, units in stepped:
            step = max(price.value - ctx.unit_price(low, va), 0.0)
            line_id = f"step-up:{va}/{tag}" + (f"<{low}" if len(stepped) > 1 else "")
            b.add(Line(line_id, LineKind.STEP_UP, va, tag, units, step,
                       "price difference by the one rule", factor, basis, devs, len(users),
                       ctx.row_names(va, low) + rows, detail=f"from {low}, owned and idle",
                       lower=low))
        step_from[(va, tag)] = stepped
        if rest > 0:
            b.add(Line(f"true-forward:{va}/{tag}", LineKind.TRUE_FORWARD, va, tag, rest,
                       price.value, str(price.source), factor, basis, devs, len(users), rows,
                       detail=f"{x.demand} in use against {x.quantity} entitled"))
    for g in growth_by_va(ctx):
        term = ctx.is_term(g.tag, g.virtual_account)
        price = ctx.price(g.tag, g.virtual_account)
        b.add(Line(f"uplift:{g.virtual_account}/{g.site}/{g.tag}", LineKind.UPLIFT,
                   g.virtual_account, g.tag, g.units, price.value, str(price.source), 1.0,
                   "per year" if term else "perpetual, once",
                   named(g.devices, ctx.settings.evidence_devices), len(g.devices),
                   ctx.row_names(g.virtual_account, g.tag), site=g.site,
                   detail=(f"growth since the snapshot ({g.before} -> {g.after}), projected "
                           "once more for the next year"
                           + (f"; site tagged {g.usage_tag}" if g.usage_tag else ""))))

    excluded: list[Excluded] = []
    # 1. Reassign spare units to VAs that would true-forward them, dearest receiver first.
    for tag in sorted({t for _, t in bal}):
        donors = sorted((va, n) for (va, t), n in spare.items() if t == tag and n > 0)
        takers = sorted(((va, t) for (va, t) in bal if t == tag
                         and f"true-forward:{va}/{t}" in b.lines
                         and b.lines[f"true-forward:{va}/{t}"].per_unit > 0),
                        key=lambda k: (-b.lines[f"true-forward:{k[0]}/{k[1]}"].per_unit, k[0]))
        act = f"{ActionKind.REASSIGN}:{tag}"
        pairs = set()
        for va_to, _ in takers:
            line_id = f"true-forward:{va_to}/{tag}"
            for i, (va_from, n) in enumerate(donors):
                if n <= 0 or va_from == va_to:
                    continue
                took = b.move(act, line_id, n, va_from)
                if took:
                    donors[i] = (va_from, n - took)
                    spare[(va_from, tag)] -= took
                    pairs.add((va_from, va_to))
        if pairs:
            # One CSSM transfer request per pair of VAs (at most 10 licence types each).
            b.hours[act] = len(pairs) * ctx.estate.costs.transfer_hours_per_batch
            routes = ", ".join(f"{f} -> {t}" for f, t in sorted(pairs))
            b.meta[act] = (ActionKind.REASSIGN, tag,
                           f"Transfer spare {tag} instead of buying it ({routes})")
    # 2. Set devices back to the tier the VA owns, where that removes a step-up.
    for (va, tag), stepped in sorted(step_from.items()):
        act = f"{ActionKind.DOWNGRADE}:{va}/{tag}"
        moved = 0
        for low, _ in stepped:
            line_id = f"step-up:{va}/{tag}" + (f"<{low}" if len(stepped) > 1 else "")
            if what_if.no_downgrade:
                line = b.lines.get(line_id)
                if line is not None:
                    excluded.append(Excluded(act, "--no-downgrade", line.money))
                continue
            moved += b.move(act, line_id, b.left.get(line_id, 0))
        if moved:
            devices = min(moved, len(ctx.users.get((va, tag), ())) or moved)
            b.hours[act] = devices * ctx.settings.hours_per_device_change
            lows = ", ".join(low for low, _ in stepped)
            b.meta[act] = (ActionKind.DOWNGRADE, f"{va}/{tag}",
                           f"Set {devices} device(s) in {va} back from {tag} to {lows}, "
                           "which the VA owns")
    # 3. Drop idle term units (what reassignment and step-ups did not use); close empty VAs.
    busy = {d.virtual_account for d in ctx.estate.devices}
    defaults = {v.name for v in ctx.estate.virtual_accounts if v.is_default}
    by_va: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (va, tag), n in sorted(spare.items()):
        if n > 0 and f"renewal:{va}/{tag}" in b.lines:
            by_va[va].append((tag, n))
    for va, idle in sorted(by_va.items()):
        close = va not in busy and va not in defaults
        kind = ActionKind.CLOSE_VA if close else ActionKind.DROP
        act = f"{kind}:{va}"
        dropped = []
        for tag, n in idle:
            kept = what_if.keeps(va, tag)
            line_id = f"renewal:{va}/{tag}"
            if kept is not None:
                excluded.append(Excluded(f"{act}/{tag}", f"--keep {kept}",
                                         min(n, b.left[line_id]) * b.lines[line_id].per_unit))
                continue
            if b.move(act, line_id, n):
                dropped.append(tag)
        if dropped or close:
            b.hours[act] = (len(dropped) * ctx.settings.hours_per_drop_line
                            + (ctx.settings.hours_per_va_close if close else 0.0))
            what = ", ".join(dropped) or "nothing to drop"
            b.meta[act] = (kind, va, (f"Close {va}: drop its idle term licences ({what})"
                                      if close else f"Drop idle units from {va} ({what})"))
    # 4. Segment seasonal and project growth from the baseline, one site at a time.
    sites: dict[str, list[str]] = defaultdict(list)
    for line in b.lines.values():
        if line.kind is LineKind.UPLIFT and line.site and ctx.tag_for_site(line.site):
            sites[line.site].append(line.id)
    for site, ids in sorted(sites.items()):
        act = f"{ActionKind.SEGMENT}:{site}"
        for line_id in sorted(ids):
            b.move(act, line_id, b.left[line_id])
        b.hours[act] = ctx.settings.hours_per_segmented_site
        b.meta[act] = (ActionKind.SEGMENT, site,
                       f"Show {site}'s growth apart as {ctx.tag_for_site(site)} usage")

    steps = {s.id: s for s in plan.steps}
    actions = []
    for act, (kind, subject, title) in b.meta.items():
        if kind is not ActionKind.CLOSE_VA and not any(m.money > 0 for m in b.moves[act]):
            continue  # moves only zero-priced units: nothing to earn (closing a VA still is)
        due = steps[ACTION_STEP[kind]]
        actions.append(Action(act, kind, subject, title, tuple(b.moves.get(act, ())),
                              b.hours[act], ctx.estate.costs.labour_rate_per_hour,
                              due.due, due.id, due.overdue))
    ranked = sorted(actions, key=lambda a: (-_finite(a.per_hour), -a.saving, a.id))
    lines = sorted(b.lines.values(), key=lambda ln: (_KIND_ORDER[ln.kind], ln.id))
    return Position(ctx.currency, tuple(lines), tuple(ranked),
                    tuple(sorted(excluded, key=lambda e: e.action)))


_KIND_ORDER = {LineKind.RENEWAL: 0, LineKind.TRUE_FORWARD: 1, LineKind.STEP_UP: 2,
               LineKind.UPLIFT: 3}


def _finite(value: float) -> float:
    return 1e300 if math.isinf(value) else value


def lines_for(position: Position, ids: Iterable[str]) -> tuple[str, ...]:
    """The ids among `ids` that are lines of the position, in order."""
    have = {ln.id for ln in position.lines}
    return tuple(i for i in ids if i in have)


def finding_lines(position: Position, kind: str, subject: str, vas: tuple[str, ...],
                  sites: tuple[str, ...], licences: tuple[str, ...]) -> tuple[str, ...]:
    """The lines a finding moves, by its kind and evidence."""
    ids: list[str] = []
    if kind == "over-consumption":
        va, _, tag = subject.partition("/")
        ids = [ln.id for ln in position.lines if ln.virtual_account == va and ln.tag == tag
               and ln.kind is not LineKind.RENEWAL and ln.site is None]
    elif kind == "upgrade-pitch":
        va, _, tag = subject.partition("/")
        ids = [ln.id for ln in position.lines if ln.kind is LineKind.STEP_UP
               and ln.virtual_account == va and ln.tag == tag]
    elif kind in ("growth", "growth-tagged"):
        ids = [f"uplift:{v}/{s}/{t}" for v in vas for s in sites for t in licences]
    elif kind == "shelfware":
        ids = [f"renewal:{v}/{subject}" for v in vas]
    elif kind == "default-va-stranded":
        ids = [f"renewal:{subject}"]
    elif kind in ("va-no-devices", "va-dormant"):
        ids = [ln.id for ln in position.lines if ln.kind is LineKind.RENEWAL
               and ln.virtual_account == subject]
    return lines_for(position, ids)

