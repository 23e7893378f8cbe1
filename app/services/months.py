"""Month status queries shared by every service that writes records.

A service that writes records of a month calls :func:`ensure_open` (or
:func:`employment_locked_months` for an agent's employment) *inside* its write transaction:
it takes the database's write lock first and re-reads the month's status there, so a month
cannot be locked between the check and the write (issue #10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_of as month_of  # re-exported: the services' month helpers in one place
from app.calendar import next_month as next_month
from app.services.errors import MonthLocked
from app.services.record_changes import records_changing
from db.models import MonthStatus
from db.session import claim_write_lock


def month_status(session: Session, month: str) -> str:
    """The month's status as stored now (read from the database, never from the session's cache)."""
    status = session.scalar(select(MonthStatus.status).where(MonthStatus.month == month))
    return status if status is not None else "open"


def month_statuses(session: Session) -> dict[str, str]:
    """Every month that is not plainly open, with its status (``calculated`` / ``locked``); others are open."""
    rows = session.execute(select(MonthStatus.month, MonthStatus.status).where(MonthStatus.status != "open"))
    return {month: status for month, status in rows}


def locked_months(session: Session) -> set[str]:
    return set(session.scalars(select(MonthStatus.month).where(MonthStatus.status == "locked")))


def ensure_open(session: Session, month: str) -> None:
    """Refuse a change that touches a locked month (docs/pay-rules.md §4).

    Takes the write lock first (:func:`db.session.claim_write_lock`), so the month read open
    here stays open until the caller's transaction commits its write.
    """
    claim_write_lock(session)
    if month_status(session, month) == "locked":
        raise MonthLocked(month)
    records_changing(session, [month])  # the clerk's role; voids the month's sign-offs on commit (§10)


def locked_months_between(session: Session, first: date, last: date | None) -> list[str]:
    """The locked months that the days ``first`` .. ``last`` touch (``last`` None: no end), in order."""
    stmt = select(MonthStatus.month).where(MonthStatus.status == "locked", MonthStatus.month >= month_of(first))
    if last is not None:
        stmt = stmt.where(MonthStatus.month <= month_of(last))
    return sorted(session.scalars(stmt))


Employment = tuple[date, date | None]  # (hire date, leave date or None while employed)


def changed_days(old: Employment | None, new: Employment | None) -> list[tuple[str, date, date | None]]:
    """The days on which the agent is employed under one of ``old`` / ``new`` but not the other.

    Each run of days comes with the field that moved it: ``"hire_date"`` (the start moved, or
    the agent is new or gone) or ``"leave_date"`` (the end moved); ``None`` as the last day means
    no end. A month's pay depends on the employment only through these days (the engine asks
    whether the agent is employed on a day or in a month), so a change whose days miss every
    locked month cannot alter a locked month's pay.
    """
    if old == new:
        return []
    if old is None or new is None:
        only = new if old is None else old
        assert only is not None
        return [("hire_date", only[0], only[1])]
    (h0, l0), (h1, l1) = old, new
    end0, end1 = l0 or date.max, l1 or date.max
    if end0 < h1 or end1 < h0:  # the two periods do not overlap: every day of both changed
        return [("hire_date", h0, l0), ("hire_date", h1, l1)]
    runs: list[tuple[str, date, date | None]] = []
    if h0 != h1:
        runs.append(("hire_date", min(h0, h1), max(h0, h1) - timedelta(days=1)))
    if end0 != end1:
        later = max(end0, end1)
        runs.append(("leave_date", min(end0, end1) + timedelta(days=1), None if later == date.max else later))
    return runs


@dataclass(frozen=True)
class LockedEmployment:
    """An employment change that would alter the pay of locked months, and how to word the refusal."""

    code: str
    field: str  # "hire_date" or "leave_date": the field whose change reaches the locked months
    months: tuple[str, ...]
    latest_locked: str
    next_open: str

    def reason(self) -> tuple[str, str]:
        months = "、".join(self.months)
        what_zh = "入职日期" if self.field == "hire_date" else "离职日期"
        what_en = "hire date" if self.field == "hire_date" else "leave date"
        return (
            f"{self.code} 的{what_zh}会改变已锁定月份 {months} 的在职天数，从而改变该月已锁定的工资",
            f"the {what_en} of {self.code} changes the days employed in locked month(s) "
            f"{', '.join(self.months)}, and so their locked pay",
        )

    def action(self) -> tuple[str, str]:
        what_zh = "入职日期" if self.field == "hire_date" else "离职日期"
        what_en = "hire date" if self.field == "hire_date" else "leave date"
        return (
            f"已锁定月份的工资不能再改：请在 {self.next_open} 录入调整项补发或扣回这些天的工资"
            f"（{what_zh}只能填在已锁定月份之外），或先解锁最近锁定的月份 {self.latest_locked}（需填写原因）后再修改",
            f"a locked month's pay cannot change: pay or recover those days as an adjustment in {self.next_open} "
            f"(the {what_en} can only fall outside the locked months), or unlock the latest locked month "
            f"{self.latest_locked} (a reason is required) and change it then",
        )


def employment_locked_months(
    session: Session, code: str, old: Employment | None, new: Employment | None
) -> list[LockedEmployment]:
    """The locked months whose pay changing ``code``'s employment from ``old`` to ``new`` would alter.

    ``old`` None: a new agent; ``new`` None: an agent removed. Empty when the change is fine —
    a change of name, bank or team, or a leave date after every locked month. A caller that
    writes the change holds the write lock (:func:`db.session.claim_write_lock`) before asking,
    so no month can be locked between this check and its write.
    """
    runs = changed_days(old, new)
    if not runs:
        return []
    found: dict[str, set[str]] = {}
    for field, first, last in runs:
        months = locked_months_between(session, first, last)
        if months:
            found.setdefault(field, set()).update(months)
    if not found:
        return []
    latest = max(locked_months(session))
    after = next_month(latest)
    return [
        LockedEmployment(code, field, tuple(sorted(months)), latest, after)
        for field, months in sorted(found.items())
    ]
