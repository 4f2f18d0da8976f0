"""Shared helpers for the trust tests: a small estate using every reader, and isolated runs.

`write_base` writes an estate whose inventory names one file of every kind the loader reads
(devices CSV, entitlements CSV, CSSM JSON and CSV, NetBox CSV, a folder of device captures with
a RUM report and an SLR code). `isolated_load` runs the loader in a child process with a memory
cap and a timeout, so a hang or a memory blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from planner.generate import generate_estate

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / "tests" / "evidence" / "fixtures"
# Capture fixtures copied into the base estate's evidence folder (the evidence tests own them).
CAPTURE_FILES = ("site-hq/sw-hq-01.txt", "rum/wlc-hq-rum.xml", "slr/AC_FOC2311V0AB.xml",
                 "nexus/n9k-leaf-01.txt")

CSSM_JSON = json.dumps({"licenses": [{
    "license": "Network Advantage", "quantity": 4, "inUse": 1, "available": 3, "reserved": 0,
    "virtualAccount": "Campus-Network", "licenseDetails": [
        {"licenseType": "PERPETUAL", "quantity": 4}]}]}, indent=2) + "\n"
CSSM_CSV = ("License,Quantity,In Use,Available,Reserved,Virtual Account,Expires\n"
            "Network Advantage,2,1,1,0,Campus-Network,Never\n"
            "DNA Advantage,2,1,1,0,Campus-Network,2027-Jan-31\n")
NETBOX_CSV = ("Name,Status,Tenant,Site,Rack,Role,Manufacturer,Device type,Platform,Serial number\n"
              "hq-spare-01,Inventory,Contoso,HQ,R1,Access Switch,Cisco,C9300-48P,"
              "Cisco IOS XE,FOC2851R001\n"
              # The devices the captures describe: the inventory places them.
              "sw-hq-01,Active,Contoso,HQ,R2,Access Switch,Cisco,C9300-48P,Cisco IOS XE,"
              "FOC2233X0AB\n"
              "scif-sw-07,Active,Contoso,HQ,R3,Access Switch,Cisco,C9300-24P,Cisco IOS XE,"
              "FOC2311V0AB\n"
              "n9k-leaf-01,Active,Contoso,DC1,R4,Leaf,Cisco,N9K-C93180YC-EX,NX-OS,FDO22340PXL\n"
              "wlc-hq-01,Active,Contoso,HQ,R5,Wireless,Cisco,C9800-40-K9,IOS XE,TTM2415002X\n")

# Which file of the base estate each reader reads (the evidence reader reads the folder).
READER_FILES = {
    "estate-yaml": "estate.yaml",
    "devices-csv": "devices.csv",
    "entitlements-csv": "entitlements.csv",
    "cssm-json": "cssm.json",
    "cssm-csv": "cssm.csv",
    "netbox-csv": "netbox.csv",
    "capture": "captures/sw-hq-01.txt",
    "rum-xml": "captures/wlc-hq-rum.xml",
    "slr-xml": "captures/AC_FOC2311V0AB.xml",
}


def base_files() -> dict[str, bytes]:
    """The base estate as relative path -> bytes (a fresh copy of the cached one)."""
    return dict(_base_files())


@functools.cache
def _base_files(devices: int = 12, sites: int = 3, seed: int = 1) -> dict[str, bytes]:
    files = generate_estate(devices, sites, seed)
    yaml_text = files["estate.yaml"].replace(
        "  entitlements: [entitlements.csv]\n",
        "  entitlements: [entitlements.csv]\n  cssm_json: [cssm.json]\n  cssm_csv: [cssm.csv]\n"
        "  netbox: [netbox.csv]\n  evidence: [captures]\n")
    yaml_text = yaml_text.replace("sites:\n", "  - {name: HQ-Network}\nsites:\n", 1)
    assert "cssm.json" in yaml_text, "the generator's inventory block changed"
    out = {"estate.yaml": yaml_text.encode(), "devices.csv": files["devices.csv"].encode(),
           "entitlements.csv": files["entitlements.csv"].encode(),
           "cssm.json": CSSM_JSON.encode(), "cssm.csv": CSSM_CSV.encode(),
           "netbox.csv": NETBOX_CSV.encode()}
    for rel in CAPTURE_FILES:
        out["captures/" + Path(rel).name] = (CAPTURES / rel).read_bytes()
    return out


def write_base(root: Path, replace: dict[str, bytes] | None = None) -> Path:
    """Write the base estate (with `replace` overriding files) and return estate.yaml's path."""
    files = base_files()
    files.update(replace or {})
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root / "estate.yaml"


_DRIVER = r"""
import datetime, json, resource, signal, sys, traceback
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
each = int(sys.argv[2])
from planner.loader import load_estate
from planner.problems import InputError

def alarm(signum, frame):
    raise TimeoutError(f"no answer in {each} s")

signal.signal(signal.SIGALRM, alarm)
for path in sys.argv[3:]:
    signal.alarm(each)
    try:
        result = load_estate(path, today=datetime.date(2026, 12, 1))
        out = {"outcome": "ok", "warnings": [str(p) for p in result.warnings]}
    except InputError as exc:
        out = {"outcome": "input-error", "problems": [str(p) for p in exc.problems]}
    except BaseException as exc:
        out = {"outcome": "crash", "type": type(exc).__name__,
               "trace": traceback.format_exc()[-3000:]}
    finally:
        signal.alarm(0)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
"""


def isolated_loads(estates: list[Path], *, each: int = 30, memory_mb: int = 1536
                   ) -> list[dict[str, Any]]:
    """Load every estate in one child process capped at `memory_mb`, `each` seconds apiece.

    Returns one {"outcome": "ok" | "input-error" | "crash", ...} per estate. A child killed by
    the memory cap or the overall timeout reports the estate it was loading as the crash, and
    the rest as not run.
    """
    env = dict(os.environ, PYTHONHASHSEED="0")
    args = [sys.executable, "-c", _DRIVER, str(memory_mb), str(each), *map(str, estates)]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, env=env, check=False,
                              timeout=each * len(estates) + 30)
        stdout, cause = proc.stdout, f"child exited {proc.returncode}: {proc.stderr[-2000:]}"
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        stdout = out.decode() if isinstance(out, bytes) else out
        cause = "child timed out"
    results: list[dict[str, Any]] = [json.loads(line) for line in stdout.splitlines() if line]
    if len(results) < len(estates):
        results.append({"outcome": "crash", "type": "killed", "trace": cause})
        results.extend({"outcome": "not run"} for _ in range(len(estates) - len(results)))
    return results


# Cells a spreadsheet would run as a formula, and text a template or browser would run.
HOSTILE_NAMES = ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(1)", "\tcmd",
                 "<script>alert(1)</script>", "{{7*7}}", "../../evil", "a|b*c`d$(id)")
HOSTILE_SITE_NAMES = {"Des Moines Data Centre": '=HYPERLINK("http://x")',
                      "Minneapolis Test Range": "<script>alert(1)</script>{{7*7}}",
                      "Boston Secure Facility": "@SUM(1)\t+1"}
HOSTILE_ESTATE_NAME = "=cmd|' /C calc'!A0 <b>{{7*7}}</b>"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_hostile(root: Path) -> Path:
    """A 60-device, 12-site estate (cloud, on-prem, OT enclave, air-gapped sites, so every
    output kind has rows) whose hostnames, site names and estate name are hostile."""
    files = generate_estate(60, 12, 3)
    rows = list(csv.reader(io.StringIO(files["devices.csv"])))
    for i, row in enumerate(rows[1:]):
        row[0] = HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + (f"-{i}" if i >= len(HOSTILE_NAMES)
                                                          else "")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = files["estate.yaml"]
    for plain, hostile in HOSTILE_SITE_NAMES.items():
        assert f"name: {plain}," in text, "the generator's site names changed"
        text = text.replace(f"name: {plain},", f"name: {json.dumps(hostile)},")
    text = re.sub(r'^name: ".*"$', lambda _: f"name: {json.dumps(HOSTILE_ESTATE_NAME)}", text,
                  count=1, flags=re.M)
    assert json.dumps(HOSTILE_ESTATE_NAME) in text, "the generator's estate name line changed"
    root.mkdir(parents=True, exist_ok=True)
    (root / "estate.yaml").write_text(text, encoding="utf-8")
    (root / "devices.csv").write_text(buf.getvalue(), encoding="utf-8")
    (root / "entitlements.csv").write_text(files["entitlements.csv"], encoding="utf-8")
    return root / "estate.yaml"


def formula_cells(path: Path) -> list[tuple[int, str]]:
    """(row, cell) of every cell in a CSV file a spreadsheet would evaluate."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(i, cell) for i, row in enumerate(csv.reader(fh)) for cell in row
                if cell.startswith(FORMULA_START)]
