"""fast_constructor builds real, frozen, equal instances of the model's dataclasses."""

from __future__ import annotations

import dataclasses

import pytest

from planner.model import Device, LicenceUse, LicensingState, Origin, StackMember
from planner.readers._build import fast_constructor


def test_fast_device_equals_ordinary_device() -> None:
    make = fast_constructor(Device)
    args = ("sw1", "C9300-48P", "FOC1", "HQ", "DEFAULT", "17.9.4", LicensingState.SLUP,
            (LicenceUse("network-advantage", 1),), (StackMember("C9300-48P", "FOC2"),),
            Origin("d.csv", 2))
    fast, slow = make(*args), Device(*args)
    assert type(fast) is Device
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.pid = "x"  # type: ignore[misc]


def test_defaults_apply() -> None:
    assert fast_constructor(Device)("h", "p", "s", "HQ", "VA") == Device("h", "p", "s", "HQ", "VA")
    assert fast_constructor(Origin)("f") == Origin("f")


def test_unmirrorable_class_falls_back_to_itself() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    assert fast_constructor(NoSlots) is NoSlots
