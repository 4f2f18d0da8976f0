"""One clock: `--date` and SOURCE_DATE_EPOCH are read by one parser with one set of messages,
whichever command (plan stamp, report date, expiry reference) asks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.clock import epoch_date, reference_date, stamp_date
from planner.problems import UsageError
from planner.reports.reproducibility import report_date
from planner.writers.plan_files import generated_date

READERS = (lambda t: stamp_date(t)[0], lambda t: report_date(t)[0], generated_date,
           reference_date)


def _message(read: object, text: str | None) -> str | date | None:
    try:
        return read(text)  # type: ignore[operator,no-any-return]
    except UsageError as e:
        return f"error: {e}"


@given(st.text(max_size=12))
def test_every_reader_agrees_on_any_date_text(text: str) -> None:
    results = {str(_message(read, text or "x")) for read in READERS}
    assert len(results) == 1, results


@pytest.mark.parametrize("epoch", ["nope", "1e9", "٣٣", "99999999999999999999", "-99999999999",
                                   "99999999999"])
def test_a_bad_epoch_is_one_usage_error(monkeypatch: pytest.MonkeyPatch, epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    messages = {str(_message(read, None)) for read in READERS}
    assert len(messages) == 1 and next(iter(messages)).startswith("error: SOURCE_DATE_EPOCH="), \
        messages


def test_the_epoch_and_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert epoch_date() == date(2025, 12, 1)
    assert stamp_date(None) == (date(2025, 12, 1), "SOURCE_DATE_EPOCH")
    assert stamp_date("2026-12-01") == (date(2026, 12, 1), "--date")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert stamp_date(None) == (None, "none") and generated_date(None) is None
    assert isinstance(reference_date(None), date)  # only the expiry reference falls back to today
