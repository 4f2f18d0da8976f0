"""The estate YAML reader: typed fields, YAML paths with lines, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.model import Holder, InternetAccess
from planner.problems import InputError
from planner.readers import estate_yaml
from planner.readers.estate_yaml import MAX_NODES, read_estate_document

GOOD = """\
name: Tiny
account: {name: Tiny, domain: tiny.example, holder: reseller, slr_preapproved: true}
virtual_accounts: [{name: Campus}, OT]
sites:
  - {id: HQ, name: Headquarters, classification: regulated, internet: proxy, tags: [hq]}
  - id: 7
    classification: secret
    internet: NONE
    enclave: vault
links:
  - {a: HQ, b: "7", crosses_boundary: true}
agreement: {start: 2025-02-01, end: 2028-01-31}
inventory:
  devices: devices.csv
  entitlements: [a.csv, b.csv]
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "estate.yaml"
    path.write_text(text, encoding="utf-8")
    return read_estate_document(path, "estate.yaml")


def test_typed_document(tmp_path: Path) -> None:
    doc = load(tmp_path, GOOD)
    assert doc.problems == []
    assert doc.account.holder is Holder.RESELLER and doc.account.slr_preapproved
    # No default named: CSSM's Default Virtual Account is added first.
    assert [(v.name, v.is_default) for v in doc.virtual_accounts] == [
        ("DEFAULT", True), ("Campus", False), ("OT", False)]
    hq, vault = doc.sites
    assert hq.tags == ("hq",) and hq.internet is InternetAccess.PROXY
    assert (vault.id, vault.name, vault.internet, vault.enclave) == (
        "7", "7", InternetAccess.NONE, "vault")
    assert doc.links[0].crosses_boundary
    assert doc.agreement is not None and doc.agreement.growth_allowance == 0.2
    assert doc.inventory == {"devices": ("devices.csv",), "entitlements": ("a.csv", "b.csv")}
    assert doc.lines["sites[1].enclave"] == 9


def test_problems_carry_yaml_path_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("internet: NONE", "internet: carrier-pigeon").replace(
        "holder: reseller", "holder: partner").replace("end: 2028-01-31", "end: 2024-01-31")
    doc = load(tmp_path, text + "colour: blue\n")
    got = {(p.column, p.line) for p in doc.problems}
    assert got == {("sites[1].internet", 8), ("account.holder", 2), ("agreement.end", 12),
                   ("colour", 16)}


def test_two_defaults_and_duplicate_va(tmp_path: Path) -> None:
    doc = load(tmp_path, GOOD.replace("[{name: Campus}, OT]",
                                      "[{name: A, default: true}, {name: B, default: true}, A]"))
    messages = " | ".join(p.message for p in doc.problems)
    assert "2 Virtual Accounts are marked default" in messages
    assert "'A' is listed twice" in messages


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "file is empty"),
    ("[1, 2]\n", "not a mapping"),
    ("name: [unclosed\n", "not valid YAML"),
    ("a: !!python/object:os.system {}\n", "not valid YAML"),  # safe loading only
])
def test_refusals(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        load(tmp_path, text)
    assert fragment in str(info.value)


def test_alias_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 10 ** 5 leaves from a few hundred bytes; the limit is lowered so the test stays fast.
    monkeypatch.setattr(estate_yaml, "MAX_NODES", 10_000)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 5):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(InputError) as info:
        load(tmp_path, "\n".join(lines) + "\n")
    assert "more than 10000 nodes" in str(info.value)
    assert MAX_NODES >= 100_000  # the real limit leaves room for estates of many thousand sites


def test_anchors_and_merge_keys_work_like_safe_load(tmp_path: Path) -> None:
    # Top-level `x-` keys hold anchors (as in docker-compose files) and are otherwise ignored.
    anchor = "x-branch: &branch {classification: regulated, internet: proxy}\n"
    text = GOOD.replace("sites:\n", anchor + "sites:\n  - {<<: *branch, id: BR9}\n")
    doc = load(tmp_path, text)
    assert doc.problems == []
    assert doc.sites[0].id == "BR9" and doc.sites[0].classification == "regulated"
