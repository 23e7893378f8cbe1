"""What the signed-in user's roles allow on screen (docs/pay-rules.md §10).

The services refuse whatever a role does not allow; the window also disables those actions, with
a tooltip naming the role that may, so nobody has to click to find out."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
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


# The buttons on each page that change data, and the role they need (docs/pay-rules.md §10). The
# payroll page and 设置's users panel handle their own; the services refuse in any case.
ROLE_BUTTONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "agents": (("clerk", ("add_button", "edit_button", "leave_button", "import_button")),),
    "attendance": (("clerk", ("import_button", "appeal_button")),),
    "quality": (("clerk", ("new_button", "edit_button", "delete_button", "overturn_button", "reinstate_button",
                           "import_button", "appeal_button")),),
    "sales": (("clerk", ("add_button", "edit_button", "cancel_button", "delete_button", "import_button")),),
    "rewards": (("clerk", ("complaint_add", "complaint_edit", "complaint_status", "complaint_delete", "praise_add",
                           "praise_delete", "adjustment_add", "adjustment_edit", "adjustment_delete",
                           "import_buttons", "complaint_appeal", "metric_appeal")),),
    "plan": (("admin", ("save_button", "import_button", "copy_button")),),
    "settings": (("admin", ("save_button",)), ("clerk", ("override_add", "override_remove"))),
    # appeals are records too: filing, importing and deciding them is the clerk's, as is the 申诉 button
    # beside a record on the attendance, quality and rewards pages (app/services/appeals.py itself does
    # not check roles yet: this gate is the window's)
    "appeals": (("clerk", ("new_button", "decide_button", "import_button")),),
}



class RoleGate(QObject):
    """Keeps a button disabled, with a tooltip naming the role, while the signed-in user lacks the role.

    The pages enable and disable their buttons as the selection changes; this filter undoes any
    enabling for a user without the role, so no page needs to know about roles."""

    def __init__(self, button: QAbstractButton, role: str) -> None:
        super().__init__(button)
        self.button = button
        self.role = role
        self.allowed = True
        self._tip = button.toolTip()
        button.installEventFilter(self)

    def set_allowed(self, allowed: bool) -> bool:
        """Returns True when the button was held off and is allowed again (its page re-decides its state)."""
        was = self.allowed
        self.allowed = allowed
        if allowed:
            if self.button.toolTip() == needs_role_text(self.role):
                self.button.setToolTip(self._tip)
            if not was:
                self.button.setEnabled(True)
                return True
        else:
            self._tip = self.button.toolTip() if self.button.toolTip() != needs_role_text(self.role) else self._tip
            self.button.setEnabled(False)
            self.button.setToolTip(needs_role_text(self.role))
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.EnabledChange and not self.allowed and self.button.isEnabled():
            self.button.setEnabled(False)
        return False


def gate_page(page: QObject, key: str, roles: Roles) -> list[RoleGate]:
    """Install (or update) the role gates of ``page``'s data-changing buttons; returns them."""
    gates: list[RoleGate] = []
    released = False
    for role, name in ((r, n) for r, names in ROLE_BUTTONS.get(key, ()) for n in names):
        found = getattr(page, name, None)
        buttons = list(found.values()) if isinstance(found, dict) else [found]
        for button in buttons:
            if not isinstance(button, QAbstractButton):
                continue
            gate = button.findChild(RoleGate)
            if gate is None:
                gate = RoleGate(button, role)
            released = gate.set_allowed(roles.allows(role)) or released
            gates.append(gate)
    for method in ("_update_buttons", "_update_calendar_buttons"):
        update = getattr(page, method, None)
        if released and callable(update):
            update()  # e.g. an edit button needs a selected row again
    return gates
