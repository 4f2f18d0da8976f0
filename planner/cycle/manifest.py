"""The trip manifest: SHA-256 of every file that crosses, sealed, and checked at each hand-over.

A bundle folder holds `manifest.json` and three *legs* of files:

- `bundle`: what `planner cycle bundle` wrote (README, command files, custody forms);
- `out`: the files collected inside the enclave to carry out (usage reports, On-Prem
  synchronisation files), placed under `out/` and sealed with `planner cycle seal DIR --leg out`;
- `in`: the files brought back (ACKs, synchronisation responses), placed under `in/` and sealed
  with `planner cycle seal DIR --leg in` on the CSSM side.

The manifest lists the files expected on each leg and, once a leg is sealed, the SHA-256 of each.
Its own integrity is a *seal* over its canonical JSON: HMAC-SHA256 when the operator gives a key
file that never travels with the media, otherwise a plain SHA-256. The threat model (what each
seal does and does not stop) is in docs/cycle.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from planner.fileio import sha256_file
from planner.problems import ExitCode, InputError, PlannerError, UsageError, error

MANIFEST = "manifest.json"
SCHEMA = "planner.cycle-manifest/1"
MIN_KEY_BYTES = 16


class Leg(StrEnum):
    BUNDLE = "bundle"
    OUT = "out"
    IN = "in"


class SealMethod(StrEnum):
    SHA256 = "sha256"  # detects accidental edits; anyone can recompute it
    HMAC = "hmac-sha256"  # detects any edit by someone without the key


@dataclass(frozen=True, slots=True)
class Manifest:
    trip: str
    estate: str
    crossing: str
    created: str
    expected: dict[Leg, tuple[str, ...]]
    sealed: dict[Leg, dict[str, str]]  # leg -> {relative path: sha256}, only sealed legs
    method: SealMethod = SealMethod.SHA256
    extra: dict[str, Any] = field(default_factory=dict)  # trip facts kept for the record

    def body(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "trip": self.trip,
            "estate": self.estate,
            "crossing": self.crossing,
            "created": self.created,
            "expected": {leg.value: list(self.expected.get(leg, ())) for leg in Leg},
            "legs": {leg.value: dict(sorted(self.sealed[leg].items())) if leg in self.sealed
                     else None for leg in Leg},
            "trip_facts": self.extra,
        }


def sha256_bytes(content: str | bytes) -> str:
    """SHA-256 of a file's content as it will be written (text is written as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _seal(body: dict[str, Any], method: SealMethod, key: bytes | None) -> str:
    data = canonical(body)
    if method is SealMethod.HMAC:
        if key is None:
            raise UsageError("an HMAC seal needs the key (--key-file)")
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def render(manifest: Manifest, key: bytes | None) -> bytes:
    """manifest.json: the body and its seal, pretty-printed, byte-stable."""
    method = SealMethod.HMAC if key is not None else SealMethod.SHA256
    body = manifest.body()
    doc = {**body, "seal": {"method": method.value, "value": _seal(body, method, key)}}
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode()


def read_key(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the key file ({exc.strerror})") from None
    key = data.strip()
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(f"{path}: a key of {len(key)} bytes is too short; use at least "
                         f"{MIN_KEY_BYTES} random bytes (e.g. 'openssl rand -hex 32 > KEY')")
    return key


def load(folder: Path, key: bytes | None) -> Manifest:
    """Read and check the manifest's seal; an edited manifest is refused."""
    path = folder / MANIFEST
    name = str(path)
    if not path.is_file() or path.is_symlink():
        raise InputError([error(name, "no manifest here (or not a regular file)",
                                expected="a folder written by 'planner cycle bundle'")])
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError([error(name, f"not a readable manifest ({type(exc).__name__})",
                                expected=f"JSON with schema {SCHEMA!r}")]) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError([error(name, "not a trip manifest", column="schema",
                                expected=f"schema {SCHEMA!r}")])
    seal = doc.pop("seal", None)
    if not isinstance(seal, dict) or seal.get("method") not in {m.value for m in SealMethod}:
        raise ManifestRefused(f"{name}: the manifest carries no valid seal; refused")
    method = SealMethod(seal["method"])
    if key is not None and method is not SealMethod.HMAC:
        # A keyed check must not accept a manifest re-sealed without the key: that is exactly
        # what someone who edited it would do.
        raise ManifestRefused(f"{name}: a key was given but the manifest is sealed with a plain "
                              "SHA-256 (anyone can recompute it); refused")
    if method is SealMethod.HMAC and key is None:
        raise UsageError(f"{name}: the manifest is sealed with a key (HMAC-SHA256); pass the "
                         "same --key-file to check it")
    expected_seal = _seal(doc, method, key)
    if not hmac.compare_digest(expected_seal, str(seal.get("value", ""))):
        raise ManifestRefused(f"{name}: the manifest was edited after it was sealed (its "
                              f"{method.value} seal does not match its content); refused")
    try:
        return _from_doc(doc, method)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError([error(name, "the manifest's fields are not as written by the "
                                "planner", expected=f"schema {SCHEMA!r}")]) from None


def _from_doc(doc: dict[str, Any], method: SealMethod) -> Manifest:
    expected = {Leg(k): tuple(str(p) for p in v) for k, v in doc["expected"].items()}
    sealed = {Leg(k): {str(p): str(h) for p, h in v.items()}
              for k, v in doc["legs"].items() if v is not None}
    return Manifest(str(doc["trip"]), str(doc["estate"]), str(doc["crossing"]),
                    str(doc["created"]), expected, sealed, method, dict(doc["trip_facts"]))


def digest_of(folder: Path) -> str:
    """SHA-256 of manifest.json as written: the value to copy onto the signed custody record."""
    return sha256_file(folder / MANIFEST)


class ManifestRefused(PlannerError):
    """The manifest itself cannot be trusted (edited, unsealed, downgraded): a failed check."""

    exit_code = ExitCode.FINDINGS


@dataclass(frozen=True, slots=True)
class Check:
    missing: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    not_regular: tuple[str, ...] = ()
    pending: tuple[tuple[Leg, str], ...] = ()  # expected on a leg not sealed yet
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.extra or self.not_regular)


def files_in(folder: Path) -> tuple[list[str], list[str]]:
    """(regular files, anything else) under `folder`, as sorted POSIX paths, manifest excluded.

    Symbolic links are never followed: a link could point outside the media.
    """
    regular: list[str] = []
    other: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        rel_dir = os.path.relpath(dirpath, folder)
        for name in sorted(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                other.append(_join(rel_dir, name))
        dirnames[:] = sorted(d for d in dirnames
                             if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            rel = _join(rel_dir, name)
            if rel == MANIFEST:
                continue
            mode = os.lstat(os.path.join(dirpath, name)).st_mode
            (regular if stat.S_ISREG(mode) else other).append(rel)
    return sorted(regular), sorted(other)


def _join(rel_dir: str, name: str) -> str:
    return name if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{name}"


def check(folder: Path, manifest: Manifest) -> Check:
    """Compare the folder with every sealed leg: missing, altered, extra files."""
    regular, other = files_in(folder)
    sealed = {path: digest for files in manifest.sealed.values() for path, digest in
              files.items()}
    present = set(regular)
    missing = sorted(p for p in sealed if p not in present)
    altered = sorted(p for p in sealed if p in present and sha256_file(folder / p) != sealed[p])
    extra = sorted(p for p in regular if p not in sealed)
    pending = tuple((leg, p) for leg in Leg if leg not in manifest.sealed
                    for p in manifest.expected.get(leg, ()))
    return Check(tuple(missing), tuple(altered), tuple(extra), tuple(other), pending,
                 len(sealed))


def seal_leg(folder: Path, leg: Leg, key: bytes | None) -> tuple[Manifest, Check]:
    """Record the SHA-256 of the leg's files and re-seal the manifest.

    Refused when the folder already fails its check (something altered, missing or unexpected
    outside this leg), when the leg is already sealed, when the earlier leg is not, or when a
    file the leg expects is missing or the leg holds one it does not expect.
    """
    manifest = load(folder, key)
    if leg is Leg.BUNDLE or leg in manifest.sealed:
        raise UsageError(f"{folder}: the {leg.value} leg is already sealed")
    if leg is Leg.IN and Leg.OUT not in manifest.sealed:
        raise UsageError(f"{folder}: seal the out leg (the reports carried out) before the in "
                         "leg")
    found = check(folder, manifest)
    prefix = f"{leg.value}/"
    outside = [p for p in found.extra if not p.startswith(prefix)]
    if found.missing or found.altered or found.not_regular or outside:
        raise SealRefused(replace(found, extra=tuple(outside)))
    expected = set(manifest.expected.get(leg, ()))
    here = {p for p in found.extra if p.startswith(prefix)}
    if here != expected:
        raise SealRefused(Check(missing=tuple(sorted(expected - here)),
                                extra=tuple(sorted(here - expected))))
    hashes = {p: sha256_file(folder / p) for p in sorted(here)}
    new = Manifest(manifest.trip, manifest.estate, manifest.crossing, manifest.created,
                   manifest.expected, {**manifest.sealed, leg: hashes}, manifest.method,
                   manifest.extra)
    return new, check_after(found, len(hashes))


def check_after(found: Check, added: int) -> Check:
    return Check(checked=found.checked + added)


class SealRefused(UsageError):
    def __init__(self, found: Check) -> None:
        self.found = found
        super().__init__("; ".join(describe(found)) or "nothing to seal")


def describe(found: Check) -> Iterable[str]:
    for label, paths in (("missing", found.missing), ("altered", found.altered),
                         ("extra", found.extra), ("not a regular file", found.not_regular)):
        for path in paths:
            yield f"{label}: {path}"
