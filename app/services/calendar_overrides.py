"""The branch's calendar exceptions (日历例外) as the settings page lists and edits them.

:func:`set_calendar_override` is the one place that writes them and knows the rules (audit,
locked months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.audit import audit
from app.services.months import ensure_open, month_of
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


def set_calendar_override(session: Session, day: date, workday: bool | None, note: str = "") -> None:
    """Mark a date a branch workday (True) or day off (False); ``None`` goes back to the calendar.

    Refused for a locked month: the workdays are part of what locking froze.
    """
    ensure_open(session, month_of(day))
    row = session.get(CalendarOverride, day)
    before = {"workday": row.workday, "note": row.note} if row is not None else None
    if workday is None:
        if row is None:
            return
        session.delete(row)
        after = None
    else:
        if row is None:
            row = CalendarOverride(date=day, workday=workday, note=note.strip())
            session.add(row)
        else:
            row.workday = workday
            row.note = note.strip()
        after = {"workday": workday, "note": note.strip()}
    if before == after:
        return
    audit(session, "calendar.override", entity="calendar", key=day.isoformat(), before=before, after=after)
    session.flush()
