"""Cisco ordering part numbers for purchases: models/parts.yaml, by licence and platform.

A purchase line names the part numbers of the platforms that need the licence in its Virtual
Account; where the table knows none, the line says so rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from planner.fileio import read_text
from planner.model_yaml import safe_load
from planner.resources import models_dir


@dataclass(frozen=True, slots=True)
class Part:
    licence: str
    pid_prefix: str
    part: str
    term_years: int  # 0 for a perpetual SKU
    assumed: bool  # follows the naming pattern; check in Cisco Commerce before ordering


@cache
def load_parts() -> tuple[Part, ...]:
    """The table, longest PID prefix first so the most specific entry wins."""
    doc = safe_load(read_text(models_dir() / "parts.yaml"))
    out = []
    for i, raw in enumerate(doc["parts"]):
        assumed = bool(raw.get("assumption", False))
        if not (raw.get("source") or (assumed and raw.get("reason"))):
            raise ValueError(f"models/parts.yaml entry {i + 1}: needs a source, or "
                             "assumption: true with a reason")
        out.append(Part(str(raw["licence"]), str(raw["pid_prefix"]).upper(), str(raw["part"]),
                        int(raw.get("term_years", 0)), assumed))
    return tuple(sorted(out, key=lambda p: (-len(p.pid_prefix), p.licence, p.part)))


def part_for(licence: str, pid: str) -> Part | None:
    upper = pid.upper()
    for part in load_parts():
        if part.licence == licence and upper.startswith(part.pid_prefix):
            return part
    return None


def part_numbers(licence: str, pids: Iterable[str]) -> tuple[str, ...]:
    """The distinct part numbers for these platforms ('*' marks an assumed one), sorted."""
    found = {f"{p.part}{'*' if p.assumed else ''}" for pid in pids
             if (p := part_for(licence, pid)) is not None}
    return tuple(sorted(found))
