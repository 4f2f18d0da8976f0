"""Splitting captures on prompts and recognising commands from what was typed or printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.evidence.detect import canonical_command, detect_command, detect_os
from planner.evidence.split import split_text


def test_session_splits_on_prompt_lines(fixtures: Path) -> None:
    blocks = split_text((fixtures / "site-hq" / "sw-hq-01.txt").read_text())
    assert [b.command for b in blocks] == ["show version", "show license summary",
                                           "show license udi", "show license status"]
    assert {b.hostname for b in blocks} == {"sw-hq-01"}
    assert blocks[1].line == 30  # the prompt line of `show license summary`
    assert blocks[1].text.startswith("Account Information:")
    assert "sw-hq-01#" not in "".join(b.text for b in blocks)


def test_bare_output_is_one_block_without_command(fixtures: Path) -> None:
    blocks = split_text((fixtures / "site-hq" / "sw-branch-02_all.txt").read_text())
    assert len(blocks) == 1
    assert blocks[0].command == "" and blocks[0].hostname == ""


def test_separators_comments_and_config_mode() -> None:
    text = ("# pasted from two devices\n"
            "==== sw1 : show license summary ====\n"
            "sw1(config)#license smart transport off\n"
            "sw1#show license udi\nUDI: PID:C9300-24T,SN:FOC1\n"
            "==== sw2 ====\nUDI: PID:C9300-48T,SN:FOC2\n")
    blocks = split_text(text)
    assert [(b.section, b.command, b.config_mode) for b in blocks] == [
        (1, "license smart transport off", True), (1, "show license udi", False),
        (2, "", False)]
    assert blocks[2].text == "UDI: PID:C9300-48T,SN:FOC2"


def test_table_rules_are_not_separators_and_xr_prompt_names_host(fixtures: Path) -> None:
    blocks = split_text((fixtures / "xr" / "pe-dc1-01.txt").read_text())
    assert [(b.hostname, b.command) for b in blocks] == [
        ("pe-dc1-01", "show license platform summary"),
        ("pe-dc1-01", "show license platform detail")]
    assert "============ ====" in blocks[0].text


def test_output_lines_are_never_prompts() -> None:
    text = ("Purchased Licenses:\n  No Purchase Information Available#\n"
            "Total: 4,  Purged: 0\nStatus: IN USE\n")
    assert len(split_text(text)) == 1


@pytest.mark.parametrize(("typed", "canonical"), [
    ("show license summary", "show license summary"),
    ("sh lic sum", "show license summary"),
    ("sh license summary (active)", "show license summary"),
    ("show license all | include UDI", "show license all"),
    ("show license tech-support", "show license tech support"),
    ("sh lic tech sup", "show license tech support"),
    ("show license", "show license"),
    ("sh ver", "show version"),
    ("license smart reservation install file flash:AC.xml",
     "license smart reservation install file"),
    ("show license eventlog 2", None),
    ("show running-config", None),
    ("enable", None),
])
def test_canonical_command(typed: str, canonical: str | None) -> None:
    assert canonical_command(typed) == canonical


@pytest.mark.parametrize(("path", "command"), [
    ("site-hq/sw-branch-02_all.txt", "show license all"),
    ("tech/core-dc1.tech", "show license tech support"),
    ("rum/wlc-hq-rum.xml", "rum-report"),
    ("slr/AC_FOC2311V0AB.xml", "slr-authorization"),
    ("site-hq/sw-hq-01-usage.log", "show license usage"),
    ("misc/junk.txt", None),
])
def test_detect_command_from_content(fixtures: Path, path: str, command: str | None) -> None:
    text = (fixtures / path).read_text()
    if text.startswith(("sw-", "core-")):
        text = text.split("\n", 1)[1]  # drop the prompt line: detect from content alone
    assert detect_command(text) == command


def test_detect_os() -> None:
    assert detect_os("show license usage", "Feature   Ins  Lic   Status\n") == "nx-os"
    assert detect_os("show license usage", "(X):\n  Description: d\n  License Type: Generic\n"
                     ) == "nx-os"
    assert detect_os("show license all", "UDI: PID:ASAv,SN:9AB\n") == "asa"
    assert detect_os("show license all", "UDI: PID:C9300-24T,SN:FOC1\n") == "ios-xe"
    assert detect_os("show license platform summary", "") == "ios-xr"
