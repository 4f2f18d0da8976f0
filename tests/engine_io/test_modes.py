"""The mode catalogue: every mode present, sourced, and its requirements as Cisco documents them
(docs/licensing-facts.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.model import ClassificationPolicy, DataElement, Mode
from planner.modes import data_leaving_for, load_modes, read_modes


def test_every_mode_has_a_sourced_entry() -> None:
    modes = load_modes()
    assert list(modes) == list(Mode)
    for mode, spec in modes.items():
        assert spec.mode is mode
        assert spec.source, mode
        # every effort figure is either sourced or flagged: the yaml says ASSUMPTION or cites
        assert "ASSUMPTION" in spec.source or "Cisco" in spec.source or "SLUP" in spec.source
        assert "domain.md" not in spec.source  # users do not have that file


def test_requirements_follow_domain_section_2() -> None:
    m = load_modes()
    assert m[Mode.CSSM_DIRECT].needs_internet and m[Mode.CSLU].needs_internet
    assert m[Mode.ONPREM_NETWORK].needs_server and m[Mode.ONPREM_NETWORK].server_needs_internet
    assert m[Mode.ONPREM_MANUAL].needs_server and not m[Mode.ONPREM_MANUAL].server_needs_internet
    assert m[Mode.OFFLINE].needs_slup and not m[Mode.OFFLINE].needs_internet
    assert m[Mode.SLR].reservation and not m[Mode.SLR].pooled
    assert m[Mode.PLR].reservation and m[Mode.PLR].data_leaving == {DataElement.PID_SERIAL}
    # 30-day push; manual syncs and offline round trips every 75 days (inside the 90-day
    # windows with a 15-day margin), not every 30 days (12.17 a year) nor every 91 days (4)
    assert m[Mode.CSSM_DIRECT].transfers_per_year == pytest.approx(365 / 30, abs=0.01)
    assert m[Mode.ONPREM_MANUAL].server_trips_per_year == 5
    assert m[Mode.OFFLINE].manual_trips_per_year == 5
    assert 365 / m[Mode.OFFLINE].manual_trips_per_year <= 90
    # network sync: about two token re-authentications a year, no longer free
    assert m[Mode.ONPREM_NETWORK].hours_per_server_year == pytest.approx(365 / 180 * 0.5)
    assert m[Mode.SLR].hours_initial_per_member > 0 and m[Mode.SLR].hours_per_change > 0
    for spec in m.values():
        assert spec.networked == (spec.mode in {Mode.CSSM_DIRECT, Mode.CSLU,
                                                Mode.ONPREM_NETWORK})


def test_hostname_privacy_keeps_hostnames_in() -> None:
    spec = load_modes()[Mode.CSSM_DIRECT]
    private = ClassificationPolicy("p", frozenset(Mode), frozenset(), hostname_privacy=True)
    open_ = ClassificationPolicy("o", frozenset(Mode), frozenset(), hostname_privacy=False)
    assert DataElement.HOSTNAME not in data_leaving_for(spec, private)
    assert DataElement.HOSTNAME in data_leaving_for(spec, open_)


def test_a_catalogue_missing_a_mode_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "modes.yaml"
    path.write_text("modes:\n  cssm-direct: {name: x, data_leaving: [], source: s,"
                    " needs_internet: true, needs_server: false, server_needs_internet: false,"
                    " needs_slup: false, reservation: false, pooled: true, transport: smart,"
                    " carries_media: false, reporting_words: w, colour: '#000000'}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="missing from the catalogue: cslu"):
        read_modes(path)
