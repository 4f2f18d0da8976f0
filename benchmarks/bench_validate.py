"""Benchmark `planner validate` end to end on generated estates of 10k, 100k and 1M devices.

Each estate is written once (by `planner.generate` when present, else a small local writer)
into a cache folder, then validated in a fresh `python -m planner` process; the wall time and
that process's peak RSS (os.wait4 rusage) are printed. Target on a 2-core machine: 1M devices
in under 10 s and under 1.5 GiB.

    .venv/bin/python benchmarks/bench_validate.py            # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_validate.py 10000      # chosen sizes
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 100_000, 1_000_000)
TARGET_SECONDS = 10.0
TARGET_BYTES = int(1.5 * 1024**3)


def write_estate(devices: int, folder: Path) -> None:
    """Write a synthetic estate with `devices` devices into `folder` (if not already there)."""
    if (folder / "estate.yaml").exists():
        return
    try:
        from planner import generate
    except ImportError:
        _local_writer(devices, folder)
        return
    sites = max(10, devices // 250)
    files = generate.generate_estate(devices, sites, seed=7)
    generate.write_estate(folder, files)


def _local_writer(devices: int, folder: Path) -> None:
    from planner.fileio import csv_text, write_files_atomic

    sites = max(10, devices // 250)
    site_ids = [f"S{i:05d}" for i in range(sites)]
    yaml_lines = ["name: Benchmark estate", "account: {name: Bench, domain: bench.example}",
                  "virtual_accounts: [{name: DEFAULT, default: true}, {name: Campus}]", "sites:"]
    yaml_lines += [f"  - {{id: {s}, classification: unclassified, internet: direct}}"
                   for s in site_ids]
    yaml_lines += ["inventory: {devices: [devices.csv], entitlements: [entitlements.csv]}", ""]
    rows = [(f"sw{i:07d}", "C9300-48P", f"FOC{i:08d}", site_ids[i % sites],
             "Campus" if i % 3 else "DEFAULT", "17.9.4", "slup",
             "network-advantage:1;dna-advantage:1", "") for i in range(devices)]
    header = ("hostname", "pid", "serial", "site", "virtual_account", "version", "state",
              "licences", "members")
    ents = [("Campus", "network-advantage", devices, devices, 0, "perpetual", "", "", "", ""),
            ("Campus", "dna-advantage", devices, devices, 0, "term", "2025-01-01", "2030-01-01",
             "Sub1", "")]
    ent_header = ("virtual_account", "licence", "quantity", "in_use", "reserved", "term",
                  "start", "end", "subscription_id", "unit_price")
    write_files_atomic(folder, {"estate.yaml": "\n".join(yaml_lines),
                                "devices.csv": csv_text(header, rows),
                                "entitlements.csv": csv_text(ent_header, ents)})


def measure(estate: Path | None) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS bytes, exit code) of one `planner validate` run.

    CPU (user + system) is printed beside wall time because on a shared machine the wall time
    also counts the time other processes held the cores.

    With no estate, `planner --version`: the CLI's own start-up cost, included in every run.
    """
    cmd = [sys.executable, "-m", "planner", "--version"] if estate is None else [
        sys.executable, "-m", "planner", "validate", str(estate), "--date", "2026-11-01"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    return wall, usage.ru_utime + usage.ru_stime, peak, proc.returncode


def main(argv: list[str]) -> int:
    sizes = tuple(int(a) for a in argv) or SIZES
    cache = Path(os.environ.get("PLANNER_BENCH_DIR", Path(tempfile.gettempdir()) / "planner-bench"))
    print(f"{'devices':>10}  {'wall s':>7}  {'CPU s':>6}  {'peak RSS MiB':>12}  exit  load")
    wall, cpu, peak, code = measure(None)
    print(f"{'start-up':>10}  {wall:>7.2f}  {cpu:>6.2f}  {peak / 2**20:>12.0f}  {code:>4}  "
          f"{os.getloadavg()[0]:.1f}")
    ok = True
    for n in sizes:
        folder = cache / f"estate-{n}"
        write_estate(n, folder)
        wall, cpu, peak, code = measure(folder / "estate.yaml")
        print(f"{n:>10,}  {wall:>7.2f}  {cpu:>6.2f}  {peak / 2**20:>12.0f}  {code:>4}  "
              f"{os.getloadavg()[0]:.1f}")
        if n >= 1_000_000:
            ok = ok and wall < TARGET_SECONDS and peak < TARGET_BYTES
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
