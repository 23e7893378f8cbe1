"""The branch over months (趋势, docs/pay-rules.md §12.2) as typed series.

Built by :func:`app.services.history.history` from the stored results; read by the 趋势 page and the
summary workbook's 趋势 sheet (:mod:`app.reports.trend_sheet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BELOW_RUN = 3  # months running below the branch average that raise the flag
COMPONENTS = ("base", "commission", "kpi", "awards", "penalties")  # summary column keys charted


@dataclass(frozen=True)
class MonthPoint:
    """One month of the branch. ``cost`` maps each of :data:`COMPONENTS` to its total (penalties
    as a positive amount taken); the averages are None when no agent had the figure."""

    month: str
    headcount: int
    cost: dict[str, Decimal]
    net: Decimal
    avg_net: Decimal
    avg_qa: Decimal | None
    avg_kpi: Decimal | None
    complaints: int
    praise: int


@dataclass(frozen=True)
class AgentSeries:
    """One agent over the months (None: no result that month, or K not measured)."""

    code: str
    name: str
    net: tuple[Decimal | None, ...]
    kpi: tuple[Decimal | None, ...]
    below_months: tuple[str, ...]  # the months of the longest run below the branch's average K

    @property
    def flagged(self) -> bool:
        return len(self.below_months) >= BELOW_RUN


@dataclass(frozen=True)
class History:
    months: tuple[str, ...]
    points: tuple[MonthPoint, ...]
    agents: tuple[AgentSeries, ...]  # ordered by code

    @property
    def flagged(self) -> tuple[AgentSeries, ...]:
        return tuple(a for a in self.agents if a.flagged)


@dataclass(frozen=True)
class MonthTotals:
    """A month's stored totals, for 环比 (this month against the one before) on the overview."""

    month: str
    headcount: int
    gross: Decimal
    deductions: Decimal
    net: Decimal


def change_text(current: Decimal | int, previous: Decimal | int, money: bool = True) -> tuple[str, str]:
    """``环比 +3.2%`` / ``vs last month +3.2%`` (or the difference when last month was 0), as (zh, en).

    Deductions are negative: their change is that of the amount taken (more taken reads +)."""
    if current <= 0 and previous < 0:
        current, previous = -current, -previous
    diff = Decimal(current) - Decimal(previous)
    if previous:
        pct = (diff / abs(Decimal(previous)) * 100).quantize(Decimal("0.1"))
        text = f"{'+' if pct > 0 else ''}{pct}%"
    else:
        text = f"{'+' if diff > 0 else ''}{diff.quantize(Decimal('0.01')) if money else diff}"
    return f"环比 {text}", f"vs last month {text}"
