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
    read_reporting,
)


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
