"""A command imports only what it uses: start-up is most of a small estate's run time.

Each case runs the CLI in a fresh interpreter and lists the modules it ended with. networkx
(graph exports only), jinja2 (documents), multiprocessing (forked strategies), sqlite3 (the
history database) and pandas (never) stay out of `validate` and `plan`; the solver stays out of
`validate`; only the readers of the kinds an estate lists load; `planner --help` loads no
command's module at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "federal-agency" / "estate.yaml"

_PROBE = """
import json, sys
from planner.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

NEVER = ("pandas", "networkx", "jinja2", "multiprocessing", "sqlite3", "jsonschema", "pulp")


def _modules(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                          text=True, cwd=ROOT, check=False, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def _top(modules: set[str]) -> set[str]:
    return {m.partition(".")[0] for m in modules}


@pytest.mark.parametrize("absent", NEVER)
def test_plan_does_not_import(absent: str, plan_modules: set[str]) -> None:
    assert absent not in _top(plan_modules)


@pytest.fixture(scope="module")
def plan_modules(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("plan")
    modules = _modules("plan", str(EXAMPLE), "-o", str(out / "plan"), "--date", "2026-12-01")
    assert (out / "plan" / "plan.json").is_file()  # the probe really planned
    return modules


def test_plan_loads_only_the_readers_its_estate_lists(plan_modules: set[str]) -> None:
    """The example lists devices and entitlements: no CSSM, NetBox or capture parser loads."""
    readers = {m for m in plan_modules if m.startswith("planner.readers.")}
    assert {"planner.readers.devices_csv", "planner.readers.entitlements_csv"} <= readers
    assert not readers & {f"planner.readers.{kind}"
                          for kind in ("cssm_json", "cssm_csv", "netbox_csv", "captures")}


def test_validate_imports_no_solver_and_nothing_plan_does_not() -> None:
    modules = _top(_modules("validate", str(EXAMPLE), "--date", "2026-12-01"))
    assert "planner" in modules
    assert not modules & {*NEVER, "highspy"}


def test_help_loads_no_command_module() -> None:
    """The command listing comes from the registry's summaries (tests/test_cli_registry.py)."""
    modules = _modules("--help")
    assert not _top(modules) & {*NEVER, "numpy", "pyarrow", "highspy", "yaml", "tabulate"}
    assert not {m for m in modules if m.startswith("planner.cli.")} - {
        "planner.cli.options", "planner.cli._types"}
