"""Regenerate the README screenshots from the bundled federal-agency example.

    python docs/images/capture.py

Needs Debian's chromium. Writes executive.png, cost-chart.png and site-map.png beside this file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WHEN = "2026-12-01"


def _planner(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "planner", *args], check=True,
                   stderr=subprocess.DEVNULL)


def _shot(chromium: str, page: Path, png: Path, size: str, work: Path) -> None:
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    f"--user-data-dir={work / 'profile'}", f"--screenshot={png}",
                    f"--window-size={size}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def _fragment(html: Path, start: str, end: str, out: Path) -> Path:
    text = html.read_text(encoding="utf-8")
    i = text.index(start)
    j = text.index(end, i) + len(end)
    out.write_text('<html><body style="margin:8px;font-family:DejaVu Sans">'
                   + text[i:j] + "</body></html>", encoding="utf-8")
    return out


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _planner("example", "federal-agency", str(work / "fa"))
        estate = str(work / "fa" / "estate.yaml")
        _planner("report", estate, "--kind", "summary", "--date", WHEN,
                 "-o", str(work / "summary.html"))
        _planner("report", estate, "--kind", "compliance", "--date", WHEN,
                 "-o", str(work / "compliance.html"))
        _shot(chromium, work / "summary.html", HERE / "executive.png", "1280,1500", work)
        _shot(chromium, _fragment(work / "summary.html", '<figure id="cost-chart">',
                                  "</figure>", work / "cost.html"),
              HERE / "cost-chart.png", "1020,400", work)
        _shot(chromium, _fragment(work / "compliance.html", '<svg xmlns="http://www.w3.org/'
                                  '2000/svg" class="chart map"', "</svg>", work / "map.html"),
              HERE / "site-map.png", "1240,500", work)


if __name__ == "__main__":
    main()
