"""Who is working (docs/pay-rules.md §10): the sign-in dialog shown at start once the branch has users.

It remembers the last name signed in on this PC (QSettings, never the password) and stays open
until ``verify(name, password)`` accepts — the caller checks the password in the database and
counts wrong tries (five lock the user for a minute) — or the user quits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.i18n import tr
from ui.dialogs.common import error_label, set_error
from ui.preferences import preference, set_preference

LAST_USER_KEY = "last_user"


def last_user() -> str:
    value = preference(LAST_USER_KEY)
    return value if isinstance(value, str) else ""


class SignInDialog(QDialog):
    """A user name (the branch's users to pick from, the last one preselected) and a password."""

    def __init__(
        self, parent: QWidget | None, names: list[str], verify: Callable[[str, str], str | None]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr(f"{APP_NAME} 登录", f"{APP_NAME} sign-in"))
        self.setMinimumWidth(380)
        self._verify = verify
        self.signed_in: str | None = None
        self.name = QComboBox(self)
        self.name.setEditable(True)
        self.name.addItems(names)
        remembered = last_user()
        self.name.setCurrentText(remembered if remembered in names else (names[0] if names else ""))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow(tr("用户", "User"), self.name)
        form.addRow(tr("密码", "Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("登录", "Sign in"))
        self.quit_button = self.buttons.addButton(tr("退出", "Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_sign_in)
        self.quit_button.clicked.connect(super().reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("请选择用户并输入密码：", "Choose your user name and enter your password:"), self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if self.name.currentText() else self.name).setFocus()

    def reject(self) -> None:  # Esc does not quit by accident; the Quit button does
        pass

    @Slot()
    def try_sign_in(self) -> None:
        name = self.name.currentText().strip()
        problem = self._verify(name, self.password.text())
        self.password.clear()
        if problem is not None:
            set_error(self.error, problem)
            self.password.setFocus()
            return
        self.signed_in = name
        set_preference(LAST_USER_KEY, name)
        self.accept()
