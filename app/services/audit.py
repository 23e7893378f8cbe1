"""The audit log: who changed what, when, before → after."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy.orm import Session

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
