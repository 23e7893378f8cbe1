"""The audit log: who changed what, when, before → after."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.audit_log import AuditEntry
from db.models import AuditLog


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing a save for
        return ""


def _dump(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def audit(
    session: Session,
    action: str,
    *,
    entity: str = "",
    key: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    # Once the branch has users, the entry names the signed-in user (docs/pay-rules.md §10).
    acting = session.info.get("acting_user")
    row = AuditLog(
        user=acting if isinstance(acting, str) and acting else _user(),
        action=action,
        entity=entity,
        entity_key=key,
        before=_dump(before),
        after=_dump(after),
        reason=reason,
    )
    session.add(row)
    # What this transaction changed, for the sign-offs it voids (app.services.signoff) to name.
    session.info.setdefault("audited", []).append((action, entity, key))


def audit_entries(
    session: Session, *, month: str | None = None, user: str | None = None, kind: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The audit log, oldest first, filtered (docs/formats.md ``audit``).

    ``month`` keeps the entries about that month: the month's own steps (calculate, sign-offs,
    lock) and every change whose key, before or after names a day or the month (``2026-10``)."""
    stmt = select(AuditLog).order_by(AuditLog.at, AuditLog.id)
    if month:
        like = f"%{month}%"
        stmt = stmt.where(or_(AuditLog.entity_key == month, AuditLog.entity_key.like(like),
                              AuditLog.before.like(like), AuditLog.after.like(like)))
    if user:
        stmt = stmt.where(AuditLog.user == user)
    if kind:
        stmt = stmt.where(or_(AuditLog.action == kind, AuditLog.action.like(f"{kind}.%")))
    if limit:
        stmt = stmt.limit(limit)
    return [AuditEntry(r.at, r.user, r.action, r.entity, r.entity_key, r.before, r.after, r.reason)
            for r in session.scalars(stmt)]


def audit_users_and_kinds(session: Session) -> tuple[list[str], list[str]]:
    """The users and action kinds the log holds (the viewer's filter lists)."""
    users = sorted({u for u in session.scalars(select(AuditLog.user).distinct()) if u})
    kinds = sorted({a.split(".", 1)[0] for a in session.scalars(select(AuditLog.action).distinct())})
    return users, kinds
