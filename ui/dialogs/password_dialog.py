"""Asking for the app password (at start-up and after the idle lock) and setting or changing it.

The dialogs only collect text; checking it belongs to the caller (``verify``/``save``
callbacks), so tests drive the checking logic without ever showing a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
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

MIN_LENGTH = 4


def password_problem(new: str, repeat: str) -> str:
    """What is wrong with a new password as typed, or "" when it can be saved."""
    if len(new) < MIN_LENGTH:
        return tr(f"密码至少 {MIN_LENGTH} 个字符。", f"The password needs at least {MIN_LENGTH} characters.")
    if new != repeat:
        return tr("两次输入的密码不一致。", "The two passwords differ.")
    return ""


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMinimumWidth(220)
    return edit


class PasswordPrompt(QDialog):
    """One password field. With ``verify`` it stays open until the password is right.

    In that mode (the idle lock) Esc and the title-bar close button do nothing: only the
    right password or the explicit Quit button end it, so a stray key never quits the app.
    """

    submitted = Signal(str)
    quit_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        text: str,
        *,
        verify: Callable[[str], bool] | None = None,
        quit_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setMinimumWidth(380)
        self._verify = verify
        self.message = QLabel(text, self)
        self.message.setWordWrap(True)
        self.field = _password_edit(self)
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定", "OK"))
        self.quit_button = self.buttons.addButton(
            quit_text or tr("退出", "Quit"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self._on_ok)
        self.quit_button.clicked.connect(self._on_quit)
        hint = QLabel(
            tr(
                "忘记密码？数据本身没有加密，请联系技术支持清除密码。",
                "Forgot the password? The data itself is not encrypted; support can clear the password.",
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def password(self) -> str:
        return self.field.text()

    def reject(self) -> None:
        if self._verify is None:
            super().reject()

    @Slot()
    def _on_quit(self) -> None:
        self.quit_requested.emit()
        super().reject()

    def show_error(self, text: str) -> None:
        set_error(self.error, text)
        self.field.clear()
        self.field.setFocus()

    @Slot()
    def _on_ok(self) -> None:
        password = self.password()
        self.submitted.emit(password)
        if self._verify is None or self._verify(password):
            self.accept()
        else:
            self.show_error(tr("密码不正确，请重试。", "Wrong password, please try again."))


class SetPasswordDialog(QDialog):
    """Set, change or (with an empty new password and ``allow_remove``) remove the app password.

    ``save(current, new)`` does the work and returns "" or the reason it refused.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        has_password: bool,
        save: Callable[[str, str], str],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("程序密码", "App password"))
        self._save = save
        self._has_password = has_password
        self.current = _password_edit(self)
        self.new = _password_edit(self)
        self.repeat = _password_edit(self)
        form = QFormLayout()
        if has_password:
            form.addRow(tr("当前密码：", "Current password:"), self.current)
        form.addRow(tr("新密码：", "New password:"), self.new)
        form.addRow(tr("再输一次：", "Repeat:"), self.repeat)
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存", "Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消", "Cancel"))
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(
            tr(
                "启动程序和长时间无操作后需要输入此密码。请记住它。",
                "The password is asked at start-up and after the window was left idle. Keep it safe.",
            ),
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.new, self.repeat):
            edit.textChanged.connect(self._validate)
        self._validate()

    @Slot()
    def _validate(self) -> bool:
        typed = bool(self.new.text() or self.repeat.text())
        problem = password_problem(self.new.text(), self.repeat.text())
        set_error(self.error, problem if typed else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        return not problem

    @Slot()
    def _on_ok(self) -> None:
        if not self._validate():
            return
        problem = self._save(self.current.text(), self.new.text())
        if problem:
            set_error(self.error, problem)
            return
        self.accept()


class LockOverlay(QWidget):
    """Covers the whole window while it is locked, so nobody passing by can read the pay figures."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Mid))
        self.setPalette(palette)
        label = QLabel(tr("已锁定 — 请输入密码继续", "Locked — enter the password to continue"), self)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        label.setFont(font)
        # Above the centre, where the password dialog (centred on the window) does not hide it.
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 120, 24, 24)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        window = self.parentWidget()
        if window is not None and watched is window and event.type() == QEvent.Type.Resize:
            self.setGeometry(window.rect())
        return False
