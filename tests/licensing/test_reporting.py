"""SLUP reporting clocks: the Cisco default values, the cadence inside them, the policy a device
prints (models/reporting.yaml, planner/reporting.py)."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.reporting import (
    ClassClocks,
    LicenceClass,
    Schedule,
    licence_class,
    load_reporting,
    parse_policy,
    read_reporting,
)

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"


def test_cisco_default_policy_values() -> None:
    """The table "Policy: Cisco default" of the SLUP guides, as devices print it."""
    policy = load_reporting().default
    assert policy.ack_required
    assert policy.clocks(LicenceClass.UNENFORCED_PERPETUAL) == ClassClocks(365, 0, 90)
    assert policy.clocks(LicenceClass.UNENFORCED_SUBSCRIPTION) == ClassClocks(90, 90, 90)
    assert policy.clocks(LicenceClass.ENFORCED) == ClassClocks(0, 0, 0)
    assert policy.clocks(LicenceClass.EXPORT_CONTROLLED) == ClassClocks(0, 0, 0)
    assert "Policy: Cisco default" in policy.source


def test_subscription_round_trip_lands_inside_90_days() -> None:
    """The old cadence (4 trips a year, every 91 days) missed every 90-day deadline."""
    catalogue = load_reporting()
    window = catalogue.default.recurring_window_days([LicenceClass.UNENFORCED_SUBSCRIPTION])
    assert window == 90
    interval = catalogue.schedule.interval_days(window)
    assert interval <= window - catalogue.schedule.safety_margin_days
    assert 60 <= interval <= 75
    assert catalogue.schedule.trips_per_year(window) * interval >= 365
    assert catalogue.schedule.trips_per_year(window) > 4


def test_perpetual_only_device_has_no_recurring_report_but_a_change_window() -> None:
    policy = load_reporting().default
    used = [LicenceClass.UNENFORCED_PERPETUAL]
    assert policy.recurring_window_days(used) is None
    assert policy.event_window_days(used) == 90
    assert policy.binding_window_days(used) == 90


def test_device_that_never_consumed_a_licence_needs_no_report() -> None:
    policy = load_reporting().default
    assert policy.binding_window_days([]) is None
    assert policy.recurring_window_days([]) is None


def test_licence_class_order() -> None:
    assert licence_class(True, True, True) is LicenceClass.EXPORT_CONTROLLED
    assert licence_class(True, False, True) is LicenceClass.ENFORCED
    assert licence_class(True, False, False) is LicenceClass.UNENFORCED_SUBSCRIPTION
    assert licence_class(False, False, False) is LicenceClass.UNENFORCED_PERPETUAL


@given(window=st.integers(1, 3650), margin=st.integers(0, 4000))
def test_interval_always_inside_the_window(window: int, margin: int) -> None:
    schedule = Schedule(margin, "test")
    interval = schedule.interval_days(window)
    assert 1 <= interval <= window
    if margin < window - window // 4:
        assert interval == window - margin
    trips = schedule.trips_per_year(window)
    assert trips == math.ceil(365 / interval)
    assert trips * interval >= 365


@given(first=st.integers(0, 999), freq=st.integers(0, 999), change=st.integers(0, 999),
       ack=st.booleans())
def test_parse_policy_reads_any_printed_values(first: int, freq: int, change: int,
                                               ack: bool) -> None:
    text = (
        "Policy:\n  Policy in use: Installed On Oct 14 11:37:52 2021 UTC\n"
        "  Policy name: Custom Policy\n"
        f"  Reporting ACK required: {'yes' if ack else 'no'} (Customer Policy)\n"
        "  Unenforced/Non-Export Subscription Attributes:\n"
        f"    First report requirement (days): {first} (Customer Policy)\n"
        f"    Reporting frequency (days): {freq} (Customer Policy)\n"
        f"    Report on change (days): {change} (Customer Policy)\n"
    )
    policy = parse_policy(text, "cap.txt")
    assert policy is not None
    assert policy.ack_required is ack
    assert policy.name == "Custom Policy"
    assert policy.clocks(LicenceClass.UNENFORCED_SUBSCRIPTION) == ClassClocks(first, freq, change)
    # Classes the capture leaves out keep the Cisco default.
    default = load_reporting().default
    assert policy.clocks(LicenceClass.UNENFORCED_PERPETUAL) == default.clocks(
        LicenceClass.UNENFORCED_PERPETUAL)


def test_parse_policy_none_without_a_policy_block() -> None:
    assert parse_policy("Smart Licensing Using Policy:\n  Status: ENABLED\n", "x") is None


def _captures() -> list[Path]:
    if not REALDATA.is_dir():
        return []
    return sorted(p for p in REALDATA.rglob("*.txt")
                  if "Reporting ACK required" in p.read_text(encoding="utf-8", errors="replace"))


def test_real_captures_parse_to_their_printed_values() -> None:
    captures = _captures()
    if not captures:
        pytest.skip("../shared/realdata is not present")
    seen_custom = False
    for path in captures:
        text = path.read_text(encoding="utf-8", errors="replace")
        # One device's block per capture is enough: cut at the first "Usage Reporting:".
        block = text[text.index("Policy:"):]
        block = block[:block.index("Usage Reporting:")] if "Usage Reporting:" in block else block
        policy = parse_policy(block, path.name)
        assert policy is not None, path
        numbers = [int(n) for n in re.findall(r"\(days\):\s*(\d+)", block)]
        got = [d for cls in LicenceClass for d in (
            policy.clocks(cls).first_report_days, policy.clocks(cls).frequency_days,
            policy.clocks(cls).on_change_days)]
        if len(numbers) == 12:
            assert got == numbers, path
        seen_custom |= policy.clocks(LicenceClass.UNENFORCED_SUBSCRIPTION).frequency_days not in (
            0, 90)
    assert seen_custom, "the real captures include customer policies (e.g. 30/60/60)"


def test_reader_refuses_a_policy_without_source(tmp_path: Path) -> None:
    bad = tmp_path / "reporting.yaml"
    text = (Path(__file__).resolve().parents[2] / "models" / "reporting.yaml").read_text()
    bad.write_text(re.sub(r"    source: >-\n(      .*\n)+", "", text), encoding="utf-8")
    with pytest.raises(ValueError, match="no source"):
        read_reporting(bad)


@given(margin=st.integers(0, 60))
def test_recurring_schedule_lands_every_round_trip_inside_the_window(margin: int) -> None:
    """The runbook's dated round trips: first one and every gap inside Cisco's 90-day window."""
    from planner.model import CostAssumptions
    from planner.runbooks.schedule import site_recurring

    costs = CostAssumptions(reporting_safety_margin_days=margin)
    for recurring in site_recurring(costs, offline=True, manual_sync=True):
        days = (0, *recurring.days)
        assert recurring.cadence.window_days == 90
        assert all(b - a <= 90 for a, b in itertools.pairwise(days))
        assert days[-1] + recurring.cadence.interval_days > 365  # the year is covered
        if margin <= 60:
            assert all(b - a <= 90 - margin for a, b in itertools.pairwise(days))
