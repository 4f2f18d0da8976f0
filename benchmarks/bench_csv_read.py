"""Read a devices.csv three ways: the planner's reader, pyarrow and polars.

Issue 16 asks which columnar library should read inventory CSVs. Each reader runs in its own
process (peak RSS is its own), reads every column as text (the planner's checks decide what a
cell means, so no library type inference), and reports wall time, CPU time and peak RSS,
median of N runs. The planner's reader also checks every cell and builds the device records
(with the cyclic GC off, as the loader runs it); pyarrow and polars only split the file into
string columns. Neither library is a planner dependency: install them to measure
(`pip install pyarrow polars`); a reader whose library is missing is skipped.

    .venv/bin/python benchmarks/bench_csv_read.py /tmp/planner-bench/100000-1000-seed7/devices.csv
    .venv/bin/python benchmarks/bench_csv_read.py FILE --repeat 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

READERS = ("planner", "pyarrow", "polars")


def read_once(reader: str, path: Path) -> int:
    """Rows read by `reader` (the work being timed)."""
    if reader == "planner":
        import gc

        from planner.catalogue import load_catalogue
        from planner.readers import ReadContext
        from planner.readers.devices_csv import DevicesCsvReader

        ctx = ReadContext(load_catalogue())
        gc.disable()  # as planner.loader reads inventories
        return len(DevicesCsvReader().read(path, path.name, ctx).devices)
    if reader == "pyarrow":
        import pyarrow as pa
        from pyarrow import csv

        names = path.open(encoding="utf-8").readline().rstrip("\n").split(",")
        table = csv.read_csv(path, convert_options=csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
        return int(table.num_rows)
    if reader == "polars":
        import polars as pl

        frame = pl.read_csv(path, infer_schema=False, empty_string_is_null=False)
        return int(frame.height)
    raise ValueError(reader)


def measure(reader: str, path: Path) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--one", reader, str(path)],
                            stdout=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else b""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{reader} failed")
    got = json.loads(out)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mib": usage.ru_maxrss / 1024, "read_s": got["read_s"], "rows": got["rows"]}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        start = time.perf_counter()
        rows = read_once(argv[1], Path(argv[2]))
        print(json.dumps({"rows": rows, "read_s": time.perf_counter() - start}))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("csv", type=Path, help="a devices.csv (e.g. from planner generate)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader (median)")
    args = parser.parse_args(argv)
    print("| reader | rows | read s (in process) | process wall s | CPU s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for reader in READERS:
        if reader != "planner" and importlib.util.find_spec(reader) is None:
            print(f"| {reader} | not installed | | | | |")
            continue
        runs = [measure(reader, args.csv) for _ in range(args.repeat)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"| {reader} | {int(med['rows']):,} | {med['read_s']:.2f} | {med['wall']:.2f} "
              f"| {med['cpu']:.2f} | {max(r['peak_mib'] for r in runs):.0f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
