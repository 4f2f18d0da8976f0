"""estate.yaml for a plan: one flow mapping per site, link and Virtual Account."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date

from planner.generate.plan import EstatePlan

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()&'-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _y(value: object) -> str:
    """One YAML scalar or flow sequence, quoted only when plain style would change its meaning."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_y(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(" ") \
            and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(pairs: Sequence[tuple[str, object]]) -> str:
    return "{" + ", ".join(f"{k}: {_y(v)}" for k, v in pairs) + "}"


def render_estate_yaml(plan: EstatePlan) -> str:
    acc = plan.account
    out = [f"# {line}".rstrip() for line in plan.header.splitlines()] if plan.header else []
    out += [f"name: {_y(plan.name)}", "account:", f"  name: {_y(acc.name)}",
            f"  domain: {_y(acc.domain)}", f"  holder: {acc.holder}",
            f"  slr_preapproved: {_y(acc.slr_preapproved)}",
            f"  plr_preapproved: {_y(acc.plr_preapproved)}",
            f"  export_authorised: {_y(acc.export_authorised)}", "virtual_accounts:"]
    for i, (name, desc) in enumerate(plan.virtual_accounts):
        pairs: list[tuple[str, object]] = [("name", name)]
        if i == 0:
            pairs.append(("default", True))
        pairs.append(("description", desc))
        out.append(f"  - {_flow(pairs)}")
    out.append("sites:")
    for s in plan.sites:
        pairs = [("id", s.id), ("name", s.name), ("classification", s.classification),
                 ("internet", str(s.internet))]
        if s.enclave:
            pairs.append(("enclave", s.enclave))
        if s.tags:
            pairs.append(("tags", list(s.tags)))
        out.append(f"  - {_flow(pairs)}")
    out.append("links:" if plan.links else "links: []")
    for link in plan.links:
        pairs = [("a", link.a), ("b", link.b)]
        if link.crosses_boundary:
            pairs.append(("crosses_boundary", True))
        out.append(f"  - {_flow(pairs)}")
    if plan.agreement:
        start, end = plan.agreement
        out.append(f"agreement: {_flow([('start', start), ('end', end)])}")
    if plan.extra_yaml:
        out.append(plan.extra_yaml.rstrip("\n"))
    out += ["inventory:", "  devices: [devices.csv]", "  entitlements: [entitlements.csv]"]
    extra: dict[str, list[str]] = {}
    for key, rel in plan.extra_inventory:
        extra.setdefault(key, []).append(rel)
    out += [f"  {key}: {_y(rels)}" for key, rels in sorted(extra.items())]
    return "\n".join(out) + "\n"
