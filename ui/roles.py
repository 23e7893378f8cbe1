"""What the signed-in user's roles allow on screen (docs/pay-rules.md §10).

The services refuse whatever a role does not allow; the window also disables those actions, with
a tooltip naming the role that may, so nobody has to click to find out."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QAbstractButton

from app.i18n import tr
from app.services.users import acting_user, role_names, users_exist
from db.session import Database


@dataclass(frozen=True)
class Roles:
    """The signed-in user and roles; ``users`` False: a branch without users, where everything is allowed."""

    users: bool
    name: str
    roles: tuple[str, ...]

    def allows(self, role: str) -> bool:
        return not self.users or role in self.roles


def current_roles(db: Database) -> Roles:
    with db.session_scope() as session:
        if not users_exist(session):
            return Roles(False, "", ())
        user = acting_user(session)
    return Roles(True, user.name if user else "", user.roles if user else ())


def needs_role_text(role: str) -> str:
    return tr(f"需要角色：{role_names([role], 'zh')}", f"Needs the role: {role_names([role], 'en')}")


def guard(button: QAbstractButton, roles: Roles, role: str) -> bool:
    """Disable ``button`` with a tooltip naming ``role`` when the user lacks it; True when allowed."""
    if roles.allows(role):
        return True
    button.setEnabled(False)
    button.setToolTip(needs_role_text(role))
    return False
