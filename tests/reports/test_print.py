"""Printed reports fit a reader's hands: page counts on A4, and long registers beside them.

Each bundled example's trade-off report and compliance pack is printed to PDF by headless
Chromium (the print stylesheet: A4 landscape) and its pages counted from the PDF itself. Skipped
only when Debian's chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.reports.registers import name_registers
from planner.reports.render import ReportFormat, ReportKind, render
from tests.reports.conftest import WHEN, Built
from tests.reports.test_chromium import CHROMIUM

pytestmark = pytest.mark.slow

PAGE_LIMITS = {ReportKind.TRADEOFF: 20, ReportKind.COMPLIANCE: 30}


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes them uncompressed: /Type /Page each)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def print_pdf(html: Path, work: Path) -> bytes:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    pdf = work / (html.stem + ".pdf")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={work / 'profile'}",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr[-2000:]
    return pdf.read_bytes()


def test_page_counter_counts_pages() -> None:
    body = b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type /Page /Parent 1 0 R >>"
    assert pdf_pages(body) == 2


@pytest.mark.parametrize("kind", list(PAGE_LIMITS))
def test_examples_print_within_their_page_budget(example: Built, kind: ReportKind,
                                                 tmp_path: Path) -> None:
    html = tmp_path / f"{example.name}-{kind.value}.html"
    report = name_registers(example.report(kind), html)
    html.write_text(render(kind, ReportFormat.HTML, report), encoding="utf-8")
    pages = pdf_pages(print_pdf(html, tmp_path))
    assert 1 <= pages <= PAGE_LIMITS[kind], f"{html.name}: {pages} A4 pages"


def test_registers_are_written_beside_the_document_and_linked(example: Built,
                                                              tmp_path: Path) -> None:
    runner = CliRunner()
    estate = Path(example.estate.path)
    for kind, names in ((ReportKind.TRADEOFF, ("exposure", "sites")),
                        (ReportKind.COMPLIANCE, ("clocks",))):
        out = tmp_path / f"{kind.value}.html"
        result = runner.invoke(main, ["report", str(estate), "--kind", kind.value,
                                      "--date", WHEN, "-o", str(out)])
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        report = example.report(kind)
        for name in names:
            path = tmp_path / f"{kind.value}.{name}.csv"
            assert f'href="{path.name}"' in html
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            register = next(r for r in report.registers if r.name == name)
            assert rows[0] == list(register.columns) and len(rows) - 1 == len(register.rows)
    # Every exposure row and clock is in a register: the summary leaves nothing out.
    tradeoff, pack = example.tradeoff, example.compliance
    assert sum(s.devices for s in tradeoff.exposure_summary) == sum(
        e.devices for e in tradeoff.exposure)
    assert sum(c.devices for c in pack.clock_summary) == sum(c.devices for c in pack.clocks)
