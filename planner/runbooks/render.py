"""Runbook outputs, rendered in memory: a Markdown runbook and carry list per site, a command file
per device, ansible-vars.yml and an index; same plan, same bytes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from planner.encode import code_span, fence, one_line
from planner.model import Estate, Mode
from planner.output import MANIFEST
from planner.runbooks.ansible import ansible_project
from planner.runbooks.carry import Trip, carry_csv
from planner.runbooks.change import BLANK, CHANGE_FIELDS, step_body, step_sources
from planner.runbooks.schedule import site_recurring
from planner.runbooks.types import DeviceRunbook, Step, StepKind
from planner.safe_names import file_names


def _md_cell(value: object) -> str:
    """A table cell or heading text: input text (a hostname, a site name) never becomes markup."""
    from planner.reports.render import md_escape

    return md_escape(value)


def _table(header: Iterable[str], rows: Iterable[Iterable[object]],
           escape: bool = True) -> list[str]:
    head = list(header)
    cell = _md_cell if escape else str
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def _step_md(number: int, step: Step, refs: Mapping[str, int]) -> list[str]:
    tag = {StepKind.DEVICE: step.context or "device", StepKind.PORTAL: "portal",
           StepKind.CARRY: "carry", StepKind.MANUAL: "MANUAL"}[step.kind]
    member = f" \\[{_md_cell(step.member)}\\]" if step.member else ""
    out = [f"{number}. **{_md_cell(step.title)}** ({tag}){member}"]
    body = step_body(step)
    if body:
        out += fence(body, "   ")
    if step.verify:
        out.append(f"   - Verify: {code_span(step.verify)}; must show: {_md_cell(step.expect)}")
    elif step.expect:
        out.append(f"   - Expect: {_md_cell(step.expect)}")
    if step.note:
        prefix = "**CONFIRM BEFORE THE WINDOW:** " if (not step.confirmed or
                                                      step.kind is StepKind.MANUAL) else ""
        out.append(f"   - {prefix}{_md_cell(step.note)}")
    if step.source:
        out.append(f"   - Source: [{refs[step.source]}]")
    return out


def device_text(rb: DeviceRunbook) -> str:
    """The plain-text command file for one device; unconfirmed lines stay commented out."""
    mode = rb.mode.value if rb.mode else "none"
    out = [f"! planner runbook: {rb.hostname} ({rb.pid} {rb.serial}), site {rb.site}",
           f"! planned mode: {mode}; platform: {rb.platform or 'none (manual)'}",
           "! Lines prefixed '! UNCONFIRMED' are not confirmed in a Cisco source: confirm them",
           "! in the named document before use. Portal, carry and manual steps are comments.",
           "!"]
    sections = (("pre-check", rb.prechecks), ("step", rb.steps), ("rollback", rb.rollback))
    # Input text (a hostname, a Virtual Account, a licence tag) reaches comment lines too: each
    # line goes out as exactly one line, so nothing from the input can start a bare command.
    for label, steps in sections:
        for n, step in enumerate(steps, 1):
            member = f" [{step.member}]" if step.member else ""
            out.append(f"! --- {label} {n}: {step.title}{member}")
            if step.kind is not StepKind.DEVICE or not step.lines:
                if step.note:
                    out.append(f"! {step.kind.value.upper()}: {step.note}")
            else:
                if not step.confirmed:
                    out.append(f"! UNCONFIRMED ({step.note})")
                out += step_body(step)
            if step.verify:
                out.append(f"! verify: {step.verify} -> must show: {step.expect}")
            if step.source:  # the URL only: README.md and runbook.md give the titles
                url = step.source.rsplit("<", 1)[-1].rstrip(">")
                out.append(f"! source: {url}")
    return "\n".join(one_line(line) for line in out) + "\n"


def site_markdown(estate: Estate, site_id: str, runbooks: list[DeviceRunbook],
                  trips: tuple[Trip, ...], generated: str | None) -> str:
    site = estate.site(site_id)
    modes = sorted({rb.mode.value for rb in runbooks if rb.mode})
    servers = sorted({rb.server_site for rb in runbooks if rb.server_site})
    pending = sum(len(rb.unconfirmed) for rb in runbooks)
    sources = step_sources(runbooks)
    refs = {src: n for n, src in enumerate(sources, 1)}
    out = [f"# Licensing change runbook: {_md_cell(site.name)} ({_md_cell(site.id)})", "",
           f"Estate: {_md_cell(estate.name)}. Classification: {site.classification}. Internet: "
           f"{site.internet.value}. Planned modes: {', '.join(modes) or 'none'}. "
           f"SSM On-Prem server site: {', '.join(servers) or 'none'}."]
    if generated:
        out.append(f"Generated: {generated}.")
    out += ["", "## Change record", ""]
    fields = list(CHANGE_FIELDS)
    if trips:
        fields.append("Media-transfer approval for the carry trips")
    out += _table(("Field", "Value"), ((f, BLANK) for f in fields), escape=False)
    out += ["", f"Devices: {len(runbooks)}. Steps to confirm or obtain before the window: "
            f"{pending} (marked CONFIRM BEFORE THE WINDOW below).", "", "## Devices", ""]
    out += _table(("Hostname", "PID", "Serial", "Version", "Today", "Planned mode", "Members",
                   "Platform", "To confirm"),
                  ((rb.hostname, rb.pid, rb.serial, rb.version or "?", rb.state,
                    rb.mode.value if rb.mode else "none",
                    len(rb.units) - 1,
                    rb.platform or "manual", len(rb.unconfirmed)) for rb in runbooks))
    out += ["", "## Steps per device", ""]
    for rb in runbooks:
        mode = rb.mode.value if rb.mode else "none"
        out += [f"### {_md_cell(rb.hostname)} ({_md_cell(rb.pid)} {_md_cell(rb.serial)}): "
                f"{rb.state} -> {mode}", ""]
        for n, step in enumerate((*rb.prechecks, *rb.steps), 1):
            out += _step_md(n, step, refs)
        out.append("")
    if trips:
        out += ["## Carry trips across the boundary", ""]
        for trip in trips:
            out += [f"### Trip {trip.number} ({trip.purpose})", ""]
            out += _table(("Device", "Member", "Kind", "Item", "Pick up", "Deliver"),
                          ((i.hostname, i.member or "-", i.kind, i.item, i.pick_up, i.deliver)
                           for i in trip.items))
            out.append("")
    recurring = site_recurring(estate.costs, any(rb.mode is Mode.OFFLINE for rb in runbooks),
                               any(t.kind == "onprem-sync-request" for trip in trips
                                   for t in trip.items))
    if recurring:
        out += ["## Recurring round trips", ""]
        out += [line for r in recurring for line in r.lines()]
        out.append("")
    out += ["## Rollback", ""]
    for rb in runbooks:
        if not rb.rollback:
            continue
        out += [f"### {_md_cell(rb.hostname)}", ""]
        for n, step in enumerate(rb.rollback, 1):
            out += _step_md(n, step, refs)
        out.append("")
    out += ["## Sources", ""]
    out += [f"{n}. {src}" for src, n in refs.items()] or ["none"]
    return "\n".join(out) + "\n"


def ansible_vars(runbooks: Iterable[DeviceRunbook]) -> str:
    """ansible-vars.yml: one entry per hostname (host_vars style), keys sorted.

    Written by hand rather than by a YAML emitter (half a minute at 3,000 devices): block
    mappings down to each variable, each value as JSON, which YAML reads as a flow scalar,
    sequence or mapping. The tests load it back with yaml.safe_load.
    """
    hosts: dict[str, dict[str, object]] = {}
    for rb in runbooks:
        key = rb.hostname if rb.hostname not in hosts else f"{rb.hostname}@{rb.serial}"
        hosts[key] = {**rb.variables, "unconfirmed_steps": [s.title for s in rb.unconfirmed]}
    out = ["# Per-device licensing variables for an Ansible playbook (planner runbook).",
           "planner_runbook:", '  schema: "planner.runbook-vars/1"', "  hosts:"]
    for host in sorted(hosts):
        out.append(f"    {json.dumps(host, ensure_ascii=False)}:")
        for name, value in sorted(hosts[host].items()):
            out.append(f"      {name}: {json.dumps(value, sort_keys=True, ensure_ascii=False)}")
    return "\n".join(out) + "\n"


def site_folders(site_ids: Iterable[str]) -> dict[str, str]:
    """Each site's folder name: safe, bounded, distinct, clear of the files at the top."""
    return file_names(site_ids, reserved=("README.md", "ansible-vars.yml", "ansible",
                                          MANIFEST))


def render_files(estate: Estate, runbooks: list[DeviceRunbook],
                 trips: Mapping[str, tuple[Trip, ...]], source: str,
                 generated: str | None = None, html: bool = True,
                 templates: Path | None = None) -> dict[str, str | bytes]:
    """Every runbook file: relative path -> content (runbook.html too unless `html` is off;
    `templates`: a folder whose runbook.html.j2 replaces the built-in one)."""
    by_site: dict[str, list[DeviceRunbook]] = defaultdict(list)
    for rb in runbooks:
        by_site[rb.site].append(rb)
    files: dict[str, str | bytes] = {"ansible-vars.yml": ansible_vars(runbooks)}
    project = ansible_project(runbooks, generated, {s.id: s.name for s in estate.sites})
    files.update({f"ansible/{path}": text for path, text in project.items()})
    index_rows = []
    site_ids = sorted(set(by_site) | set(trips))
    folders = site_folders(site_ids)
    for site_id in site_ids:
        rbs = by_site.get(site_id, [])
        stem = folders[site_id]
        site_trips = trips.get(site_id, ())
        files[f"{stem}/runbook.md"] = site_markdown(estate, site_id, rbs, site_trips, generated)
        if html:
            from planner.runbooks.html import site_html  # jinja2 only when HTML is asked for

            files[f"{stem}/runbook.html"] = site_html(estate, site_id, rbs, site_trips, generated,
                                                      templates)
        seen = Counter(rb.hostname for rb in rbs)
        keys = [rb.hostname if seen[rb.hostname] == 1 else f"{rb.hostname}_{rb.serial}"
                for rb in rbs]
        names = file_names(keys, suffix=".txt", reserved=("runbook.md", "runbook.html",
                                                          "carry.csv"))
        for rb, key in zip(rbs, keys, strict=True):
            files[f"{stem}/{names[key]}"] = device_text(rb)
        if site_trips:
            files[f"{stem}/carry.csv"] = carry_csv(site_trips)
        modes = Counter(rb.mode.value if rb.mode else "none" for rb in rbs)
        index_rows.append((site_id, len(rbs), ", ".join(f"{m} {n}" for m, n in
                                                        sorted(modes.items())),
                           len(site_trips), sum(len(rb.unconfirmed) for rb in rbs),
                           f"{stem}/runbook.md"))
    index = [f"# Licensing runbooks: {_md_cell(estate.name)}", "", f"Plan: {_md_cell(source)}."]
    if generated:
        index.append(f"Generated: {generated}.")
    index += ["", "One folder per site: runbook.md and runbook.html (change record, steps, carry "
              "trips, rollback), "
              "one command file per device, carry.csv when files cross the boundary. "
              "ansible-vars.yml holds the per-device variables; ansible/ is a runnable Ansible "
              "project (inventory, host_vars and group_vars, a playbook per mode: check mode "
              "first, manual steps as pauses; see ansible/playbooks/).", ""]
    index += _table(("Site", "Devices", "Modes", "Carry trips", "To confirm", "Runbook"),
                    index_rows)
    missing = sorted({str(rb.server_site) for rb in runbooks if rb.server_site
                      and str(rb.variables.get("server_url") or "").startswith("<")})
    cslu = any(rb.variables.get("mode") == "cslu" and
               str(rb.variables.get("server_url") or "").startswith("<") for rb in runbooks)
    proxy = sorted({rb.site for rb in runbooks
                    if str(rb.variables.get("proxy") or "").startswith("<")})
    supply = []
    if missing:
        supply.append("- SSM On-Prem transport URL of the server at: "
                      f"{', '.join(_md_cell(m) for m in missing)} (copy it from the On-Prem UI; "
                      "`--server-url SITE=URL`)")
    if cslu:
        supply.append("- the CSLU URL (`--cslu-url`)")
    if proxy:
        supply.append(f"- the HTTPS proxy of {', '.join(_md_cell(p) for p in proxy)} "
                      "(`--proxy HOST:PORT`)")
    if supply:
        index += ["", "## Values still to supply", "",
                  "Rerun with these options, or edit the command files:", "", *supply]
    index += ["", "## Sources", ""] + [f"- {s}" for s in step_sources(runbooks)]
    files["README.md"] = "\n".join(index) + "\n"
    return files
