"""Bits every dialog uses: translated OK/Cancel buttons, the red problem label and the
validate-as-you-type and save-or-explain steps of the record dialogs."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from app.i18n import language, tr
from app.services.errors import ServiceError
from ui.errors import show_error

ERROR_STYLE = "color: #c62828;"


def button_box(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """The dialog's translated OK (``ok_text``) and Cancel buttons, wired to its accept and reject."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text or tr("确定", "OK"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消", "Cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class OkCancelDialog(QDialog):
    """A dialog with a :func:`button_box` in ``self.buttons`` (made by :meth:`add_buttons`);
    ``ok_button`` is its OK button."""

    buttons: QDialogButtonBox

    def add_buttons(self, ok_text: str | None = None) -> QDialogButtonBox:
        self.buttons = button_box(self, ok_text)
        return self.buttons

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def set_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def to_date(edit: QDateEdit) -> date:
    qd = edit.date()
    return date(qd.year(), qd.month(), qd.day())


def join_problems(problems: Iterable[str]) -> str:
    """Several problems on one line, separated the way the language writes a list."""
    return ("; " if language() == "en" else "；").join(problems)


def show_field_problems(
    ok_button: QPushButton,
    errors: Mapping[str, QLabel],
    found: Mapping[str, Sequence[str]],
    touched: Container[str],
    keys: Iterable[str],
) -> bool:
    """Validation as you type: under each field of ``keys`` the user has touched, its problems from
    ``found``; OK is enabled only when nothing at all is wrong. Returns whether all is well."""
    for key in keys:
        shown = found.get(key, []) if key in touched else []
        set_error(errors[key], join_problems(shown))
    ok = not found
    ok_button.setEnabled(ok)
    return ok


def attempt(dialog: QWidget, error: QLabel, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a dialog's save: ``(True, result)``, or ``(False, None)`` after explaining the failure:
    a refusal of the service under the form in ``error``, anything else in a message box."""
    try:
        return True, action()
    except ServiceError as exc:
        set_error(error, exc.text(language()))
    except Exception as exc:  # noqa: BLE001 - shown briefly, traceback logged
        show_error(dialog, exc)
    return False, None
