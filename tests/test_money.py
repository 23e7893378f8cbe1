"""app.money: one parse and one format for money (issue #12). Amounts are rounded half up to the
cent (docs/pay-rules.md §1); ``f"{x:.2f}"`` on a Decimal rounds half to even and is not used."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.money import MoneyError, check_money, fmt_money, fmt_num, parse_money, round2, round_cents


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0.125", "0.13"),  # f"{Decimal('0.125'):.2f}" is "0.12"
        ("2.675", "2.68"),
        ("-0.125", "-0.13"),  # halves away from zero
        ("-0.004", "0.00"),  # never "-0.00"
        ("1200", "1200.00"),
        ("1234567.5", "1234567.50"),
        ("1E+3", "1000.00"),
    ],
)
def test_fmt_money_is_two_decimals_rounded_half_up(value: str, text: str) -> None:
    assert fmt_money(Decimal(value)) == text


def test_one_rounding_rule_for_money_and_scores() -> None:
    assert round_cents is round2
    assert round2(Decimal("91.665")) == Decimal("91.67")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200", Decimal(1200)),
        (" 1,200.50 ", Decimal("1200.50")),
        ("1，200", Decimal(1200)),
        ("¥1200", Decimal(1200)),
        ("￥-300", Decimal(-300)),
        ("1200元", Decimal(1200)),
        ("RMB 88.8", Decimal("88.8")),
        ("+5", Decimal(5)),
        ("10.500", Decimal("10.50")),
    ],
)
def test_parse_money_reads_what_the_importers_read(text: str, value: Decimal) -> None:
    got = parse_money(text)
    assert got == value
    assert got.as_tuple().exponent >= -2  # type: ignore[operator]


def test_parse_money_refuses_a_third_decimal_in_both_languages() -> None:
    with pytest.raises(MoneyError) as refused:
        parse_money("10.005")
    assert isinstance(refused.value, ValueError)
    assert refused.value.text("zh") == "金额最多两位小数：10.005"
    assert refused.value.text("en") == "an amount has at most 2 decimals: 10.005"
    with pytest.raises(MoneyError, match="the base salary has at most 2 decimals: 4000.125"):
        check_money(Decimal("4000.125"), what=("底薪", "the base salary"))


@pytest.mark.parametrize("text", ["", "abc", "95%", "1e12", "NaN", "Infinity", "1.2.3"])
def test_parse_money_refuses_what_is_not_money(text: str) -> None:
    with pytest.raises(MoneyError) as refused:
        parse_money(text)
    assert refused.value.text("zh") and refused.value.text("en")


def test_the_cli_json_and_the_payslip_round_a_half_cent_up() -> None:
    """No real path gives them a half cent today (pay lines are rounded when made); should one
    ever arrive, the CLI and the payslip show it as the payroll page does, not half to even."""
    from app.cli import _changes_json
    from app.reports.payslip import _money
    from app.services.payroll_view import AgentChange, LineChange

    assert _money(Decimal("0.125")) == "0.13"
    assert _money(Decimal("2.675")) == "2.68"
    change = AgentChange(
        "A001", "张三", "changed", Decimal("100.125"), Decimal("200.005"),
        (LineChange("adjustment", "调整", Decimal("0.125"), Decimal("10.005")),),
    )
    (agent,) = _changes_json("2026-10", [change])["agents"]
    assert (agent["net_before"], agent["net_after"]) == ("100.13", "200.01")
    assert (agent["lines"][0]["before"], agent["lines"][0]["after"]) == ("0.13", "10.01")


def test_fmt_score_rounds_a_score_half_up() -> None:
    from app.money import fmt_score

    assert fmt_score(Decimal("90.125")) == "90.13"  # f"{Decimal('90.125'):.2f}" is "90.12"
    assert fmt_score(Decimal(90)) == "90.00"


def test_fmt_num_writes_a_negative_zero_as_0() -> None:
    # 0 absences × −5 points is Decimal("-0"); the KPI explanation used to read "= -0 → 100".
    assert fmt_num(Decimal(0) * Decimal(-5)) == "0"
    assert fmt_num(Decimal("-0.00")) == "0"
    assert fmt_num(Decimal("-5")) == "-5" and fmt_num(Decimal("2.50")) == "2.5"
