"""Month status queries shared by every service that writes records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import MonthLocked
from db.models import MonthStatus


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_status(session: Session, month: str) -> str:
    row = session.get(MonthStatus, month)
    return row.status if row is not None else "open"


def locked_months(session: Session) -> set[str]:
    return set(session.scalars(select(MonthStatus.month).where(MonthStatus.status == "locked")))


def ensure_open(session: Session, month: str) -> None:
    """Refuse a change that touches a locked month (docs/pay-rules.md §4)."""
    if month_status(session, month) == "locked":
        raise MonthLocked(month)
