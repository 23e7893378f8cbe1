"""The month being paid and who is in it (docs/pay-rules.md §2).

The engine parses the month itself rather than importing ``app.calendar``: workdays arrive
finished in ``MonthFacts``, and the engine should not depend on the holiday package.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date

from app.engine.facts import AgentMonth


@dataclass(frozen=True)
class Period:
    """A month's first and last day and its workdays (only those inside the month, in order)."""

    month: str
    first: date
    last: date
    workdays: tuple[date, ...]

    @classmethod
    def of(cls, month: str, workdays: tuple[date, ...]) -> Period:
        try:
            year_text, month_text = month.split("-")
            year, mon = int(year_text), int(month_text)
            first = date(year, mon, 1)
        except ValueError as exc:
            raise ValueError(f"a month is written YYYY-MM: {month!r}") from exc
        last = date(year, mon, _stdcal.monthrange(year, mon)[1])
        inside = tuple(sorted({d for d in workdays if first <= d <= last}))
        return cls(month=month, first=first, last=last, workdays=inside)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def in_payroll(agent: AgentMonth, period: Period) -> bool:
    """Hired by the month's last day and not gone before its first day."""
    return agent.hire_date <= period.last and (agent.leave_date is None or agent.leave_date >= period.first)


def employed(agent: AgentMonth, day: date) -> bool:
    """Whether ``day`` falls within the agent's employment (hire and leave dates inclusive)."""
    return agent.hire_date <= day and (agent.leave_date is None or day <= agent.leave_date)


def employed_workdays(agent: AgentMonth, period: Period) -> tuple[date, ...]:
    """E: the month's workdays from the hire date to the leave date, both inclusive."""
    return tuple(d for d in period.workdays if employed(agent, d))
