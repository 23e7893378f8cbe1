"""大写金额: the financial rules for capital numerals, case by case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.reports.amount_words import chinese_amount


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # the examples of the issue
        ("7502.04", "柒仟伍佰零贰元零肆分"),
        ("7500", "柒仟伍佰元整"),
        ("0.5", "伍角"),
        ("10010.10", "壹万零壹拾元壹角"),
        # 整 only when there are no 角/分
        ("7500.00", "柒仟伍佰元整"),
        ("1", "壹元整"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        # below one yuan: no 元, no leading 零
        ("0.04", "肆分"),
        ("0.45", "肆角伍分"),
        ("0.01", "壹分"),
        # 零 before 分 when 角 is zero; none between 元 and 角
        ("1.05", "壹元零伍分"),
        ("1.50", "壹元伍角"),
        ("1.55", "壹元伍角伍分"),
        ("1000.5", "壹仟元伍角"),
        # 拾 keeps its digit, also at the start
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("110", "壹佰壹拾元整"),
        ("100000", "壹拾万元整"),
        # one 零 for a run of zeros inside a group
        ("101", "壹佰零壹元整"),
        ("1001", "壹仟零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("2997.97", "贰仟玖佰玖拾柒元玖角柒分"),
        ("4091.90", "肆仟零玖拾壹元玖角"),
        # zeros across the 万 boundary
        ("10001", "壹万零壹元整"),
        ("10100", "壹万零壹佰元整"),
        ("11000", "壹万壹仟元整"),
        ("101000", "壹拾万壹仟元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1000000", "壹佰万元整"),
        ("14591.91", "壹万肆仟伍佰玖拾壹元玖角壹分"),
        # 亿 groups, and an all-zero 万 group between
        ("100000000", "壹亿元整"),
        ("100000001", "壹亿零壹元整"),
        ("100010000", "壹亿零壹万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1010000000", "壹拾亿壹仟万元整"),
        ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
        # negative amounts (a net carried to next month can be shown negative on a draft)
        ("-20", "负贰拾元整"),
        ("-0.5", "负伍角"),
        ("-7502.04", "负柒仟伍佰零贰元零肆分"),
        # rounding half up to the fen first; a tiny negative is zero, not 负零
        ("0.005", "壹分"),
        ("2.675", "贰元陆角捌分"),
        ("-0.001", "零元整"),
    ],
)
def test_chinese_amount(amount: str, words: str) -> None:
    assert chinese_amount(Decimal(amount)) == words


def test_every_digit_and_place() -> None:
    assert chinese_amount(Decimal("9876543210.98")) == "玖拾捌亿柒仟陆佰伍拾肆万叁仟贰佰壹拾元玖角捌分"


def test_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError):
        chinese_amount(Decimal("1000000000000"))
    with pytest.raises(ValueError):
        chinese_amount(Decimal("NaN"))
    with pytest.raises(TypeError):
        chinese_amount(7502.04)  # type: ignore[arg-type]
