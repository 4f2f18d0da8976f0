"""Open every HTML report in headless Chromium: it renders its tables and charts, logs nothing.

The pages carry no JavaScript and fetch nothing, so any console message (a script error, a
blocked or failed resource load) is a failure. Host resolution is mapped to nowhere so an
accidental external request shows up as a failed load instead of reaching the network. Skipped
only when Debian's chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.reports.render import ReportFormat, ReportKind
from tests.reports.conftest import Built

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Page:
    dom: str
    console: list[str]
    png: Path


def open_page(html: Path, work: Path) -> Page:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    png = work / (html.stem + ".png")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={work / 'profile'}", "--enable-logging=stderr",
         "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND", f"--screenshot={png}",
         "--window-size=1280,2000", "--dump-dom", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return Page(proc.stdout, console, png)


def _check(page: Page, tables: int) -> None:
    assert page.console == []
    assert page.png.read_bytes()[:8] == PNG and page.png.stat().st_size > 10_000
    assert len(re.findall(r"<table\b", page.dom)) >= tables
    assert re.search(r"<svg\b[^>]*class=\"chart", page.dom)
    assert "<rect" in page.dom and "<tbody>" in page.dom
    assert "</html>" in page.dom


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The negative control: the same checks fail on a page that logs an error."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><table><tr><td>x</td></tr></table>"
                   "<script>console.error('boom')</script></body></html>", encoding="utf-8")
    page = open_page(bad, tmp_path)
    assert any("boom" in line for line in page.console)


@pytest.mark.parametrize("kind", list(ReportKind))
def test_example_reports_render_in_chromium(example: Built, kind: ReportKind,
                                            tmp_path: Path) -> None:
    html = tmp_path / f"{example.name}-{kind.value}.html"
    html.write_text(example.render(kind, ReportFormat.HTML), encoding="utf-8")
    page = open_page(html, tmp_path)
    _check(page, tables=3 if kind is ReportKind.SUMMARY else 6)


def test_hostile_report_stays_inert_in_chromium(hostile: Built, tmp_path: Path) -> None:
    html = tmp_path / "hostile.html"
    html.write_text(hostile.render(ReportKind.COMPLIANCE, ReportFormat.HTML), encoding="utf-8")
    page = open_page(html, tmp_path)
    _check(page, tables=6)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.dom  # text in the DOM, not a node
    assert "<script" not in page.dom
