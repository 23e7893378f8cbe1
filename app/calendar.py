"""The month's workdays (docs/pay-rules.md §2): statutory Chinese calendar or Monday–Friday, then overrides.

Kept out of the pay engine on purpose: the engine is given the finished list of workdays in
``MonthFacts`` so that a payroll can be recomputed later from stored facts even after the
``chinesecalendar`` package learns (or changes) a year.
"""

from __future__ import annotations

import calendar as _stdcal
import re
from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

from app.text import Text

CALENDARS = ("cn", "mon-fri")
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(month: str) -> tuple[int, int]:
    """``"2026-10"`` → ``(2026, 10)``; anything else is a ``ValueError`` naming the bad text."""
    match = _MONTH_RE.match(month.strip()) if isinstance(month, str) else None
    if match is None:
        raise ValueError(f"月份格式应为 YYYY-MM / a month is written YYYY-MM: {month!r}")
    return int(match.group(1)), int(match.group(2))


def is_month(text: str) -> bool:
    """Whether ``text`` is exactly a month written ``YYYY-MM``."""
    return isinstance(text, str) and _MONTH_RE.fullmatch(text) is not None


def month_str(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_of(day: date) -> str:
    """The month ``day`` falls in, ``YYYY-MM``."""
    return month_str(day.year, day.month)


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months after (negative: before) ``month``: ``shift_month("2026-01", -1) == "2025-12"``."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + delta
    return month_str(index // 12, index % 12 + 1)


def previous_month(month: str) -> str:
    return shift_month(month, -1)


def next_month(month: str) -> str:
    return shift_month(month, 1)


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last calendar day of ``month``."""
    year, mon = parse_month(month)
    return date(year, mon, 1), date(year, mon, _stdcal.monthrange(year, mon)[1])


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_workdays(
    month: str, calendar: str = "cn", overrides: Mapping[date, bool] | None = None
) -> tuple[tuple[date, ...], Text | None]:
    """The workdays of ``month`` in date order, and a warning when the calendar had to fall back.

    ``calendar="cn"`` follows the statutory holidays and make-up workdays (调休) of the
    ``chinesecalendar`` package. That package only knows the years the State Council has
    published; for any other year Monday–Friday is used and the returned warning says so,
    because silently paying on a guessed calendar would surprise the manager.
    ``overrides`` (``True`` = workday, ``False`` = day off) are applied last; dates outside
    the month are ignored.
    """
    if calendar not in CALENDARS:
        raise ValueError(
            f"未知的日历 / unknown calendar {calendar!r} (expected one of: {', '.join(CALENDARS)})"
        )
    first, last = month_bounds(month)
    days = _days(first, last)
    warning: Text | None = None
    flags: dict[date, bool]
    if calendar == "cn":
        try:
            flags = {d: bool(chinese_calendar.is_workday(d)) for d in days}
        except NotImplementedError:
            warning = Text(
                f"{first.year}年不在法定节假日日历中，按周一至周五计算工作日",
                f"the statutory calendar does not know {first.year}: Monday–Friday used",
            )
            flags = {d: d.weekday() < 5 for d in days}
    else:
        flags = {d: d.weekday() < 5 for d in days}
    for day, is_workday in (overrides or {}).items():
        if first <= day <= last:
            flags[day] = bool(is_workday)
    return tuple(d for d in days if flags[d]), warning
