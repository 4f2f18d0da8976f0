"""What a site runbook and the runbook index show, as plain data for their templates
(templates/runbook.md.j2 and runbook.html.j2 share one context; runbook-index.md.j2 the
index's): no model objects reach jinja, and neither rendering computes anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from planner.model import Estate, Mode
from planner.runbooks.carry import Trip
from planner.runbooks.change import BLANK, CHANGE_FIELDS, step_body, step_sources
from planner.runbooks.schedule import site_recurring
from planner.runbooks.types import DeviceRunbook, Step, StepKind

_TAG = {StepKind.PORTAL: "portal", StepKind.CARRY: "carry", StepKind.MANUAL: "MANUAL"}


def _step(step: Step, refs: dict[str, int]) -> dict[str, Any]:
    return {
        "title": step.title, "tag": _TAG.get(step.kind, step.context or "device"),
        "member": step.member, "body": step_body(step), "confirmed": step.confirmed,
        "verify": step.verify, "expect": step.expect, "note": step.note,
        "confirm": not step.confirmed or step.kind is StepKind.MANUAL,
        "ref": refs.get(step.source, 0) if step.source else 0,
    }


def site_context(estate: Estate, site_id: str, runbooks: list[DeviceRunbook],
                 trips: Iterable[Trip], generated: str | None) -> dict[str, Any]:
    """Plain data for the template: no model objects reach jinja."""
    site = estate.site(site_id)
    sources = step_sources(runbooks)
    refs = {src: n for n, src in enumerate(sources, 1)}
    trips = tuple(trips)
    fields = [*CHANGE_FIELDS, *(["Media-transfer approval for the carry trips"] if trips else [])]
    return {
        "site_id": site.id, "site_name": site.name, "estate": estate.name,
        "classification": site.classification, "internet": site.internet.value,
        "modes": ", ".join(sorted({rb.mode.value for rb in runbooks if rb.mode})) or "none",
        "servers": ", ".join(sorted({rb.server_site for rb in runbooks if rb.server_site}))
        or "none",
        "generated": generated or "", "change_fields": fields, "blank": BLANK,
        "pending": sum(len(rb.unconfirmed) for rb in runbooks),
        "devices": [{
            "hostname": rb.hostname, "pid": rb.pid, "serial": rb.serial,
            "version": rb.version or "?", "state": rb.state,
            "mode": rb.mode.value if rb.mode else "none", "members": len(rb.units) - 1,
            "platform": rb.platform or "manual", "pending": len(rb.unconfirmed),
            "anchor": f"d{n}",
            "steps": [_step(s, refs) for s in (*rb.prechecks, *rb.steps)],
            "rollback": [_step(s, refs) for s in rb.rollback],
        } for n, rb in enumerate(runbooks, 1)],
        "trips": [{"number": t.number, "purpose": t.purpose, "rows": [{
            "hostname": i.hostname, "member": i.member, "kind": i.kind, "item": i.item,
            "pick_up": i.pick_up, "deliver": i.deliver} for i in t.items]} for t in trips],
        "sources": sources,
        "recurring": [line[2:] for r in site_recurring(
            estate.costs, any(rb.mode is Mode.OFFLINE for rb in runbooks),
            any(i.kind == "onprem-sync-request" for t in trips for i in t.items))
            for line in r.lines()],
    }


def index_context(estate: Estate, runbooks: list[DeviceRunbook],
                  sites: list[dict[str, Any]], source: str,
                  generated: str | None) -> dict[str, Any]:
    """The runbook folder's README.md: one row a site, and the values the operator still has
    to supply (placeholders left in the command files)."""
    def placeholder(rb: DeviceRunbook, name: str) -> bool:
        return str(rb.variables.get(name) or "").startswith("<")

    return {
        "estate": estate.name, "source": source, "generated": generated or "", "sites": sites,
        "missing_urls": sorted({str(rb.server_site) for rb in runbooks
                                if rb.server_site and placeholder(rb, "server_url")}),
        "cslu": any(rb.variables.get("mode") == "cslu" and placeholder(rb, "server_url")
                    for rb in runbooks),
        "proxies": sorted({rb.site for rb in runbooks if placeholder(rb, "proxy")}),
        "sources": step_sources(runbooks),
    }
