"""Redaction keeps tables joinable and leaks no hostname or serial."""

from __future__ import annotations

from planner.model import (
    ClassificationPolicy,
    Device,
    Estate,
    InternetAccess,
    LicenceUse,
    Mode,
    Site,
    SmartAccount,
    StackMember,
    VirtualAccount,
)
from planner.redact import Redactor, redact_estate


def _estate() -> Estate:
    devices = (
        Device("core-sw-01", "C9300-48P", "FOC2233X0AB", "HQ", "VA",
               licences=(LicenceUse("network-advantage"),),
               members=(StackMember("C9300-48P", "FOC2233X0AB"),
                        StackMember("C9300-48P", "FOC2233X0AC"))),
        Device("edge-rtr-01", "ISR4331/K9", "FDO2301A1BC", "HQ", "VA"),
    )
    return Estate(
        name="t", account=SmartAccount("t", "t.example"),
        virtual_accounts=(VirtualAccount("VA"),),
        sites=(Site("HQ", "HQ", "unclassified", InternetAccess.DIRECT),),
        links=(), devices=devices, entitlements=(),
        policies=(ClassificationPolicy("unclassified", frozenset(Mode), frozenset()),),
    )


def test_no_identifier_survives_and_tokens_are_stable() -> None:
    redacted = redact_estate(_estate(), key="")
    text = repr(redacted.devices)
    for secret in ("core-sw-01", "edge-rtr-01", "FOC2233X0AB", "FOC2233X0AC", "FDO2301A1BC"):
        assert secret not in text
    first = redacted.devices[0]
    # The device's own serial and the matching stack member get the same token: still joinable.
    assert first.serial == first.members[0].serial
    assert first.members[0].serial != first.members[1].serial
    assert redact_estate(_estate(), key="") == redacted
    assert first.pid == "C9300-48P" and first.site == "HQ"


def test_key_changes_tokens() -> None:
    plain = Redactor("").serial("FOC2233X0AB")
    keyed = Redactor("s3cret").serial("FOC2233X0AB")
    assert plain != keyed
    assert plain.startswith("SN-") and len(plain) == 3 + 10
