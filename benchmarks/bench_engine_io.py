"""Benchmark engine I/O around the solver: reach, eligibility, graph export, plan files.

On generated estates (planner.generate) of 100k devices over 1,000 sites and 1M devices over
2,000 sites: load the estate, then time `analyse_reach`, eligibility for every (site, device kind),
`export_graph` (JSON), `plan_estate` (the optimiser, for context) and `render_plan_files` +
write. Prints a Markdown table with wall times and the process's peak RSS.

    .venv/bin/python benchmarks/bench_engine_io.py                  # 100k/1,000 and 1M/2,000
    .venv/bin/python benchmarks/bench_engine_io.py 10000:200         # chosen devices:sites
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from planner import generate
from planner.eligibility import mode_exclusions, site_mode_exclusions
from planner.fileio import write_files_atomic
from planner.graph import analyse_reach, export_graph
from planner.loader import estate_catalogue, load_estate
from planner.model import Estate
from planner.modes import load_modes
from planner.optimise import plan_estate
from planner.solving import SolveOptions
from planner.writers import render_plan_files

SIZES = ((100_000, 1_000), (1_000_000, 2_000))


def _eligibility(estate: Estate) -> int:
    reach = analyse_reach(estate)
    modes = load_modes()
    catalogue = estate_catalogue(estate)
    sites = {s.id: s for s in estate.sites}
    kinds = {(d.site, d.pid, d.version, d.state) for d in estate.devices}
    per_site = {s: site_mode_exclusions(estate, site, reach, modes) for s, site in sites.items()}
    for site, pid, version, state in kinds:
        mode_exclusions(estate, sites[site], catalogue.family_for_pid(pid), version, state,
                        reach, modes, site_reasons=per_site[site])
    return len(kinds)


def bench(devices: int, sites: int, root: Path) -> list[str]:
    folder = root / f"e{devices}"
    generate.write_estate(folder, generate.generate_estate(devices, sites, seed=7))
    times: dict[str, str] = {}
    clock: list[float] = []

    def tick() -> None:
        clock[:] = [time.perf_counter(), time.process_time()]

    def tock(label: str) -> None:
        times[label] = (f"{time.perf_counter() - clock[0]:.2f} / "
                        f"{time.process_time() - clock[1]:.2f}")
    tick()
    estate = load_estate(folder / "estate.yaml").estate
    tock("load")
    tick()
    reach = analyse_reach(estate)
    tock("reach")
    tick()
    kinds = _eligibility(estate)
    tock("eligibility")
    tick()
    export_graph(estate, "json")
    tock("export")
    tick()
    plan = plan_estate(estate, SolveOptions(time_limit=120.0))
    tock("solve")
    tick()
    files = render_plan_files(plan)
    write_files_atomic(root / f"p{devices}", files)
    tock("plan files")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return [f"| {devices:,} | {len(estate.sites):,} | {len(reach.candidates):,} | {kinds:,} | "
            + " | ".join(times[k] for k in ("load", "reach", "eligibility", "export",
                                                       "solve", "plan files"))
            + f" | {plan.status.value} | {rss:,.0f} | {os.getloadavg()[0]:.1f} |"]


def main(argv: list[str]) -> None:
    sizes = [tuple(int(x) for x in a.split(":")) for a in argv] or list(SIZES)
    print("Times are wall / CPU seconds (the machine is shared: CPU is the steadier figure).")
    print("| devices | sites | server candidates | device kinds | load | reach | "
          "eligibility | graph export | solve | plan files | status | peak RSS MiB | loadavg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for devices, sites in sizes:
            for line in bench(devices, sites, Path(tmp)):
                print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
