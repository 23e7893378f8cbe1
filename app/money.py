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


def round2(value: Decimal) -> Decimal:
    """Round to two decimals, halves away from zero (ROUND_HALF_UP, docs/pay-rules.md §1).

    The one rounding rule of the rulebook, for money (to the cent) and for the few scores it
    rounds (the QA average, the composite score K). Python's ``round`` and the ``:.2f`` format
    round half to even and are never used for either.
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# The same function under the name that says what a money call site means.
round_cents = round2


def fmt_money(value: Decimal) -> str:
    """Exactly two decimals, half up, no thousands separator: the JSON and CSV form, and every
    amount shown as text. ``-0.00`` is never written."""
    return f"{round_cents(value) + ZERO:f}"


def fmt_score(value: Decimal) -> str:
    """A score or average (the QA average, K) to two decimals, rounded half up like the rulebook
    rounds it — the same arithmetic as :func:`fmt_money`, named for what it shows."""
    return f"{round2(value) + ZERO:f}"


def money_for_editing(value: Decimal) -> str:
    """A stored amount put in an edit field: :func:`fmt_money`, or every decimal when it has more
    than two (stored before amounts were limited to the cent), so that saving the form cannot
    round it unseen — the form refuses it until the user writes the cents."""
    return fmt_money(value) if has_cents_only(value) else f"{value:f}"


class MoneyError(ValueError):
    """An amount that cannot be money, with the reason in Chinese (``message``) and English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en

    def text(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message


MONEY_MAX = Decimal("1e12")  # the importers' bound: nothing in a branch payroll is a trillion
MONEY_MARKS = ("¥", "￥", "RMB", "元")  # what people write around an amount
AMOUNT = ("金额", "an amount")  # how a message names the value unless the caller names it better


def has_cents_only(value: Decimal) -> bool:
    """True when ``value`` is a whole number of cents (``10.50``, ``10.500``; not ``10.005``)."""
    return value.is_finite() and value == value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_money(value: Decimal, shown: str | None = None, what: tuple[str, str] = AMOUNT) -> Decimal:
    """``value`` if it is an amount of money: finite, below a trillion, at most two decimals.

    Never rounds: an amount with a third decimal is refused (``MoneyError``) so that what is
    paid is what was written; ``10.500`` is accepted as ``10.50``. ``shown`` is the text as the
    user wrote it; ``what`` names the value in the message (``("底薪", "the base salary")``).
    """
    text = shown if shown is not None else (f"{value:f}" if value.is_finite() else str(value))
    if not value.is_finite():
        raise MoneyError(f"{what[0]}不是数字：{text}", f"{what[1]} is not a number: {text}")
    if abs(value) >= MONEY_MAX:
        raise MoneyError(f"{what[0]}过大：{text}", f"{what[1]} is too large: {text}")
    if not has_cents_only(value):
        raise MoneyError(f"{what[0]}最多两位小数：{text}", f"{what[1]} has at most 2 decimals: {text}")
    exponent = value.as_tuple().exponent
    if exponent < -2:  # type: ignore[operator]  # 10.500 -> 10.50
        value = value.quantize(CENT)
    elif exponent > 0:  # type: ignore[operator]  # 1E+3 -> 1000
        value = value.quantize(Decimal(1))
    return value


def parse_money(text: str, what: tuple[str, str] = AMOUNT) -> Decimal:
    """An amount as people write it — ``1,200.50``, ``¥1200``, ``1200元``, ``-300`` — or ``MoneyError``.

    The forms the importers read (``app/importers/cells.py``); a percentage is not money, and
    more than two decimals is refused, never rounded.
    """
    shown = text.strip()
    number = shown
    for mark in MONEY_MARKS:
        number = number.replace(mark, "")
    number = number.strip()
    if not number:
        raise MoneyError(f"请填写{what[0]}", f"{what[1]} is required")
    if number.endswith(("%", "％")):
        raise MoneyError(f"{what[0]}不能填百分比：{shown}", f"{what[1]} cannot be a percentage: {shown}")
    try:
        value = D(number)
    except (InvalidOperation, ValueError, TypeError, ArithmeticError):
        raise MoneyError(f"{what[0]}不是数字：{shown}", f"{what[1]} is not a number: {shown}") from None
    return check_money(value, shown, what)


def fmt_num(value: Decimal) -> str:
    """A number as a person writes it: no exponent, no trailing zeros after the point.

    Zero is ``0`` whatever its sign: a product such as ``0 × −5`` is ``Decimal("-0")``, which must not
    read ``-0`` in an explanation."""
    if value == 0:
        return "0"
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"
