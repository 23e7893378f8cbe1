"""Periods of docs/pay-rules.md §8: months, quarters, half years and years, and their last months."""

from __future__ import annotations

import pytest

from app.periods import PayPeriod, ends_in, is_period, parse_period, period_of


def test_each_way_of_writing_a_period() -> None:
    assert parse_period("2026-10") == PayPeriod(2026, "month", 10)
    assert parse_period("2026-Q4") == PayPeriod(2026, "quarter", 4)
    assert parse_period(" 2026-q1 ") == PayPeriod(2026, "quarter", 1)
    assert parse_period("2026-H2") == PayPeriod(2026, "half_year", 2)
    assert parse_period("2026") == PayPeriod(2026, "year", 1)
    for text in ("2026-10", "2026-Q4", "2026-H2", "2026"):
        assert parse_period(text).text == text


def test_months_and_last_month() -> None:
    assert parse_period("2026-Q4").months() == ("2026-10", "2026-11", "2026-12")
    assert parse_period("2026-Q1").last_month == "2026-03"
    assert parse_period("2026-H1").months() == tuple(f"2026-{m:02d}" for m in range(1, 7))
    assert parse_period("2026-H2").first_month == "2026-07"
    assert parse_period("2026").last_month == "2026-12" and len(parse_period("2026").months()) == 12
    assert parse_period("2026-02").months() == ("2026-02",)
    assert parse_period("2026-Q2").contains("2026-05") and not parse_period("2026-Q2").contains("2026-07")


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-Q0", "2026-H3", "26", "2026-1", "2026/10", "Q4", ""])
def test_bad_periods_are_refused_naming_the_text(bad: str) -> None:
    assert not is_period(bad)
    with pytest.raises(ValueError, match="2026-Q4"):
        parse_period(bad)


def test_period_of_a_month_and_where_periods_end() -> None:
    assert period_of("quarter", "2026-11").text == "2026-Q4"
    assert period_of("half_year", "2026-06").text == "2026-H1"
    assert period_of("year", "2026-03").text == "2026"
    assert period_of("month", "2026-03").text == "2026-03"
    assert ends_in("quarter", "2026-12") == parse_period("2026-Q4")
    assert ends_in("quarter", "2026-11") is None
    assert ends_in("half_year", "2026-06") == parse_period("2026-H1")
    assert ends_in("year", "2026-06") is None
    assert ends_in("month", "2026-06") == parse_period("2026-06")
    with pytest.raises(ValueError):
        period_of("week", "2026-06")
    with pytest.raises(ValueError):
        period_of("quarter", "2026-Q4")
