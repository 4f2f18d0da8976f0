"""Redaction keeps tables joinable and leaks no hostname or serial."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.generate import generate_estate, write_estate
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
    # The PID is not an identity; the site is, and it keeps joining up with the site list.
    assert first.pid == "C9300-48P" and first.site == Redactor(key="").site("HQ")
    assert first.site in {s.id for s in redacted.sites} and "HQ" not in repr(redacted.sites)


def test_key_changes_tokens() -> None:
    plain = Redactor("").serial("FOC2233X0AB")
    keyed = Redactor("s3cret").serial("FOC2233X0AB")
    assert plain != keyed
    assert plain.startswith("SN-") and len(plain) == 3 + 10


REPORT_KINDS = ("tradeoff", "compliance", "renewal")


def _identifiers(estate_path: Path) -> set[str]:
    from datetime import date

    from planner.loader import load_estate

    estate = load_estate(estate_path, today=date(2026, 12, 1)).estate
    found: set[str] = set()
    for dev in estate.devices:
        found.update((dev.hostname, dev.serial))
        found.update(m.serial for m in dev.members)
    return {f for f in found if f}


@pytest.fixture(scope="module")
def redaction_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], dict[str, str]]:
    """Every report kind and format, plain and --redact, over a 60-device estate."""
    root = tmp_path_factory.mktemp("redact")
    write_estate(root / "e", generate_estate(60, 12, 3))
    estate = root / "e" / "estate.yaml"
    texts = {}
    for kind in REPORT_KINDS:
        for fmt in ("html", "md"):
            for redact in (False, True):
                name = f"{kind}.{fmt}" + (".redacted" if redact else "")
                args = ["report", str(estate), "--kind", kind, "--format", fmt,
                        "--date", "2026-12-01", "-o", str(root / name)]
                result = CliRunner().invoke(main, args + (["--redact"] if redact else []),
                                            env={"PLANNER_REDACT_KEY": ""})
                assert result.exit_code == 0, (name, result.output)
                texts[name] = (root / name).read_text(encoding="utf-8")
    return _identifiers(estate), texts


@pytest.mark.parametrize("kind", REPORT_KINDS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_redacted_report_names_no_hostname_or_serial(
        redaction_runs: tuple[set[str], dict[str, str]], kind: str, fmt: str) -> None:
    secrets, texts = redaction_runs
    text = texts[f"{kind}.{fmt}.redacted"]
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []


def test_plain_reports_do_name_devices(redaction_runs: tuple[set[str], dict[str, str]]) -> None:
    """The check above can fail: without --redact the reports carry identifiers."""
    secrets, texts = redaction_runs
    for name in ("renewal.html", "renewal.md"):
        assert any(s in texts[name] for s in secrets), name
    assert "host-" in texts["renewal.html.redacted"]
