"""Every fact in models/*.yaml carries its source (a Cisco document and section, or address) or
`assumption: true` with a reason; nothing a user sees cites a file users do not have."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.resources import models_dir

MODELS = models_dir()
FORBIDDEN = ("domain.md", "../shared", "shared/realdata")
# Where each file keeps its entries (a mapping of id -> entry, or a list of entries).
CONTAINERS = {
    "products.yaml": ("families",),
    "licences.yaml": ("licences", "tier_rules", "pairing"),
    "modes.yaml": ("modes",),
    "costs.yaml": ("costs",),
    "policies.yaml": ("policies",),
    "reporting.yaml": ("policies", "schedule", "onprem"),
}


def missing_sources(doc: dict[str, Any], containers: tuple[str, ...]) -> list[str]:
    """The entries of `doc` with neither a source nor a reasoned assumption."""
    bad = []
    for key in containers:
        entries = doc.get(key)
        items = entries.items() if isinstance(entries, dict) else enumerate(entries or ())
        for name, entry in items:
            if not isinstance(entry, dict):
                bad.append(f"{key}.{name}: not a mapping")
                continue
            source = str(entry.get("source") or "").strip()
            reason = str(entry.get("reason") or "").strip()
            assumed = entry.get("assumption") is True
            # The older form "ASSUMPTION: <reason>" inside `source` is a reasoned assumption too.
            inline = source.upper().startswith("ASSUMPTION")
            if assumed and len(reason) < 10:
                bad.append(f"{key}.{name}: assumption without a reason")
            elif not assumed and (not source or (inline and len(source) < len("ASSUMPTION: ")
                                                 + 10)):
                bad.append(f"{key}.{name}: no source")
    return bad


@pytest.mark.parametrize("name", sorted(CONTAINERS))
def test_every_entry_has_a_source_or_a_reasoned_assumption(name: str) -> None:
    doc = yaml.safe_load((MODELS / name).read_text(encoding="utf-8"))
    assert missing_sources(doc, CONTAINERS[name]) == []


def test_the_check_fails_on_an_entry_without_a_source() -> None:
    doc = {"families": {"X": {"name": "x"}, "Y": {"assumption": True},
                        "Z": {"source": "ASSUMPTION"}, "OK": {"source": "Cisco guide, §2"}}}
    assert missing_sources(doc, ("families",)) == [
        "families.X: no source", "families.Y: assumption without a reason",
        "families.Z: no source"]


def test_controls_and_commands_are_sourced() -> None:
    controls = yaml.safe_load((MODELS / "controls.yaml").read_text(encoding="utf-8"))
    assert "NIST SP 800-53" in controls["source"]
    assert "CM-10" in {c["id"] for c in controls["controls"]}
    commands = yaml.safe_load((MODELS / "commands.yaml").read_text(encoding="utf-8"))
    for sid, src in commands["sources"].items():
        assert src.get("title") and src.get("url"), sid
    for pid, platform in commands["platforms"].items():
        for step, cmd in platform["commands"].items():
            assert cmd["source"] in commands["sources"], (pid, step)
            assert cmd["confirmed"] or cmd.get("reason"), (pid, step)


@pytest.mark.parametrize("path", sorted(p.name for p in MODELS.glob("*.y*ml")))
def test_no_model_file_cites_a_file_users_do_not_have(path: str) -> None:
    text = (MODELS / path).read_text(encoding="utf-8")
    assert not [f for f in FORBIDDEN if f in text], path


def test_docs_and_templates_cite_no_file_users_do_not_have() -> None:
    root = Path(__file__).resolve().parents[2]
    for folder in ("docs", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                assert "domain.md" not in text, path
    assert (root / "docs" / "licensing-facts.md").is_file()
