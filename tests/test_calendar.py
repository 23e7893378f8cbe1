"""Workdays of a month: statutory calendar with make-up days, fallback, overrides."""

from __future__ import annotations

from datetime import date

import pytest

from app.calendar import month_bounds, month_workdays, parse_month


def test_parse_month_and_bounds() -> None:
    assert parse_month("2026-10") == (2026, 10)
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for bad in ("2026-13", "2026-1", "202610", ""):
        with pytest.raises(ValueError):
            parse_month(bad)


def test_october_2026_statutory_calendar() -> None:
    days, warning = month_workdays("2026-10", "cn", {})
    assert warning is None
    assert len(days) == 18
    assert all(date(2026, 10, d) not in days for d in range(1, 8))  # National Day holiday
    assert date(2026, 10, 10) in days  # Saturday make-up workday (调休)
    assert days == tuple(sorted(days))


def test_mon_fri() -> None:
    days, warning = month_workdays("2026-10", "mon-fri", {})
    assert warning is None
    assert len(days) == 22 and all(d.weekday() < 5 for d in days)


def test_unknown_year_falls_back_with_a_warning() -> None:
    days, warning = month_workdays("2031-03", "cn", {})
    assert warning is not None and "2031" in warning.zh and "2031" in warning.en
    assert "周一至周五" in warning.zh and "Monday" in warning.en
    assert days == month_workdays("2031-03", "mon-fri", {})[0]


def test_overrides_applied_last_and_outside_dates_ignored() -> None:
    overrides = {date(2026, 10, 8): False, date(2026, 10, 11): True, date(2026, 11, 2): False}
    days, _ = month_workdays("2026-10", "cn", overrides)
    assert date(2026, 10, 8) not in days and date(2026, 10, 11) in days
    assert len(days) == 18


def test_unknown_calendar() -> None:
    with pytest.raises(ValueError):
        month_workdays("2026-10", "lunar", {})


def test_month_arithmetic_crosses_years_both_ways() -> None:
    from app.calendar import is_month, month_of, next_month, previous_month, shift_month

    assert previous_month("2026-01") == "2025-12" and next_month("2025-12") == "2026-01"
    assert shift_month("2026-03", -15) == "2024-12" and shift_month("2024-12", 15) == "2026-03"
    assert month_of(date(2026, 2, 28)) == "2026-02"
    assert is_month("2026-10") and not is_month("2026-13") and not is_month(" 2026-10") and not is_month("26-10")
