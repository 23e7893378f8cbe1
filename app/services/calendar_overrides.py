"""The branch's calendar exceptions (日历例外) as the settings page lists and edits them.

Writing goes through :func:`app.services.attendance.set_calendar_override`, the one place
that knows the rules (audit, locked months); this module only adds the listing the
settings page needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.attendance import set_calendar_override
from db.models import CalendarOverride


@dataclass(frozen=True)
class OverrideView:
    day: date
    workday: bool
    note: str


def list_overrides(session: Session) -> list[OverrideView]:
    """Newest date first: the manager usually adds and checks the coming holidays."""
    rows = session.scalars(select(CalendarOverride).order_by(CalendarOverride.date.desc()))
    return [OverrideView(row.date, row.workday, row.note) for row in rows]


def set_override(session: Session, day: date, workday: bool, note: str = "") -> None:
    set_calendar_override(session, day, workday, note)


def remove_override(session: Session, day: date) -> None:
    set_calendar_override(session, day, None)
