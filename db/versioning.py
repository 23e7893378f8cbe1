"""Record versions and the data-change counter (migration 0009), kept by session events.

- Every flush that changes a :class:`~db.models.Versioned` record (an agent, a policy, a QA
  evaluation, a complaint, an adjustment) raises its ``version`` by one and notes who changed it and
  when. A form keeps the version it showed; the service refuses the save when the stored version
  moved on (``app.services.record_versions``). Statements that update such records without the ORM
  (an import's bulk update, an appeal's overturn) bump the columns themselves with :func:`bump_values`.
- Every write transaction raises the one-row counter in ``data_changes`` once, in the same
  transaction, so a window can poll one small read to learn that someone else changed the data.
  The counter values a :class:`~db.session.Database` committed itself are kept on it (``own``):
  a change whose value is not among them came from another program or user.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from db.models import DataChange, Versioned

_BUMPED = "data_change"  # session.info: the counter value this transaction wrote
OWN_CHANGES = "own_changes"  # session.info: the Database's set of counter values it committed


def actor(session: Session) -> str:
    """Who is changing data: the signed-in user, else the computer's login name."""
    acting = session.info.get("acting_user")
    if isinstance(acting, str) and acting:
        return acting
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing a save for
        return ""


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def stamp(session: Session) -> dict[str, Any]:
    """Who changes records in this transaction and when (``changed_by``, ``changed_at``)."""
    return {"changed_by": actor(session), "changed_at": _now()}


def bump_values(session: Session, model: type[Versioned]) -> dict[str, Any]:
    """The ``values()`` an UPDATE statement on ``model`` adds so the change counts as an edit."""
    return {"version": model.version + 1, "changed_by": actor(session), "changed_at": _now()}


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    edited = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    if not (session.new or session.deleted or edited):
        return
    who, now = actor(session), _now()
    for obj in session.new:
        if isinstance(obj, Versioned):
            obj.changed_by, obj.changed_at = who, now
    for obj in edited:
        if isinstance(obj, Versioned):
            obj.version = (obj.version or 1) + 1
            obj.changed_by, obj.changed_at = who, now
    count_change(session)


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement run through the session flushes no object: count it too,
    whatever the unit of work (``session_scope(write=True)`` counts its transaction anyway)."""
    if state.is_insert or state.is_update or state.is_delete:
        count_change(state.session)


def count_change(session: Session) -> None:
    """Raise the data-change counter once for this transaction (called by the flush hook; a
    transaction that writes only through Core statements calls it itself)."""
    if _BUMPED in session.info:
        return
    conn = session.connection()
    conn.execute(update(DataChange).where(DataChange.id == 1).values(counter=DataChange.counter + 1))
    session.info[_BUMPED] = conn.execute(select(DataChange.counter).where(DataChange.id == 1)).scalar()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    value = session.info.pop(_BUMPED, None)
    own = session.info.get(OWN_CHANGES)
    if value is not None and own is not None:
        own.add(value)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_BUMPED, None)


def read_counter(session: Session) -> int:
    """The committed write transactions so far (0 for a database without the counter row)."""
    return session.scalar(select(DataChange.counter).where(DataChange.id == 1)) or 0
