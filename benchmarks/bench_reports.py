"""Benchmark `planner report` on generated estates: solve time apart from report time.

Per case: load, solve (plan_estate for the compliance pack; compare_strategies for the trade-off
report), building the report context, rendering HTML and Markdown, output sizes, peak RSS. The
report's own cost (context + render) is what this area controls; solving is the optimiser's.

    .venv/bin/python benchmarks/bench_reports.py              # 10k:200 and 100k:1000
    .venv/bin/python benchmarks/bench_reports.py 10000:200    # one case: devices:sites
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

CASES = ((10_000, 200), (100_000, 1_000))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(devices: int, sites: int) -> None:
    from planner import generate
    from planner.loader import load_estate
    from planner.optimise import compare_strategies
    from planner.reports.compliance import build_compliance
    from planner.reports.render import ReportFormat, ReportKind, render
    from planner.reports.tradeoff import build_tradeoff

    when = date(2026, 12, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "estate"
        generate.write_estate(folder, generate.generate_estate(devices, sites, seed=7))
        t0 = time.perf_counter()
        estate = load_estate(folder / "estate.yaml", today=when).estate
        t1 = time.perf_counter()
        plans = compare_strategies(estate)
        t2 = time.perf_counter()
        tradeoff = build_tradeoff(plans, when=when, date_source="--date", command="bench")
        t3 = time.perf_counter()
        compliance = build_compliance(plans.optimal, when=when, date_source="--date",
                                      command="bench")
        t4 = time.perf_counter()
        sizes = {}
        for kind, report in ((ReportKind.TRADEOFF, tradeoff),
                             (ReportKind.COMPLIANCE, compliance)):
            for fmt in ReportFormat:
                sizes[f"{kind.value}.{fmt.value}"] = len(render(kind, fmt, report).encode())
        t5 = time.perf_counter()
    print(f"{devices:,} devices / {sites:,} sites: load {t1 - t0:.2f} s, compare (8 solves) "
          f"{t2 - t1:.2f} s, trade-off context {t3 - t2:.2f} s, compliance context "
          f"{t4 - t3:.2f} s, render 4 outputs {t5 - t4:.2f} s, peak RSS {_peak_mib():.0f} MiB")
    for name, size in sorted(sizes.items()):
        print(f"    {name}: {size / 1024:,.0f} KiB")


def main(argv: list[str]) -> None:
    cases = [tuple(int(x) for x in a.split(":")) for a in argv] or list(CASES)
    for devices, sites in cases:
        run_case(devices, sites)


if __name__ == "__main__":
    main(sys.argv[1:])
