"""Benchmark: `planner cycle status` over a folder of captures, and `cycle schedule` and
`cycle bundle` on the bundled utility example (the largest air-gapped estate shipped).

The captures are bench_ingest's (the evidence fixtures, every copy with its own serials and
hostname); they are devices the estate does not list, so every one of them goes through the
ledger's not-in-estate path with its clocks. Each command runs in a child process; wall time
and the child's peak RSS are printed.

    .venv/bin/python benchmarks/bench_cycle.py [--files 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import generate


def _run(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        print(proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(proc.returncode)
    return wall, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cycle-") as tmp:
        root = Path(tmp)
        _run(["example", "utility", str(root / "demo")])
        estate = str(root / "demo" / "estate.yaml")
        _run(["plan", estate, "-o", str(root / "plan")])
        plan = str(root / "plan" / "plan.json")
        wall, out = _run(["cycle", "schedule", estate, "--plan", plan, "--from", "2027-01-04",
                          "--format", "json"])
        doc = json.loads(out)
        devices = sum(len(t["devices"]) for t in doc["trips"][:1])
        print(f"cycle schedule: {len(doc['trips'])} trips in {wall:.2f} s")
        biggest = max(doc["trips"], key=lambda t: len(t["devices"]))
        wall, _ = _run(["cycle", "bundle", estate, "--plan", plan, "--from", "2027-01-04",
                        "--trip", biggest["id"], "-o", str(root / "trip")])
        print(f"cycle bundle: {len(biggest['devices'])} devices in {wall:.2f} s "
              f"(first trip {devices} devices)")
        wall, _ = _run(["cycle", "verify", str(root / "trip")])
        print(f"cycle verify: {wall:.2f} s")
        captures = root / "captures"
        captures.mkdir()
        generate(captures, args.files)
        wall, out = _run(["cycle", "status", estate, "--evidence", str(captures), "--date",
                          "2027-01-04", "--format", "json"])
        ledger = json.loads(out)
        print(f"cycle status: {args.files:,} capture files, {len(ledger['devices']):,} ledger "
              f"rows in {wall:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak child RSS: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
