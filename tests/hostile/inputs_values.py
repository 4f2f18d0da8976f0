"""Hostile inputs, value domains: impossible dates, timestamps, non-finite or absurd numbers,
non-ASCII digits, out-of-range CLI values, lone surrogates and undecodable bytes.

Each is refused at the edge with exit 2 naming the file and line (or the option), never a
traceback (exit 4), a solver failure (exit 3) or a silently wrong number.
"""

from __future__ import annotations

import calendar
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domains import MAX_COUNT, parse_amount, parse_count
from tests.hostile._inkit import DATE, assert_refused, plan_refused, run, validate, write_estate

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# Decimal digits other than ASCII: int() and float() accept every one of these.
FOREIGN_DIGITS = "\u0660\u0661\u0662\u06f1\u06f2\u0966\u0967\u09e7\uff11\uff12\u1811"
BAD_NUMBERS = st.one_of(
    st.sampled_from(["inf", "-inf", "nan", "NaN", "Infinity", "1e23", "1E400", "1e3",
                     "0x10", "12abc", "--1", "+-3", str(MAX_COUNT + 1), "9" * 400]),
    st.text(FOREIGN_DIGITS, min_size=1, max_size=4),
    st.builds(lambda a, b: a + b, st.sampled_from(["1", "12", ""]),
              st.text(FOREIGN_DIGITS, min_size=1, max_size=2)),
)


def _set_cell(csv_path: Path, column: str, value: str, row: int = 2) -> None:
    lines = csv_path.read_text("utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    csv_path.write_text("\n".join(lines), "utf-8")


@given(text=BAD_NUMBERS)
def test_bad_numbers_are_no_count_and_no_price(text: str) -> None:
    assert parse_count(text) is None
    if text not in ("1e3",) and not text.isdigit():
        assert parse_amount(text) is None


@SETTINGS
@given(text=BAD_NUMBERS)
def test_bad_quantities_are_refused_with_their_line(tmp_path: Path, text: str) -> None:
    estate = write_estate(tmp_path / f"e{abs(hash(text))}")
    _set_cell(estate.parent / "entitlements.csv", "quantity", text, row=3)
    assert_refused(validate(estate), "entitlements.csv:3", "quantity")


@pytest.mark.parametrize("price", ["inf", "nan", "1e400", "-5", "\u0661\u0662", "1e13"])
def test_bad_unit_prices_are_refused(tmp_path: Path, price: str) -> None:
    estate = write_estate(tmp_path / "e")
    _set_cell(estate.parent / "entitlements.csv", "unit_price", price, row=2)
    assert_refused(validate(estate), "entitlements.csv:2", "unit_price")


@pytest.mark.parametrize("count", ["1e23", "\u0662", str(10**30), "inf"])
def test_bad_device_licence_counts_are_refused(tmp_path: Path, count: str) -> None:
    estate = write_estate(tmp_path / "e")
    _set_cell(estate.parent / "devices.csv", "licences", f"network-advantage:{count}", row=2)
    plan_refused(estate, tmp_path, "devices.csv:2", "licence count")


@st.composite
def impossible_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(2000, 2099))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 31 + 9))
    return f"{year}-{month:02d}-{day:02d}"


@SETTINGS
@given(day=impossible_dates())
def test_impossible_dates_in_entitlements_are_refused(tmp_path: Path, day: str) -> None:
    estate = write_estate(tmp_path / f"e{day}")
    _set_cell(estate.parent / "entitlements.csv", "end", day, row=2)
    assert_refused(validate(estate), "entitlements.csv:2", day)


@pytest.mark.parametrize("value", ["2025-02-30", "2025-01-01T10:00:00+02:00",
                                   "2025-01-01 10:00:00Z", "9999-12-31", "1800-01-01"])
def test_agreement_dates_are_calendar_dates(tmp_path: Path, value: str) -> None:
    estate = write_estate(tmp_path / "e")
    text = estate.read_text("utf-8")
    start = text.split("agreement: {start: ")[1].split(",")[0]
    estate.write_text(text.replace(f"start: {start}", f"start: {value}"), "utf-8")
    line = next(i for i, t in enumerate(estate.read_text("utf-8").split("\n"), 1)
                if t.startswith("agreement:"))
    plan_refused(estate, tmp_path, f"estate.yaml:{line}", "agreement.start")


@pytest.mark.parametrize("growth", [".nan", ".inf", "-.inf", "1e30", "-0.1"])
def test_growth_allowance_must_be_a_finite_share(tmp_path: Path, growth: str) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8").replace(
        "agreement: {", f"agreement: {{growth_allowance: {growth}, "), "utf-8")
    text = plan_refused(estate, tmp_path, "estate.yaml:", "growth_allowance")
    assert "nan%" not in text


@pytest.mark.parametrize("section", ["prices: {network-advantage: .inf}",
                                     "costs: {horizon_years: .nan}",
                                     "costs: {horizon_years: 1e400}"])
def test_non_finite_estate_numbers_are_refused(tmp_path: Path, section: str) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8") + section + "\n", "utf-8")
    assert_refused(validate(estate), "estate.yaml:")


@pytest.mark.parametrize("args", [
    ("--date", "9999-12-31"), ("--date", "2025-02-30"),
    ("--date", "\u0662\u0660\u0662\u0665-01-01"),
])
def test_cli_dates_are_refused_cleanly(tmp_path: Path, args: tuple[str, str]) -> None:
    estate = write_estate(tmp_path / "e")
    assert_refused(run("validate", str(estate), *args), args[0])


def test_renewal_date_far_future_is_refused(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    out = tmp_path / "renewal"
    assert_refused(run("renewal", str(estate), "--renewal-date", "9999-12-31", "-o", str(out),
                       "--date", DATE), "--renewal-date")
    assert not out.exists()


def test_threads_beyond_the_machines_cores_are_refused(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    result = run("plan", str(estate), "-o", str(tmp_path / "out"), "--threads",
                 str((os.cpu_count() or 1) * 100 + 1000))
    assert result.exit_code == 2 and "--threads" in result.output + result.stderr
    assert not (tmp_path / "out").exists()


def test_lone_surrogate_in_cssm_json_is_refused_with_its_line(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    body = json.dumps({"licenses": [{"license": "Network Advantage", "quantity": 4,
                                     "virtualAccount": "DEFAULT"}]}, indent=2)
    body = body.replace('"DEFAULT"', '"DEF\\ud800AULT"')
    (estate.parent / "cssm.json").write_text(body, "utf-8")
    estate.write_text(estate.read_text("utf-8").replace(
        "inventory:\n", "inventory:\n  cssm_json: [cssm.json]\n"), "utf-8")
    line = next(i for i, t in enumerate(body.split("\n"), 1) if "ud800" in t)
    plan_refused(estate, tmp_path, f"cssm.json:{line}", "surrogate")


def test_latin1_byte_is_reported_with_its_line(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    csv_path = estate.parent / "devices.csv"
    lines = csv_path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b",Z\xfcrich-", 1)  # a Latin-1 u-umlaut
    csv_path.write_bytes(b"\n".join(lines))
    assert_refused(validate(estate), "devices.csv:5", "0xfc")


def test_explain_of_a_site_without_devices_is_exit_2(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    estate.write_text(estate.read_text("utf-8").replace(
        "links:", "  - {id: EMPTY1, classification: regulated, internet: none}\nlinks:", 1),
        "utf-8")
    assert_refused(run("explain", str(estate), "--site", "EMPTY1"), "EMPTY1",
                   "no devices")


@pytest.mark.parametrize("option", [("--time-limit", "nan"), ("--time-limit", "inf"),
                                    ("--gap", "nan"), ("--gap", "-inf")])
def test_solver_options_must_be_finite(tmp_path: Path, option: tuple[str, str]) -> None:
    estate = write_estate(tmp_path / "e")
    result = run("plan", str(estate), "-o", str(tmp_path / "out"), *option)
    assert result.exit_code == 2 and option[0] in result.output + result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("epoch", ["253402300799", "\u0661\u0662\u0663", "1e9", "-99999999999"])
def test_source_date_epoch_is_checked_like_a_date(tmp_path: Path, epoch: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    estate = write_estate(tmp_path / "e")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert_refused(run("validate", str(estate)), "SOURCE_DATE_EPOCH")


@pytest.mark.parametrize("args", [
    ("generate", "GEN", "--devices", "1", "--sites", "99999999999"),
    ("generate", "GEN", "--devices", "99999999999", "--sites", "1"),
])
def test_generator_sizes_are_bounded(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "gen"
    result = run(*(str(out) if a == "GEN" else a for a in args))
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_cycle_dates_use_the_one_date_domain(tmp_path: Path) -> None:
    estate = write_estate(tmp_path / "e")
    planned = run("plan", str(estate), "-o", str(tmp_path / "plan"), "--date", DATE)
    assert planned.exit_code == 0, planned.output
    assert_refused(run("cycle", "schedule", str(estate), "--plan",
                       str(tmp_path / "plan" / "plan.json"), "--from", "9999-12-01"), "--from")
