"""Outputs are safe to open: CSV cells never start a formula, HTML and Markdown never run input.

One estate whose hostnames, site names and estate name are hostile (formula starts, a script
tag, template syntax, path traversal) flows through every command that writes files; every
CSV, HTML, Markdown and calendar file written is then checked.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planner.cli import main
from planner.generate import generate_estate, write_estate

from .kit import CAPTURES, HOSTILE_ESTATE_NAME, formula_cells, write_hostile

DATE = "2026-12-01"


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every file-writing command run once over the hostile estate."""
    root = tmp_path_factory.mktemp("hostile")
    estate = str(write_hostile(root / "estate"))
    o = root / "out"
    _run("plan", estate, "-o", str(o / "plan"), "--date", DATE)
    _run("runbook", estate, "--plan", str(o / "plan" / "plan.json"), "-o", str(o / "runbooks"),
         "--date", DATE)
    _run("renewal", estate, "--renewal-date", "2027-06-01", "--date", DATE,
         "-o", str(o / "renewal"))
    for kind in ("tradeoff", "compliance", "renewal"):
        for fmt in ("html", "md"):
            _run("report", estate, "--kind", kind, "--format", fmt, "--date", DATE,
                 "-o", str(o / "reports" / f"{kind}.{fmt}"))
    captures = root / "captures"
    captures.mkdir()
    (captures / "sw.txt").write_bytes((CAPTURES / "site-hq" / "sw-hq-01.txt").read_bytes())
    _run("ingest", str(captures), "-o", str(o / "ingest" / "devices.csv"),
         "--site", "=1+1", "--virtual-account", "+VA")
    (o / "stdout").mkdir()
    for name, args in (("compare.csv", ("compare", estate, "--format", "csv")),
                       ("plan.csv", ("plan", estate, "-o", str(o / "plan2"),
                                     "--format", "csv"))):
        (o / "stdout" / name).write_text(_run(*args).stdout, encoding="utf-8")
    return o


def test_every_command_wrote_what_it_should(out: Path) -> None:
    assert (out / "plan" / "reservations").is_dir(), "the estate reserves some devices"
    assert list((out / "runbooks").rglob("carry.csv")), "an air-gapped site has a carry list"
    assert (out / "renewal" / "renewal.md").is_file()
    ingested = (out / "ingest" / "devices.csv").read_text(encoding="utf-8")
    assert ",'=1+1,Northwind Federal,'+VA," in ingested, "ingest keeps the values, neutralised"


def test_no_csv_cell_starts_a_formula(out: Path) -> None:
    files = sorted(out.rglob("*.csv"))
    assert len(files) >= 8
    for path in files:
        assert formula_cells(path) == [], path
    # The hostile names are there, neutralised (not dropped).
    devices = (out / "plan" / "devices.csv").read_text(encoding="utf-8")
    assert """'=HYPERLINK(""http://x"")""" in devices and "'+1+1" in devices
    assert "'-2" in devices and "'@SUM(1)" in devices  # the tab one is stripped on read


def test_reservation_manifests_are_neutralised(out: Path) -> None:
    cells = [cell for path in (out / "plan" / "reservations").glob("*.csv")
             for row in csv.reader(path.open(encoding="utf-8", newline="")) for cell in row]
    assert any(c.startswith("'") for c in cells), "a hostile hostname is reserved"


def test_html_escapes_everything(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<b>{{" not in text, page
        assert "HYPERLINK(&#34;http://x&#34;)" in text or "HYPERLINK(&quot;" in text or \
            'HYPERLINK("http://x")' not in text, page
    for kind in ("tradeoff", "compliance"):
        text = (out / "reports" / f"{kind}.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, kind
        # Template syntax in the input is shown, never evaluated.
        assert "{{7*7}}" in text or "&#123;&#123;7*7" in text, kind


def test_markdown_carries_no_raw_html(out: Path) -> None:
    docs = sorted(out.rglob("*.md"))
    assert len(docs) >= 5
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        assert "<script" not in text, doc
        assert "<b>" not in text, doc
        assert re.search(r"\]\(http://x", text) is None, doc


def test_calendar_text_is_escaped(out: Path) -> None:
    ics = (out / "renewal" / "hygiene.ics").read_text(encoding="utf-8")
    for line in ics.splitlines():
        # RFC 5545: a property line never carries a raw newline; every line is NAME:value.
        assert re.match(r"^([A-Z-]+[;:]| )", line), line


def test_runbook_files_stay_inside_the_output_folder(out: Path) -> None:
    root = (out / "runbooks").resolve()
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root)
    assert not (out / "evil").exists() and not (out.parent / "evil").exists()
    assert HOSTILE_ESTATE_NAME not in "".join(p.name for p in root.rglob("*"))


def test_hostile_site_ids_and_va_names_make_no_path_outside_the_output(tmp_path: Path) -> None:
    """Site ids name runbook folders and VA names name reservation manifests: `../` in them
    must not write outside the output folder, and no CSV cell may start a formula."""
    files = generate_estate(60, 12, 3)
    renames = {"AG01": "../../evil-site", "BR001": "=1+1",
               "Classified-Programs": "../../evil-va", "DEFAULT": "=DEF|x"}
    for old, new in renames.items():
        files["estate.yaml"] = (files["estate.yaml"].replace(f"id: {old},", f'id: "{new}",')
                                .replace(f"name: {old},", f'name: "{new}",')
                                .replace(f"a: {old}", f'a: "{new}"')
                                .replace(f"b: {old}", f'b: "{new}"'))
        for name in ("devices.csv", "entitlements.csv"):
            files[name] = files[name].replace(f",{old},", f",{new},").replace(
                f"\n{old},", f"\n{new},")
    assert '"../../evil-va"' in files["estate.yaml"] and ",../../evil-site," in files[
        "devices.csv"]
    write_estate(tmp_path / "e", files)
    out = tmp_path / "deep" / "out"
    estate = str(tmp_path / "e" / "estate.yaml")
    _run("plan", estate, "-o", str(out / "plan"))
    _run("runbook", estate, "--plan", str(out / "plan" / "plan.json"), "-o", str(out / "rb"))
    assert list((out / "plan" / "reservations").glob("*evil-va*"))
    root = tmp_path.resolve()
    written = [p for p in root.rglob("*") if p.is_file() and "evil" in p.as_posix()]
    assert written and all(p.is_relative_to(out.resolve()) for p in written), written
    for path in out.rglob("*.csv"):
        assert formula_cells(path) == [], path
