"""另存为新版本: ask the month a plan version takes effect from and its name, then save it.

The save itself is the caller's (``save(effective_from, name)``, which calls the plans
service); a refusal — a frozen version, a month at or before the latest locked month — comes
back as a ServiceError whose own message is shown under the form, and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRegularExpression, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.calendar import is_month
from app.i18n import tr
from app.services.plans import PlanVersionView
from ui.dialogs.common import OkCancelDialog, attempt, error_label, set_error

SavePlan = Callable[[str, str], str]

HINT_STYLE = "color: #8d6e00;"


class PlanSaveDialog(OkCancelDialog):
    """``saved`` carries the effective month of the stored version."""

    saved = Signal(str)

    def __init__(
        self,
        save: SavePlan,
        *,
        effective_from: str,
        name: str,
        versions: Sequence[PlanVersionView] = (),
        latest_locked: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._versions = {v.effective_from: v for v in versions}
        self._latest_locked = latest_locked
        self.setWindowTitle(tr("另存为新版本", "Save as a new version"))
        self.setMinimumWidth(460)

        self.effective_from = QLineEdit(effective_from, self)
        self.effective_from.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"^\d{0,4}(-\d{0,2})?$"), self.effective_from)
        )
        self.effective_from.setPlaceholderText(tr("YYYY-MM，例如 2026-11", "YYYY-MM, e.g. 2026-11"))
        self.name = QLineEdit(name, self)
        self.name.setMaxLength(128)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.error = error_label(self)

        intro = QLabel(
            tr(
                "从生效月份起（含该月）的各月按此版本计算；之前的月份不受影响。",
                "Months from the effective month on use this version; earlier months are not affected.",
            ),
            self,
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("生效月份", "Effective from"), self.effective_from)
        form.addRow(tr("方案名称", "Name"), self.name)

        self.add_buttons(tr("保存", "Save"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.effective_from.textChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self._update()

    @Slot()
    def _update(self) -> None:
        set_error(self.error, "")
        month = self.effective_from.text().strip()
        name = self.name.text().strip()
        hint = ""
        if month and not is_month(month):
            hint = tr("生效月份格式为 YYYY-MM，例如 2026-11。", "Write the month as YYYY-MM, e.g. 2026-11.")
        elif not name:
            hint = tr("请填写方案名称。", "Enter a name.")
        elif month in self._versions:
            existing = self._versions[month]
            if existing.frozen:
                hint = tr(
                    f"{month} 的版本已被锁定月份使用，不能替换；请选择更晚的月份。",
                    f"The {month} version was used by a locked month and cannot be replaced; choose a later month.",
                )
            else:
                hint = tr(
                    f"将替换现有的 {month} 版本“{existing.name}”。",
                    f"This replaces the existing {month} version “{existing.name}”.",
                )
        elif self._latest_locked and month and month <= self._latest_locked:
            hint = tr(
                f"{self._latest_locked} 已锁定：生效月份需晚于 {self._latest_locked}。",
                f"{self._latest_locked} is locked: the version must take effect after it.",
            )
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.ok_button.setEnabled(is_month(month) and bool(name))

    def accept(self) -> None:
        month = self.effective_from.text().strip()
        name = self.name.text().strip()
        if not (is_month(month) and name):
            return
        ok, saved = attempt(self, self.error, lambda: self._save(month, name))
        if ok:
            self.saved.emit(saved)
            super().accept()
