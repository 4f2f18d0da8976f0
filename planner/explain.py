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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from planner.catalogue import Catalogue, load_catalogue
from planner.eligibility import mode_exclusions, site_mode_exclusions, slup_answer
from planner.graph import analyse_reach
from planner.model import Estate, LicensingState, Mode
from planner.modes import load_modes
from planner.plan import Plan, SolveStatus
from planner.problems import SolverError, UsageError

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


@dataclass(frozen=True, slots=True)
class Explanation:
    site: str
    classification: str
    modes: tuple[Mode, ...]
    server_site: str | None
    devices: int
    cost: float  # the optimal plan's total cost
    currency: str
    alternatives: tuple[Alternative, ...]
    flips: tuple[str, ...]  # sentences: which input would change the choice

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site, "classification": self.classification,
            "modes": [m.value for m in self.modes], "server_site": self.server_site,
            "devices": self.devices, "cost": round(self.cost, 2), "currency": self.currency,
            "alternatives": [{
                "mode": a.mode.value, "eligible": a.eligible, "reasons": list(a.reasons),
                "lever": a.lever, "cost": None if a.cost is None else round(a.cost, 2),
                "delta": None if a.delta is None else round(a.delta, 2),
            } for a in self.alternatives],
            "flips": list(self.flips),
        }


def _catalogue(estate: Estate) -> Catalogue:
    return estate.catalogue if estate.catalogue is not None else load_catalogue()


def site_exclusions(estate: Estate, site_id: str) -> dict[Mode, tuple[str, ...]]:
    """Reasons per mode for the site, merged over its kinds of device (family, version, state).

    A mode is out for the site when any device kind there cannot take it; a site without devices
    is judged on its policy and connectivity alone.
    """
    site = estate.site(site_id)
    catalogue = _catalogue(estate)
    reach = analyse_reach(estate)
    modes = load_modes()
    base = site_mode_exclusions(estate, site, reach, modes)
    merged: dict[Mode, list[str]] = {m: list(base[m]) for m in Mode}
    kinds = sorted({(d.pid, d.version, d.state) for d in estate.devices if d.site == site_id})
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
    catalogue = _catalogue(estate)
    unknown = [d for d in estate.devices if d.site == site_id and d.state not in (
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
           options: dict[str, Any]) -> tuple[float | None, tuple[str, ...]]:
    try:
        plan = planner(estate, forced={site_id: mode}, **options)
    except SolverError as exc:
        return None, (str(exc),)
    if plan.status is SolveStatus.INFEASIBLE:
        return None, tuple(r for _site, reasons in plan.infeasible for r in reasons)
    return plan.costs.total, ()


def _classification_exposure(plan: Plan, estate: Estate, classification: str) -> float:
    sites = {s.id for s in estate.sites if s.classification == classification}
    return sum(s.exposure for s in plan.sites if s.site in sites)


def _exposure_break_even(planner: Planner, estate: Estate, best: Plan, site_id: str,
                         candidates: Iterable[Alternative],
                         options: dict[str, Any]) -> str | None:
    """The exposure price at which the nearest lower-exposure alternative ties, if any."""
    site = estate.site(site_id)
    policy = estate.policy(site.classification)
    price = policy.exposure_cost_per_device_year
    if price <= 0:
        return None
    ours = _classification_exposure(best, estate, site.classification) / price
    for alt in sorted((a for a in candidates if a.eligible and a.delta is not None),
                      key=lambda a: (a.delta or 0.0, a.mode.value)):
        other = planner(estate, forced={site_id: alt.mode}, **options)
        theirs = _classification_exposure(other, estate, site.classification) / price
        if ours - theirs > 1e-9 and alt.delta is not None:
            even = price + alt.delta / (ours - theirs)
            return (f"raise the exposure price of policy {policy.name!r} above "
                    f"{even:,.2f} per device-year (now {price:,.2f}) and {alt.mode.value} "
                    f"becomes at least as cheap")
    return None


def explain_site(estate: Estate, site_id: str, *, planner: Planner | None = None,
                 best: Plan | None = None, **options: Any) -> Explanation:
    """Explain the optimal plan's choice for one site (options go to `plan_estate`)."""
    if site_id not in {s.id for s in estate.sites}:
        known = ", ".join(sorted(s.id for s in estate.sites)[:20])
        raise UsageError(f"site {site_id!r} is not in the estate (sites: {known})")
    if not any(d.site == site_id for d in estate.devices):
        raise UsageError(f"site {site_id!r} has no devices, so the plan makes no licensing "
                         "decision there to explain")
    if planner is None:
        from planner.optimise import plan_estate

        planner = plan_estate
    best = best or planner(estate, **options)
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
        cost, why = _price(planner, priced_on, site_id, mode, options)
        delta = None if cost is None else cost - best.costs.total
        alternatives.append(Alternative(mode, not reasons, reasons or why, lever, cost, delta))
    flips = _flips(planner, estate, best, site_id, alternatives, options)
    return Explanation(site_id, estate.site(site_id).classification, decision.modes,
                       decision.server_site, decision.devices, best.costs.total,
                       estate.costs.currency, tuple(alternatives), tuple(flips))


def _flips(planner: Planner, estate: Estate, best: Plan, site_id: str,
           alternatives: list[Alternative], options: dict[str, Any]) -> list[str]:
    cur = estate.costs.currency
    flips = []
    for alt in alternatives:
        if alt.lever and alt.delta is not None and alt.delta < -0.005:
            flips.append(f"{alt.lever}: {alt.mode.value} would then save {cur} "
                         f"{-alt.delta:,.2f} over the horizon")
        elif alt.lever and alt.delta is not None:
            flips.append(f"{alt.lever}: {alt.mode.value} would still cost {cur} "
                         f"{alt.delta:,.2f} more, so the choice would stand")
    priced = [a for a in alternatives if a.eligible and a.delta is not None]
    if priced:
        nearest = min(priced, key=lambda a: (a.delta or 0.0, a.mode.value))
        flips.append(f"nearest eligible alternative: {nearest.mode.value}, {cur} "
                     f"{nearest.delta or 0.0:,.2f} more over the horizon; any change to labour, "
                     "exposure or server costs worth more than that at this site flips it")
    even = _exposure_break_even(planner, estate, best, site_id, alternatives, options)
    if even:
        flips.append(even)
    if not priced and not any(a.lever for a in alternatives):
        flips.append("no other mode is possible here: only the exclusions above would change it")
    return flips
