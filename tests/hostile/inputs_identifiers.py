"""Hostile inputs, identifiers: ids that differ only in case, by look-alike characters or by
Unicode normal form are one id or an error naming both places, never two silent ids."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.identifiers import skeleton
from tests.hostile._inkit import assert_refused, validate, write_estate

# Non-ASCII characters a person reads as an ASCII one (hyphens, Cyrillic and Greek capitals).
LOOKALIKES = {"-": "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "A": "\u0410\u0391\uff21",
              "O": "\u041e\u039f", "C": "\u0421\u216d", "E": "\u0415\u0395", "H": "\u041d\u0397"}


def _add_site(estate: Path, site_id: str) -> None:
    text = estate.read_text("utf-8").replace(
        "links:", f"  - {{id: \"{site_id}\", classification: regulated, internet: none}}\n"
        "links:", 1)
    estate.write_text(text, "utf-8")


@pytest.mark.parametrize("twin", ["hq", "Hq", "hQ"])
def test_site_ids_differing_only_in_case_name_both_places(tmp_path: Path, twin: str) -> None:
    estate = write_estate(tmp_path / "e")
    _add_site(estate, twin)
    text = assert_refused(validate(estate), "estate.yaml:", repr(twin), "'HQ'")
    assert "only in case or look-alike" in text


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_lookalike_site_ids_are_refused(tmp_path: Path, data: st.DataObject) -> None:
    base = "DC1-CORE-HQ"
    positions = [i for i, c in enumerate(base) if c in LOOKALIKES]
    i = data.draw(st.sampled_from(positions))
    swap = data.draw(st.sampled_from(LOOKALIKES[base[i]]))
    twin = base[:i] + swap + base[i + 1:]
    assert skeleton(twin) == skeleton(base)
    estate = write_estate(tmp_path / f"e{abs(hash(twin))}")
    _add_site(estate, base)
    _add_site(estate, twin)
    assert_refused(validate(estate), "estate.yaml:", "look-alike")


def test_nfd_and_nfc_spellings_are_one_id(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    nfc, nfd = "Z\u00fcrich", unicodedata.normalize("NFD", "Z\u00fcrich")
    assert nfc != nfd
    _add_site(estate, nfc)
    _add_site(estate, nfd)
    assert_refused(validate(estate), "estate.yaml:", "used twice")


def test_device_at_lowercase_site_is_not_planned_at_the_uppercase_one(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    csv_path = estate.parent / "devices.csv"
    lines = csv_path.read_text("utf-8").split("\n")
    row = next(i for i, line in enumerate(lines) if ",HQ," in line)
    lines[row] = lines[row].replace(",HQ,", ",hq,")
    csv_path.write_text("\n".join(lines), "utf-8")
    assert_refused(validate(estate), f"devices.csv:{row + 1}", "'hq'",
                   "differs from 'HQ' only in case")


def test_netbox_row_for_hq_is_not_mapped_to_hq_by_case(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    (estate.parent / "netbox.csv").write_text(
        "Name,Site,Device type,Serial number\nnb-sw1,hq,C9300-48P,FOCNB0001\n", "utf-8")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  netbox: [netbox.csv]\n"), "utf-8")
    assert_refused(validate(estate), "netbox.csv:2", "differs from 'HQ' only in case")


def test_virtual_accounts_differing_in_case_are_refused(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8").replace(
        "  - {name: Wireless,", "  - {name: wireless}\n  - {name: Wireless,"), "utf-8")
    assert_refused(validate(estate), "'wireless'", "'Wireless'", "only in case")
