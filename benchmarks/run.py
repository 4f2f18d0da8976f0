"""End-to-end benchmark: validate, plan, compare, report and renewal as CLI processes.

Generates estates of 10k, 100k and 1M devices (cached under the temp folder, reused when
present), runs every command as its own `python -m planner` process, and measures wall time,
CPU time and peak RSS of that process alone (os.wait4 returns the child's own rusage). Writes
benchmarks/results.md: a Markdown table the README shows, the machine (cores, Python, date),
and how each command grows with estate size (the exponent k in time ~ devices^k).

    .venv/bin/python benchmarks/run.py                        # 10k, 100k, 1M; every command
    .venv/bin/python benchmarks/run.py --sizes 10k,100k --commands validate,plan --repeat 3
    .venv/bin/python benchmarks/run.py --sizes 1M --merge benchmarks/results.md  # add 1M rows

At 10k devices it also runs the naive per-device model end to end (`naive-cbc`: PuLP + CBC,
`naive-highs`: the same model on HiGHS; benchmarks/bench_plan.py builds it from the same files
and writes one line per device), so the table says how much faster the aggregated plan is and
how much of that is the solver. The comparison is made the way issue 16 states it, from files
to plan files: each side, in its own process, times loading the estate files, building, solving
and writing inside that process (bench_plan.py `--naive` and `--aggregated`; the interpreter's
start and the imports before the first file is read are outside the clock on both sides), and
the ratio of the whole processes' wall times is shown beside it.

Targets (issue 16, end to end on a 2-core machine, median of 3): plan 100k devices / 1,000 sites
<= 2 s; plan 1M / 2,000 sites <= 10 s and <= 1 GiB; validate 1M <= 3 s and <= 600 MiB; compare
and the trade-off report at 1M <= 2x plan; plan at 10k >= 40x faster than the naive model on
CBC, from files to plan files. The solver time limit is 60 s per solve. On a shared, loaded
machine the medians are noisy: the wall range column shows the spread of the runs.

The planner's bytecode is compiled before the first run, as pip does when it installs a wheel:
an environment with PYTHONDONTWRITEBYTECODE set (some CI and sandbox shells) would otherwise
compile every planner module from source in every measured process, ~0.08 s CPU of a 10k plan
that no installed planner pays. Both sides of the naive comparison load the same compiled
planner.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"10k": (10_000, 200), "100k": (100_000, 1_000), "1M": (1_000_000, 2_000)}
COMMANDS = ("validate", "plan", "compare", "report", "renewal", "naive-cbc", "naive-highs")
NAIVE_SIZES = ("10k",)  # the naive model takes minutes beyond 10k devices
SEED = 7
DATE = "2026-12-01"
TIME_LIMIT = "60"
# Issue-16 targets, by (command, size): wall seconds, peak MiB.
TARGETS = {("plan", "100k"): (2.0, None), ("plan", "1M"): (10.0, 1024.0),
           ("validate", "1M"): (3.0, 600.0)}
# Targets relative to `plan` on the same estate: at most this multiple of plan's wall time...
AT_MOST_TIMES_PLAN = {("compare", "1M"): 2.0, ("report", "1M"): 2.0}
# ...or at least this many times slower than plan (the naive model against the aggregated one).
AT_LEAST_TIMES_PLAN = {("naive-cbc", "10k"): 40.0}
BENCH_PLAN = ROOT / "benchmarks" / "bench_plan.py"


@dataclass(frozen=True, slots=True)
class Run:
    size: str
    command: str
    wall: float
    cpu: float
    peak_mib: float
    exit_code: int
    wall_min: float = 0.0
    wall_max: float = 0.0
    # Files to plan files inside the process (load, build, solve, write), where measured: the
    # naive runs, and plan at the naive comparison's sizes.
    work: float | None = None


def _estate(cache: Path, size: str) -> Path:
    """The generated estate for `size`, written once per cache folder and reused."""
    devices, sites = SIZES[size]
    folder = cache / f"{devices}-{sites}-seed{SEED}"
    done = folder / ".complete"
    if not done.exists():
        print(f"generating {size} ({devices:,} devices, {sites:,} sites) in {folder}",
              flush=True)
        subprocess.run([sys.executable, "-m", "planner", "generate", "--devices", str(devices),
                        "--sites", str(sites), "--seed", str(SEED), "--force", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
        done.write_text("ok\n", encoding="utf-8")
    return folder / "estate.yaml"


def _argv(command: str, estate: Path, out: Path) -> list[str]:
    solve = ["--time-limit", TIME_LIMIT]
    if command == "validate":
        return ["validate", str(estate), "--date", DATE]
    if command == "plan":
        return ["plan", str(estate), "-o", str(out / "plan"), "--date", DATE, *solve]
    if command == "compare":
        return ["compare", str(estate), "--format", "json", *solve]
    if command == "report":
        return ["report", str(estate), "--kind", "tradeoff", "--date", DATE,
                "-o", str(out / "tradeoff.html"), *solve]
    if command.startswith("naive-"):
        return [str(BENCH_PLAN), "--naive", command.removeprefix("naive-"), str(estate),
                str(out / "naive")]
    if command == "renewal":
        return ["renewal", str(estate), "--renewal-date", "2027-06-01", "--date", DATE,
                "-o", str(out / "renewal")]
    raise ValueError(f"unknown command {command!r}")


def compile_bytecode() -> None:
    """planner/**/__pycache__, as an install writes it (py_compile writes whatever
    PYTHONDONTWRITEBYTECODE says; the measured processes only read it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "planner")],
                   check=True, stdout=subprocess.DEVNULL)


def measure(size: str, command: str, estate: Path) -> Run:
    """One run as its own process; the rusage is that child's alone (a naive run also says its
    own files-to-plan-files time)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        log = out / "output.log"
        with log.open("wb") as fh:
            start = time.perf_counter()
            argv = _argv(command, estate, out)
            prefix = [] if command.startswith("naive-") else ["-m", "planner"]
            proc = subprocess.Popen([sys.executable, *prefix, *argv],
                                    stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 3):
            tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
            print(f"  {command} {size} exited {proc.returncode}:\n{tail}", file=sys.stderr)
        work = _work_seconds(log) if command.startswith("naive-") else None
    # ru_maxrss is KiB on Linux.
    return Run(size, command, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               proc.returncode, wall, wall, work)


def _work_seconds(log: Path) -> float | None:
    """total_s of the JSON line bench_plan.py prints last (None if the run printed none)."""
    lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    try:
        return float(json.loads(lines[-1])["total_s"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def plan_work(estate: Path, repeat: int) -> float | None:
    """The aggregated plan from files to plan files, timed inside its process as the naive
    model is (bench_plan.py --aggregated): median of `repeat` processes."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "output.log"
            with log.open("wb") as fh:
                subprocess.run([sys.executable, str(BENCH_PLAN), "--aggregated", str(estate),
                                str(Path(tmp) / "plan")], stdout=fh, stderr=subprocess.DEVNULL,
                               cwd=ROOT, check=False)
            work = _work_seconds(log)
        if work is not None:
            times.append(work)
    return statistics.median(times) if times else None


_ROW = re.compile(r"^\| (?P<size>\w+) \| [\d,]+ \| [\d,]+ \| `(?P<command>[\w-]+)` \| "
                  r"(?P<wall>[\d.]+) \| (?P<cpu>[\d.]+) \| (?P<peak>[\d,]+) \| "
                  r"(?P<exit>\d+) \|(?:[^|]*\| (?:(?P<low>[\d.]+)-(?P<high>[\d.]+))? \|"
                  r"(?: (?P<work>[\d.]+) \|)?)?")


def read_rows(path: Path) -> list[Run]:
    """The result rows of an earlier results.md (to merge with sizes measured now)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m and m["size"] in SIZES and m["command"] in COMMANDS:
            wall = float(m["wall"])
            rows.append(Run(m["size"], m["command"], wall, float(m["cpu"]),
                            float(m["peak"].replace(",", "")), int(m["exit"]),
                            float(m["low"] or wall), float(m["high"] or wall),
                            float(m["work"]) if m["work"] else None))
    return rows


def _median(runs: list[Run]) -> Run:
    first = runs[0]
    works = [r.work for r in runs if r.work is not None]
    return Run(first.size, first.command, statistics.median(r.wall for r in runs),
               statistics.median(r.cpu for r in runs), max(r.peak_mib for r in runs),
               max(r.exit_code for r in runs), min(r.wall for r in runs),
               max(r.wall for r in runs), statistics.median(works) if works else None)


def _target(run: Run, plan: Run | None) -> str:
    key = (run.command, run.size)
    if plan is not None and key in AT_MOST_TIMES_PLAN:
        times = AT_MOST_TIMES_PLAN[key]
        ok = run.wall <= times * plan.wall
        return f"<= {times:g}x plan ({run.wall / plan.wall:.1f}x): {'met' if ok else 'MISSED'}"
    if key[0].startswith("naive-") and plan is not None:
        processes = f"{run.wall / plan.wall:.0f}x as whole processes"
        if run.work is None or plan.work is None:
            return f"plan {processes} faster (files to plan files: not measured)"
        files = run.work / plan.work
        if key not in AT_LEAST_TIMES_PLAN:
            return f"plan {files:.0f}x faster from files to plan files ({processes})"
        times = AT_LEAST_TIMES_PLAN[key]
        ok = files >= times
        return (f"plan >= {times:g}x faster from files to plan files ({files:.0f}x; "
                f"{processes}): {'met' if ok else 'MISSED'}")
    goal = TARGETS.get(key)
    if goal is None:
        return ""
    seconds, mib = goal
    ok = run.wall <= seconds and (mib is None or run.peak_mib <= mib)
    size = (f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib:g} MiB") if mib else ""
    text = f"<= {seconds:g} s" + (f", <= {size}" if size else "")
    return f"{text}: {'met' if ok else 'MISSED'}"


def _growth(results: list[Run], sizes: list[str], commands: list[str]) -> list[str]:
    """time ~ devices^k between consecutive sizes: k near 1 is linear."""
    lines = []
    by_key = {(r.command, r.size): r for r in results}
    for command in commands:
        parts = []
        for small, big in itertools.pairwise(sizes):
            a, b = by_key.get((command, small)), by_key.get((command, big))
            if a is None or b is None or a.wall <= 0:
                continue
            ratio = SIZES[big][0] / SIZES[small][0]
            k = math.log(b.wall / a.wall) / math.log(ratio)
            mem = b.peak_mib / a.peak_mib if a.peak_mib else float("nan")
            parts.append(f"{small}->{big}: time x{b.wall / a.wall:.1f} (k = {k:.2f}), "
                         f"memory x{mem:.1f}")
        if parts:
            lines.append(f"- `{command}`: " + "; ".join(parts))
    return lines


def _machine() -> list[str]:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return [f"- Date: {datetime.now(tz=UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- Machine: {os.cpu_count()} cores, {platform.machine()}, "
            f"{platform.system()} {platform.release()}",
            f"- Python {platform.python_version()} ({platform.python_implementation()})",
            f"- planner commit {commit or 'unknown'}; estates from `planner generate --seed "
            f"{SEED}`; solver time limit {TIME_LIMIT} s per solve"]


def render(results: list[Run], sizes: list[str], commands: list[str], repeat: int,
           merged: tuple[str, ...] = (), load: tuple[float, ...] = ()) -> str:
    rows = ["| estate | devices | sites | command | wall s | CPU s | peak RSS MiB | exit | "
            "target (issue 16) | wall range s | files to plan files s |",
            "|---|---:|---:|---|---:|---:|---:|---:|---|---|---:|"]
    plans = {r.size: r for r in results if r.command == "plan"}
    for r in results:
        spread = f"{r.wall_min:.2f}-{r.wall_max:.2f}" if r.wall_max > r.wall_min else ""
        devices, sites = SIZES[r.size]
        target = _target(r, plans.get(r.size))
        work = "" if r.work is None else f"{r.work:.3f}"
        rows.append(f"| {r.size} | {devices:,} | {sites:,} | `{r.command}` | {r.wall:.2f} | "
                    f"{r.cpu:.2f} | {r.peak_mib:,.0f} | {r.exit_code} | {target} | {spread} "
                    f"| {work} |")
    out = ["# End-to-end benchmark", "",
           "Written by `benchmarks/run.py`: each command runs as its own `python -m planner` "
           "process on a generated estate; wall time and CPU time "
           + (f"are medians of {repeat} runs" if repeat > 1 else "are one run")
           + ", peak RSS is that process's own maximum resident set. `report` is the trade-off "
           "report (it solves every strategy); `compare` solves the optimal mix and seven "
           "single-mode strategies; `renewal` reads the estate without snapshot history; "
           "`naive-cbc` and `naive-highs` are the per-device model (one unit per device, the "
           "same parameters) end to end from the same files, on CBC and on HiGHS.", "",
           "## Machine", "", *_machine(),
           *([f"- Load average (1, 5, 15 min) as the measuring ended: "
              f"{', '.join(f'{x:.1f}' for x in load)} on {os.cpu_count()} cores: other jobs "
              "stretch wall time far more than CPU time"] if load else []),
           *([f"- Rows of sizes not measured in this run come from an earlier run on the same "
              f"machine ({', '.join(z for z in SIZES if z in merged)})"] if merged else []),
           "", "## Results", "", *rows, "",
           "## Growth with estate size", "",
           "k is the exponent in time ~ devices^k between consecutive sizes (1 is linear).", "",
           *_growth(results, sizes, commands), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES),
                        help=f"comma-separated, from {', '.join(SIZES)}")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help=f"comma-separated, from {', '.join(COMMANDS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "planner-bench",
                        help="folder for generated estates (reused between runs)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--merge", type=Path, action="append", default=[],
                        help="an earlier results.md whose rows are kept for the cases not "
                        "measured now (repeatable; later files win)")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]  # "" with --merge: render
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = [s for s in sizes if s not in SIZES] + [c for c in commands if c not in COMMANDS]
    if unknown or args.repeat < 1 or not (sizes or args.merge):
        parser.error(f"unknown size/command {unknown}, --repeat < 1, or nothing to do")
    kept: dict[tuple[str, str], Run] = {}
    for earlier in args.merge:
        kept.update({(r.size, r.command): r for r in read_rows(earlier)})
    args.cache.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    results = []
    for size in sizes:
        estate = _estate(args.cache, size)
        for command in commands:
            if command.startswith("naive-") and size not in NAIVE_SIZES:
                continue
            runs = [measure(size, command, estate) for _ in range(args.repeat)]
            result = _median(runs)
            if command == "plan" and size in NAIVE_SIZES:
                result = dataclasses.replace(result, work=plan_work(estate, args.repeat))
            results.append(result)
            print(f"{size:>5} {command:<9} wall {result.wall:8.2f} s  cpu {result.cpu:8.2f} s  "
                  f"peak {result.peak_mib:8.0f} MiB  exit {result.exit_code}", flush=True)
    measured = {(r.size, r.command) for r in results}
    results += [r for key, r in kept.items() if key not in measured]
    order = {name: i for i, name in enumerate(SIZES)} | {c: i for i, c in enumerate(COMMANDS)}
    results.sort(key=lambda r: (order[r.size], order[r.command]))
    sizes = [s for s in SIZES if any(r.size == s for r in results)]
    commands = [c for c in COMMANDS if any(r.command == c for r in results)]
    merged = tuple(r.size for r in results if (r.size, r.command) not in measured)
    load = os.getloadavg() if measured else ()
    text = render(results, sizes, commands, args.repeat, merged, load)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(r.exit_code in (0, 3) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
