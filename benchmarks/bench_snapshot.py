"""Benchmark: store two snapshots of a 100k-device estate and diff them (target: diff < 5 s).

Run: .venv/bin/python benchmarks/bench_snapshot.py [--devices N]
Prints wall time per step and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from planner.history import add_snapshot, diff_snapshots, from_estate, open_history
from planner.model import (
    Device,
    Entitlement,
    Estate,
    InternetAccess,
    LicenceUse,
    LicensingState,
    Site,
    SmartAccount,
    Tier,
    VirtualAccount,
)

_LICENCES = ((LicenceUse("network-advantage"),),
             (LicenceUse("network-advantage"), LicenceUse("dna-advantage")),
             (LicenceUse("network-essentials"), LicenceUse("dna-essentials")))
_VAS = tuple(f"VA{n:02d}" for n in range(8))


def build(devices: int, sites: int, seed: int, churn: float) -> tuple[Estate, Estate]:
    """An estate and a later one where `churn` of devices were added, removed, moved."""
    rng = random.Random(seed)
    site_ids = [f"S{n:04d}" for n in range(sites)]

    def dev(n: int, site: str | None = None, lic: int | None = None) -> Device:
        return Device(f"host{n:07d}", "C9300-48P", f"FOC{n:08d}",
                      site or site_ids[n % sites], _VAS[n % len(_VAS)], "17.9.4",
                      LicensingState.SLUP, _LICENCES[n % 3 if lic is None else lic])

    first = [dev(n) for n in range(devices)]
    second = list(first)
    step = max(int(1 / churn), 1) if churn else devices + 1
    for i in range(0, devices, step):
        kind = rng.randrange(4)
        if kind == 0:
            second[i] = dev(i, site=rng.choice(site_ids))  # moved
        elif kind == 1:
            second[i] = dev(i, lic=(i + 1) % 3)  # relicensed
        elif kind == 2:
            second[i] = dev(devices + i)  # one removed, one added
    ents = tuple(Entitlement(va, "network-advantage", "Network Advantage", Tier.ADVANTAGE,
                             devices // len(_VAS)) for va in _VAS)

    def estate(devs: list[Device]) -> Estate:
        return Estate(
            name="Benchmark", account=SmartAccount("Bench", "bench.example"),
            virtual_accounts=(VirtualAccount("DEFAULT", is_default=True),
                              *(VirtualAccount(v) for v in _VAS)),
            sites=tuple(Site(s, s, "regulated", InternetAccess.DIRECT) for s in site_ids),
            links=(), devices=tuple(devs), entitlements=ents, policies=(),
            path="bench/estate.yaml")

    return estate(first), estate(second)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--churn", type=float, default=0.05)
    args = parser.parse_args()
    t0 = time.perf_counter()
    before, after = build(args.devices, args.sites, 7, args.churn)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_history(Path(tmp) / "history.db")
        add_snapshot(conn, from_estate(before, date(2026, 1, 1)))
        t2 = time.perf_counter()
        add_snapshot(conn, from_estate(after, date(2026, 4, 1)))
        t3 = time.perf_counter()
        diff = diff_snapshots(conn, date(2026, 1, 1), date(2026, 4, 1))
        t4 = time.perf_counter()
        add_snapshot(conn, from_estate(after, date(2026, 4, 1)))  # replace the same date
        t5 = time.perf_counter()
        size = (Path(tmp) / "history.db").stat().st_size
        conn.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"devices per snapshot  {args.devices:,} ({args.sites} sites, churn {args.churn:.0%})")
    print(f"build estates         {t1 - t0:6.2f} s")
    print(f"add snapshot 1        {t2 - t1:6.2f} s")
    print(f"add snapshot 2        {t3 - t2:6.2f} s")
    print(f"diff                  {t4 - t3:6.2f} s   (target < 5 s)")
    print(f"replace snapshot 2    {t5 - t4:6.2f} s")
    print(f"diff result           {len(diff.added):,} added, {len(diff.removed):,} removed, "
          f"{len(diff.moved):,} moved, {len(diff.relicensed):,} relicensed, "
          f"{len(diff.units):,} unit deltas")
    print(f"database size         {size / 2**20:6.1f} MiB (WAL checkpointed at close)")
    print(f"peak RSS              {peak_kib / 1024:6.1f} MiB")
    return 0 if t4 - t3 < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
