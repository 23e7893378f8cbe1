"""Pay periods longer than a month (docs/pay-rules.md §8): a month, a quarter, a half year, a year.

Written ``2026-10`` (a month), ``2026-Q4`` (October–December), ``2026-H2`` (July–December) or
``2026`` (the year). A period's rewards are paid in its last month.

Pure and dependency-free on purpose: the pay engine, the importers, the plan loader and the
services all use it (``app.calendar`` imports the holiday package, which the engine must not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The plan's words for a kind of period, and how many months each spans.
PERIOD_KINDS: tuple[str, ...] = ("month", "quarter", "half_year", "year")
_SPAN = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
KIND_WORDS: dict[str, tuple[str, str]] = {
    "month": ("月度", "monthly"),
    "quarter": ("季度", "quarterly"),
    "half_year": ("半年度", "half-yearly"),
    "year": ("年度", "yearly"),
}

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|[Qq]([1-4])|[Hh]([12])))?$")


@dataclass(frozen=True, order=True)
class PayPeriod:
    """One period: ``kind`` (one of :data:`PERIOD_KINDS`), its ``year`` and ``index`` within the year
    (the month 1–12, the quarter 1–4, the half 1–2, or 1 for the year)."""

    year: int
    kind: str
    index: int

    @property
    def span(self) -> int:
        return _SPAN[self.kind]

    @property
    def first_month_number(self) -> int:
        return (self.index - 1) * self.span + 1

    @property
    def text(self) -> str:
        """How the period is written: ``2026-10``, ``2026-Q4``, ``2026-H2`` or ``2026``."""
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        if self.kind == "half_year":
            return f"{self.year:04d}-H{self.index}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.text

    def months(self) -> tuple[str, ...]:
        """The period's months, ``YYYY-MM``, in order."""
        first = self.first_month_number
        return tuple(f"{self.year:04d}-{m:02d}" for m in range(first, first + self.span))

    @property
    def first_month(self) -> str:
        return self.months()[0]

    @property
    def last_month(self) -> str:
        """The month the period's rewards are paid in."""
        return self.months()[-1]

    def contains(self, month: str) -> bool:
        return month in self.months()


def parse_period(text: str) -> PayPeriod:
    """``"2026-Q4"`` → the fourth quarter of 2026; anything else is a ``ValueError`` naming the text."""
    match = _PERIOD_RE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"期间应写作 2026-10、2026-Q4、2026-H2 或 2026 / a period is written 2026-10, 2026-Q4, 2026-H2 "
            f"or 2026: {text!r}"
        )
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if month:
        return PayPeriod(year, "month", int(month))
    if quarter:
        return PayPeriod(year, "quarter", int(quarter))
    if half:
        return PayPeriod(year, "half_year", int(half))
    return PayPeriod(year, "year", 1)


def is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


def period_of(kind: str, month: str) -> PayPeriod:
    """The period of ``kind`` that ``month`` (``YYYY-MM``) falls in."""
    if kind not in _SPAN:
        raise ValueError(f"unknown period kind {kind!r} (expected one of: {', '.join(PERIOD_KINDS)})")
    found = parse_period(month)
    if found.kind != "month":
        raise ValueError(f"a month is written YYYY-MM: {month!r}")
    return PayPeriod(found.year, kind, (found.index - 1) // _SPAN[kind] + 1)


def ends_in(kind: str, month: str) -> PayPeriod | None:
    """The period of ``kind`` whose last month is ``month``, or None when ``month`` is not a last month."""
    period = period_of(kind, month)
    return period if period.last_month == month else None
