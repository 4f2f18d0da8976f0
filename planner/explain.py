"""Why a site got its mode: what excluded the others, what each alternative costs, what flips it.

Alternatives are priced by re-solving with the site pinned to each mode (`plan_estate(...,
forced=...)`), so the difference includes every knock-on effect (servers, transfers, purchases).
An excluded mode whose only obstacles are inputs the user controls (the policy's allowed modes,
SLR/PLR pre-approval, export authorisation) is priced the same way on a copy of the estate with
those inputs changed: that is "which input would flip the choice". The one single-parameter
break-even computed is the policy's exposure price: both plans' costs are linear in it, so the
price at which the nearest lower-exposure alternative costs the same is exact for those two plans
(the re-optimised flip can only come at that price or earlier).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from planner.catalogue import estate_catalogue
from planner.costing import break_even
from planner.device_table import devices_at
from planner.eligibility import mode_exclusions, site_mode_exclusions, slup_answer
from planner.graph import analyse_reach
from planner.model import Estate, LicensingState, Mode
from planner.modes import load_modes
from planner.money import money
from planner.plan import Plan
from planner.problems import SolverError, UsageError
from planner.solving import NoPlanError, SolveOptions

Planner = Callable[..., Plan]


@dataclass(frozen=True, slots=True)
class Alternative:
    """One mode the site did not get: why, what it would cost, and what would unlock it."""

    mode: Mode
    eligible: bool
    reasons: tuple[str, ...]  # why it is excluded today (empty when eligible)
    lever: str  # the input change that would make it possible ("" if none or not needed)
    cost: float | None  # total plan cost with the site pinned to this mode (after the lever)
    delta: float | None  # cost minus the optimal plan's cost
    site_cost: float | None = None  # this site's own cost in the pinned plan
    effect: LeverEffect | None = None  # the lever re-solved without a pin (when there is one)


@dataclass(frozen=True, slots=True)
class LeverEffect:
    """A lever applied to the whole estate and the optimum re-solved: what it does at this site
    and what it does to the estate's optimum (other sites may take the change too)."""

    flips: bool  # the re-solved optimum gives the site this mode
    modes_after: tuple[Mode, ...]  # the site's modes in the re-solved optimum
    estate_before: float
    estate_after: float  # the re-solved optimum's total
    site_gap: float  # pinned cost with the lever minus the re-solved optimum (0 when it flips)

    @property
    def estate_delta(self) -> float:
        return self.estate_after - self.estate_before


@dataclass(frozen=True, slots=True)
class Explanation:
    site: str
    classification: str
    modes: tuple[Mode, ...]
    server_site: str | None
    devices: int
    cost: float  # the optimal plan's total cost
    site_cost: float  # the chosen mode's own cost at this site (labour, exposure, flexibility,
    #                   PLR uplift; shared servers, transfers and purchases are estate-wide)
    currency: str
    alternatives: tuple[Alternative, ...]
    flips: tuple[str, ...]  # sentences: which input would change the choice

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site, "classification": self.classification,
            "modes": [m.value for m in self.modes], "server_site": self.server_site,
            "devices": self.devices, "cost": round(self.cost, 2),
            "site_cost": round(self.site_cost, 2), "currency": self.currency,
            "alternatives": [{
                "mode": a.mode.value, "eligible": a.eligible, "reasons": list(a.reasons),
                "lever": a.lever, "cost": None if a.cost is None else round(a.cost, 2),
                "delta": None if a.delta is None else round(a.delta, 2),
                "site_cost": None if a.site_cost is None else round(a.site_cost, 2),
                "lever_effect": None if a.effect is None else {
                    "flips_site": a.effect.flips,
                    "site_modes_after": [m.value for m in a.effect.modes_after],
                    "estate_before": round(a.effect.estate_before, 2),
                    "estate_after": round(a.effect.estate_after, 2),
                    "site_gap": round(a.effect.site_gap, 2),
                },
            } for a in self.alternatives],
            "flips": list(self.flips),
        }


def site_exclusions(estate: Estate, site_id: str) -> dict[Mode, tuple[str, ...]]:
    """Reasons per mode for the site, merged over its kinds of device (family, version, state).

    A mode is out for the site when any device kind there cannot take it; a site without devices
    is judged on its policy and connectivity alone.
    """
    site = estate.site(site_id)
    catalogue = estate_catalogue(estate)
    reach = analyse_reach(estate)
    modes = load_modes()
    base = site_mode_exclusions(estate, site, reach, modes)
    merged: dict[Mode, list[str]] = {m: list(base[m]) for m in Mode}
    kinds = sorted({(d.pid, d.version, d.state) for d in devices_at(estate.devices, site_id)})
    for pid, version, state in kinds:
        for mode, reasons in mode_exclusions(estate, site, catalogue.family_for_pid(pid),
                                             version, state, reach, modes,
                                             site_reasons=base).items():
            merged[mode] += [r for r in reasons if r not in merged[mode]]
    return {m: tuple(r) for m, r in merged.items()}


def lever_estate(estate: Estate, site_id: str, mode: Mode) -> tuple[Estate, list[str]]:
    """The estate with every user-controlled obstacle to `mode` at the site removed."""
    changes: list[str] = []
    site = estate.site(site_id)
    policy = estate.policy(site.classification)
    if mode not in policy.allowed_modes:
        changes.append(f"allow {mode.value} in policy {policy.name!r}")
        policies = tuple(replace(p, allowed_modes=p.allowed_modes | {mode})
                         if p.name == policy.name else p for p in estate.policies)
        estate = replace(estate, policies=policies)
    account = estate.account
    if mode is Mode.SLR and not account.slr_preapproved:
        changes.append("pre-approve SLR on the Smart Account")
        account = replace(account, slr_preapproved=True)
    if mode is Mode.PLR and not account.plr_preapproved:
        changes.append("pre-approve PLR on the Smart Account")
        account = replace(account, plr_preapproved=True)
    if mode is Mode.PLR and not account.export_authorised:
        changes.append("obtain export authorisation (PLR)")
        account = replace(account, export_authorised=True)
    estate, known = _assume_version(replace(estate, account=account), site_id, mode)
    return estate, changes + known


def _assume_version(estate: Estate, site_id: str, mode: Mode) -> tuple[Estate, list[str]]:
    """The lever "software version unknown": devices at the site whose SLUP answer is unknown
    (no version, state neither `classic` nor `slup`) are priced as running what `mode` needs:
    SLUP for CSLU and offline, pre-SLUP software for new SLR."""
    wanted = {Mode.CSLU: LicensingState.SLUP, Mode.OFFLINE: LicensingState.SLUP,
              Mode.SLR: LicensingState.CLASSIC}.get(mode)
    if wanted is None:
        return estate, []
    catalogue = estate_catalogue(estate)
    unknown = [d for d in devices_at(estate.devices, site_id) if d.state not in (
        LicensingState.SLR, LicensingState.PLR) and slup_answer(
        catalogue.family_for_pid(d.pid), d.version, d.state) is None]
    if not unknown:
        return estate, []
    serials = {d.serial for d in unknown}
    devices = tuple(replace(d, state=wanted) if d.site == site_id and d.serial in serials else d
                    for d in estate.devices)
    runs = "SLUP" if wanted is LicensingState.SLUP else "pre-SLUP software"
    names = ", ".join(sorted(d.hostname or d.serial for d in unknown)[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return replace(estate, devices=devices), [
        f"software version unknown on {len(unknown)} device(s) ({names}{more}): record it "
        f"(priced as if they run {runs})"]


def _price(planner: Planner, estate: Estate, site_id: str, mode: Mode,
           options: SolveOptions) -> tuple[float | None, float | None, tuple[str, ...]]:
    """(plan total, the site's own cost, reasons) with the site pinned to `mode`."""
    try:
        plan = planner(estate, options, forced={site_id: mode})
    except NoPlanError as exc:  # some site cannot take the pin: its reasons
        return None, None, exc.reasons
    except SolverError as exc:
        return None, None, (str(exc),)
    site_cost = next((d.total for d in plan.sites if d.site == site_id), None)
    return plan.costs.total, site_cost, ()


def _lever_effect(planner: Planner, changed: Estate, best: Plan, site_id: str, mode: Mode,
                  pinned: float | None, options: SolveOptions) -> LeverEffect | None:
    """Re-solve the changed estate without a pin: does the site flip, and how does the optimum
    move? The two answers differ when the lever also changes other sites (pre-approving PLR
    on the Smart Account applies everywhere)."""
    try:
        plan = planner(changed, options)
    except SolverError:  # NoPlanError included: the changed estate has no plan
        return None
    after = next((d.modes for d in plan.sites if d.site == site_id), ())
    flips = mode in after
    gap = 0.0 if flips or pinned is None else max(0.0, pinned - plan.costs.total)
    return LeverEffect(flips, tuple(after), best.costs.total, plan.costs.total, gap)


def resolve_site(estate: Estate, site_id: str) -> str:
    """The estate's id for `site_id`: exact, else the one id equal ignoring case; otherwise a
    UsageError with a suggestion and every site id (an explain of the wrong site helps no one)."""
    ids = sorted(s.id for s in estate.sites)
    if site_id in ids:
        return site_id
    folded = [i for i in ids if i.casefold() == site_id.casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(site_id.upper(), [i.upper() for i in ids], n=3,
                                      cutoff=0.6)
    by_upper = {i.upper(): i for i in ids}
    hint = (f"; did you mean {' or '.join(repr(by_upper[c]) for c in close)}?" if close
            else "")
    raise UsageError(f"site {site_id!r} is not in the estate{hint} Sites ({len(ids)}): "
                     + ", ".join(ids))


def _classification_exposure(plan: Plan, estate: Estate, classification: str) -> float:
    sites = {s.id for s in estate.sites if s.classification == classification}
    return sum(s.exposure for s in plan.sites if s.site in sites)


def _exposure_break_even(planner: Planner, estate: Estate, best: Plan, site_id: str,
                         candidates: Iterable[Alternative],
                         options: SolveOptions) -> str | None:
    """The exposure price at which the nearest lower-exposure alternative ties, if any."""
    site = estate.site(site_id)
    policy = estate.policy(site.classification)
    price = policy.exposure_cost_per_device_year
    if price <= 0:
        return None
    ours = _classification_exposure(best, estate, site.classification) / price
    for alt in sorted((a for a in candidates if a.eligible and a.delta is not None),
                      key=lambda a: (a.delta or 0.0, a.mode.value)):
        other = planner(estate, options, forced={site_id: alt.mode})
        theirs = _classification_exposure(other, estate, site.classification) / price
        # Both plans' costs are linear in the price, with slopes `ours` and `theirs`
        # (device-years of exposure share): the costing module's break-even.
        even = (break_even(price, alt.delta, theirs - ours)
                if ours - theirs > 1e-9 and alt.delta is not None else None)
        if even is not None:
            return (f"raise the exposure price of policy {policy.name!r} above "
                    f"{money(even)} per device-year (now {money(price)}) and {alt.mode.value} "
                    f"becomes at least as cheap")
    return None


def explain_site(estate: Estate, site_id: str, options: SolveOptions | None = None, *,
                 planner: Planner | None = None, best: Plan | None = None) -> Explanation:
    """Explain the optimal plan's choice for one site (`options` go to `plan_estate`, or to
    `planner`, called as plan_estate is: (estate, options, forced=pins))."""
    options = options or SolveOptions()
    site_id = resolve_site(estate, site_id)
    if not devices_at(estate.devices, site_id):
        raise UsageError(f"site {site_id!r} has no devices, so the plan makes no licensing "
                         "decision there to explain")
    if planner is None:
        from planner.optimise import plan_estate

        planner = plan_estate
    best = best or planner(estate, options)
    decision = best.site_decision(site_id)
    excluded = site_exclusions(estate, site_id)
    alternatives = []
    for mode in Mode:
        if mode in decision.modes:
            continue
        reasons = excluded[mode]
        lever = ""
        priced_on = estate
        if reasons:
            changed, changes = lever_estate(estate, site_id, mode)
            if not changes or any(site_exclusions(changed, site_id)[mode]):
                alternatives.append(Alternative(mode, False, reasons, "", None, None))
                continue
            lever, priced_on = "; ".join(changes), changed
        cost, site_cost, why = _price(planner, priced_on, site_id, mode, options)
        delta = None if cost is None else cost - best.costs.total
        effect = (_lever_effect(planner, priced_on, best, site_id, mode, cost, options)
                  if lever else None)
        alternatives.append(Alternative(mode, not reasons, reasons or why, lever, cost, delta,
                                        site_cost, effect))
    flips = _flips(planner, estate, best, site_id, alternatives, options)
    return Explanation(site_id, estate.site(site_id).classification, decision.modes,
                       decision.server_site, decision.devices, best.costs.total,
                       decision.total, estate.costs.currency, tuple(alternatives), tuple(flips))


def lever_sentence(lever: str, mode: Mode, effect: LeverEffect, cur: str) -> str:
    """A lever's effect said twice: at this site (does it flip), and on the estate's optimum."""
    if effect.flips:
        here = f"this site would take {mode.value}"
    else:
        stays = ", ".join(m.value for m in effect.modes_after) or "its mode"
        here = (f"this site would stay {stays}: {mode.value} would still cost "
                f"{money(effect.site_gap, cur)} more than the best plan with that change")
    delta = effect.estate_delta
    if abs(delta) < 0.005:
        estate = "the estate's optimum would not move"
    else:
        estate = (f"the estate's optimum would {'fall' if delta < 0 else 'rise'} by "
                  f"{money(abs(delta), cur)} ({money(effect.estate_before, cur)} to "
                  f"{money(effect.estate_after)})")
        if not effect.flips and delta < 0:
            estate += ", from other sites taking the change"
    return f"{lever}: {here}; {estate}"


def _flips(planner: Planner, estate: Estate, best: Plan, site_id: str,
           alternatives: list[Alternative], options: SolveOptions) -> list[str]:
    cur = estate.costs.currency
    flips = []
    for alt in alternatives:
        if alt.lever and alt.effect is not None:
            flips.append(lever_sentence(alt.lever, alt.mode, alt.effect, cur))
    priced = [a for a in alternatives if a.eligible and a.delta is not None]
    if priced:
        nearest = min(priced, key=lambda a: (a.delta or 0.0, a.mode.value))
        flips.append(f"nearest eligible alternative: {nearest.mode.value}, "
                     f"{money(nearest.delta or 0.0, cur)} more over the horizon; any change to "
                     "labour, "
                     "exposure or server costs worth more than that at this site flips it")
    even = _exposure_break_even(planner, estate, best, site_id, alternatives, options)
    if even:
        flips.append(even)
    if not priced and not any(a.lever for a in alternatives):
        flips.append("no other mode is possible here: only the exclusions above would change it")
    return flips
