"""The plan's targets and period rewards (docs/pay-rules.md §8): ``[[targets]]``,
``[[period_awards]]`` and ``[team_award]`` of a ``schema = 2`` plan. All optional: a plan
without them pays as in part one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.periods import PERIOD_KINDS

TARGET_PERIODS: tuple[str, ...] = PERIOD_KINDS  # a target may run a month, a quarter, a half year or a year
AWARD_PERIODS: tuple[str, ...] = ("quarter", "half_year", "year")
BUILTIN_MEASURES: tuple[str, ...] = ("standard_premium", "policies")


@dataclass(frozen=True)
class PayoutBand:
    """From attainment ``from_`` (TOML key ``from``, e.g. 1.0 = 100%) the bonus is paid × ``rate``."""

    from_: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Target:
    """目标制激励: ``measure`` is ``standard_premium``, ``policies`` or a metric (indicator) code;
    ``period`` one of :data:`TARGET_PERIODS`; ``payout`` ascending by ``from_`` (the loader checks)."""

    code: str
    name: str
    measure: str
    period: str
    bonus: Decimal
    payout: tuple[PayoutBand, ...]

    def rate_for(self, attainment: Decimal) -> Decimal:
        """The rate of the band with the greatest ``from <= attainment``; 0 below the first band."""
        rate = Decimal(0)
        for band in self.payout:
            if band.from_ <= attainment:
                rate = band.rate
        return rate


@dataclass(frozen=True)
class PeriodAward:
    """季度/半年度/年度优胜. ``min_months`` None: every month of the period."""

    code: str
    name: str
    period: str
    top_share: Decimal
    amount: Decimal
    min_months: int | None = None
    exclude_penalized: bool = True


@dataclass(frozen=True)
class TeamAward:
    """团队奖: every member of the best team (by mean K) gets ``amount``."""

    amount: Decimal
    min_members: int = 3
    exclude_penalized: bool = True
