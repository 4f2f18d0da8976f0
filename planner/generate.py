"""Synthetic estates: realistic, byte-reproducible estate files of any size (demos, benchmarks).

`generate_estate(devices, sites, seed)` draws a site plan (data centres, an HQ behind a proxy,
campuses, branches, regulated offices, OT substations, classified enclaves, air-gapped sites),
fills it with real PIDs weighted like a real estate, and renders `estate.yaml`, `devices.csv` and
`entitlements.csv`. The bundled examples (examples/build_examples.py) call `render_plan` with
hand-written site plans. Every draw comes from one `random.Random(seed)`, so the same arguments
give byte-identical files; rows are written with `csv.writer` in one pass, so a million devices
take seconds, not minutes.
"""

from __future__ import annotations

import bisect
import csv
import gc
import io
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import accumulate
from pathlib import Path

from planner.catalogue import ProductFamily, load_catalogue, runs_slup
from planner.fileio import safe_cell, write_files_atomic
from planner.model import InternetAccess, LicensingState, Link, SmartAccount, TermType

# Dates in generated files are relative to this fixed day, never to "today": the same arguments
# must give the same bytes on any day. Pass `as_of` to move it.
REFERENCE_DATE = date(2026, 12, 1)

DEVICE_HEADER = ("hostname", "pid", "serial", "site", "virtual_account", "version", "state",
                 "licences", "members")
ENTITLEMENT_HEADER = ("virtual_account", "licence", "quantity", "in_use", "reserved", "term",
                      "start", "end", "subscription_id", "unit_price")


class SiteKind(StrEnum):
    """What a site is; decides its device mix, its size and its licensing reality."""

    DC = "dc"
    HQ = "hq"
    CAMPUS = "campus"
    BRANCH = "branch"
    OT_CONTROL = "ot-control"
    SUBSTATION = "substation"
    ENCLAVE = "enclave"
    AIRGAP = "airgap"


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One site of a plan: what the estate file says about it, plus how to fill it."""

    id: str
    name: str
    kind: SiteKind
    classification: str
    internet: InternetAccess
    weight: float  # relative share of the estate's devices
    enclave: str | None = None
    tags: tuple[str, ...] = ()
    virtual_account: str | None = None  # every device here goes to this VA (enclaves, OT)


@dataclass(frozen=True, slots=True)
class EstatePlan:
    """Everything `render_plan` needs: the account, the Virtual Accounts, sites and links."""

    name: str
    account: SmartAccount
    virtual_accounts: tuple[tuple[str, str], ...]  # (name, description); the first is Default
    sites: tuple[SiteSpec, ...]
    links: tuple[Link, ...]
    devices: int
    role_va: dict[str, str]  # device role (as, ds, cs, nx, rtr, wlc, fw, ise) -> VA
    dormant_va: str | None = None  # holds entitlements and no devices (the messy one)
    stray_share: float = 0.03  # devices never moved out of the Default VA
    agreement: tuple[date, date] | None = None
    header: str = ""  # comment lines at the top of estate.yaml
    extra_yaml: str = ""  # verbatim top-level YAML (policies:, costs:, prices: ...)
    as_of: date = REFERENCE_DATE
    shelfware: tuple[tuple[str, str, int], ...] = ()  # (VA, tag, quantity) bought, never used
    extra_inventory: tuple[tuple[str, str], ...] = ()  # (inventory key, file) beyond the CSVs


# --- What each kind of site holds -------------------------------------------------------------
# (PID, weight): access switches dominate everywhere but the data centre.
_MIX: dict[SiteKind, tuple[tuple[str, float], ...]] = {
    SiteKind.DC: (("N9K-C93180YC-EX", 30), ("N9K-C93180YC-FX", 18), ("N9K-C9336C-FX2", 6),
                  ("C9500-32QC", 5), ("C9500-48Y4C", 4), ("C9606R", 2), ("C9300-48P", 10),
                  ("C9300-24P", 4), ("FPR-2110", 3), ("FPR-4115", 1), ("ASAv", 4),
                  ("SNS-3715-K9", 0.3), ("SNS-3655-K9", 0.2), ("ISR4451-X/K9", 1),
                  ("C8300-1N1S-4T2X", 2), ("C9800-40-K9", 0.3)),
    SiteKind.HQ: (("C9300-48P", 46), ("C9300-24P", 14), ("C9300-48U", 6), ("C9407R", 3),
                  ("C9500-32QC", 2), ("C9800-40-K9", 0.25), ("FPR-2110", 1), ("ISR4451-X/K9", 1),
                  ("C8300-1N1S-4T2X", 1), ("SNS-3715-K9", 0.2)),
    SiteKind.CAMPUS: (("C9300-48P", 40), ("C9300-24P", 16), ("C9200L-48P-4X", 10),
                      ("C9407R", 3), ("C9500-48Y4C", 1), ("C9800-L-C-K9", 0.4), ("FPR-1120", 1),
                      ("C8300-1N1S-4T2X", 1)),
    SiteKind.BRANCH: (("C9200L-24P-4G", 30), ("C9200L-48P-4X", 18), ("C9300-24P", 10),
                      ("C9300-48P", 10), ("ISR4331/K9", 4), ("C8200L-1N-4T", 4), ("FPR-1010", 3),
                      ("C9800-CL-K9", 1)),
    SiteKind.OT_CONTROL: (("C9300-24P", 10), ("C9300-48P", 6), ("C9500-48Y4C", 2),
                          ("ISR4451-X/K9", 2), ("FPR-2110", 2)),
    SiteKind.SUBSTATION: (("C9300-24P", 10), ("C9200L-24P-4G", 8), ("ISR4331/K9", 3),
                          ("FPR-1010", 2)),
    SiteKind.ENCLAVE: (("C9300-48P", 20), ("C9300-24P", 8), ("C9500-32QC", 2),
                       ("ISR4451-X/K9", 2), ("FPR-2110", 2), ("ASAv", 1), ("N9K-C93180YC-EX", 3)),
    SiteKind.AIRGAP: (("C9300-24P", 10), ("C9200L-24P-4G", 6), ("ISR4331/K9", 2),
                      ("FPR-1010", 2), ("N9K-C93180YC-EX", 2)),
}
# The first devices of a site, so even a two-device branch has its WAN router.
_ANCHORS: dict[SiteKind, tuple[str, ...]] = {
    SiteKind.DC: ("C9500-32QC", "C9500-32QC", "FPR-2110", "C8300-1N1S-4T2X", "SNS-3715-K9",
                  "C9800-40-K9", "N9K-C93180YC-EX", "N9K-C93180YC-EX"),
    SiteKind.HQ: ("C9500-32QC", "C8300-1N1S-4T2X", "FPR-2110", "C9800-40-K9", "C9407R"),
    SiteKind.CAMPUS: ("C8300-1N1S-4T2X", "C9407R", "C9800-L-C-K9", "FPR-1120"),
    SiteKind.BRANCH: ("ISR4331/K9", "C9300-24P", "FPR-1010"),
    SiteKind.OT_CONTROL: ("ISR4451-X/K9", "FPR-2110", "C9500-48Y4C"),
    SiteKind.SUBSTATION: ("ISR4331/K9", "C9300-24P"),
    SiteKind.ENCLAVE: ("ISR4451-X/K9", "FPR-2110", "C9500-32QC"),
    SiteKind.AIRGAP: ("C9300-24P", "ISR4331/K9"),
}
# Branch WAN routers: the older ISR 4000 or its Catalyst 8000 successor.
_ROUTER_SWAP = {"ISR4331/K9": ("ISR4331/K9", "ISR4331/K9", "C8200L-1N-4T", "ISR4321/K9")}

_ROLE = {"C9200": "as", "C9200L": "as", "C9300": "as", "C9400": "ds", "C9500": "cs",
         "C9600": "cs", "N9K": "nx", "ISR4000": "rtr", "C8000": "rtr", "C9800": "wlc",
         "FPR": "fw", "ASAV": "fw", "ISE": "ise"}

# Software trains as customers run them (version, weight); IOS XE 17.3.2+ runs SLUP.
_IOSXE_SWITCH = (("16.12.5", 3), ("16.12.10a", 4), ("17.3.4", 3), ("17.3.8a", 4), ("17.6.4", 6),
                 ("17.6.6a", 8), ("17.9.3", 7), ("17.9.4a", 10), ("17.9.5", 8), ("17.12.3", 5),
                 ("17.12.4", 4))
_VERSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "C9200": _IOSXE_SWITCH, "C9200L": _IOSXE_SWITCH, "C9300": _IOSXE_SWITCH,
    "C9400": (("16.12.5", 2), ("17.3.8a", 3), ("17.6.6a", 4), ("17.9.4a", 6), ("17.12.3", 2)),
    "C9500": (("16.12.8", 2), ("17.3.8a", 3), ("17.6.6a", 5), ("17.9.4a", 6), ("17.12.4", 2)),
    "C9600": (("17.3.8a", 2), ("17.6.6a", 4), ("17.9.5", 4), ("17.12.4", 1)),
    "C9800": (("17.3.7", 2), ("17.6.5", 4), ("17.9.5", 8), ("17.12.3", 4)),
    "ISR4000": (("16.9.8", 3), ("16.12.5", 5), ("17.3.6", 4), ("17.6.6", 6), ("17.9.4a", 6)),
    "C8000": (("17.6.5", 3), ("17.9.4a", 8), ("17.12.3", 5), ("17.12.4", 3)),
    "N9K": (("9.3(8)", 3), ("9.3(12)", 5), ("10.2(5)", 4), ("10.2(7)", 4), ("10.3(4a)", 3),
            ("10.4(2)", 2)),
    "ASAV": (("9.16(4)", 3), ("9.18(4)", 5), ("9.20(2)", 3)),
    "FPR": (("7.0.6", 3), ("7.2.5", 6), ("7.4.1", 4)),
    "ISE": (("3.1", 2), ("3.2", 5), ("3.3", 3)),
}
# Licence bundles per family, per licensed unit (tags, weight); always tags of the family's tracks.
_BUNDLES: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "C9200": ((("network-essentials", "dna-essentials"), 6),
              (("network-advantage", "dna-advantage"), 3), (("network-essentials",), 2)),
    "C9300": ((("network-advantage", "dna-advantage"), 10),
              (("network-essentials", "dna-essentials"), 5), (("network-advantage",), 2),
              (("network-advantage", "dna-advantage", "hseck9"), 1)),
    "C9400": ((("network-advantage", "dna-advantage"), 6), (("network-advantage",), 1)),
    "C9500": ((("network-advantage", "dna-advantage"), 6),
              (("network-advantage", "dna-advantage", "hseck9"), 2), (("network-advantage",), 1)),
    "C9600": ((("network-advantage", "dna-advantage"), 4), (("network-advantage",), 1)),
    "C9800": ((("air-network-advantage", "air-dna-advantage"), 7),
              (("air-network-essentials", "air-dna-essentials"), 3)),
    "ISR4000": ((("ipbasek9", "securityk9"), 5), (("ipbasek9", "securityk9", "appxk9"), 3),
                (("ipbasek9", "securityk9", "hseck9"), 2), (("ipbasek9", "uck9"), 1)),
    "C8000": ((("network-advantage", "dna-advantage", "hseck9"), 5),
              (("network-essentials", "dna-essentials"), 3),
              (("network-premier", "dna-premier", "hseck9"), 1)),
    "N9K": ((("nxos-essentials",), 5), (("nxos-advantage",), 3)),
    "ASAV": ((("asav-standard", "asa-strong-encryption"), 1),),
    "FPR": ((("fpr-threat",), 3), (("fpr-threat", "fpr-malware"), 3),
            (("fpr-threat", "fpr-malware", "fpr-url"), 4)),
    "ISE": ((("ise-essentials", "ise-advantage"), 3), (("ise-essentials",), 1),
            (("ise-essentials", "ise-advantage", "ise-premier"), 1)),
}
_BUNDLES["C9200L"] = _BUNDLES["C9200"]
_NXOS_CLASSIC = ("nxos-lan-enterprise",)  # NX-OS 9.3 before Smart Licensing tiers

# Cisco serials: 3-letter manufacturing location + year (since 1996) and week + 4 alphanumerics.
_LOCATIONS = {"C9200": ("JAE", "FOC"), "C9200L": ("JAE", "FOC"), "C9300": ("FOC", "FCW"),
              "C9400": ("FXS", "FOC"), "C9500": ("FCW", "CAT"), "C9600": ("FXS", "CAT"),
              "N9K": ("FDO", "FLM"), "ISR4000": ("FDO", "FLM", "FGL"), "C8000": ("FGL", "FDO"),
              "C9800": ("FCW", "TTM"), "FPR": ("JMX", "JAD"), "ASAV": ("JAD",),
              "ISE": ("WZP", "FCH")}
_YEARS = {"C9200": (22, 28), "C9200L": (22, 28), "C9300": (21, 28), "C9400": (21, 27),
          "C9500": (21, 28), "C9600": (23, 28), "N9K": (20, 28), "ISR4000": (19, 26),
          "C8000": (24, 29), "C9800": (22, 28), "FPR": (22, 28), "ASAV": (23, 29),
          "ISE": (26, 29)}
_OVERFLOW = ("QAA", "QAB", "QAC", "QAD", "QAE", "QAF", "QAG", "QAH")  # >1.68M serials only
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SUFFIX_SPACE = 36**4
_SUFFIX_STEP = 1_000_003  # coprime to 36: n -> n*step mod 36^4 is a permutation


_PAIRS = [x + y for x in _B36 for y in _B36]


class _Serials:
    """Unique serials by construction: a counter, permuted into the 4-character suffix."""

    def __init__(self, rng: random.Random) -> None:
        self._random = rng.random
        self._n = 0
        # Every location+year+week prefix a family's serials may start with, drawn uniformly.
        self._prefixes = {
            fid: [f"{loc}{yy:02d}{ww:02d}" for loc in locs
                  for yy in range(_YEARS[fid][0], _YEARS[fid][1] + 1) for ww in range(1, 53)]
            for fid, locs in _LOCATIONS.items()}

    def next(self, family: str) -> str:
        n = self._n
        self._n = n + 1
        prefixes = self._prefixes[family]
        prefix = prefixes[int(self._random() * len(prefixes))]
        block, rest = divmod(n, _SUFFIX_SPACE)
        if block:  # past 1.68M serials: a location code no family uses keeps them unique
            prefix = _overflow(block) + prefix[3:]
        hi, lo = divmod((rest * _SUFFIX_STEP + 7919) % _SUFFIX_SPACE, 1296)
        return prefix + _PAIRS[hi] + _PAIRS[lo]


def _overflow(block: int) -> str:
    if block <= len(_OVERFLOW):
        return _OVERFLOW[block - 1]
    return "Z" + _B36[10 + block % 26] + _B36[10 + (block // 26) % 26]


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
class _Use:
    """Licence use per (VA, tag): reported in use, reserved (SLR/PLR), and not reporting."""

    in_use: int = 0
    reserved: int = 0
    silent: int = 0  # evaluation/unknown devices: need licences, report nothing

    @property
    def need(self) -> int:
        return self.in_use + self.reserved + self.silent


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
        if plr_ok and fam.plr and r < 0.35:
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


def _devices(plan: EstatePlan, rng: random.Random) -> tuple[str, dict[tuple[str, str], _Use]]:
    """devices.csv and the licence use it implies, per (VA, tag)."""
    cat = load_catalogue()
    serial_of = _Serials(rng).next
    random_ = rng.random
    bisect_ = bisect.bisect
    mix = {k: _cum(v) for k, v in _MIX.items()}
    pids_used = {p for m in _MIX.values() for p, _ in m} | {
        p for ps in _ROUTER_SWAP.values() for p in ps}
    info: dict[str, _PidInfo] = {p: _pid_info(cat.family_for_pid(p), p) for p in pids_used}
    slup = {(fid, v): runs_slup(cat.families[fid], v)
            for fid, vs in _VERSIONS.items() for v, _ in vs}
    cells: dict[tuple[tuple[str, ...], int], str] = {}
    # (VA, bundle, units, state) -> devices; expanded into per-(VA, tag) use at the end.
    tally: dict[tuple[str, tuple[str, ...], int, str], int] = {}
    default_va = safe_cell(plan.virtual_accounts[0][0])
    stray = plan.stray_share
    acc = plan.account
    counts = allocate(plan.devices, [s.weight for s in plan.sites])
    rows: list[tuple[str, ...]] = []
    append = rows.append
    pads: dict[int, list[str]] = {}  # zero-padded host numbers by width, built once
    for site, n in zip(plan.sites, counts, strict=True):
        if n == 0:
            continue
        anchors = list(_ANCHORS[site.kind][:n])
        items, cum = mix[site.kind]
        drawn = rng.choices(items, cum_weights=cum, k=n - len(anchors))
        by_role: dict[str, list[str]] = {}
        for p in anchors + drawn:
            pid = rng.choice(_ROUTER_SWAP[p]) if p in _ROUTER_SWAP else str(p)
            by_role.setdefault(info[pid].role, []).append(pid)
        # Per-site text is the only plan-supplied text in the rows: neutralise it once here.
        prefix, site_id = safe_cell(site.id.lower()), safe_cell(site.id)
        kind = site.kind
        stacks = kind is not SiteKind.DC
        reserve = (acc.slr_preapproved, acc.plr_preapproved and acc.export_authorised,
                   site.classification != "secret")
        for role in sorted(by_role):
            role_pids = by_role[role]
            width = max(2, len(str(len(role_pids))))
            numbers = pads.get(width)
            if numbers is None or len(numbers) <= len(role_pids):
                numbers = pads[width] = [str(i).zfill(width) for i in range(len(role_pids) * 2 + 2)]
            head = f"{prefix}-{role}"
            va_role = safe_cell(site.virtual_account or plan.role_va.get(role, default_va))
            for idx, pid in enumerate(role_pids, 1):
                pi = info[pid]
                fid = pi.fid
                version = pi.versions[bisect_(pi.version_cum, random_() * pi.version_total)]
                state = _state(pi.family, slup[(fid, version)], kind, random_(), reserve)
                va = default_va if random_() < stray else va_role
                serial = serial_of(fid)
                if pi.stackable and stacks:
                    size = _STACK_SIZES[bisect_(_STACK_CUM, random_())]
                    if size == 1:
                        units, members = 1, ""
                    else:
                        sib, own = pi.sibling, pid
                        units = size
                        members = ";".join(
                            f"{sib if random_() < 0.2 else own}:{serial_of(fid)}"
                            for _ in range(size - 1))
                elif pi.plain:
                    units, members = 1, ""
                else:
                    units, members = _units(pi, pid, kind, rng, serial_of)
                if pi.classic_nxos and version.startswith("9."):
                    tags: tuple[str, ...] = _NXOS_CLASSIC
                else:
                    tags = pi.bundles[bisect_(pi.bundle_cum, random_() * pi.bundle_total)]
                cell = cells.get((tags, units))
                if cell is None:
                    cell = cells[(tags, units)] = ";".join(f"{t}:{units}" for t in tags)
                key = (va, tags, units, state)
                tally[key] = tally.get(key, 0) + 1
                append((head + numbers[idx], pid, serial, site_id, va, version, state, cell,
                        members))
    rows.sort()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(DEVICE_HEADER)
    writer.writerows(rows)
    return buf.getvalue(), _use_from(tally)


def _use_from(tally: dict[tuple[str, tuple[str, ...], int, str], int]) -> dict[
        tuple[str, str], _Use]:
    use: dict[tuple[str, str], _Use] = {}
    for (va, tags, units, state), n in tally.items():
        for t in tags:
            u = use.get((va, t))
            if u is None:
                u = use[(va, t)] = _Use()
            if state in (LicensingState.SLR, LicensingState.PLR):
                u.reserved += units * n
            elif state in (LicensingState.CLASSIC, LicensingState.SLUP):
                u.in_use += units * n
            else:
                u.silent += units * n
    return use


# Access closets: about a third standalone, the rest stacks of 2-8 members, smaller ones commoner.
_STACK_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
_STACK_CUM = list(accumulate((0.35, 0.27, 0.16, 0.09, 0.05, 0.035, 0.025, 0.02)))
_STACK_CUM[-1] = 1.0


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
    versions, vcum = _cum(_VERSIONS[fam.id])
    bundles, bcum = _cum(_BUNDLES[fam.id])
    sibling = pid.replace("-48", "-24") if "-48" in pid else pid.replace("-24", "-48")
    return _PidInfo(fam, fam.id, _ROLE[fam.id], tuple(map(str, versions)), tuple(vcum), vcum[-1],
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


def _entitlements(plan: EstatePlan, use: dict[tuple[str, str], _Use],
                  rng: random.Random) -> str:
    """entitlements.csv sized from use: mostly a little headroom, some shortfalls, shelfware."""
    cat = load_catalogue()
    default_va = safe_cell(plan.virtual_accounts[0][0])
    qty: dict[tuple[str, str], int] = {}
    for key in sorted(use):
        need = use[key].need
        r = rng.random()
        if r < 0.12:  # over-consumption: a true-forward waiting to happen
            q = int(need * rng.uniform(0.6, 0.95))
        elif r < 0.22:  # bought for growth that never came
            q = math.ceil(need * rng.uniform(1.2, 1.6))
        else:
            q = need + math.ceil(need * rng.uniform(0.0, 0.08))
        qty[key] = qty.get(key, 0) + q
        va, tag = key
        if va != default_va and cat.licences[tag].term is TermType.PERPETUAL and r > 0.7:
            # Orders land in the Default VA; nobody moved this part (stranded licences).
            stranded = (default_va, tag)
            qty[stranded] = qty.get(stranded, 0) + math.ceil(need * rng.uniform(0.1, 0.3))
    for va, tag, q in plan.shelfware:
        key = (safe_cell(va), tag)
        qty[key] = qty.get(key, 0) + q
    rows: list[tuple[str, str, int, int, int, str, str, str, str, str]] = []
    sub = 200000 + int(rng.random() * 500000)
    for key in sorted(qty):
        va, tag = key
        lic = cat.licences[tag]
        u = use.get(key, _Use())
        total = qty[key]
        if lic.term is TermType.PERPETUAL:
            parts = [(total, "", "", "")]
        else:
            k = 1 + (total > 40 and rng.random() < 0.6) + (total > 400 and rng.random() < 0.5)
            cuts = sorted(int(rng.random() * total) for _ in range(k - 1))
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
            parts = []
            for size in sizes:
                sub += 1 + int(rng.random() * 900)
                start, end = _term(plan.as_of, rng)
                parts.append((size, start, end, f"Sub{sub}"))
        in_left, res_left = u.in_use, u.reserved
        for i, (size, start, end, sid) in enumerate(parts):
            last = i == len(parts) - 1
            share = 1.0 if not total else size / total
            iu = in_left if last else min(in_left, round(u.in_use * share))
            rs = res_left if last else min(res_left, round(u.reserved * share))
            in_left -= iu
            res_left -= rs
            price = ""
            if lic.list_price and rng.random() < 0.35:
                price = f"{lic.list_price * rng.uniform(0.45, 0.8):.2f}"
            rows.append((va, tag, size, iu, rs, str(lic.term), start, end, sid, price))
    rows.sort(key=lambda row: (row[0], row[1], row[7], row[8]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ENTITLEMENT_HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def _term(as_of: date, rng: random.Random) -> tuple[str, str]:
    """A subscription term of 3, 5 or 7 years: a few ended, some ending within 90 days."""
    years = rng.choices((3, 5, 7), weights=(6, 3, 1))[0]
    length = timedelta(days=365 * years)
    r = rng.random()
    if r < 0.05:
        end = as_of - timedelta(days=15 + int(rng.random() * 300))
    elif r < 0.15:
        end = as_of + timedelta(days=7 + int(rng.random() * 83))
    else:  # started some time ago, ends after the next quarter
        end = as_of + timedelta(days=120 + int(rng.random() * (length.days - 150)))
    return (end - length).isoformat(), end.isoformat()


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()&'-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _y(value: object) -> str:
    """One YAML scalar or flow sequence, quoted only when plain style would change its meaning."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_y(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(" ") \
            and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(pairs: Sequence[tuple[str, object]]) -> str:
    return "{" + ", ".join(f"{k}: {_y(v)}" for k, v in pairs) + "}"


def _estate_yaml(plan: EstatePlan) -> str:
    acc = plan.account
    out = [f"# {line}".rstrip() for line in plan.header.splitlines()] if plan.header else []
    out += [f"name: {_y(plan.name)}", "account:", f"  name: {_y(acc.name)}",
            f"  domain: {_y(acc.domain)}", f"  holder: {acc.holder}",
            f"  slr_preapproved: {_y(acc.slr_preapproved)}",
            f"  plr_preapproved: {_y(acc.plr_preapproved)}",
            f"  export_authorised: {_y(acc.export_authorised)}", "virtual_accounts:"]
    for i, (name, desc) in enumerate(plan.virtual_accounts):
        pairs: list[tuple[str, object]] = [("name", name)]
        if i == 0:
            pairs.append(("default", True))
        pairs.append(("description", desc))
        out.append(f"  - {_flow(pairs)}")
    out.append("sites:")
    for s in plan.sites:
        pairs = [("id", s.id), ("name", s.name), ("classification", s.classification),
                 ("internet", str(s.internet))]
        if s.enclave:
            pairs.append(("enclave", s.enclave))
        if s.tags:
            pairs.append(("tags", list(s.tags)))
        out.append(f"  - {_flow(pairs)}")
    out.append("links:" if plan.links else "links: []")
    for link in plan.links:
        pairs = [("a", link.a), ("b", link.b)]
        if link.crosses_boundary:
            pairs.append(("crosses_boundary", True))
        out.append(f"  - {_flow(pairs)}")
    if plan.agreement:
        start, end = plan.agreement
        out.append(f"agreement: {_flow([('start', start), ('end', end)])}")
    if plan.extra_yaml:
        out.append(plan.extra_yaml.rstrip("\n"))
    out += ["inventory:", "  devices: [devices.csv]", "  entitlements: [entitlements.csv]"]
    extra: dict[str, list[str]] = {}
    for key, rel in plan.extra_inventory:
        extra.setdefault(key, []).append(rel)
    out += [f"  {key}: {_y(rels)}" for key, rels in sorted(extra.items())]
    return "\n".join(out) + "\n"


def render_plan(plan: EstatePlan, seed: int) -> dict[str, str]:
    """The estate files of a plan: relative path -> content, identical for the same seed."""
    rng = random.Random(seed)
    # Millions of short-lived tuples and no reference cycles: the cyclic collector would rescan
    # the growing heap again and again (measured: 1M devices 28 s with it, far less without).
    enabled = gc.isenabled()
    gc.disable()
    try:
        devices_csv, use = _devices(plan, rng)
        entitlements_csv = _entitlements(plan, use, rng)
    finally:
        if enabled:
            gc.enable()
    return {"estate.yaml": _estate_yaml(plan), "devices.csv": devices_csv,
            "entitlements.csv": entitlements_csv}


def write_estate(outdir: Path | str, files: dict[str, str]) -> list[Path]:
    """Write rendered estate files (every file is rendered before the first is written)."""
    return write_files_atomic(outdir, dict(files))


_CITIES = (
    "Albany", "Atlanta", "Austin", "Baltimore", "Boise", "Boston", "Buffalo", "Charlotte",
    "Chicago", "Cincinnati", "Cleveland", "Columbus", "Dallas", "Dayton", "Denver", "Des Moines",
    "Detroit", "El Paso", "Fresno", "Hartford", "Houston", "Indianapolis", "Jacksonville",
    "Kansas City", "Knoxville", "Las Vegas", "Lexington", "Lincoln", "Little Rock",
    "Los Angeles", "Louisville", "Madison", "Memphis", "Miami", "Milwaukee", "Minneapolis",
    "Nashville", "New Orleans", "Newark", "Norfolk", "Oakland", "Oklahoma City", "Omaha",
    "Orlando", "Philadelphia", "Phoenix", "Pittsburgh", "Portland", "Providence", "Raleigh",
    "Reno", "Richmond", "Rochester", "Sacramento", "Salt Lake City", "San Antonio", "San Diego",
    "San Jose", "Savannah", "Seattle", "Spokane", "St. Louis", "Syracuse", "Tacoma", "Tampa",
    "Toledo", "Tucson", "Tulsa", "Wichita", "Wilmington",
)
_COMPANIES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Adatum",
              "Proseware", "Fourth Coffee", "Wingtip")
SYNTHETIC_VAS = (
    ("DEFAULT", "Where new orders land; a few devices were never moved out."),
    ("Campus-Network", "Access and distribution switching"),
    ("Data-Centre", "Core, Nexus fabric and data-centre services"),
    ("WAN-Edge", "Branch and data-centre routers"),
    ("Wireless", "Catalyst 9800 controllers and access points"),
    ("Security-Operations", "Firewalls and ISE"),
)
SYNTHETIC_ROLE_VA = {"as": "Campus-Network", "ds": "Campus-Network", "cs": "Data-Centre",
                     "nx": "Data-Centre", "rtr": "WAN-Edge", "wlc": "Wireless",
                     "fw": "Security-Operations", "ise": "Security-Operations"}


def _kind_counts(sites: int) -> dict[SiteKind, int]:
    """How many sites of each kind an estate of this many sites has."""
    s = sites
    counts = {
        SiteKind.DC: 1 if s <= 3 else 2 if s < 300 else min(8, 2 + s // 400),
        SiteKind.HQ: 1 if s >= 3 else 0,
        SiteKind.ENCLAVE: 0 if s < 8 else min(12, max(1, s // 150)),
        SiteKind.AIRGAP: 0 if s < 10 else min(20, max(1, s // 120)),
        SiteKind.OT_CONTROL: 0 if s < 12 else min(4, max(1, s // 500)),
        SiteKind.SUBSTATION: 0 if s < 12 else max(2, s // 25),
        SiteKind.CAMPUS: s // 60,
    }
    counts[SiteKind.BRANCH] = s - sum(counts.values())
    return counts


def synthetic_plan(devices: int, sites: int, seed: int, *,
                   as_of: date = REFERENCE_DATE) -> EstatePlan:
    """A plausible estate of `devices` devices over `sites` sites, drawn from `seed`."""
    if devices < 1 or sites < 1:
        raise ValueError("an estate needs at least one device and one site")
    rng = random.Random(f"plan:{seed}")
    company = rng.choice(_COMPANIES)
    counts = _kind_counts(sites)
    specs: list[SiteSpec] = []
    links: list[Link] = []
    cities = list(_CITIES)
    rng.shuffle(cities)
    used: dict[str, int] = {}

    def city() -> str:
        name = cities[len(specs) % len(cities)]
        used[name] = used.get(name, 0) + 1
        return name if used[name] == 1 else f"{name} {used[name]}"

    def add(spec: SiteSpec) -> None:
        specs.append(spec)

    n_dc = counts[SiteKind.DC]
    dcs = [f"DC{i}" for i in range(1, n_dc + 1)]
    for i, sid in enumerate(dcs):
        tags = ("dc", "hq") if sites == 1 else ("dc",)
        add(SiteSpec(sid, f"{city()} Data Centre", SiteKind.DC, "regulated" if i == 0 else
                     "unclassified", InternetAccess.DIRECT, 40.0, tags=tags))
        if i:
            links.append(Link(dcs[i - 1], sid))
    if counts[SiteKind.HQ]:
        add(SiteSpec("HQ", "Corporate Headquarters", SiteKind.HQ, "regulated",
                     InternetAccess.PROXY, 60.0, tags=("hq",)))
        links.extend(Link(dc, "HQ") for dc in dcs)
    for i in range(1, counts[SiteKind.CAMPUS] + 1):
        sid = f"CMP{i:02d}"
        add(SiteSpec(sid, f"{city()} Campus", SiteKind.CAMPUS, "unclassified",
                     InternetAccess.DIRECT, 20.0, tags=("campus",)))
        links.append(Link(dcs[i % n_dc], sid))
    width = max(3, len(str(counts[SiteKind.BRANCH])))
    for i in range(1, counts[SiteKind.BRANCH] + 1):
        sid = f"BR{i:0{width}d}"
        regulated = rng.random() < 0.12
        proxied = regulated and rng.random() < 0.25
        add(SiteSpec(sid, f"{city()} Office", SiteKind.BRANCH,
                     "regulated" if regulated else "unclassified",
                     InternetAccess.PROXY if proxied else InternetAccess.DIRECT,
                     rng.lognormvariate(1.0, 0.7), tags=("branch",)))
        links.append(Link(dcs[i % n_dc], sid))
    has_ot = counts[SiteKind.OT_CONTROL] > 0
    ccs = [f"OTCC{i}" for i in range(1, counts[SiteKind.OT_CONTROL] + 1)]
    for i, sid in enumerate(ccs):
        add(SiteSpec(sid, f"{city()} Grid Control Centre", SiteKind.OT_CONTROL, "ot",
                     InternetAccess.NONE, 8.0, enclave=f"ot-{i + 1}", tags=("ot", "server"),
                     virtual_account="OT-Engineering"))
        links.append(Link(dcs[0], sid, crosses_boundary=True))
    for i in range(counts[SiteKind.SUBSTATION]):
        sid = f"SUB{i + 1:03d}"
        cc = i % len(ccs)
        add(SiteSpec(sid, f"{city()} Substation", SiteKind.SUBSTATION, "ot", InternetAccess.NONE,
                     1.5, enclave=f"ot-{cc + 1}", tags=("ot", "substation"),
                     virtual_account="OT-Engineering"))
        links.append(Link(ccs[cc], sid))
    for i in range(counts[SiteKind.ENCLAVE]):
        sid = f"SCIF{i + 1:02d}"
        add(SiteSpec(sid, f"{city()} Secure Facility", SiteKind.ENCLAVE, "secret",
                     InternetAccess.NONE, 6.0, enclave=f"enclave-{i // 2 + 1}",
                     tags=("enclave",), virtual_account="Classified-Programs"))
        # Pairs share an enclave: the first is reached across the boundary, the second via it.
        links.append(Link(dcs[0], sid, crosses_boundary=True) if i % 2 == 0
                     else Link(f"SCIF{i:02d}", sid))
    for i in range(counts[SiteKind.AIRGAP]):
        secret = i % 2 == 0
        add(SiteSpec(f"AG{i + 1:02d}", f"{city()} {'Test Range' if secret else 'Pumping Station'}",
                     SiteKind.AIRGAP, "secret" if secret else "ot", InternetAccess.NONE, 3.0,
                     tags=("air-gapped",),
                     virtual_account="Classified-Programs" if secret else "OT-Engineering"))
    vas = list(SYNTHETIC_VAS)
    if has_ot or counts[SiteKind.AIRGAP] > 1:
        vas.append(("OT-Engineering", "Substation and plant networks"))
    if counts[SiteKind.ENCLAVE] or counts[SiteKind.AIRGAP]:
        vas.append(("Classified-Programs", "Classified enclaves; reservation codes only"))
    vas.append(("Legacy-Acquisition", "Left over from an acquisition: licences, no devices"))
    scale = max(1, devices // 100)
    shelf = (("Campus-Network", "dna-premier", 2 * scale),
             ("Security-Operations", "ise-premier", 250 * scale),
             ("Wireless", "cisco-wireless-advantage", 5 * scale),
             ("Legacy-Acquisition", "network-advantage", 3 * scale),
             ("Legacy-Acquisition", "dna-advantage", 3 * scale))
    start = as_of - timedelta(days=400)
    return EstatePlan(
        name=f"{company} (synthetic estate, seed {seed})",
        account=SmartAccount(company, f"{company.lower().replace(' ', '')}.example",
                             slr_preapproved=True, plr_preapproved=rng.random() < 0.5,
                             export_authorised=True),
        virtual_accounts=tuple(vas), sites=tuple(specs), links=tuple(links), devices=devices,
        role_va=dict(SYNTHETIC_ROLE_VA), dormant_va="Legacy-Acquisition",
        agreement=(start, start + timedelta(days=3 * 365 - 1)),
        header=f"Synthetic estate: planner generate --devices {devices} --sites {sites} "
               f"--seed {seed}\nEvery name and number here is invented.",
        as_of=as_of, shelfware=shelf)


def generate_estate(devices: int, sites: int, seed: int, *,
                    as_of: date = REFERENCE_DATE) -> dict[str, str]:
    """A synthetic estate as files (relative path -> content), byte-identical per arguments."""
    return render_plan(synthetic_plan(devices, sites, seed, as_of=as_of), seed)
