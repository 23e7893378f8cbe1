"""A change to a month's records voids the sign-offs already given for it (docs/pay-rules.md §10).

Every service that writes a month's records says so with :func:`records_changing` (``ensure_open``
does it for most): that is where the clerk's role is checked, and the months are noted on the
session. When the transaction commits, the given sign-offs of those months are voided, and the
audit log's ``signoff.void`` entry names the changes the transaction made (its own audit entries)
— a refused or rolled-back change voids nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from app.services.users import require_role
from app.text import Text
from db.models import MonthStatus, Signoff

_TOUCHED = "touched_months"
_ALL = "*"
CHANGE_RECORDS = Text("修改本月记录", "change the month's records")


def records_changing(session: Session, months: Iterable[str] | None) -> None:
    """The caller is about to change the records of ``months`` (``None``: every month, e.g. an
    agent's details). Refused unless the signed-in user is a clerk (nothing is refused while the
    branch has no users)."""
    require_role(session, ("clerk",), CHANGE_RECORDS)
    note_months(session, months)


def note_months(session: Session, months: Iterable[str] | None) -> None:
    """Void the sign-offs of ``months`` (``None``: every month) when this transaction commits."""
    touched: set[str] = session.info.setdefault(_TOUCHED, set())
    if months is None:
        touched.add(_ALL)
    else:
        touched.update(months)


def active_signoffs(session: Session, month: str) -> list[Signoff]:
    return list(session.scalars(
        select(Signoff).where(Signoff.month == month, Signoff.voided_at.is_(None), Signoff.step != "reject")
        .order_by(Signoff.at, Signoff.id)))


def void_signoffs(session: Session, month: str, cause: Text) -> bool:
    """Void the sign-offs given for ``month`` (the month goes back to plain ``calculated``); True when
    there were any. The audit log records which steps were voided and why."""
    given = active_signoffs(session, month)
    if not given:
        return False
    now = datetime.now().replace(microsecond=0)
    for s in given:
        s.voided_at = now
        s.void_reason = f"{cause.zh} / {cause.en}"
    status = session.scalar(select(MonthStatus.status).where(MonthStatus.month == month))
    before = {"review": "reviewed", "check": "checked", "approve": "locked"}.get(given[-1].step, status or "")
    audit(session, "signoff.void", entity="month", key=month, before=before, after=status or "calculated",
          reason=f"{cause.zh} / {cause.en}")
    session.flush()
    return True


def _changes(session: Session) -> list[tuple[str, str, str]]:
    """The changes this transaction made, as its audit entries name them (every record change has one)."""
    return [(a, e, k) for a, e, k in session.info.get("audited", []) if not a.startswith("signoff.")]


def _cause(session: Session) -> Text:
    done = _changes(session)
    if not done:
        return Text("本月记录有改动", "the month's records changed")
    what = "; ".join(f"{a} {k}".strip() for a, _e, k in done[:5]) + (" …" if len(done) > 5 else "")
    return Text(f"记录有改动：{what}", f"records changed: {what}")


@event.listens_for(Session, "before_commit")
def _void_touched(session: Session) -> None:
    touched: set[str] | None = session.info.pop(_TOUCHED, None)
    if not touched or not _changes(session):
        return  # nothing written: an edit that changed nothing writes no audit entry, and voids nothing
    if _ALL in touched:
        months = set(session.scalars(select(Signoff.month).where(Signoff.voided_at.is_(None),
                                                                 Signoff.step != "reject")))
    else:
        months = touched
    cause = _cause(session)
    for month in sorted(months):
        status = session.scalar(select(MonthStatus.status).where(MonthStatus.month == month))
        if status == "locked":  # an approved month's records cannot change; nothing to void
            continue
        void_signoffs(session, month, cause)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop("audited", None)


event.listen(Session, "after_commit", _forget)
event.listen(Session, "after_rollback", _forget)
