"""Hostile values reaching outputs: each context encodes them, for every value, by mechanism.

Command files: no input can start a line of its own (a Virtual Account or licence tag with line
breaks never yields a bare `write erase` / `reload`). Markdown: no input closes a code block or
becomes HTML. XML: control characters never make GraphML invalid. JSON: never NaN/Infinity.
File names: safe, bounded, distinct on case-insensitive filesystems, clear of the planner's own.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.encode import UnsafeValue, cli_value, code_span, fence, json_safe, one_line, xml_text
from planner.graph import export_graph
from planner.loader import load_estate
from planner.optimise import plan_estate
from planner.runbooks import runbook_files
from planner.runbooks.planned import from_plan
from planner.runbooks.render import device_text
from planner.runbooks.types import DeviceRunbook, Step, StepKind
from planner.safe_names import MAX_NAME_BYTES, file_names
from planner.writers.plan_files import render_plan_files

from ._outkit import DATE, run, write_estate

INJECTED = ("write erase", "reload")
# Files whose lines an operator may paste: command files, Markdown runbooks, Ansible variables
# (CSV quotes a multi-line cell, which is that format's own encoding).
PASTED = (".txt", ".md", ".yml")
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
hostile_text = st.lists(st.sampled_from(
    ["a", "B", " ", "`", "<", ">", "!", '"', "\\", "|", "#", "\t", "\x00", "\x1b", "\u202e",
     *BREAKS, "write erase", "reload", "```", "é"]), max_size=12).map("".join)


@pytest.fixture(scope="module")
def estate_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 60 devices over 12 sites: air-gapped sites reserve (SLR), so tags reach the runbooks.
    return write_estate(tmp_path_factory.mktemp("enc"), devices=60, sites=12, seed=3)


def _bare_commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() in INJECTED]


# --- command files ------------------------------------------------------------------------------

@given(hostile_text)
def test_one_line_is_always_one_line(text: str) -> None:
    line = one_line(text)
    assert len(line.splitlines()) <= 1 and "\x00" not in line and "\x1b" not in line
    assert one_line(line) == line


@given(hostile_text, hostile_text)
@settings(max_examples=200)
def test_a_device_command_file_never_gains_a_line(title: str, note: str) -> None:
    rb = DeviceRunbook(
        hostname=f"sw{note}", pid="C9300-24T", serial=f"FOC{title}", site=f"S{title}",
        virtual_account=note, family="c9300", version="17.9.4", state="smart", mode=None,
        platform="", server_site=None, units=("u",), prechecks=(),
        steps=(Step(title=title, kind=StepKind.PORTAL, note=note, member=title),
               Step(title=title, kind=StepKind.DEVICE, context="config", confirmed=False,
                    note=note, lines=("license smart transport off",), verify=note,
                    expect=title)),
        rollback=(), carry=(), variables={})
    text = device_text(rb)
    assert not _bare_commands(text)
    lines = text.splitlines()
    commands = [line for line in lines if not line.startswith("!")]
    assert commands == [], commands  # the only device step is unconfirmed: all commented


@given(hostile_text)
def test_cli_values_are_refused_or_one_quoted_token(value: str) -> None:
    try:
        out = cli_value(value, "v")
    except UnsafeValue as exc:
        assert "single-line printable" in str(exc)
        return
    assert len(out.splitlines()) <= 1
    if not (value.startswith("<") and value.endswith(">")):
        assert " " not in out or (out.startswith('"') and out.endswith('"'))


def test_a_tampered_plan_json_tag_never_yields_a_bare_command(estate_path: Path,
                                                             tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    assert run("plan", str(estate_path), "-o", str(plan_dir), "--date", DATE).exit_code == 0
    doc = json.loads((plan_dir / "plan.json").read_text())
    tampered = 0
    for res in doc.get("reservations") or []:
        for lic in res.get("licences") or []:
            lic["tag"] = lic["tag"] + "\nwrite erase\nreload\n"
            tampered += 1
    for server in doc.get("servers") or []:
        for account in server.get("local_accounts") or []:
            account["virtual_account"] += "\r\nwrite erase\n"
            tampered += 1
    assert tampered, "the estate reserves something, so the tag reaches the runbooks"
    (plan_dir / "plan.json").write_text(json.dumps(doc))
    out = tmp_path / "rb"
    result = run("runbook", str(estate_path), "--plan", str(plan_dir / "plan.json"),
                 "-o", str(out), "--date", DATE)
    assert "Traceback" not in result.output and result.exit_code in (0, 2), result.output
    for path in out.rglob("*"):
        if path.suffix in PASTED:
            assert not _bare_commands(path.read_text(encoding="utf-8")), path


def test_a_virtual_account_with_line_breaks_never_yields_a_bare_command(
        estate_path: Path) -> None:
    loaded = load_estate(estate_path).estate
    va = loaded.devices[0].virtual_account
    evil = f"{va}\nwrite erase\nreload"
    estate = replace(loaded, devices=tuple(replace(d, virtual_account=evil)
                                           if d.virtual_account == va else d
                                           for d in loaded.devices))
    try:
        files = runbook_files(from_plan(plan_estate(estate)), html=False)
    except Exception as exc:  # refusing is allowed, but only as a clear input error
        assert type(exc).__name__ == "InputError", exc
        assert "single-line printable" in str(exc)
        return
    for name, text in files.items():
        if Path(name).suffix in PASTED:
            assert not _bare_commands(str(text)), name


# --- Markdown -----------------------------------------------------------------------------------

@given(st.lists(hostile_text, max_size=4))
def test_no_input_closes_a_fenced_block(lines: list[str]) -> None:
    block = fence(lines)
    ticks = block[0]
    assert block[-1] == ticks
    assert all(not line.startswith(ticks) for line in block[1:-1])


@given(hostile_text)
def test_code_spans_hold_their_text(text: str) -> None:
    span = code_span(text)
    ticks = re.match(r"`+", span)
    assert ticks is not None and span.endswith(ticks.group())
    assert ticks.group() not in span[len(ticks.group()):-len(ticks.group())]


def test_raw_html_never_reaches_runbook_markdown(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    devices = estate.parent / "devices.csv"
    rows = devices.read_text().splitlines()
    rows[1] = "<img src=x onerror=alert(1)>```" + rows[1][rows[1].index(","):]
    devices.write_text("\n".join(rows) + "\n")
    out = tmp_path / "rb"
    result = run("runbook", str(estate), "-o", str(out), "--date", DATE, "--no-html")
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
    for path in out.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "<img" not in text, path
        assert text.count("```") % 2 == 0 or "````" in text, path


# --- XML and JSON -------------------------------------------------------------------------------

def test_control_characters_never_make_graphml_invalid(estate_path: Path) -> None:
    loaded = load_estate(estate_path).estate
    hostile = "HQ\x01\x0b\x1f\ufffe\u2028"
    estate = replace(loaded, name=f"est\x02{hostile}", sites=tuple(
        replace(s, name=f"{s.name}{hostile}") for s in loaded.sites))
    text = export_graph(estate, "graphml")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag.endswith("graphml")
    assert "\\x01" in text  # the character is shown, not silently lost
    for fmt in ("dot", "json"):
        assert "\x01" not in export_graph(estate, fmt)


@given(st.text(max_size=20))
def test_xml_text_is_always_xml(text: str) -> None:
    ET.fromstring(f"<a>{xml_text(text).replace('&', '&amp;').replace('<', '&lt;')}</a>")


def _strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_plan_json_never_holds_nan_or_infinity(estate_path: Path, bad: float) -> None:
    plan = plan_estate(load_estate(estate_path).estate)
    files = render_plan_files(replace(plan, gap=bad, gap_money=bad))
    doc = _strict_json(str(files["plan.json"]))
    assert isinstance(doc, dict) and doc["gap"] is None and doc["gap_money"] is None
    assert "nan%" not in str(files["summary.txt"]) and "inf%" not in str(files["summary.txt"])


def test_json_safe_reaches_every_depth() -> None:
    doc = {"a": [1.0, math.inf, {"b": (math.nan, 2)}], "c": -math.inf}
    assert json_safe(doc) == {"a": [1.0, None, {"b": [None, 2]}], "c": None}


# --- file names ---------------------------------------------------------------------------------

SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


@given(st.lists(st.text(min_size=0, max_size=300), max_size=12),
       st.sampled_from(["", ".txt", ".slr.csv"]))
@settings(max_examples=300)
def test_file_names_are_safe_bounded_and_distinct(names: list[str], suffix: str) -> None:
    reserved = ("README.md", "ansible-vars.yml", "runbook.md")
    out = file_names(names, suffix=suffix, reserved=reserved)
    assert set(out) == set(names)
    values = list(out.values())
    folded = [v.casefold() for v in values]
    assert len(set(folded)) == len(folded), out
    assert not set(folded) & {r.casefold() for r in reserved}
    for value in values:
        assert SAFE_NAME.fullmatch(value) and len(value.encode()) <= MAX_NAME_BYTES, value
        assert value.endswith(suffix) and value.split(".")[0].casefold() not in {"con", "nul"}
    assert file_names(list(reversed(names)), suffix=suffix, reserved=reserved) == out


def test_hostile_site_ids_and_hostnames_become_safe_files(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e", devices=12, sites=3, seed=9)
    text = estate.read_text()
    sites = re.findall(r"\{id: ([^,\s}]+)", text)
    assert len(sites) >= 3, text
    renames = {sites[0]: "README.md", sites[1]: "../x", sites[2]: "CON"}
    for old, new in renames.items():
        text = re.sub(rf"\b{re.escape(old)}\b", json.dumps(new) if "/" in new else new, text)
    estate.write_text(text)
    devices = estate.parent / "devices.csv"
    rows = devices.read_text()
    for old, new in renames.items():
        rows = re.sub(rf",{re.escape(old)},", f",{new},", rows)
    lines = rows.splitlines()
    lines[1] = "h" * 248 + lines[1][lines[1].index(","):]
    devices.write_text("\n".join(lines) + "\n")
    out = tmp_path / "rb"
    result = run("runbook", str(estate), "-o", str(out), "--date", DATE, "--no-html")
    assert result.exit_code == 0, result.output
    assert (out / "README.md").is_file() and (out / "README.md").read_text().startswith("#")
    assert not (tmp_path / "x").exists()
    for path in out.rglob("*"):
        assert len(path.name.encode()) <= MAX_NAME_BYTES and path.resolve().is_relative_to(out)
    long_files = [p for p in out.rglob("*.txt") if p.name.startswith("hhhh")]
    assert len(long_files) == 1 and "h" * 248 in long_files[0].read_text()
