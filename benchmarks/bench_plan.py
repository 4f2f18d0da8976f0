"""Benchmark `planner plan` end to end (estate files -> plan files) on generated estates.

Each case runs in its own process so that peak RSS belongs to that case alone. Reported per
case: wall time (load, build+solve, write, total), peak RSS, model size (rows, columns,
nonzeros), status, proven gap (relative, in money, and on the controllable spend). At 10k
devices a naive per-device formulation (a binary per device and mode, site links, per-device
server assignment) runs end to end from the same files (load, build, solve, and write one line
per device), once on PuLP's CBC and once on HiGHS, each in its own process: the two ratios to
the aggregated plan end to end say how much of the speed-up is aggregation and how much the
solver, and whether all three reach the same optimum is printed. The "packing" case is the
hard one (performance.md): many mid-size sites that may only choose On-Prem or carried media,
packed into small servers.

    .venv/bin/python benchmarks/bench_plan.py            # 10k (+naive), 100k, 1M, packing
    .venv/bin/python benchmarks/bench_plan.py 10k         # one named case (10k adds naive)
    .venv/bin/python benchmarks/bench_plan.py 100000:1000 # one case: devices:sites
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.plan import Plan

# Gap 0 is the planner's default: prove the optimum within one currency unit.
CASES = (("10k", 10_000, 200, 0.0, 60.0), ("100k", 100_000, 1_000, 0.0, 60.0),
         ("1M", 1_000_000, 2_000, 0.0, 60.0), ("packing", 100_000, 1_000, 0.0, 60.0))
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


def plan_end_to_end(estate_yaml: Path, outdir: Path, gap: float = 0.0,
                    limit: float = 60.0) -> tuple[Plan, dict[str, object]]:
    """The planner's own plan end to end, timed as naive_end_to_end times the naive model: load
    the estate files, build and solve, write the plan files. The interpreter's start and the
    imports before the first file is read are outside the clock on both sides."""
    from planner.loader import load_estate
    from planner.modes import load_modes
    from planner.optimise import plan_estate
    from planner.solving import SolveOptions
    from planner.writers.plan_files import write_plan_files

    start = time.perf_counter()
    estate = load_estate(estate_yaml).estate
    load_modes()  # the mode catalogue is read once per process: count it with the inputs
    loaded = time.perf_counter()
    plan = plan_estate(estate, SolveOptions(gap=gap, time_limit=limit))
    planned = time.perf_counter()
    write_plan_files(plan, outdir)
    written = time.perf_counter()
    return plan, {"load_s": loaded - start, "plan_s": planned - loaded,
                  "write_s": written - planned, "total_s": written - start,
                  "status": plan.status.value, "objective": plan.objective,
                  "peak_mib": _peak_mib()}


def run_case(name: str, devices: int, sites: int, gap: float, limit: float) -> dict[str, object]:
    from planner import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "estate"
        files = generate.generate_estate(devices, sites, seed=7)
        if name == "packing":
            files["estate.yaml"] = files["estate.yaml"] + PACKING_YAML
        generate.write_estate(folder, files)
        plan, timed = plan_end_to_end(folder / "estate.yaml", Path(tmp) / "plan", gap, limit)
        row: dict[str, object] = {
            "case": name, "devices": devices, "sites": sites, "classes": len(plan.classes),
            **timed, "build_s": plan.build_seconds,
            "solve_s": plan.solve_seconds, "rows": plan.model_size[0],
            "cols": plan.model_size[1], "nnz": plan.model_size[2],
            "gap": plan.gap, "gap_money": plan.gap_money,
            "gap_controllable": plan.gap_controllable,
            "servers": sum(s.servers for s in plan.servers), "peak_mib": _peak_mib(),
        }
        if name == "10k":
            row.update(_naive_cases(folder / "estate.yaml", row))
        return row


def naive_end_to_end(estate_yaml: Path, outdir: Path, solver: str) -> dict[str, object]:
    """The naive per-device model end to end, as a user of it would run it: load the same
    estate files, build one unit per device with the same parameters (site-level links keep
    devices deciding together where the plan does), solve it, and write its decisions (one
    line per device, as plan/devices.csv does). Timed in its own process for its own RSS."""
    import csv

    from planner.catalogue import load_catalogue
    from planner.costing import class_needs_slac, unit_cost
    from planner.loader import load_estate
    from planner.modes import load_modes
    from planner.optimise.data import ModelData, Unit, build_data, server_groups, site_charges
    from planner.optimise.formulation import build_model
    from planner.optimise.solve import solve
    from planner.solving import SolveOptions, Solver

    start = time.perf_counter()
    estate = load_estate(estate_yaml).estate
    specs = load_modes()
    loaded = time.perf_counter()
    data = build_data(estate, prune=False)  # every eligible mode, as a naive model would
    cat = estate.catalogue or load_catalogue()
    slac_of = {c.id: class_needs_slac(c, cat) for c in data.classes.classes}
    units: list[Unit] = []
    device_of: list[tuple[str, str]] = []  # naive unit -> (site, serial)
    members_of: dict[int, list[int]] = {}  # aggregated unit -> its devices' naive units
    for a, unit in enumerate(data.units):
        policy = estate.policy(estate.site(unit.site).classification)
        for cid, devices in zip(unit.class_ids, data.classes.devices_of(unit.class_ids),
                                strict=True):
            for dev in devices:
                members = sum(1 for m in dev.members if m.serial != dev.serial)
                members_of.setdefault(a, []).append(len(units))
                device_of.append((unit.site, dev.serial))
                units.append(Unit(
                    id=f"{cid}:{dev.serial}", site=unit.site, class_ids=(cid,), devices=1,
                    members=members, vas=(dev.virtual_account,), modes=unit.modes,
                    # the same parts as the class model, SLAC hours included
                    cost={m: unit_cost(estate.costs, policy, specs[m], 1, members,
                                       int(slac_of[cid]))
                          for m in unit.modes},
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
    built = time.perf_counter()
    result = solve(lm, SolveOptions(Solver(solver), gap=1e-6, time_limit=300.0))
    solved = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    with (outdir / "devices.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["site", "serial", "mode"])
        values = result.values or []
        for (u, mode), col in sorted(xs.z.items()):
            if values and values[col] > 0.5:
                out.writerow([*device_of[u], mode.value])
    written = time.perf_counter()
    return {"solver": solver, "load_s": loaded - start, "build_s": built - loaded,
            "solve_s": solved - built, "write_s": written - solved, "total_s": written - start,
            "status": result.status.value, "objective": result.objective,
            "rows": lm.size[0], "cols": lm.size[1], "units": len(units), "peak_mib": _peak_mib()}


def _naive_cases(estate_yaml: Path, aggregated: dict[str, object]) -> dict[str, object]:
    """Both naive runs (CBC, HiGHS), each as its own process, against the aggregated run."""
    from planner.optimise.formulation import EPS

    optimum = float(str(aggregated["objective"]))
    row: dict[str, object] = {}
    for solver in ("cbc", "highs"):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--naive", solver, str(estate_yaml),
                                  tmp], check=True, capture_output=True, text=True)
        naive = json.loads(out.stdout.strip().splitlines()[-1])
        # Tie-break costs differ per formulation (one per device vs one per class): compare
        # money, within the tie-break terms' total.
        tolerance = EPS * 10 * int(naive["units"]) + 1e-6 * abs(optimum)
        naive["same_optimum"] = abs(float(naive["objective"]) - optimum) <= tolerance
        naive["ratio"] = float(naive["total_s"]) / max(float(str(aggregated["total_s"])), 1e-9)
        row[f"naive_{solver}"] = naive
    return row


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
        for solver, label in (("cbc", "PuLP + CBC"), ("highs", "HiGHS")):
            n = r.get(f"naive_{solver}")
            if not isinstance(n, dict):
                continue
            lines.append("")
            lines.append(
                f"Naive per-device model at {r['devices']:,} devices on {label}, end to end "
                f"(load {n['load_s']:.1f} s, build {n['build_s']:.1f} s, "
                f"solve {n['solve_s']:.1f} s, "
                f"write {n['write_s']:.1f} s; {n['rows']:,} rows x {n['cols']:,} columns; "
                f"peak {n['peak_mib']:.0f} MiB): {n['total_s']:.1f} s ({n['status']}) against "
                f"{float(str(r['total_s'])):.2f} s for the aggregated plan end to end: "
                f"{n['ratio']:.0f}x; same optimum: {n['same_optimum']} "
                f"({n['objective']:,.2f} vs {r['objective']:,.2f}).")
    return "\n".join(lines)


def _case(text: str) -> tuple[str, int, int, float, float]:
    """A case by name (10k, 100k, 1M, packing) or as DEVICES:SITES."""
    for case in CASES:
        if case[0] == text:
            return case
    try:
        devices, sites = (int(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected one of {', '.join(c[0] for c in CASES)} or DEVICES:SITES "
            "(e.g. 100000:1000)") from None
    if devices < 1 or sites < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: devices and sites must be positive")
    name = f"{devices // 1000}k" if devices >= 1000 else str(devices)
    return (name, devices, sites, 0.0, 60.0)


def main(argv: list[str]) -> None:
    # Internal entry points: each case (and each naive run) in its own process, so peak RSS
    # belongs to that case alone.
    if argv and argv[0] == "--one":
        name, devices, sites, gap, limit = json.loads(argv[1])
        print(json.dumps(run_case(name, devices, sites, gap, limit)))
        return
    if argv and argv[0] == "--naive":
        solver, estate_yaml, outdir = argv[1:4]
        print(json.dumps(naive_end_to_end(Path(estate_yaml), Path(outdir), solver)))
        return
    if argv and argv[0] == "--aggregated":  # the plan, timed like --naive (benchmarks/run.py)
        estate_yaml, outdir = argv[1:3]
        print(json.dumps(plan_end_to_end(Path(estate_yaml), Path(outdir))[1]))
        return
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="Cases: " + ", ".join(f"{c[0]} ({c[1]:,} devices / {c[2]:,} sites)"
                                     for c in CASES) + "; the 10k case adds the naive model.")
    parser.add_argument("cases", nargs="*", type=_case, metavar="CASE",
                        help="a case name or DEVICES:SITES (default: every named case)")
    args = parser.parse_args(argv)
    cases = args.cases or list(CASES)
    rows = []
    for case in cases:
        out = subprocess.run([sys.executable, __file__, "--one", json.dumps(case)], check=True,
                             capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(_table(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
