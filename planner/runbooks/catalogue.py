"""The device command catalogue (models/commands.yaml), loaded and validated: every command names
its Cisco source, and a platform is picked by family, OS, software range and SLUP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from planner.catalogue import ProductFamily, version_key
from planner.model_yaml import safe_load
from planner.resources import models_dir

CONTEXTS = ("config", "exec")
REQUIRED = ("context", "lines", "verify", "expect", "source", "confirmed")


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str

    def __str__(self) -> str:
        return f"{self.title} <{self.url}>"


@dataclass(frozen=True, slots=True)
class Command:
    """One licensing step on one platform: CLI lines, how to verify, where it is documented."""

    step: str
    context: str  # "config" (global configuration mode) or "exec" (privileged EXEC)
    lines: tuple[str, ...]
    verify: str
    expect: str
    source: Source
    confirmed: bool
    reason: str = ""  # why the text is not confirmed (required when confirmed is false)
    evidence: str = ""  # what confirms it beyond the source, when anything does


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    os: str
    families: tuple[str, ...]  # empty: every family of `os`
    slup: bool
    min_version: str
    max_version: str  # exclusive; "" for no upper bound
    commands: Mapping[str, Command]
    guide: Source  # where to obtain a step this platform has no confirmed command for

    def covers_version(self, version: str) -> bool:
        key = version_key(version)
        if not key:
            return False
        if key < version_key(self.min_version):
            return False
        return not (self.max_version and key >= version_key(self.max_version))


@dataclass(frozen=True, slots=True)
class NoCli:
    """A family whose licensing is set outside the device CLI (a management GUI)."""

    family: str
    reason: str
    source: Source


@dataclass(frozen=True, slots=True)
class CommandCatalogue:
    version: str
    sources: Mapping[str, Source]
    platforms: tuple[Platform, ...]
    no_cli: Mapping[str, NoCli]

    def platform_for(self, family: ProductFamily | None, version: str,
                     slup: bool | None) -> Platform | None:
        """The platform whose commands apply, or None when nothing known covers the device.

        A platform naming the family wins over one that covers the whole OS. The software version
        must fall in the platform's range; when the version is unknown but the licensing era is
        (the device reports SLUP), the era alone picks the platform.
        """
        if family is None or slup is None:
            return None
        ranked = sorted(self.platforms, key=lambda p: (0 if p.families else 1, p.id))
        for platform in ranked:
            # A platform with no `os` covers exactly the families it lists, whatever their os.
            if (platform.os or family.os) != family.os or platform.slup is not slup:
                continue
            if not platform.os and family.id not in platform.families:
                continue
            if platform.families and family.id not in platform.families:
                continue
            if version and not platform.covers_version(version):
                continue
            return platform
        return None


def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"{where}: {message}")


def _sources(raw: Any, where: str) -> dict[str, Source]:
    if not isinstance(raw, dict) or not raw:
        raise _fail(where, "'sources' must be a non-empty mapping")
    out: dict[str, Source] = {}
    for sid, entry in sorted(raw.items()):
        title = str((entry or {}).get("title", "")).strip()
        url = str((entry or {}).get("url", "")).strip()
        if not title or not url:
            raise _fail(f"{where}: sources.{sid}", "a source needs a title and a url")
        out[str(sid)] = Source(str(sid), title, url)
    return out


def _command(step: str, raw: Any, sources: Mapping[str, Source], where: str) -> Command:
    if not isinstance(raw, dict):
        raise _fail(where, "a command must be a mapping")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise _fail(where, f"missing {', '.join(missing)} (every command names its source)")
    source_id = str(raw["source"] or "").strip()
    if source_id not in sources:
        raise _fail(where, f"source {source_id!r} is not listed under 'sources'")
    context = str(raw["context"])
    if context not in CONTEXTS:
        raise _fail(where, f"context {context!r}: expected one of {', '.join(CONTEXTS)}")
    lines = raw["lines"]
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise _fail(where, "lines must be a list of strings")
    confirmed = raw["confirmed"]
    if not isinstance(confirmed, bool):
        raise _fail(where, "confirmed must be true or false")
    reason = str(raw.get("reason", "") or "").strip()
    if not confirmed and not reason:
        raise _fail(where, "an unconfirmed command must say why (reason)")
    return Command(step=step, context=context, lines=tuple(lines), verify=str(raw["verify"]),
                   expect=str(raw["expect"]), source=sources[source_id], confirmed=confirmed,
                   reason=reason, evidence=str(raw.get("evidence", "") or "").strip())


def parse_catalogue(doc: Any, where: str = "commands.yaml") -> CommandCatalogue:
    """Validate a loaded commands.yaml document; ValueError names the YAML path at fault."""
    if not isinstance(doc, dict):
        raise _fail(where, "expected a mapping at the top level")
    sources = _sources(doc.get("sources"), where)
    platforms: list[Platform] = []
    for pid, raw in sorted((doc.get("platforms") or {}).items()):
        at = f"{where}: platforms.{pid}"
        if not isinstance(raw, dict):
            raise _fail(at, "a platform must be a mapping")
        for key in ("name", "os", "slup", "min_version", "guide", "commands"):
            if key not in raw:
                raise _fail(at, f"missing {key}")
        guide = str(raw["guide"] or "").strip()
        if guide not in sources:
            raise _fail(f"{at}.guide", f"source {guide!r} is not listed under 'sources'")
        commands = {str(step): _command(str(step), entry, sources, f"{at}.commands.{step}")
                    for step, entry in sorted((raw["commands"] or {}).items())}
        platforms.append(Platform(
            id=str(pid), name=str(raw["name"]), os=str(raw["os"]),
            families=tuple(str(f) for f in raw.get("families") or ()), slup=bool(raw["slup"]),
            min_version=str(raw["min_version"]), max_version=str(raw.get("max_version") or ""),
            commands=commands, guide=sources[guide],
        ))
    no_cli: dict[str, NoCli] = {}
    for fid, raw in sorted((doc.get("no_cli") or {}).items()):
        at = f"{where}: no_cli.{fid}"
        source_id = str((raw or {}).get("source", "")).strip()
        if source_id not in sources:
            raise _fail(at, f"source {source_id!r} is not listed under 'sources'")
        no_cli[str(fid)] = NoCli(str(fid), str(raw.get("reason", "")), sources[source_id])
    return CommandCatalogue(str(doc.get("version", "?")), sources, tuple(platforms), no_cli)


@cache
def load_command_catalogue(path: Path | None = None) -> CommandCatalogue:
    """The shipped command catalogue (cached), or the one at `path`."""
    target = path or models_dir() / "commands.yaml"
    with open(target, encoding="utf-8") as fh:
        doc = safe_load(fh)
    return parse_catalogue(doc, target.name)
