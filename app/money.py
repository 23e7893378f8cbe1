"""One place for money and rate arithmetic (after beancount's ``core/number.py``).

Money and rates are :class:`~decimal.Decimal`, never ``float``. Rounding to the
cent happens only where the rulebook says, and always with ROUND_HALF_UP.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def D(value: object) -> Decimal:
    """Build a Decimal from text, int or Decimal; floats are refused so no binary fraction leaks in.

    A percentage written as text (``"95%"``) means 0.95.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError("floats are not accepted for money or rates; pass text or Decimal")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            raise InvalidOperation("empty number")
        pct = text.endswith("%") or text.endswith("％")
        if pct:
            text = text[:-1].strip()
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation(f"not a finite number: {value!r}")
        return number / HUNDRED if pct else number
    raise TypeError(f"cannot make a number of {type(value).__name__}")


def round_cents(value: Decimal) -> Decimal:
    """Round to 0.01 half up — the only rounding of money the rulebook allows."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    """Round a score or average to two decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(value: Decimal) -> str:
    """Exactly two decimals, no thousands separator: the JSON and CSV form."""
    return f"{round_cents(value):.2f}"


def fmt_num(value: Decimal) -> str:
    """A number as a person writes it: no exponent, no trailing zeros after the point."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"
