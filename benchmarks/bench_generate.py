"""Benchmark `planner generate`: render and write synthetic estates of 10k, 100k and 1M devices.

Each size runs in a fresh process so its peak RSS is its own. Prints a Markdown table: wall
time to render (generate_estate), to write (write_estate), CPU time, output size and peak RSS.
Target: 1M devices well under 30 s.

    .venv/bin/python benchmarks/bench_generate.py               # 10k/100, 100k/1,000, 1M/2,000
    .venv/bin/python benchmarks/bench_generate.py 50000:400     # chosen devices:sites
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time

SIZES = ((10_000, 100), (100_000, 1_000), (1_000_000, 2_000))


def one(devices: int, sites: int) -> dict[str, float]:
    from planner.generate import generate_estate, write_estate

    cpu0, t0 = time.process_time(), time.perf_counter()
    files = generate_estate(devices, sites, seed=7)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_estate(tmp, files)
    t2 = time.perf_counter()
    return {"render_s": t1 - t0, "write_s": t2 - t1, "cpu_s": time.process_time() - cpu0,
            "mib": sum(len(v) for v in files.values()) / 2**20,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]), int(argv[2]))))
        return 0
    sizes = [tuple(int(x) for x in a.split(":")) for a in argv] or list(SIZES)
    print("| devices | sites | render s | write s | CPU s | output MiB | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for devices, sites in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(devices), str(sites)],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        print(f"| {devices:,} | {sites:,} | {r['render_s']:.2f} | {r['write_s']:.2f} | "
              f"{r['cpu_s']:.2f} | {r['mib']:.1f} | {r['rss_mib']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
