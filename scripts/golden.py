"""Digest of every output the planner writes for the bundled examples, to prove a refactor
changes no byte (issue 15: "byte-identical before and after, checked in the commits that move
code").

    python scripts/golden.py > before.txt      # on the commit before the change
    python scripts/golden.py > after.txt       # on the change
    diff before.txt after.txt                  # empty: nothing a user sees moved

Each bundled example is written to a temporary folder and run through plan, compare, explain
(every site), report (every kind and format), runbook (from the solve and from plan.json),
renewal, graph and the exports, with a fixed date and SOURCE_DATE_EPOCH. One line per output
file or standard output: its SHA-256 and its name relative to the run folder. `--keep DIR`
keeps the outputs for a closer diff.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

DATE = "2026-12-01"
EPOCH = "1764547200"  # 2025-12-01T00:00:00Z: any fixed value does


_counters: dict[Path, int] = {}


def _run(args: list[str], cwd: Path) -> None:
    """Run one command; its exit code, stdout and stderr are kept as an output of their own."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED="0")
    result = subprocess.run([sys.executable, "-m", "planner", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, check=False)
    n = _counters[cwd] = _counters.get(cwd, -1) + 1
    out = cwd / "stdout" / f"{n:03d}-{args[0]}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = f"$ planner {' '.join(args)}\nexit {result.returncode}\n{result.stdout}" \
        f"\n--- stderr\n{result.stderr}"
    out.write_text(_steady(text, cwd), encoding="utf-8")


def _steady(text: str, cwd: Path) -> str:
    """Console text without what differs run to run: the run folder and measured seconds."""
    text = text.replace(str(cwd.resolve()), "<run>").replace(str(cwd), "<run>")
    return re.sub(r"(seconds\W+)[0-9.]+", r"\1<s>", text)


def _sites(estate: Path, work: Path) -> list[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run([sys.executable, "-m", "planner", "validate", str(estate),
                             "--format", "json"], cwd=work, env=env, capture_output=True,
                            text=True, check=False)
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        return []
    sites = doc.get("devices_by_site") if isinstance(doc, dict) else None
    if not isinstance(sites, list):
        return []
    return sorted(str(s["site"]) for s in sites if isinstance(s, dict) and "site" in s)


def _example(name: str, work: Path) -> None:
    _run(["example", name, "estate"], work)
    estate = Path("estate/estate.yaml")
    _run(["plan", str(estate), "-o", "plan", "--date", DATE], work)
    for fmt in ("table", "json", "csv"):
        _run(["compare", str(estate), "--format", fmt], work)
    for site in _sites(work / estate, work)[:8]:
        _run(["explain", str(estate), "--site", site, "--format", "json"], work)
    for kind, formats in (("summary", ("html", "md")), ("tradeoff", ("html", "md")),
                          ("compliance", ("html", "md", "oscal", "oscal-poam")),
                          ("renewal", ("html", "md"))):
        for fmt in formats:
            renewal = ["--renewal-date", "2027-06-30"] if kind == "renewal" else []
            _run(["report", str(estate), "--kind", kind, "--format", fmt, "--date", DATE,
                  *renewal, "-o", f"reports/{kind}.{fmt}"], work)
    _run(["runbook", str(estate), "-o", "runbooks", "--date", DATE], work)
    _run(["runbook", str(estate), "--plan", "plan/plan.json", "-o", "runbooks-from-plan",
          "--date", DATE], work)
    _run(["renewal", str(estate), "-o", "renewal", "--date", DATE, "--renewal-date",
          "2027-06-30"], work)
    for fmt in ("graphml", "dot", "json"):
        _run(["graph", str(estate), "--format", fmt, "-o", f"graph/estate.{fmt}"], work)
    for target in ("netbox", "nautobot", "cyclonedx"):
        _run(["export", target, "plan/plan.json", "--estate", str(estate), "--date", DATE,
              "-o", f"export/{target}"], work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--examples", default="federal-agency,regional-bank,utility")
    args = parser.parse_args()
    if subprocess.run([sys.executable, "-c", "import planner"], check=False).returncode:
        sys.exit("planner is not importable by this Python: activate the project's venv")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for name in args.examples.split(","):
            work = root / name
            work.mkdir(parents=True, exist_ok=True)
            _example(name, work)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root)
            if rel.parts[1] == "estate":
                continue
            print(hashlib.sha256(path.read_bytes()).hexdigest(), rel.as_posix())


if __name__ == "__main__":
    main()
