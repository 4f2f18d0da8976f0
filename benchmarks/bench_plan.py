"""Benchmark `planner plan` end to end (estate files -> plan files) on generated estates.

Each case runs in its own process so that peak RSS belongs to that case alone. Reported per
case: wall time (load, build+solve, write, total), peak RSS, model size (rows, columns,
nonzeros), status, proven gap (relative, in money, and on the controllable spend). At 10k
devices a naive per-device formulation (a binary per device and mode, site links, per-device
server assignment) is built from the same parameters and solved by PuLP's CBC in the same run:
the speed ratio and whether both reach the same optimum are printed. The "packing" case is the
hard one (performance.md): many mid-size sites that may only choose On-Prem or carried media,
packed into small servers.

    .venv/bin/python benchmarks/bench_plan.py            # 10k (+naive), 100k, 1M, packing
    .venv/bin/python benchmarks/bench_plan.py 100000:1000 # one case: devices:sites
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = (("10k", 10_000, 200, 1e-6, 60.0), ("100k", 100_000, 1_000, 1e-6, 60.0),
         ("1M", 1_000_000, 2_000, 1e-3, 60.0), ("packing", 100_000, 1_000, 1e-6, 60.0))
# The packing case: regulated and unclassified sites may only use On-Prem or carried media, and
# a server holds 1,500 devices, so hundreds of mid-size sites must be packed into servers.
PACKING_YAML = """
policies:
  unclassified:
    allowed_modes: [onprem-network, onprem-manual, offline, slr]
    allow_mixed_modes: false
  regulated: {allowed_modes: [onprem-network, onprem-manual, offline, slr]}
costs: {onprem_server_capacity: 1500}
"""


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(name: str, devices: int, sites: int, gap: float, limit: float) -> dict[str, object]:
    from planner import generate
    from planner.loader import load_estate
    from planner.modes import load_modes
    from planner.optimise import plan_estate
    from planner.writers.plan_files import write_plan_files

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "estate"
        files = generate.generate_estate(devices, sites, seed=7)
        if name == "packing":
            files["estate.yaml"] = files["estate.yaml"] + PACKING_YAML
        generate.write_estate(folder, files)
        start = time.perf_counter()
        estate = load_estate(folder / "estate.yaml").estate
        load_modes()  # the mode catalogue is read once per process: count it with the inputs
        loaded = time.perf_counter()
        plan = plan_estate(estate, gap=gap, time_limit=limit)
        planned = time.perf_counter()
        write_plan_files(plan, Path(tmp) / "plan")
        written = time.perf_counter()
        row: dict[str, object] = {
            "case": name, "devices": devices, "sites": sites, "classes": len(plan.classes),
            "load_s": loaded - start, "plan_s": planned - loaded, "write_s": written - planned,
            "total_s": written - start, "build_s": plan.build_seconds,
            "solve_s": plan.solve_seconds, "rows": plan.model_size[0],
            "cols": plan.model_size[1], "nnz": plan.model_size[2],
            "status": plan.status.value, "gap": plan.gap, "gap_money": plan.gap_money,
            "gap_controllable": plan.gap_controllable, "objective": plan.objective,
            "servers": sum(s.servers for s in plan.servers), "peak_mib": _peak_mib(),
        }
        if name == "10k":
            row.update(_naive(estate, plan.objective, plan.build_seconds + plan.solve_seconds))
        return row


def _naive(estate: object, optimum: float, aggregated_s: float) -> dict[str, object]:
    """The same parameters, one unit per device, site-level links, solved by CBC via PuLP."""
    from planner.model import Estate
    from planner.modes import load_modes
    from planner.optimise.data import (
        ModelData,
        Unit,
        build_data,
        server_groups,
        site_charges,
        unit_cost,
    )
    from planner.optimise.formulation import EPS, build_model
    from planner.optimise.solve import solve

    assert isinstance(estate, Estate)
    start = time.perf_counter()
    data = build_data(estate, prune=False)  # every eligible mode, as a naive model would
    specs = load_modes()
    units: list[Unit] = []
    members_of: dict[int, list[int]] = {}  # aggregated unit -> its devices' naive units
    for a, unit in enumerate(data.units):
        site = estate.site(unit.site)
        for cid in unit.class_ids:
            for dev in data.classes.devices[cid]:
                members = sum(1 for m in dev.members if m.serial != dev.serial)
                members_of.setdefault(a, []).append(len(units))
                units.append(Unit(
                    id=f"{cid}:{dev.serial}", site=unit.site, class_ids=(cid,), devices=1,
                    members=members, vas=(dev.virtual_account,), modes=unit.modes,
                    cost={m: unit_cost(estate, site, specs[m], 1, members) for m in unit.modes},
                    excluded=unit.excluded))
    groups, unit_groups = server_groups(estate, data.reach, units, specs)
    naive = ModelData(estate, data.classes, data.reach, tuple(units),
                      site_charges(estate, units, specs), groups, unit_groups, data.allocation, {})
    lm, xs = build_model(naive)
    # Devices decide together where the plan does: a whole site when its policy forbids mixing,
    # else a class; so both formulations answer the same question.
    for a, idx in sorted(members_of.items()):
        modes = data.units[a].modes
        ys = {m: lm.var(f"y[{a},{m.value}]", ub=1.0, integer=True) for m in modes}
        lm.row(f"unit[{a}]", ((c, 1.0) for c in ys.values()), lo=1.0, hi=1.0)
        for u in idx:
            for m in modes:
                lm.row(f"link[{u},{m.value}]", ((xs.z[(u, m)], 1.0), (ys[m], -1.0)), lo=0.0,
                       hi=0.0)
    built = time.perf_counter() - start
    result = solve(lm, solver="cbc", gap=1e-6, time_limit=300.0)
    seconds = time.perf_counter() - start
    # Tie-break costs differ per formulation (one per device vs one per class): compare money.
    tolerance = EPS * 10 * len(units) + 1e-6 * optimum
    return {"naive_build_s": built, "naive_s": seconds, "naive_status": result.status.value,
            "naive_objective": result.objective, "naive_cols": lm.size[1],
            "naive_rows": lm.size[0], "ratio": seconds / max(aggregated_s, 1e-9),
            "same_optimum": abs(result.objective - optimum) <= tolerance}


def _table(rows: list[dict[str, object]]) -> str:
    head = ("| case | devices / sites | classes | rows x cols (nnz) | load s | build s | solve s "
            "| write s | total s | peak RSS MiB | status | gap | gap money | gap on controllable |")
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['devices']:,} / {r['sites']:,} | {r['classes']:,} "
            f"| {r['rows']:,} x {r['cols']:,} ({r['nnz']:,}) | {r['load_s']:.1f} "
            f"| {r['build_s']:.2f} | {r['solve_s']:.2f} | {r['write_s']:.1f} | {r['total_s']:.1f} "
            f"| {r['peak_mib']:.0f} | {r['status']} | {float(str(r['gap'])):.4%} "
            f"| {r['gap_money']:,.0f} | {float(str(r['gap_controllable'])):.3%} |")
    for r in rows:
        if "naive_s" in r:
            lines.append("")
            lines.append(
                f"Naive per-device formulation at {r['devices']:,} devices (PuLP + CBC): "
                f"{r['naive_rows']:,} rows x {r['naive_cols']:,} columns, "
                f"{r['naive_s']:.1f} s ({r['naive_status']}) against "
                f"{float(str(r['build_s'])) + float(str(r['solve_s'])):.2f} s aggregated "
                f"(build + solve): {r['ratio']:.0f}x; same optimum: {r['same_optimum']} "
                f"({r['naive_objective']:,.2f} vs {r['objective']:,.2f}).")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        name, devices, sites, gap, limit = json.loads(argv[1])
        print(json.dumps(run_case(name, devices, sites, gap, limit)))
        return
    cases = list(CASES)
    if argv:
        devices, sites = (int(x) for x in argv[0].split(":"))
        cases = [(f"{devices // 1000}k", devices, sites, 1e-6, 60.0)]
    rows = []
    for case in cases:
        out = subprocess.run([sys.executable, __file__, "--one", json.dumps(case)], check=True,
                             capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(_table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
