"""Which licensing modes a site's devices may take, and in plain sentences why the others not.

Every Mode gets a tuple of reasons; an empty tuple means allowed. Rules
(docs/licensing-facts.md section 2):
- policy: the site's classification must allow the mode, and every licence data element the
  mode sends out must be one the policy lets leave (`telemetry_may_leave`);
- connectivity: cssm-direct and connected CSLU need the site's own internet path; On-Prem needs a
  server candidate reaching the site without crossing a boundary; network sync needs that server's
  site to reach CSSM;
- SLUP: offline reporting and CSLU need Smart Licensing Using Policy software;
- SLR: Smart Account pre-approval, family support, and no *new* SLR once a family whose
  `new_slr_under_slup` is false (every bundled family: no Cisco text allows it) runs SLUP; a
  device already in state `slr` keeps its reservation (the family and version rules then do not
  apply; pre-approval still does, because every later change is a new reservation request);
- PLR: pre-approval, export authorisation, family support (a device already in state `plr` keeps
  its reservation whatever the family entry says);
- unknown family: only modes that need no family facts stay open (cssm-direct, On-Prem network
  and manual sync; CSLU and offline too when the device state says it runs SLUP; SLR/PLR when the
  device already holds that reservation).
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.catalogue import ProductFamily, runs_slup
from planner.graph import Reach
from planner.model import ClassificationPolicy, Estate, LicensingState, Mode, Site
from planner.modes import ModeSpec, data_leaving_for


def _allowed_text(policy: ClassificationPolicy) -> str:
    allowed = [m.value for m in Mode if m in policy.allowed_modes]
    return ", ".join(allowed) if allowed else "none"


def slup_answer(family: ProductFamily | None, version: str,
                state: LicensingState) -> bool | None:
    """Whether the device runs Smart Licensing Using Policy; None when the evidence cannot tell.

    The licensing state comes first (docs/model.md, unknown software): `slup` means SLUP and
    `classic` (a classic Smart Licensing registration, which SLUP software no longer has) means
    not SLUP, whatever the version field says or omits. Otherwise the family's first SLUP
    release decides from the version; with neither, the answer is unknown and only the modes
    valid either way stay open (CSLU and offline need SLUP; new SLR on a family that forbids
    it under SLUP needs its absence)."""
    if state is LicensingState.SLUP:
        return True
    if state is LicensingState.CLASSIC:
        return False
    if family is None:
        return None
    if family.slup_from is None:
        return False
    if not version:
        return None
    return runs_slup(family, version)


def _software(family: ProductFamily | None, version: str,
              state: LicensingState) -> tuple[bool | None, str]:
    """Whether the device runs SLUP (None: cannot tell) and a phrase naming what it runs."""
    label = family.id if family else "device"
    shown = f"{label} on {version}" if version else f"{label} (software version unknown)"
    return slup_answer(family, version, state), shown


def _policy_reason(site: Site, policy: ClassificationPolicy | None, mode: Mode) -> list[str]:
    if policy is None:
        return [f"site {site.id} has classification {site.classification!r}, which has no "
                "policy: add it under `policies:` or pick a preset"]
    if mode in policy.allowed_modes:
        return []
    return [f"policy {policy.name!r} forbids {mode.value} (allowed: {_allowed_text(policy)})"]


def _telemetry_reason(policy: ClassificationPolicy | None, spec: ModeSpec) -> list[str]:
    if policy is None:
        return []
    forbidden = data_leaving_for(spec, policy) - policy.telemetry_may_leave
    if not forbidden:
        return []
    names = ", ".join(sorted(e.value for e in forbidden))
    return [f"{spec.mode.value} sends {names} out of the site, which policy {policy.name!r} does "
            "not let leave (telemetry_may_leave)"]


def _connectivity_reasons(site: Site, spec: ModeSpec, reach: Reach,
                          servers: tuple[str, ...]) -> list[str]:
    reasons = []
    if spec.needs_internet and site.id not in reach.cssm:
        reasons.append(f"site {site.id} has no internet path (internet: {site.internet.value}); "
                       f"{spec.mode.value} needs the site to reach CSSM directly or via a proxy")
    if spec.needs_server:
        if not servers:
            reasons.append(f"no SSM On-Prem server can reach site {site.id} without crossing a "
                           "boundary: tag a site on its side `server` or use carried media")
        elif spec.server_needs_internet and not any(s in reach.cssm for s in servers):
            reasons.append(f"no On-Prem server site that reaches {site.id} has an internet path "
                           f"(candidates: {', '.join(servers)}), so network sync is impossible: "
                           "use manual sync or give a server site internet")
    return reasons


def site_mode_exclusions(estate: Estate, site: Site, reach: Reach,
                         modes: Mapping[Mode, ModeSpec], *,
                         memo: dict[str, dict[Mode, list[str]]] | None = None,
                         ) -> dict[Mode, tuple[str, ...]]:
    """The site-level reasons (policy, connectivity) per mode: the same for every device there.

    Compute once per site and pass as `mode_exclusions(..., site_reasons=...)` when judging many
    device classes of one site. A caller judging many sites with the same `modes` may pass a
    `memo` (a dict it keeps): the policy's own reasons, which read no site, are then worked out
    once per policy.
    """
    try:
        policy: ClassificationPolicy | None = estate.policy(site.classification)
    except KeyError:
        policy = None
    servers = reach.servers_for(site.id)
    own = memo.get(policy.name) if memo is not None and policy is not None else None
    if own is None:
        own = {mode: _policy_reason(site, policy, mode) + _telemetry_reason(policy, modes[mode])
               for mode in _MODES}
        if memo is not None and policy is not None:
            memo[policy.name] = own
    return {mode: tuple(own[mode] + _connectivity_reasons(site, modes[mode], reach, servers))
            for mode in _MODES}


_MODES = tuple(Mode)  # iterating the enum itself is slow


_ADD_FAMILY = "add its family under `products:` in the estate file (name, pids, os, kind)"
# Why no new SLR under SLUP (docs/licensing-facts.md section 2).
_NO_NEW_SLR = ("SLUP guides: reservations made before SLUP carry over, a new one cannot be "
               "requested; Catalyst 9400 17.4 configuration guide, SLUP chapter")


def _slup_reasons(spec: ModeSpec, family: ProductFamily | None, state: LicensingState,
                  software: tuple[bool | None, str]) -> list[str]:
    if not spec.needs_slup:
        return []
    slup, shown = software
    if slup:
        return []
    if family is None and slup is False:
        return [f"device in state {state.value} does not run SLUP, which {spec.mode.value} "
                "needs"]
    if family is None:
        return [f"product family unknown and state {state.value}: cannot tell whether it runs "
                f"SLUP, which {spec.mode.value} needs; {_ADD_FAMILY} or record state `slup`"]
    if family.slup_from is None:
        return [f"{family.id} has no Smart Licensing Using Policy software; {spec.mode.value} "
                "needs SLUP"]
    if state is LicensingState.CLASSIC:
        return [f"{shown} is in classic Smart Licensing (state `classic`), so it does not run "
                f"SLUP (from {family.slup_from}); upgrade to use {spec.mode.value}"]
    if slup is None:
        return [f"{shown}: cannot confirm SLUP (from {family.slup_from}), which "
                f"{spec.mode.value} needs; record the software version"]
    return [f"{shown} does not run SLUP (from {family.slup_from}); upgrade to use "
            f"{spec.mode.value}"]


def _slr_reasons(estate: Estate, family: ProductFamily | None, state: LicensingState,
                 software: tuple[bool | None, str]) -> list[str]:
    reasons = []
    if not estate.account.slr_preapproved:
        reasons.append("Smart Account not pre-approved for SLR: ask Cisco to pre-approve SLR on "
                       f"Smart Account {estate.account.name!r}")
    if state is LicensingState.SLR:
        return reasons  # the reservation exists: family and version rules are moot
    if family is None:
        reasons.append(f"product family unknown: cannot tell whether it supports SLR; "
                       f"{_ADD_FAMILY}")
        return reasons
    if not family.slr:
        reasons.append(f"family {family.id} has no SLR (products.yaml; override under "
                       "`products:` if Cisco documents it)")
        return reasons
    if not family.new_slr_under_slup:
        slup, shown = software
        if slup:
            reasons.append(f"{shown} runs SLUP: new SLR is not possible on {family.name} "
                           f"({_NO_NEW_SLR})")
        elif slup is None:
            reasons.append(f"{shown}: new SLR is not possible on {family.name} once it runs SLUP "
                           f"(from {family.slup_from}); record the software version")
    return reasons


def _plr_reasons(estate: Estate, family: ProductFamily | None,
                 state: LicensingState) -> list[str]:
    reasons = []
    if not estate.account.plr_preapproved:
        reasons.append("Smart Account not pre-approved for PLR: ask Cisco to pre-approve PLR on "
                       f"Smart Account {estate.account.name!r}")
    if not estate.account.export_authorised:
        reasons.append("export not authorised (PLR): obtain export authorisation for the Smart "
                       "Account")
    if state is LicensingState.PLR:
        return reasons
    if family is None:
        reasons.append(f"product family unknown: cannot tell whether it supports PLR; "
                       f"{_ADD_FAMILY}")
    elif not family.plr:
        reasons.append(f"family {family.id} has no PLR (products.yaml; override under "
                       "`products:` if Cisco documents it)")
    return reasons


def mode_exclusions(estate: Estate, site: Site, family: ProductFamily | None, version: str,
                    state: LicensingState, reach: Reach, modes: Mapping[Mode, ModeSpec],
                    *, site_reasons: Mapping[Mode, tuple[str, ...]] | None = None,
                    ) -> dict[Mode, tuple[str, ...]]:
    """For every Mode, the reasons it is excluded for this site and device kind (empty: allowed).

    `site_reasons` (from `site_mode_exclusions`) saves recomputing the site-level part.
    """
    base = site_reasons if site_reasons is not None else site_mode_exclusions(
        estate, site, reach, modes)
    software = _software(family, version, state)  # what the SLUP and SLR rules read
    result: dict[Mode, tuple[str, ...]] = {}
    for mode in _MODES:
        spec = modes[mode]
        extra = _slup_reasons(spec, family, state, software)
        if mode is Mode.SLR:
            extra += _slr_reasons(estate, family, state, software)
        elif mode is Mode.PLR:
            extra += _plr_reasons(estate, family, state)
        result[mode] = (*base[mode], *extra) if extra else tuple(base[mode])
    return result


def allowed_modes(exclusions: Mapping[Mode, tuple[str, ...]]) -> frozenset[Mode]:
    """The modes with no exclusion reason."""
    return frozenset(m for m, reasons in exclusions.items() if not reasons)
