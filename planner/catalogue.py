"""The licence and product catalogues (models/licences.yaml, models/products.yaml), typed.

Loaded once per process. Every reader normalises licence names through `canonical_tag`, and
every stage that needs to know what a PID is asks `family_for_pid`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from planner.model import Estate, TermType, Tier
from planner.model_yaml import load_model
from planner.resources import models_dir


@dataclass(frozen=True, slots=True)
class LicenceDef:
    tag: str
    name: str
    track: str
    tier: Tier
    term: TermType
    list_price: float
    export_controlled: bool
    aliases: tuple[str, ...]
    source: str
    # Enforced licences must be authorised (a SLAC) before use, like export-controlled ones.
    enforced: bool = False
    # Whether a higher tier of this track may stand in for it (licences.yaml `tier_rules`).
    substitutes: bool = True

    def covers(self, other: LicenceDef) -> bool:
        """True when one unit of this licence may stand in for one of `other`."""
        if self.tag == other.tag:
            return True
        if self.tier is Tier.ADDON or other.tier is Tier.ADDON or self.track != other.track:
            return False
        if not (self.substitutes and other.substitutes):
            return False
        return self.tier.rank > other.tier.rank


@dataclass(frozen=True, slots=True)
class ProductFamily:
    id: str
    name: str
    pid_prefixes: tuple[str, ...]
    os: str
    kind: str
    slr: bool
    plr: bool
    slup_from: str | None
    new_slr_under_slup: bool
    stackable: bool
    modular: bool
    tracks: tuple[str, ...]
    current_train: str
    source: str


@dataclass(frozen=True, slots=True)
class PairingRule:
    """A Catalyst 9000 add-on and the base licences it may ride on (licences.yaml `pairing`)."""

    addon: str
    requires_any: tuple[str, ...]
    families: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    licences: dict[str, LicenceDef]
    families: dict[str, ProductFamily]
    _aliases: dict[str, str]
    _prefixes: tuple[tuple[str, str], ...]  # (upper-case prefix, family id), longest first
    pairing: tuple[PairingRule, ...] = ()
    # PID -> family, filled as PIDs are asked for: an estate has a few thousand distinct PIDs
    # and a plan asks per device (the plan writer ~2 per device). Not an init field, so a
    # catalogue built from another (estate overrides) never inherits its answers.
    _family_of: dict[str, ProductFamily | None] = field(default_factory=dict, init=False,
                                                         repr=False, compare=False)
    # Spelling -> tag, filled likewise: a licences column repeats a few dozen spellings, each
    # folded and searched for a regid once.
    _tag_of: dict[str, str | None] = field(default_factory=dict, init=False, repr=False,
                                           compare=False)

    def canonical_tag(self, name: str) -> str | None:
        """The canonical short tag for any spelling of a licence, or None when unknown.

        Accepts a canonical tag, an alias, a full entitlement tag (`regid....com.cisco.X,1.0_u`),
        or a device line such as `network-advantage (C9300-24 Network Advantage)`.
        """
        try:
            return self._tag_of[name]
        except KeyError:
            pass
        found = self._tag(name)
        if len(self._tag_of) < _MEMO_SIZE:  # bounded, whatever an input holds
            self._tag_of[name] = found
        return found

    def _tag(self, name: str) -> str | None:
        text = name.strip()
        if not text:
            return None
        match = _REGID.search(text)
        if match:
            text = match.group(1)
        hit = self._aliases.get(_fold(text))
        if hit is None and "(" in text:
            # `feature (Display Name)`: the feature first, then the display name in brackets.
            head, _, tail = text.partition("(")
            hit = self._aliases.get(_fold(head)) or self._aliases.get(_fold(tail.rstrip(") ")))
        return hit

    def licence(self, tag: str) -> LicenceDef:
        return self.licences[tag]

    def family_for_pid(self, pid: str) -> ProductFamily | None:
        """The family of the longest matching PID prefix, or None."""
        try:
            return self._family_of[pid]
        except KeyError:
            pass
        upper = pid.strip().upper()
        found = next((self.families[family_id] for prefix, family_id in self._prefixes
                      if upper.startswith(prefix)), None)
        if len(self._family_of) < _MEMO_SIZE:  # bounded, whatever an input holds
            self._family_of[pid] = found
        return found


_MEMO_SIZE = 1 << 16
_REGID = re.compile(r"com\.cisco\.([^,\s]+)(?:,|$)")
_FOLD = re.compile(r"[\s_\-]+")


def _fold(text: str) -> str:
    return _FOLD.sub("", text).casefold()


def fact_source(raw: dict[str, Any]) -> str:
    """A fact's source as one line: its Cisco document, or "ASSUMPTION: <reason>"."""
    if raw.get("assumption") is True:
        return "ASSUMPTION: " + " ".join(str(raw.get("reason", "")).split())
    return " ".join(str(raw.get("source", "")).split())


def track_substitution(lic_doc: dict[str, Any]) -> dict[str, bool]:
    """Per track, whether a higher tier may stand in for a lower one (`tier_rules`); a track the
    rules do not name never substitutes."""
    rules = lic_doc.get("tier_rules") or {}
    return {str(track): bool(rule.get("substitute", False)) for track, rule in rules.items()
            if isinstance(rule, dict)}


def build_prefixes(families: dict[str, ProductFamily]) -> tuple[tuple[str, str], ...]:
    """(upper-case prefix, family id), longest first: the lookup order of family_for_pid.

    A prefix claimed twice goes to the family listed later, so a family an estate file adds
    takes its PIDs over from the bundled one."""
    owner = {p.upper(): f.id for f in families.values() for p in f.pid_prefixes}
    return tuple(sorted(owner.items(), key=lambda item: (-len(item[0]), item[0])))


def _load_yaml(path: Path) -> dict[str, Any]:
    data = load_model(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


@cache
def load_catalogue(root: Path | None = None) -> Catalogue:
    base = root or models_dir()
    lic_doc = _load_yaml(base / "licences.yaml")
    prod_doc = _load_yaml(base / "products.yaml")
    licences: dict[str, LicenceDef] = {}
    aliases: dict[str, str] = {}
    substitutes = track_substitution(lic_doc)
    for tag, raw in sorted(lic_doc["licences"].items()):
        entry = LicenceDef(
            tag=tag,
            name=str(raw["name"]),
            track=str(raw["track"]),
            tier=Tier(raw["tier"]),
            term=TermType(raw["term"]),
            list_price=float(raw.get("list_price", 0)),
            export_controlled=bool(raw.get("export_controlled", False)),
            enforced=bool(raw.get("enforced", False)),
            substitutes=substitutes.get(str(raw["track"]), False),
            aliases=tuple(str(a) for a in raw.get("aliases", ())),
            source=fact_source(raw),
        )
        licences[tag] = entry
        for spelling in (tag, entry.name, *entry.aliases):
            aliases.setdefault(_fold(spelling), tag)
    families: dict[str, ProductFamily] = {}
    prefixes: list[tuple[str, str]] = []
    for fid, raw in sorted(prod_doc["families"].items()):
        fam = ProductFamily(
            id=fid,
            name=str(raw["name"]),
            pid_prefixes=tuple(str(p) for p in raw["pids"]),
            os=str(raw["os"]),
            kind=str(raw["kind"]),
            slr=bool(raw.get("slr", False)),
            plr=bool(raw.get("plr", False)),
            slup_from=None if raw.get("slup_from") is None else str(raw["slup_from"]),
            new_slr_under_slup=bool(raw.get("new_slr_under_slup", True)),
            stackable=bool(raw.get("stackable", False)),
            modular=bool(raw.get("modular", False)),
            tracks=tuple(str(t) for t in raw.get("tracks", ())),
            current_train=str(raw.get("current_train", "")),
            source=fact_source(raw),
        )
        families[fid] = fam
        prefixes.extend((p.upper(), fid) for p in fam.pid_prefixes)
    prefixes.sort(key=lambda item: (-len(item[0]), item[0]))
    version = f"licences {lic_doc.get('version', '?')}, products {prod_doc.get('version', '?')}"
    pairing = tuple(PairingRule(str(r["addon"]), tuple(str(t) for t in r["requires_any"]),
                                tuple(str(f) for f in r["families"]), fact_source(r))
                    for r in lic_doc.get("pairing") or ())
    return Catalogue(version, licences, families, aliases, tuple(prefixes), pairing)


def estate_catalogue(estate: Estate, given: Catalogue | None = None) -> Catalogue:
    """The catalogue as `estate` sees it: `given` when a caller holds the view already, else
    the one the loader set on the estate (models/ with the file's `prices:`, `tier_rules:` and
    `products:`), else the shipped one (an estate built in code)."""
    if given is not None:
        return given
    return estate.catalogue if estate.catalogue is not None else load_catalogue()


_VERSION_PART = re.compile(r"\d+")


@lru_cache(maxsize=1 << 16)  # an estate has hundreds of distinct versions, asked per class
def version_key(version: str) -> tuple[int, ...]:
    """A sortable key for Cisco version strings: `17.3.2`, `17.03.02a`, `10.2(1)F`, `9.16(3)`."""
    return tuple(int(p) for p in _VERSION_PART.findall(version)[:4])


def runs_slup(family: ProductFamily, version: str) -> bool:
    """Whether a device of this family on this software runs Smart Licensing Using Policy."""
    if family.slup_from is None or not version:
        return False
    return version_key(version) >= version_key(family.slup_from)
