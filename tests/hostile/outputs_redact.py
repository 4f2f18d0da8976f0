"""`--redact` on every command that writes documents or exports: a redacted run of a bundled
example writes no identifying string of the estate, in any output file or on standard output.

Identifying: hostnames, serials (stack members too), the organisation (Smart Account and estate
name), the domain, site ids and names, enclave names, Virtual Account names, subscription ids
and the input files' paths.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planner.loader import load_estate
from planner.model import Estate
from planner.resources import examples_dir

from ._outkit import DATE, run

EXAMPLE = "utility"
GENERIC = {"DEFAULT", "estate.yaml", "devices.csv", "entitlements.csv"}  # words, not identities


def identifying(estate: Estate, root: Path) -> set[str]:
    found = {estate.name, estate.account.name, estate.account.domain}
    for site in estate.sites:
        found |= {site.id, site.name, site.enclave or ""}
    found |= {va.name for va in estate.virtual_accounts}
    for device in estate.devices:
        found |= {device.hostname, device.serial, *(m.serial for m in device.members)}
    found |= {e.subscription_id for e in estate.entitlements}
    for source in estate.sources:
        found |= {source.path, str(root / source.path)}
    return {s for s in found if len(s) >= 2 and s not in GENERIC}


_RUN = re.compile(r"[A-Za-z0-9]+(?:[._:/-]+[A-Za-z0-9]+)*")


def leaks(text: str, secrets: set[str]) -> list[str]:
    """The secrets found in `text` as whole words: every run of word characters (and every
    sub-run between separators) looked up at once, then the few secrets with spaces by search."""
    words: set[str] = set()
    for match in _RUN.finditer(text):
        run_ = match.group()
        spans = [m.span() for m in re.finditer(r"[A-Za-z0-9]+", run_)]
        for i, (start, _end) in enumerate(spans):  # `sw-hq-01` inside `HQ/sw-hq-01.txt`
            for _s, end in spans[i:i + 8]:
                words.add(run_[start:end])
    found = secrets & words
    found |= {s for s in secrets if s not in found and not _RUN.fullmatch(s)
              and re.search(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", text)}
    return sorted(found)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], dict[str, str], Path]:
    root = tmp_path_factory.mktemp("redact")
    estate_dir = root / "estate"
    shutil.copytree(examples_dir() / EXAMPLE, estate_dir)
    estate = estate_dir / "estate.yaml"
    secrets = identifying(load_estate(estate).estate, estate_dir)
    out = root / "out"
    stdout: dict[str, str] = {}

    def go(name: str, *args: str) -> None:
        result = run(*args, "--redact")
        assert result.exit_code == 0, (args, result.output)
        stdout[name] = result.stdout

    go("plan", "plan", str(estate), "-o", str(out / "plan"), "--date", DATE)
    plain = root / "plain-plan"
    assert run("plan", str(estate), "-o", str(plain), "--date", DATE).exit_code == 0
    go("cyclonedx", "export", "cyclonedx", str(plain / "plan.json"), "--estate", str(estate),
       "-o", str(out / "bom.json"))
    go("runbook", "runbook", str(estate), "-o", str(out / "runbooks"), "--date", DATE,
       "--server-url", f"{load_estate(estate).estate.sites[0].id}=https://lic.example.gov/x")
    go("renewal", "renewal", str(estate), "--renewal-date", "2027-06-01", "--date", DATE,
       "-o", str(out / "renewal"))
    go("renewal-md", "renewal", str(estate), "--renewal-date", "2027-06-01", "--date", DATE,
       "--format", "md")
    for fmt in ("graphml", "dot", "json"):
        go(f"graph.{fmt}", "graph", str(estate), "--format", fmt, "-o",
           str(out / "graph" / f"estate.{fmt}"))
    for kind, fmt in (("tradeoff", "html"), ("compliance", "html"), ("compliance", "md"),
                      ("renewal", "html"), ("renewal", "md")):
        extra = ("--renewal-date", "2027-06-01") if kind == "renewal" else ()
        go(f"{kind}.{fmt}", "report", str(estate), "--kind", kind, "--format", fmt,
           "--date", DATE, *extra, "-o", str(out / "reports" / f"{kind}.{fmt}"))
    return secrets, stdout, out


def test_the_example_has_identities_to_hide(runs: tuple[set[str], dict[str, str], Path]) -> None:
    secrets, _stdout, _out = runs
    assert len(secrets) > 1000  # hostnames, serials, sites, VAs, organisation, domain, files


def test_no_output_file_names_an_identity(runs: tuple[set[str], dict[str, str], Path]) -> None:
    secrets, _stdout, out = runs
    files = [p for p in sorted(out.rglob("*")) if p.is_file()]
    assert len(files) > 30
    found = {}
    for path in files:
        rel = path.relative_to(out).as_posix()
        hits = leaks(rel, secrets) + leaks(path.read_text(encoding="utf-8"), secrets)
        if hits:
            found[rel] = hits[:5]
    assert not found, found


def test_no_standard_output_names_an_identity(
        runs: tuple[set[str], dict[str, str], Path]) -> None:
    secrets, stdout, _out = runs
    found = {name: leaks(text, secrets)[:5] for name, text in stdout.items()}
    assert not any(found.values()), found


def test_the_check_can_fail(runs: tuple[set[str], dict[str, str], Path], tmp_path: Path) -> None:
    """Without --redact the same outputs do carry the identities (so the checks above bite)."""
    secrets, _stdout, _out = runs
    estate = examples_dir() / EXAMPLE / "estate.yaml"
    result = run("graph", str(estate), "--format", "json")
    assert result.exit_code == 0 and len(leaks(result.stdout, secrets)) > 100
