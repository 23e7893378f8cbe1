"""Amounts in Chinese capital numerals (大写金额), as a payslip or a bank form writes them.

Capital numerals exist so that a written amount cannot be altered by adding a stroke;
the rules below follow the usual financial convention (《支付结算办法》):

- digits 零壹贰叁肆伍陆柒捌玖, places 拾佰仟 inside a group of four, groups 万 and 亿;
- 拾 always carries its digit (10 → 壹拾元整, never 拾元整);
- a run of zeros between non-zero digits, also across a group boundary, is written as one 零
  (10010.10 → 壹万零壹拾元壹角; 100000001 → 壹亿零壹元); trailing zeros are not written;
- 整 closes an amount without 角 and 分; 分 after 元 without 角 is preceded by 零
  (7502.04 → 柒仟伍佰零贰元零肆分); below one yuan there is no 元 (0.5 → 伍角);
- a negative amount starts with 负 (the payslip must be able to show a negative net honestly).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿")
# 9999,9999,9999.99 — three groups of four digits; far above any pay amount.
LIMIT = Decimal(10) ** 12


def chinese_amount(value: Decimal) -> str:
    """``value`` (yuan) in 大写, rounded half up to the fen first.

    Raises ``ValueError`` for amounts of a trillion yuan or more, which no payslip holds
    and which would need the 兆/万亿 units that banks write differently.
    """
    if not isinstance(value, Decimal):
        raise TypeError("chinese_amount takes a Decimal")
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    cents = int((abs(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents >= LIMIT * 100:
        raise ValueError(f"amount too large for 大写: {value}")
    sign = "负" if value < 0 and cents else ""
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)

    text = _integer_words(yuan)
    if yuan:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            text += "零"
        text += DIGITS[fen] + "分"
    return sign + text


def _integer_words(number: int) -> str:
    """The yuan part without 元: groups of four digits from the top, one 零 per run of zeros."""
    if number == 0:
        return ""
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    out: list[str] = []
    pending_zero = False  # a zero was passed since the last written digit
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if digit == 0:
                pending_zero = pending_zero or bool(out)
                continue
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(DIGITS[digit] + PLACES[place])
        out.append(GROUPS[index])
        # zeros at the end of a group are not written (壹拾万壹仟, not 壹拾万零壹仟): the group
        # unit already marks their place. Zeros at the start of the next group still count.
        pending_zero = False
    return "".join(out)
