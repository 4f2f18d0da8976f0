"""Runbook outputs, rendered in memory: a Markdown and an HTML runbook and a carry list per site,
a command file per device, ansible-vars.yml and an index; same plan, same bytes. The Markdown and
HTML documents come from templates (runbook.md.j2, runbook.html.j2, runbook-index.md.j2; a
`--templates` folder overrides any of them by name) over the context of
planner.runbooks.document."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from planner.encode import one_line
from planner.model import Estate
from planner.output import MANIFEST
from planner.reports.render import environment, render_in
from planner.runbooks.ansible import ansible_project
from planner.runbooks.carry import Trip, carry_csv
from planner.runbooks.change import step_body
from planner.runbooks.document import index_context, site_context
from planner.runbooks.types import DeviceRunbook, StepKind
from planner.safe_names import file_names


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


MARKDOWN = "runbook.md.j2"
HTML = "runbook.html.j2"
INDEX = "runbook-index.md.j2"


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
    `templates`: a folder whose runbook.md.j2, runbook.html.j2 or runbook-index.md.j2 replaces
    the built-in one)."""
    by_site: dict[str, list[DeviceRunbook]] = defaultdict(list)
    for rb in runbooks:
        by_site[rb.site].append(rb)
    files: dict[str, str | bytes] = {"ansible-vars.yml": ansible_vars(runbooks)}
    project = ansible_project(runbooks, generated, {s.id: s.name for s in estate.sites})
    files.update({f"ansible/{path}": text for path, text in project.items()})
    index_rows: list[dict[str, object]] = []
    env = environment(templates)
    site_ids = sorted(set(by_site) | set(trips))
    folders = site_folders(site_ids)
    for site_id in site_ids:
        rbs = by_site.get(site_id, [])
        stem = folders[site_id]
        site_trips = trips.get(site_id, ())
        context = site_context(estate, site_id, rbs, site_trips, generated)
        files[f"{stem}/runbook.md"] = render_in(env, MARKDOWN, s=context)
        if html:
            files[f"{stem}/runbook.html"] = render_in(env, HTML, s=context)
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
        index_rows.append({"site": site_id, "devices": len(rbs),
                           "modes": ", ".join(f"{m} {n}" for m, n in sorted(modes.items())),
                           "trips": len(site_trips),
                           "pending": sum(len(rb.unconfirmed) for rb in rbs),
                           "path": f"{stem}/runbook.md"})
    files["README.md"] = render_in(env, INDEX, x=index_context(estate, runbooks, index_rows,
                                                               source, generated))
    return files
