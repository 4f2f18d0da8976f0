"""The one money format (planner.money): 'USD 1,234.00', the code left off where a column names
it, '-' for an amount that does not exist; and the templates' |money filter is that function."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from planner.money import MISSING, money
from planner.reports.render import environment

AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}")
CODES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
AMOUNTS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@given(AMOUNTS, CODES)
def test_code_space_amount(value: float, code: str) -> None:
    text = money(value, code)
    head, _, amount = text.partition(" ")
    assert head == code
    assert AMOUNT.fullmatch(amount)
    assert money(value) == amount


@given(AMOUNTS)
def test_the_amount_is_the_value_to_the_cent(value: float) -> None:
    text = money(value)
    assert math.isclose(float(text.replace(",", "")), value, abs_tol=0.005 + 1e-9 * abs(value))
    if round(value, 2) == 0:
        assert text == "0.00"  # never "-0.00"


def test_no_amount() -> None:
    assert money(None, "USD") == MISSING == "-"


@given(AMOUNTS, CODES)
def test_the_template_filter_is_the_function(value: float, code: str) -> None:
    env = environment()
    assert env.from_string("{{ v|money(c) }}").render(v=value, c=code) == money(value, code)
    assert env.from_string("{{ v|money }}").render(v=value) == money(value)
