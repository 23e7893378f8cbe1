"""The month selector every page follows (YYYY-MM)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QStyle, QToolButton, QWidget

from app.calendar import is_month, month_str, shift_month
from app.i18n import tr


def default_month(today: date | None = None) -> str:
    """The month the window opens on: pay is worked out after a month ends, so the one before today's."""
    today = today or date.today()
    return shift_month(month_str(today.year, today.month), -1)


class MonthSelector(QWidget):
    """◀ [2026-10 ▾] ▶ — a combo of months (newest first) with previous/next buttons."""

    month_changed = Signal(str)

    YEARS_BACK = 5

    def __init__(
        self, month: str | None = None, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        today = today or date.today()
        self._combo = QComboBox(self)
        self._combo.setToolTip(tr("选择要查看和核算的月份", "Choose the month to view and calculate"))
        self._combo.setMinimumContentsLength(8)
        newest = shift_month(month_str(today.year, today.month), 1)
        for delta in range(0, self.YEARS_BACK * 12 + 2):
            self._combo.addItem(shift_month(newest, -delta))
        style = self.style()
        self._prev = QToolButton(self)
        self._prev.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowLeft))
        self._prev.setToolTip(tr("上个月", "Previous month"))
        self._next = QToolButton(self)
        self._next.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight))
        self._next.setToolTip(tr("下个月", "Next month"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._prev)
        layout.addWidget(self._combo)
        layout.addWidget(self._next)
        self.set_month(month or default_month(today))
        self._combo.currentTextChanged.connect(self._on_text)
        self._prev.clicked.connect(lambda: self.set_month(shift_month(self.month(), -1)))
        self._next.clicked.connect(lambda: self.set_month(shift_month(self.month(), 1)))

    def month(self) -> str:
        return self._combo.currentText()

    def set_month(self, month: str) -> None:
        if not is_month(month):
            raise ValueError(f"not a month (YYYY-MM): {month!r}")
        index = self._combo.findText(month)
        if index < 0:
            # Keep the list sorted newest first when a far month is asked for.
            pos = 0
            while pos < self._combo.count() and self._combo.itemText(pos) > month:
                pos += 1
            self._combo.insertItem(pos, month)
            index = pos
        self._combo.setCurrentIndex(index)

    @Slot(str)
    def _on_text(self, text: str) -> None:
        if is_month(text):
            self.month_changed.emit(text)
