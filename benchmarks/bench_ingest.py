"""Benchmark: `planner ingest` over 10,000 capture files (target: under 30 s).

Generates the captures from the project's evidence fixtures (tests/evidence/fixtures), giving
every copy its own serials and hostname, in a temporary folder; then runs `planner ingest` in a
child process and prints wall time, device count and the child's peak RSS.

    .venv/bin/python benchmarks/bench_ingest.py [--files 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "evidence" / "fixtures"
# Device captures only (the junk, binary and truncated fixtures would only add warnings).
TEMPLATES = ("site-hq/sw-hq-01.txt", "site-hq/sw-branch-02_all.txt", "tech/core-dc1.tech",
             "misc/eval-closet-3.txt", "misc/isr-branch-09.txt", "asa/fw-edge-01.txt",
             "slr/scif-sw-07.txt", "rum/wlc-hq-rum.xml", "site-hq/sw-hq-01-usage.log")
_SERIAL = re.compile(r"\b(FOC|FCW|JAE|CAT|FXS|FDO|TTM|9AB|FJC)([0-9A-Z]{5,8})\b")
_HOSTS = ("sw-hq-01", "core-dc1", "closet-3", "isr-branch-09", "fw-edge-01", "scif-sw-07")


def _vary(text: str, i: int) -> str:
    seen: dict[str, str] = {}

    def serial(match: re.Match[str]) -> str:
        old = match.group(0)
        if old not in seen:
            body = f"{i:06d}{len(seen):02d}"
            seen[old] = match.group(1) + body[-len(match.group(2)):]
        return seen[old]

    text = _SERIAL.sub(serial, text)
    for host in _HOSTS:
        text = text.replace(host, f"{host}-{i:05d}")
    return text


def generate(root: Path, count: int) -> None:
    texts = [(name, (FIXTURES / name).read_text(encoding="utf-8")) for name in TEMPLATES]
    for i in range(count):
        name, text = texts[i % len(texts)]
        folder = root / f"site-{i % 50:02d}"
        folder.mkdir(exist_ok=True)
        suffix = Path(name).suffix
        (folder / f"capture-{i:05d}{suffix}").write_text(_vary(text, i), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        root = args.keep or Path(tmp) / "captures"
        root.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        generate(root, args.files)
        print(f"generated {args.files:,} files in {time.perf_counter() - t0:.1f} s")
        out = Path(tmp) / "devices.csv"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "planner", "ingest", str(root), "-o",
                               str(out), "--site", "BENCH", "--format", "json"],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            return proc.returncode
        with open(out, encoding="utf-8") as fh:
            devices = sum(1 for _ in csv.reader(fh)) - 1
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        status = "OK" if wall < 30 else "OVER TARGET"
        # The machine is shared: print the CPU seconds and load too, so a slow wall time
        # caused by other work can be told apart from a slow reader.
        print(f"planner ingest: {args.files:,} files -> {devices:,} devices in {wall:.2f} s "
              f"wall (target < 30 s: {status}), {cpu:.2f} s CPU (all processes); "
              f"peak RSS {rss_mb:.0f} MiB; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
