"""解锁月份: asks why a locked month is reopened.

The reason is required (docs/pay-rules.md §4: the unlock goes to the audit log with it), so OK stays
disabled until something other than spaces is typed — the service would refuse a blank one,
and a button that cannot succeed should not be pressable.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.i18n import tr
from ui.dialogs.common import OkCancelDialog


class UnlockDialog(OkCancelDialog):
    def __init__(self, month: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr(f"解锁 {month}", f"Unlock {month}"))
        self.setMinimumWidth(440)
        intro = QLabel(
            tr(
                f"解锁后可以重新计算 {month}，已发的工资条将不再是最终结果。"
                "解锁原因会记入操作日志。\n\n若只是更正个别金额，更好的做法是在下个月录入调整。",
                f"After unlocking, {month} can be recalculated and its payslips are no longer final. "
                "The reason is written to the audit log.\n\n"
                "To correct a single amount, an adjustment in the next month is usually better.",
            ),
            self,
        )
        intro.setWordWrap(True)
        label = QLabel(tr("解锁原因（必填）：", "Reason (required):"), self)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setPlaceholderText(tr("例如：补录漏报的考勤", "e.g. late attendance records to add"))
        self.reason_edit.setTabChangesFocus(True)
        label.setBuddy(self.reason_edit)
        self.add_buttons(tr("解锁", "Unlock"))
        self.reason_edit.textChanged.connect(self._update_ok)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.buttons)
        self._update_ok()

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    @Slot()
    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def accept(self) -> None:
        if not self.reason():  # Enter in a field could bypass the disabled button
            return
        super().accept()
