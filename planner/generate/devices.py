"""devices.csv: devices drawn per site, with states, stacks, serials and licence use."""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

from planner.catalogue import ProductFamily, load_catalogue, runs_slup
from planner.fileio import safe_cell
from planner.generate.plan import DEVICE_HEADER, EstatePlan, SiteKind
from planner.generate.profiles import (
    ANCHORS,
    B36,
    BUNDLES,
    LOCATIONS,
    MIX,
    NXOS_CLASSIC,
    OVERFLOW,
    PAIRS,
    ROLE,
    ROUTER_SWAP,
    STACK_CUM,
    STACK_SIZES,
    SUFFIX_SPACE,
    SUFFIX_STEP,
    VERSIONS,
    YEARS,
)
from planner.model import LicensingState


def serial_maker(rng: random.Random, start: int = 0) -> Callable[[str], str]:
    """Unique serials by construction: a counter, permuted into the 4-character suffix.

    Returns `next_serial(family_id)`; a closure over locals because it runs twice per device.
    """
    random_ = rng.random
    counter = count(start)
    # Every location+year+week prefix a family's serials may start with, drawn uniformly.
    prefixes = {
        fid: [f"{loc}{yy:02d}{ww:02d}" for loc in locs
              for yy in range(YEARS[fid][0], YEARS[fid][1] + 1) for ww in range(1, 53)]
        for fid, locs in LOCATIONS.items()}
    sizes = {fid: len(p) for fid, p in prefixes.items()}
    pairs, space, step = PAIRS, SUFFIX_SPACE, SUFFIX_STEP

    def next_serial(family: str) -> str:
        n = next(counter)
        prefix = prefixes[family][int(random_() * sizes[family])]
        if n >= space:  # past 1.68M serials: a location code no family uses keeps them unique
            prefix = _overflow(n // space) + prefix[3:]
        hi, lo = divmod((n % space * step + 7919) % space, 1296)
        return prefix + pairs[hi] + pairs[lo]

    return next_serial


def _overflow(block: int) -> str:
    if block <= len(OVERFLOW):
        return OVERFLOW[block - 1]
    return "Z" + B36[10 + block % 26] + B36[10 + (block // 26) % 26]


def _cum(pairs: Sequence[tuple[object, float]]) -> tuple[list[object], list[float]]:
    items, total, cum = [], 0.0, []
    for item, weight in pairs:
        total += weight
        items.append(item)
        cum.append(total)
    return items, cum


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` over `weights` (largest remainder); every site gets one first if it can."""
    n = len(weights)
    base = [1] * n if total >= n else [0] * n
    rest = total - sum(base)
    wsum = sum(weights) or 1.0
    shares = [rest * w / wsum for w in weights]
    counts = [int(s) for s in shares]
    left = rest - sum(counts)
    order = sorted(range(n), key=lambda i: (counts[i] - shares[i], i))
    for i in order[:left]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts, strict=True)]


@dataclass(slots=True)
class Use:
    """Licence use per (VA, tag): reported in use, reserved (SLR/PLR), and not reporting."""

    in_use: int = 0
    reserved: int = 0
    silent: int = 0  # evaluation/unknown devices: need licences, report nothing

    @property
    def need(self) -> int:
        return self.in_use + self.reserved + self.silent


# Sites with a network path out: the state follows the software (must match `_state`).
_ORDINARY = frozenset({SiteKind.DC, SiteKind.HQ, SiteKind.CAMPUS, SiteKind.BRANCH})


def _state(fam: ProductFamily, slup: bool, kind: SiteKind, r: float,
           reserve: tuple[bool, bool, bool]) -> str:
    """The licensing state a device of this family, software and site would really be in.

    `reserve` is (SLR pre-approved, PLR pre-approved and export authorised, offline reporting
    allowed here). The `secret` preset allows only SLR and PLR and no mixed modes, so every device
    of a secret site gets a reservation it can keep: a generated estate always has a plan.
    """
    slr_ok, plr_ok, offline_ok = reserve
    if kind is SiteKind.ENCLAVE or kind is SiteKind.AIRGAP:
        # Classified and air-gapped: reservations. A Catalyst on SLUP software cannot get a new
        # SLR: either its pre-SLUP reservation carried over, or it reports offline.
        # PLR only where the device could still take a new SLR: a site that allows no mixed
        # modes then always has SLR for every device (a PLR device on SLUP software cannot get
        # a new SLR, so beside an SLR-only family it would leave the site without a mode).
        if plr_ok and fam.plr and r < 0.35 and (not slup or fam.new_slr_under_slup
                                                or not fam.slr):
            return LicensingState.PLR
        if fam.slr and slr_ok and (not slup or fam.new_slr_under_slup or not offline_ok
                                   or r < 0.6):
            return LicensingState.SLR
        return LicensingState.SLUP if slup else LicensingState.EVALUATION
    if kind is SiteKind.OT_CONTROL or kind is SiteKind.SUBSTATION:
        # No path out: some were reserved, the rest report offline or never registered.
        if fam.slr and slr_ok and r < 0.3:
            return LicensingState.SLR
        if slup:
            return LicensingState.SLUP if r < 0.85 else LicensingState.UNKNOWN
        return LicensingState.EVALUATION if r < 0.6 else LicensingState.UNKNOWN
    if r < 0.006:
        return LicensingState.EVALUATION
    if r < 0.016:
        return LicensingState.UNKNOWN
    return LicensingState.SLUP if slup else LicensingState.CLASSIC


def render_devices(plan: EstatePlan, rng: random.Random) -> tuple[str, dict[tuple[str, str], Use]]:
    """devices.csv and the licence use it implies, per (VA, tag)."""
    cat = load_catalogue()
    serial_of = serial_maker(rng)
    random_ = rng.random
    bisect_ = bisect.bisect
    mix = {k: _cum(v) for k, v in MIX.items()}
    pids_used = {p for m in MIX.values() for p, _ in m} | {
        p for ps in ROUTER_SWAP.values() for p in ps}
    info: dict[str, _PidInfo] = {p: _pid_info(cat.family_for_pid(p), p) for p in pids_used}
    slup = {(fid, v): runs_slup(cat.families[fid], v)
            for fid, vs in VERSIONS.items() for v, _ in vs}
    normal: dict[tuple[str, str], str] = {
        k: LicensingState.SLUP if v else LicensingState.CLASSIC for k, v in slup.items()}
    cells: dict[tuple[tuple[str, ...], int], str] = {}
    # (VA, bundle, units, state) -> devices; expanded into per-(VA, tag) use at the end.
    tally: dict[tuple[str, tuple[str, ...], int, str], int] = {}
    default_va = safe_cell(plan.virtual_accounts[0][0])
    stray = plan.stray_share
    acc = plan.account
    counts = allocate(plan.devices, [s.weight for s in plan.sites])
    rows: list[str] = []
    append = rows.append
    pads: dict[int, list[str]] = {}  # zero-padded host numbers by width, built once
    for site, n in zip(plan.sites, counts, strict=True):
        if n == 0:
            continue
        anchors = list(ANCHORS[site.kind][:n])
        items, cum = mix[site.kind]
        drawn = rng.choices(items, cum_weights=cum, k=n - len(anchors))
        by_role: dict[str, list[str]] = {}
        for p in anchors + drawn:
            pid = rng.choice(ROUTER_SWAP[p]) if p in ROUTER_SWAP else str(p)
            by_role.setdefault(info[pid].role, []).append(pid)
        # Per-site text is the only plan-supplied text in the rows: neutralise it once here.
        prefix, site_cell = safe_cell(site.id.lower()), _csv_quoted(safe_cell(site.id))
        kind = site.kind
        stacks = kind is not SiteKind.DC
        ordinary = kind in _ORDINARY
        reserve = (acc.slr_preapproved, acc.plr_preapproved and acc.export_authorised,
                   site.classification != "secret")
        for role in sorted(by_role):
            role_pids = by_role[role]
            width = max(2, len(str(len(role_pids))))
            numbers = pads.get(width)
            if numbers is None or len(numbers) <= len(role_pids):
                numbers = pads[width] = [str(i).zfill(width) for i in range(len(role_pids) * 2 + 2)]
            head = f"{prefix}-{role}"
            plain_head = _csv_quoted(head) == head
            va_role = safe_cell(site.virtual_account or plan.role_va.get(role, default_va))
            va_cells = {va_role: _csv_quoted(va_role), default_va: _csv_quoted(default_va)}
            for idx, pid in enumerate(role_pids, 1):
                pi = info[pid]
                fid = pi.fid
                version = pi.versions[bisect_(pi.version_cum, random_() * pi.version_total)]
                r = random_()
                if ordinary:  # most sites: the software decides, a few never registered
                    state = (normal[(fid, version)] if r >= 0.016 else
                             LicensingState.EVALUATION if r < 0.006 else LicensingState.UNKNOWN)
                else:
                    state = _state(pi.family, slup[(fid, version)], kind, r, reserve)
                va = default_va if random_() < stray else va_role
                serial = serial_of(fid)
                if pi.stackable and stacks:
                    size = STACK_SIZES[bisect_(STACK_CUM, random_())]
                    if size == 1:
                        units, members = 1, ""
                    else:
                        sib, own = pi.sibling, pid
                        units = size
                        members = ";".join([
                            f"{sib if random_() < 0.2 else own}:{serial_of(fid)}"
                            for _ in range(size - 1)])
                elif pi.plain:
                    units, members = 1, ""
                else:
                    units, members = _units(pi, pid, kind, rng, serial_of)
                if pi.classic_nxos and version.startswith("9."):
                    tags: tuple[str, ...] = NXOS_CLASSIC
                else:
                    tags = pi.bundles[bisect_(pi.bundle_cum, random_() * pi.bundle_total)]
                cell = cells.get((tags, units))
                if cell is None:
                    cell = cells[(tags, units)] = ";".join(f"{t}:{units}" for t in tags)
                key = (va, tags, units, state)
                tally[key] = tally.get(key, 0) + 1
                host = head + numbers[idx]
                # csv.writer costs ~5 us a row; only plan-supplied text can need quoting, and
                # it was quoted once above, so a join writes the same bytes ~10x faster.
                append(",".join((host if plain_head else _csv_quoted(host), pid, serial,
                                  site_cell, va_cells[va], version, state, cell, members)))
    rows.sort()
    rows.insert(0, ",".join(DEVICE_HEADER))
    rows.append("")
    return "\n".join(rows), _use_from(tally)


def _csv_quoted(text: str) -> str:
    """One CSV cell exactly as csv.writer (QUOTE_MINIMAL) would write it."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _use_from(tally: dict[tuple[str, tuple[str, ...], int, str], int]) -> dict[
        tuple[str, str], Use]:
    use: dict[tuple[str, str], Use] = {}
    for (va, tags, units, state), n in tally.items():
        for t in tags:
            u = use.get((va, t))
            if u is None:
                u = use[(va, t)] = Use()
            if state in (LicensingState.SLR, LicensingState.PLR):
                u.reserved += units * n
            elif state in (LicensingState.CLASSIC, LicensingState.SLUP):
                u.in_use += units * n
            else:
                u.silent += units * n
    return use



@dataclass(frozen=True, slots=True)
class _PidInfo:
    """Everything the device loop needs to know about a PID, looked up once."""

    family: ProductFamily
    fid: str
    role: str
    versions: tuple[str, ...]
    version_cum: tuple[float, ...]
    version_total: float
    bundles: tuple[tuple[str, ...], ...]
    bundle_cum: tuple[float, ...]
    bundle_total: float
    stackable: bool
    sibling: str  # the 24-port model for a 48-port one and back: stacks mix them
    plain: bool  # one licensed unit, no members: no further draws
    classic_nxos: bool


def _pid_info(fam: ProductFamily | None, pid: str) -> _PidInfo:
    if fam is None:
        raise ValueError(f"generator PID {pid} matches no product family in products.yaml")
    versions, vcum = _cum(VERSIONS[fam.id])
    bundles, bcum = _cum(BUNDLES[fam.id])
    sibling = pid.replace("-48", "-24") if "-48" in pid else pid.replace("-24", "-48")
    return _PidInfo(fam, fam.id, ROLE[fam.id], tuple(map(str, versions)), tuple(vcum), vcum[-1],
                    tuple(bundles), tuple(bcum), bcum[-1],  # type: ignore[arg-type]
                    fam.stackable, sibling,
                    not fam.stackable and fam.id not in ("C9500", "C9600", "C9800", "ISE"),
                    fam.id == "N9K")


def _units(pi: _PidInfo, pid: str, kind: SiteKind, rng: random.Random,
           serial_of: Callable[[str], str]) -> tuple[int, str]:
    """Licensed units (HA pair, access points, endpoints) and the members cell."""
    fid = pi.fid
    if pi.stackable:  # a stackable switch in a data centre: standalone top-of-rack
        return 1, ""
    if fid != "ISE" and not pid.startswith("C9800-CL") and rng.random() < 0.6:
        # StackWise Virtual pairs and SSO controller pairs: one standby member.
        standby = f"{pid}:{serial_of(fid)}"
        return (_aps(pid, rng) if fid == "C9800" else 2), standby
    if fid == "C9800":
        return _aps(pid, rng), ""
    if fid != "ISE":
        return 1, ""
    # ISE: endpoints this node's persona counts (ISE licenses endpoints, not nodes).
    big = kind in (SiteKind.DC, SiteKind.HQ)
    return (250 if big else 50) * (1 + int(rng.random() * (16 if big else 6))), ""


def _aps(pid: str, rng: random.Random) -> int:
    """Access points joined to a controller: each one consumes the controller's AIR licences."""
    if pid.startswith("C9800-CL"):
        return 4 + int(rng.random() * 40)
    if pid.startswith("C9800-L"):
        return 20 + int(rng.random() * 180)
    return 80 + int(rng.random() * 520)
