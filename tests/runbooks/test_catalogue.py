"""The command catalogue: every command names its Cisco source; platforms are picked by family,
OS, software range and licensing era; a bad catalogue is refused by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.catalogue import load_catalogue
from planner.resources import models_dir
from planner.runbooks.catalogue import load_command_catalogue, parse_catalogue
from planner.runbooks.steps import placeholders

KNOWN_PLACEHOLDERS = {"cslu_url", "onprem_url", "proxy_host", "proxy_port", "id_token",
                      "interval_days", "usage_file", "ack_file", "auth_code", "auth_file", "scope",
                      "slac_feature", "slac_file"}


def _doc() -> dict[str, Any]:
    with open(models_dir() / "commands.yaml", encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return doc


def test_every_command_names_a_source_with_title_and_url() -> None:
    cat = load_command_catalogue()
    assert cat.platforms
    for platform in cat.platforms:
        assert platform.guide.url.startswith("https://")
        for cmd in platform.commands.values():
            assert cmd.source.title and cmd.source.url.startswith("https://"), cmd.step
            if not cmd.confirmed:
                assert cmd.reason, f"{platform.id}.{cmd.step} unconfirmed without a reason"
    for entry in cat.no_cli.values():
        assert entry.source.url.startswith("https://")


def test_an_entry_without_a_source_fails_by_name() -> None:
    doc = _doc()
    del doc["platforms"]["iosxe-slup"]["commands"]["transport-off"]["source"]
    with pytest.raises(ValueError, match=r"platforms\.iosxe-slup\.commands\.transport-off.*source"):
        parse_catalogue(doc)


def test_an_entry_naming_an_unlisted_source_fails() -> None:
    doc = _doc()
    doc["platforms"]["nxos-slup"]["commands"]["trust-token"]["source"] = "nowhere"
    with pytest.raises(ValueError, match="'nowhere' is not listed"):
        parse_catalogue(doc)


def test_a_source_without_url_fails() -> None:
    doc = _doc()
    doc["sources"]["tn-217046"]["url"] = ""
    with pytest.raises(ValueError, match=r"sources\.tn-217046"):
        parse_catalogue(doc)


def test_an_unconfirmed_entry_must_say_why() -> None:
    doc = _doc()
    del doc["platforms"]["iosxe-slup"]["commands"]["reservation-request-all"]["reason"]
    with pytest.raises(ValueError, match="unconfirmed command must say why"):
        parse_catalogue(doc)


def test_every_placeholder_is_one_the_steps_fill() -> None:
    cat = load_command_catalogue()
    used = set()
    for platform in cat.platforms:
        for cmd in platform.commands.values():
            used |= placeholders((*cmd.lines, cmd.verify, cmd.expect))
    assert used <= KNOWN_PLACEHOLDERS, used - KNOWN_PLACEHOLDERS


@pytest.mark.parametrize(("pid", "version", "slup", "expected"), [
    ("C9300-48P", "17.9.4", True, "iosxe-slup"),
    ("C9300-48P", "16.12.5", False, "iosxe-classic"),
    ("C9410R", "17.3.2", True, "iosxe-slup"),
    ("ISR4451-X/K9", "17.9.4a", True, "iosxe-slup"),
    ("C9800-40-K9", "17.9.4", True, "c9800-slup"),
    ("N9K-C93180YC-EX", "10.2(5)", True, "nxos-slup"),
    ("N9K-C93180YC-EX", "9.3(8)", False, "nxos-classic"),
    ("N9K-C93180YC-EX", "9.2(3)", False, None),  # traditional licensing before 9.3(3)
    ("ASAv", "9.16(4)", False, "asav"),
    ("C9300-48P", "", True, "iosxe-slup"),  # version unknown, era known from the device
    ("C9300-48P", "15.2(7)E", False, None),  # below every range: no guess
    ("FPR-2110", "7.2.5", False, None),  # licensing lives in the management center
    ("C9300-48P", "17.9.4", None, None),  # era unknown
])
def test_platform_choice(pid: str, version: str, slup: bool | None, expected: str | None) -> None:
    family = load_catalogue().family_for_pid(pid)
    platform = load_command_catalogue().platform_for(family, version, slup)
    assert (platform.id if platform else None) == expected


def test_unknown_family_has_no_platform() -> None:
    assert load_command_catalogue().platform_for(None, "17.9.4", True) is None


def test_shipped_file_path_is_the_models_folder(tmp_path: Path) -> None:
    copy = tmp_path / "commands.yaml"
    copy.write_text((models_dir() / "commands.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    assert load_command_catalogue(copy).version == load_command_catalogue().version
