"""Software age: releases far below the current train (refresh proposal), and licensing era.

"Far below" (an ASSUMPTION, `RenewalSettings.refresh_minor_gap`): a lower major version than the
family's `current_train` (models/products.yaml), or the same major at least that many minor
trains behind. The licensing era is decided by version: below the family's `slup_from` a device
runs classic Smart Licensing, and upgrading it moves it to Smart Licensing Using Policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from planner.catalogue import ProductFamily, runs_slup, version_key
from planner.model import Device, LicensingState
from planner.renewal.context import RenewalContext, named
from planner.renewal.findings import Evidence, Finding, FindingKind, Priority


def far_below(version: str, current: str, minor_gap: int) -> bool:
    have, want = version_key(version), version_key(current)
    if not have or not want:
        return False
    if have[0] != want[0]:
        return have[0] < want[0]
    if len(want) < 2:
        return False
    minor = have[1] if len(have) > 1 else 0
    return want[1] - minor >= minor_gap


def _by_family(ctx: RenewalContext) -> dict[str, tuple[ProductFamily, list[Device]]]:
    groups: dict[str, tuple[ProductFamily, list[Device]]] = {}
    for dev in ctx.estate.devices:
        fam = ctx.family(dev.pid)
        if fam is not None and dev.version:
            groups.setdefault(fam.id, (fam, []))[1].append(dev)
    return groups


def _per_version(devices: list[Device], test: Callable[[str], bool]) -> list[Device]:
    """Devices whose version passes `test`, asking once per distinct version string."""
    verdict: dict[str, bool] = {}
    out = []
    for dev in devices:
        hit = verdict.get(dev.version)
        if hit is None:
            hit = verdict[dev.version] = test(dev.version)
        if hit:
            out.append(dev)
    return out


def refresh(ctx: RenewalContext) -> list[Finding]:
    total = len(ctx.estate.devices)
    out = []
    for fid, (fam, devices) in sorted(_by_family(ctx).items()):
        if not fam.current_train:
            continue
        train, gap = fam.current_train, ctx.settings.refresh_minor_gap
        old = _per_version(devices, lambda v: far_below(v, train, gap))  # noqa: B023
        if not old:
            continue
        versions: dict[str, int] = defaultdict(int)
        for d in old:
            versions[d.version] += 1
        oldest = min(versions, key=lambda v: (version_key(v), v))
        share = len(old) / total if total else 0.0
        out.append(Finding(
            kind=FindingKind.REFRESH, subject=fid,
            signal=(f"{len(old)} {fam.name} device(s) run software far below the current "
                    f"train {fam.current_train} (oldest {oldest})"),
            evidence=Evidence(devices=named(old, ctx.settings.evidence_devices),
                              devices_total=len(old),
                              numbers=(("devices", len(old)), ("share_of_estate", round(share, 4)),
                                       *((f"on {v}", n) for v, n in sorted(versions.items())))),
            reading=("Lifecycle and refresh proposal: the team will bundle hardware refresh "
                     "or a software subscription with the licence renewal."),
            counter_move=("Stage the software refresh against the renewal on your own "
                          "schedule; keep any hardware refresh apart from the licence uplift."),
            money=0.0, currency=ctx.currency,
            priority=Priority.MEDIUM if share >= ctx.settings.high_churn_rate else Priority.LOW,
            notes=("no price: a refresh is a proposal, not a charge",),
        ))
    return out


def licensing_era(ctx: RenewalContext) -> list[Finding]:
    out = []
    for fid, (fam, devices) in sorted(_by_family(ctx).items()):
        if fam.slup_from is None:
            continue
        classic = _per_version(devices, lambda v: not runs_slup(fam, v))  # noqa: B023
        classic_keys = {id(d) for d in classic}
        mismatched = sorted(d.hostname for d in devices
                            if _state_disagrees(d, id(d) not in classic_keys))
        if not classic and not mismatched:
            continue
        door = not fam.new_slr_under_slup
        signal = (f"{len(classic)} {fam.name} device(s) run software before {fam.slup_from}: "
                  "classic Smart Licensing era")
        if mismatched:
            signal += f"; {len(mismatched)} report a licensing state their version contradicts"
        counter = ("Decide per device before upgrading: the upgrade moves it to Smart "
                   "Licensing Using Policy (reporting clocks, acknowledgements)")
        if door:
            counter += ("; on this family a new SLR is not possible after the upgrade, so "
                        "request any reservation you still need first")
        out.append(Finding(
            kind=FindingKind.LICENSING_ERA, subject=fid, signal=signal,
            evidence=Evidence(devices=named(classic, ctx.settings.evidence_devices),
                              devices_total=len(classic),
                              numbers=(("classic_era_devices", len(classic)),
                                       ("state_mismatch_devices", len(mismatched)))),
            reading=("The team reads classic-era devices as a migration to sell (software "
                     "refresh, SLUP onboarding) and their registrations as lapsing."),
            counter_move=counter + ".", money=0.0, currency=ctx.currency,
            priority=Priority.MEDIUM if door and classic else Priority.LOW,
            notes=tuple(f"state contradicts version: {h}"
                        for h in mismatched[:ctx.settings.evidence_devices]),
        ))
    return out


def _state_disagrees(device: Device, slup: bool) -> bool:
    if device.state is LicensingState.CLASSIC:
        return slup
    if device.state is LicensingState.SLUP:
        return not slup
    return False
