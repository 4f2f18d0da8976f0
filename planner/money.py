"""Money as text: the one format every document, table and message uses.

An amount is written as the currency code, a space and the amount with thousands separators and
two decimals ("USD 1,234.00"); where a column or a sentence already names the currency the code
is left off ("1,234.00"). An amount that rounds to zero is written "0.00", never "-0.00". CSV
and JSON carry money as numbers, not as this text.
"""

from __future__ import annotations

MISSING = "-"  # an amount that does not exist (an infeasible strategy, an action with no hours)


def money(value: float | None, currency: str = "") -> str:
    """`value` as "USD 1,234.00" (or "1,234.00" without a currency); None as "-"."""
    if value is None:
        return MISSING
    text = f"{round(value, 2) + 0.0:,.2f}"  # + 0.0 turns a rounded -0.0 into 0.0
    return f"{currency} {text}" if currency else text
