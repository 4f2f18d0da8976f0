"""Redaction: replace hostnames and serials by stable hashes so a report can leave the building.

The same hostname or serial always maps to the same token (so tables still join up and two
reports of one estate agree), and a token cannot be read back. With a key
(`PLANNER_REDACT_KEY`, or `key=`) the tokens are an HMAC, so someone holding a list of candidate
serials cannot confirm one by hashing it; without a key they are a plain SHA-256 prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import replace

from planner.model import Device, Estate, StackMember

TOKEN_LENGTH = 10


class Redactor:
    """Maps identifying strings to stable tokens, memoised (an estate repeats serials often)."""

    def __init__(self, key: str | None = None) -> None:
        secret = key if key is not None else os.environ.get("PLANNER_REDACT_KEY", "")
        self._key = secret.encode("utf-8")
        self._memo: dict[tuple[str, str], str] = {}

    def token(self, prefix: str, value: str) -> str:
        if not value:
            return value
        hit = self._memo.get((prefix, value))
        if hit is None:
            data = f"{prefix}\x00{value}".encode()
            if self._key:
                digest = hmac.new(self._key, data, hashlib.sha256).hexdigest()
            else:
                digest = hashlib.sha256(data).hexdigest()
            hit = f"{prefix}-{digest[:TOKEN_LENGTH]}"
            self._memo[(prefix, value)] = hit
        return hit

    def hostname(self, value: str) -> str:
        return self.token("host", value)

    def serial(self, value: str) -> str:
        return self.token("SN", value)

    def device(self, device: Device) -> Device:
        members = tuple(StackMember(m.pid, self.serial(m.serial)) for m in device.members)
        return replace(device, hostname=self.hostname(device.hostname),
                       serial=self.serial(device.serial), members=members)


def redact_estate(estate: Estate, key: str | None = None) -> Estate:
    """The same estate with every device hostname and serial (members too) replaced by a token."""
    redactor = Redactor(key)
    return replace(estate, devices=tuple(redactor.device(d) for d in estate.devices))
