"""The fast serial check (fingerprints and one sort) against the exact pass it stands in
front of: whenever it says clean, the exact pass finds nothing; whenever the exact pass finds
a duplicate, it does not say clean; and on serials that never repeat (a stack may list its own
serial, in any case, at any place) it says clean, so the exact pass is not run for nothing."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from planner import validate
from planner.device_table import DeviceTable
from planner.model import Device, Estate, SmartAccount, StackMember
from tests.estate_builder import build_estate

SERIALS = st.sampled_from(["S1", "s1", "S2", "M1", "m1", "M2", "ß", "SS", "FOC12345678",
                           "foc12345678", "é", "É"])


@st.composite
def devices(draw: st.DrawFn) -> list[Device]:
    out = []
    for i in range(draw(st.integers(0, 6))):
        members = tuple(StackMember("C9300-48P", draw(SERIALS))
                        for _ in range(draw(st.integers(0, 3))))
        out.append(Device(f"d{i}", "C9300-48P", draw(SERIALS), "A", "DEFAULT", members=members))
    return out


def _estate(devs: list[Device]) -> Estate:
    return build_estate(devs, account=SmartAccount("t", "t"), path="estate.yaml")


def _exact(estate: Estate) -> list[str]:
    with patch.object(validate, "_serials_clean", lambda _table: False):
        return [p.message for p in validate._duplicate_serials(estate)]


def _never_repeats(devs: list[Device]) -> bool:
    seen: set[str] = set()
    for d in devs:
        keys = {d.serial.upper()}
        keys.update(m.serial.upper() for m in d.members)
        listed = [m.serial.upper() for m in d.members if m.serial.upper() != d.serial.upper()]
        if len(listed) != len(set(listed)) or keys & seen:
            return False
        seen |= keys
    return True


@settings(max_examples=400, deadline=None)
@given(devs=devices())
def test_fast_check_agrees_with_the_exact_pass(devs: list[Device]) -> None:
    estate = _estate(devs)
    clean = validate._serials_clean(DeviceTable.of(estate.devices))
    exact = _exact(estate)
    if clean:
        assert exact == []
    if exact:
        assert not clean
    assert clean == _never_repeats(devs)
    assert [p.message for p in validate._duplicate_serials(estate)] == exact
