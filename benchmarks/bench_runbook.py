"""Benchmark `planner runbook` (plan.json -> runbooks) on generated estates.

For each size: generate an estate (`planner generate`), plan it (`planner plan`), then time, in a
fresh process, reading the plan back onto the estate, building every device's runbook, rendering
(Markdown, HTML, command files, ansible-vars.yml) and writing. Prints wall times, files, bytes
and peak RSS.

    .venv/bin/python benchmarks/bench_runbook.py          # 3k and 20k devices
    .venv/bin/python benchmarks/bench_runbook.py 50000:800
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ((3_000, 80), (20_000, 400))
PLANNER = str(Path(sys.executable).with_name("planner"))


def _measure(estate: Path, plan_json: Path, out: Path) -> dict[str, float]:
    from planner.fileio import write_files_atomic
    from planner.loader import load_estate
    from planner.runbooks import build_runbooks
    from planner.runbooks.planned import from_plan_file
    from planner.runbooks.render import render_files

    t0 = time.perf_counter()
    loaded = load_estate(estate).estate
    t1 = time.perf_counter()
    planned = from_plan_file(loaded, plan_json)
    runbooks, trips = build_runbooks(planned)
    t2 = time.perf_counter()
    files = render_files(loaded, runbooks, trips, str(plan_json))
    t3 = time.perf_counter()
    write_files_atomic(out, files)
    t4 = time.perf_counter()
    return {"devices": len(planned.devices), "files": len(files),
            "mbytes": sum(len(v) for v in files.values()) / 1e6, "load": t1 - t0,
            "build": t2 - t1, "render": t3 - t2, "write": t4 - t3, "total": t4 - t1,
            "cpu": _cpu(),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[0] == "--measure":
        print(json.dumps(_measure(Path(argv[1]), Path(argv[2]), Path(argv[3]))))
        return
    cases = [tuple(int(x) for x in a.split(":")) for a in argv] or list(CASES)
    for devices, sites in cases:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            subprocess.run([PLANNER, "generate", "--devices", str(devices), "--sites",
                            str(sites), "--seed", "7", str(root / "e")], check=True,
                           capture_output=True)
            subprocess.run([PLANNER, "plan", str(root / "e" / "estate.yaml"), "-o",
                            str(root / "p")], check=True, capture_output=True)
            result = subprocess.run([sys.executable, __file__, "--measure",
                                     str(root / "e" / "estate.yaml"),
                                     str(root / "p" / "plan.json"), str(root / "rb")],
                                    check=True, capture_output=True, text=True)
            r = json.loads(result.stdout)
            print(f"{r['devices']:>7} devices: runbooks {r['total']:.2f} s (build "
                  f"{r['build']:.2f}, render {r['render']:.2f}, write {r['write']:.2f}); "
                  f"{r['files']} files, {r['mbytes']:.1f} MB; process CPU {r['cpu']:.2f} s; "
                  f"estate load {r['load']:.2f} s; "
                  f"peak RSS {r['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
