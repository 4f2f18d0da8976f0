"""Redaction: every identifying string becomes a stable token, so an output can leave the building.

What identifies an estate: device hostnames and serials (members too), the organisation (the
Smart Account's name and the estate's name), its domain, site ids and names, enclave names,
Virtual Account names, subscription ids and the paths of the input files (evidence files are often
named after devices). Each maps to a token such as `site-3f2a9c81d0`.

The same value always maps to the same token (so tables still join up and two outputs of one
estate agree), and a token cannot be read back. With a key (`PLANNER_REDACT_KEY`, or `key=`) the
tokens are an HMAC, so someone holding a list of candidate serials cannot confirm one by hashing
it; without a key they are a plain SHA-256 prefix.

Two layers, used together by every command's `--redact`:

- `Redactor.estate` rewrites the model itself, consistently (a device's site is the redacted id
  of its site), so everything derived from it (file names included) carries tokens;
- `Redactor.scrub` sweeps the rendered text of every output for the identifiers it was given,
  in every escaped form the writers produce, so anything that reached an output another way
  (the history database behind a renewal read, a message quoting an input path) is caught too.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from planner.model import Device, Entitlement, Estate, Origin, SourceFile, StackMember

if TYPE_CHECKING:  # the runbook types import the optimiser; redaction must not
    from planner.runbooks.planned import PlannedEstate

TOKEN_LENGTH = 10
_WORD = re.compile(r"[^\s,;|()\[\]{}<>\"'`*=]+")  # a run a single identifier may fill
_EDGE = ".:/\\-_"


class Redactor:
    """Maps identifying strings to stable tokens, memoised, and remembers every one it mapped
    so the rendered outputs can be swept for them (`scrub`)."""

    def __init__(self, key: str | None = None) -> None:
        secret = key if key is not None else os.environ.get("PLANNER_REDACT_KEY", "")
        self._key = secret.encode("utf-8")
        self._memo: dict[tuple[str, str], str] = {}
        self._seen: dict[str, str] = {}  # value -> token, for the sweep
        self._sweep: tuple[int, tuple[dict[str, str], dict[str, str],
                                      re.Pattern[str] | None]] | None = None

    def token(self, prefix: str, value: str) -> str:
        if not value:
            return value
        hit = self._memo.get((prefix, value))
        if hit is None:
            data = f"{prefix}\x00{value}".encode("utf-8", "surrogatepass")
            if self._key:
                digest = hmac.new(self._key, data, hashlib.sha256).hexdigest()
            else:
                digest = hashlib.sha256(data).hexdigest()
            hit = f"{prefix}-{digest[:TOKEN_LENGTH]}"
            self._memo[(prefix, value)] = hit
            self._seen.setdefault(value, hit)
        return hit

    def hostname(self, value: str) -> str:
        return self.token("host", value)

    def serial(self, value: str) -> str:
        return self.token("SN", value)

    def site(self, value: str) -> str:
        return self.token("site", value)

    def virtual_account(self, value: str) -> str:
        return self.token("va", value)

    def path(self, value: str) -> str:
        """An input file's path: the folders and the name go, the extension stays (it says
        which kind of file it was)."""
        if not value:
            return value
        suffix = PurePath(value).suffix
        token = self.token("file", value) + (suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}",
                                                                    suffix) else "")
        self._seen.setdefault(PurePath(value).name, token)  # evidence named after a device
        return token

    def origin(self, origin: Origin | None) -> Origin | None:
        return None if origin is None else replace(origin, file=self.path(origin.file))

    def device(self, device: Device) -> Device:
        members = tuple(StackMember(m.pid, self.serial(m.serial)) for m in device.members)
        return replace(device, hostname=self.hostname(device.hostname),
                       serial=self.serial(device.serial), members=members,
                       site=self.site(device.site),
                       virtual_account=self.virtual_account(device.virtual_account),
                       smart_account=self.token("org", device.smart_account),
                       origin=self.origin(device.origin))

    def entitlement(self, ent: Entitlement) -> Entitlement:
        return replace(ent, virtual_account=self.virtual_account(ent.virtual_account),
                       subscription_id=self.token("sub", ent.subscription_id),
                       origin=self.origin(ent.origin))

    def estate(self, estate: Estate) -> Estate:
        """The whole estate with every identifying string replaced, consistently."""
        account = replace(estate.account, name=self.token("org", estate.account.name),
                          domain=self.token("domain", estate.account.domain))
        sites = tuple(replace(s, id=self.site(s.id), name=self.token("sitename", s.name),
                              enclave=self.token("enclave", s.enclave) if s.enclave else
                              s.enclave) for s in estate.sites)
        links = tuple(replace(k, a=self.site(k.a), b=self.site(k.b)) for k in estate.links)
        vas = tuple(replace(v, name=self.virtual_account(v.name)) for v in estate.virtual_accounts)
        sources = tuple(SourceFile(self.path(s.path), s.kind, s.sha256) for s in estate.sources)
        return replace(estate, name=self.token("estate", estate.name), account=account,
                       sites=sites, links=links, virtual_accounts=vas,
                       devices=tuple(self.device(d) for d in estate.devices),
                       entitlements=tuple(self.entitlement(e) for e in estate.entitlements),
                       sources=sources, path=self.path(estate.path))

    def learn(self, estate: Estate) -> None:
        """Remember every identifier of `estate` (unredacted) so `scrub` can find it."""
        self.estate(estate)

    def planned(self, planned: PlannedEstate) -> PlannedEstate:
        """A runbook's plan with the estate, its devices and its server sites redacted."""
        from planner.runbooks.types import PlannedDevice

        devices = tuple(PlannedDevice(self.device(p.device), p.mode,
                                      self.site(p.server_site) if p.server_site else None,
                                      p.reserved) for p in planned.devices)
        servers = tuple((self.site(site), tuple(self.virtual_account(v) for v in vas))
                        for site, vas in planned.manual_servers)
        return replace(planned, estate=self.estate(planned.estate), devices=devices,
                       manual_servers=servers, source=self.path(planned.source))

    def urls(self, values: Mapping[str, str]) -> dict[str, str]:
        """Server URLs keyed by site: the site redacted, the URL (it names a host) too."""
        return {self.site(site): self.token("url", url) for site, url in values.items()}

    # --- the sweep --------------------------------------------------------------------------

    def _forms(self) -> dict[str, str]:
        """Every identifier in each escaped form an output may hold -> its token."""
        from planner.reports.render import md_escape

        forms: dict[str, str] = {}
        for value, token in self._seen.items():
            if len(value) < 2 or value in _NEVER_SECRET:
                continue  # one-letter ids would redact ordinary text; the model layer has them
            for form in {value, html.escape(value), html.escape(value, quote=False),
                         md_escape(value), json.dumps(value)[1:-1],
                         html.escape(md_escape(value), quote=False)}:
                if form:
                    forms.setdefault(form, token)
        return forms

    def _sweeper(self) -> tuple[dict[str, str], dict[str, str], re.Pattern[str] | None]:
        """The forms, the single-word ones, and one pattern for the rest; built once per set
        of identifiers seen (a runbook sweeps thousands of files with the same set)."""
        if self._sweep is not None and self._sweep[0] == len(self._seen):
            return self._sweep[1]
        forms = self._forms()
        words = {f: t for f, t in forms.items() if _WORD.fullmatch(f)}
        # Names with spaces or punctuation inside; two-letter ones only as whole words.
        phrases = sorted((f for f in forms if f not in words and len(f) > 2), key=len,
                         reverse=True)
        pattern = re.compile("|".join(re.escape(p) for p in phrases)) if phrases else None
        self._sweep = (len(self._seen), (forms, words, pattern))
        return forms, words, pattern

    def scrub(self, text: str) -> str:
        """`text` with every identifier this redactor has seen replaced by its token.

        Single words (hostnames, serials, ids, paths) are found by dictionary lookup of each
        word-like run, so the cost does not grow with the number of identifiers; names with
        spaces or punctuation inside (site and account names) by one regular expression.
        """
        forms, words, pattern = self._sweeper()
        if not forms:
            return text
        if pattern is not None:
            text = pattern.sub(lambda m: forms[m.group()], text)

        def word(match: re.Match[str]) -> str:
            run = match.group()
            hit = words.get(run)
            if hit is not None:
                return hit
            for cut in (i for i in range(len(run) - 1, 0, -1) if run[i] == ":"):
                if run[:cut] in words:  # `path/file.csv:12`, `host:port`
                    return words[run[:cut]] + run[cut:]
            core = run.strip(_EDGE)  # `sw-01.` at a sentence end, `/site/` in a path
            if core and core in words:
                start = run.index(core)
                return run[:start] + words[core] + run[start + len(core):]
            parts = re.split(r"([./\\:])", run)  # `sw-01.txt`, `HQ/runbook.md`, `host:port`
            if len(parts) > 1:
                return "".join(words.get(p, p) for p in parts)
            return run

        return _WORD.sub(word, text)

    def scrub_files(self, files: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
        """Rendered output files with their text (and their names) swept."""
        out: dict[str, str | bytes] = {}
        for name, content in files.items():
            clean = "/".join(self.scrub(part) for part in name.split("/"))
            out[clean] = (self.scrub(content) if isinstance(content, str)
                          else self.scrub(content.decode("utf-8")).encode("utf-8"))
        return out


# Values that are configuration words, not identifiers, even when an estate uses them as a name.
_NEVER_SECRET = frozenset({"DEFAULT", "default", "none", "None", "true", "false", "csv", "json",
                           "yaml", "estate", "devices", "entitlements"})


def redact_estate(estate: Estate, key: str | None = None) -> Estate:
    """The same estate with every identifying string replaced by a token (see Redactor)."""
    return Redactor(key).estate(estate)


def redactor_for(estates: Iterable[Estate], key: str | None = None) -> Redactor:
    """A redactor that has seen every identifier of `estates` (for `scrub`)."""
    redactor = Redactor(key)
    for estate in estates:
        redactor.learn(estate)
    return redactor
