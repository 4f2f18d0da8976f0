"""Synthetic estates: realistic, byte-reproducible estate files of any size (demos, benchmarks).

`generate_estate(devices, sites, seed)` draws a site plan (data centres, an HQ behind a proxy,
campuses, branches, regulated offices, OT substations, classified enclaves, air-gapped sites),
fills it with real PIDs weighted like a real estate, and renders `estate.yaml`, `devices.csv` and
`entitlements.csv`. The bundled examples (examples/build_examples.py) call `render_plan` with
hand-written site plans. Every draw comes from one `random.Random(seed)`, so the same arguments
give byte-identical files. Rows are built as text in one pass with the cyclic GC paused, so a
million devices take seconds (benchmarks/bench_generate.py).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from planner.collector import bulk_objects
from planner.fileio import write_files_atomic
from planner.generate.devices import allocate, render_devices
from planner.generate.entitlements import render_entitlements
from planner.generate.estate_yaml import render_estate_yaml
from planner.generate.plan import (
    DEVICE_HEADER,
    ENTITLEMENT_HEADER,
    REFERENCE_DATE,
    EstatePlan,
    SiteKind,
    SiteSpec,
)
from planner.generate.synthetic import SYNTHETIC_ROLE_VA, SYNTHETIC_VAS, synthetic_plan

__all__ = [
    "DEVICE_HEADER",
    "ENTITLEMENT_HEADER",
    "REFERENCE_DATE",
    "SYNTHETIC_ROLE_VA",
    "SYNTHETIC_VAS",
    "EstatePlan",
    "SiteKind",
    "SiteSpec",
    "allocate",
    "generate_estate",
    "render_plan",
    "synthetic_plan",
    "write_estate",
]


def render_plan(plan: EstatePlan, seed: int) -> dict[str, str]:
    """The estate files of a plan: relative path -> content, identical for the same seed."""
    _check(plan)
    rng = random.Random(seed)
    # Millions of short-lived tuples and no reference cycles: the cyclic collector would rescan
    # the growing heap again and again (measured: 1M devices 28 s with it, far less without).
    with bulk_objects():
        devices_csv, use = render_devices(plan, rng)
        entitlements_csv = render_entitlements(plan, use, rng)
    return {"estate.yaml": render_estate_yaml(plan), "devices.csv": devices_csv,
            "entitlements.csv": entitlements_csv}


def _check(plan: EstatePlan) -> None:
    """A plan the renderer cannot honour is a programming error: say which part is wrong."""
    vas = {name for name, _ in plan.virtual_accounts}
    used = set(plan.role_va.values()) | {s.virtual_account for s in plan.sites
                                         if s.virtual_account}
    if not plan.virtual_accounts or not plan.sites:
        raise ValueError("a plan needs at least one Virtual Account and one site")
    if used - vas:
        raise ValueError(f"plan assigns devices to undeclared VAs {sorted(used - vas)}")
    if plan.dormant_va is not None and (plan.dormant_va not in vas or plan.dormant_va in used):
        raise ValueError(f"dormant Virtual Account {plan.dormant_va!r} must be declared and hold "
                         "no devices")
    if {va for va, _, _ in plan.shelfware} - vas:
        raise ValueError("plan puts shelfware in undeclared Virtual Accounts")
    if set(plan.essentials_vas) - vas or {va for va, _, _, _ in plan.orders} - vas:
        raise ValueError("plan names undeclared Virtual Accounts in essentials_vas or orders")


def write_estate(outdir: Path | str, files: dict[str, str]) -> list[Path]:
    """Write rendered estate files (every file is rendered before the first is written)."""
    return write_files_atomic(outdir, dict(files))


def generate_estate(devices: int, sites: int, seed: int, *,
                    as_of: date = REFERENCE_DATE) -> dict[str, str]:
    """A synthetic estate as files (relative path -> content), byte-identical per arguments."""
    return render_plan(synthetic_plan(devices, sites, seed, as_of=as_of), seed)
