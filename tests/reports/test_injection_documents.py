"""Hostile text in the input stays inert in every Markdown document rendered outside the report
kinds: the renewal brief and checklist, each site's runbook and the runbook index, the offline
cycle's schedule, trip README and custody form. The hostile estate names its account, sites,
Virtual Accounts and hostnames with `<script>`, `{{7*7}}`, `|`, `*`, `_`, `` ` `` and `[x](y)`;
here its air-gapped site also sits in a hostile enclave (the trips' crossing), holds a hostile
hostname, and its VA is short of a licence (a finding whose subject is the VA's name). The text of
commands inside code blocks and spans is shown as typed, so only the prose is read."""

from __future__ import annotations

import re
from datetime import date

import pytest

from planner.cycle.bundle import bundle_files
from planner.cycle.render import schedule_md
from planner.cycle.schedule import schedule_cycle
from planner.renewal import run_renewal
from planner.renewal.render import render_brief_md, render_checklist_md
from planner.reporting import load_reporting
from planner.runbooks import runbook_files
from planner.runbooks.planned import from_plan
from tests.reports.conftest import RENEWAL, SCRIPT, WHEN, Built, build, write_hostile
from tests.reports.structure import md_tables

FENCE = re.compile(r"^( *)(`{3,})\n.*?^\1\2$", re.DOTALL | re.MULTILINE)
SPAN = re.compile(r"(?<!\\)(`+)(?!`).*?(?<!`)\1(?!`)")


def documents(hostile: Built) -> dict[str, str]:
    when = date.fromisoformat(WHEN)
    brief = run_renewal(hostile.estate, reference=when, renewal=date.fromisoformat(RENEWAL))
    docs = {"renewal.md": render_brief_md(brief), "checklist.md": render_checklist_md(brief)}
    planned = from_plan(hostile.plan)
    docs.update({f"runbooks/{name}": text for name, text in
                 runbook_files(planned, generated=WHEN, html=False).items()
                 if name.endswith(".md") and isinstance(text, str)})
    schedule = schedule_cycle(planned, when, load_reporting())
    docs["schedule.md"] = schedule_md(schedule, hostile.estate.name)
    for trip in schedule.trips:
        files, _ = bundle_files(planned, schedule, trip)
        docs.update({f"{trip.id}/{name}": str(files[name]) for name in ("README.md", "custody.md")})
    return docs


ENCLAVE = "air|*{{7*7}}*_[x](y)"
HOSTNAME = "air_sw1|*x*<b>"


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = write_hostile(tmp_path_factory.mktemp("hostile-documents"))
    folder = path.parent
    text = path.read_text(encoding="utf-8")
    (folder / "estate.yaml").write_text(text.replace(
        "classification: ot, internet: none}",
        f"classification: ot, internet: none, enclave: {ENCLAVE!r}}}"), encoding="utf-8")
    devices = (folder / "devices.csv").read_text(encoding="utf-8")
    (folder / "devices.csv").write_text(devices.replace("air-sw1,", f'"{HOSTNAME}",'),
                                        encoding="utf-8")
    lines = (folder / "entitlements.csv").read_text(encoding="utf-8")
    (folder / "entitlements.csv").write_text(lines.replace("network-advantage,4,3,1",
                                                           "network-advantage,1,1,0"),
                                             encoding="utf-8")
    found = documents(build("hostile-documents", path))
    trips = [name for name in found if name.endswith("/custody.md")]
    assert trips and any(name.startswith("runbooks/") for name in found)
    assert "NET" in found["checklist.md"] and r"\[x\](y)" in found["checklist.md"]
    assert r"air\|\*\{\{7\*7\}\}\*" in found[trips[0]]  # the crossing, escaped
    return found


SOURCE = re.compile(r"^(?:\d+\.|-) .*<https://[^>]+>$", re.MULTILINE)


def prose(text: str) -> str:
    """`text` without its code blocks and code spans (commands, shown as typed) and without
    its list of cited sources (the command catalogue's own titles, not input)."""
    return SOURCE.sub("", SPAN.sub("", FENCE.sub("", text)))


def test_no_raw_html_or_live_link(docs: dict[str, str]) -> None:
    for name, text in docs.items():
        shown = prose(text)
        assert SCRIPT not in shown and "<script" not in shown.lower(), name
        assert re.search(r"<[A-Za-z/!?]", shown) is None, name
        assert "](" not in shown.replace(r"\](", ""), name
        assert "{{7*7}}" not in shown and "49" not in re.findall(r"Acme (\S+)", shown), name


def test_input_never_breaks_a_table(docs: dict[str, str]) -> None:
    for name, text in docs.items():
        for table in md_tables(prose(text)):
            assert {len(row) for row in table} == {len(table[0])}, (name, table[0])


def test_input_never_starts_a_line(docs: dict[str, str]) -> None:
    """Headings and list items come from the template: none begins with a character of the
    input's own markup (an escaped `#`, `*`, `|`, `[` starts with a backslash)."""
    for name, text in docs.items():
        for line in prose(text).splitlines():
            assert not line.startswith(("<", "{{", "*bold")), (name, line)
