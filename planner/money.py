"""Money as text: the one format every document, table and message uses.

An amount is written as the currency code, a space and the amount with thousands separators and
two decimals ("USD 1,234.00"); where a column or a sentence already names the currency the code
is left off ("1,234.00"). An amount that rounds to zero is written "0.00", never "-0.00". A
chart's bar label, where the full figure would not fit, uses the compact form ("USD 321.3k");
its tooltip carries the full one. CSV and JSON carry money as numbers, not as this text.
"""

from __future__ import annotations

MISSING = "-"  # an amount that does not exist (an infeasible strategy, an action with no hours)


def money(value: float | None, currency: str = "", *, signed: bool = False) -> str:
    """`value` as "USD 1,234.00" (or "1,234.00" without a currency); None as "-". `signed`:
    a difference, with its sign always shown ("+1,234.00", "-12.50", "+0.00")."""
    if value is None:
        return MISSING
    rounded = round(value, 2) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0
    text = f"{rounded:+,.2f}" if signed else f"{rounded:,.2f}"
    return f"{currency} {text}" if currency else text


def money_compact(value: float, currency: str = "") -> str:
    """`value` to three or four significant figures for a chart label: "USD 321.3k", "1.3M",
    "USD 472" (whole units below a thousand)."""
    text = f"{round(value) + 0:,.0f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:,.1f}{suffix}"
            break
    return f"{currency} {text}" if currency else text
