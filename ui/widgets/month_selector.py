"""The month selector every page follows (YYYY-MM), with each month's status beside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from app.calendar import is_month, month_str, shift_month
from app.i18n import tr
from ui.widgets.status_banner import lock_pixmap

#: The item data role holding a month's status (``open`` / ``calculated`` / ``locked``).
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1

#: Icon colours by status, as the status banner's: grey (open), blue (calculated), green-grey lock.
STATUS_COLOURS = {"open": "#9e9e9e", "calculated": "#1565c0", "locked": "#2f4b39"}


def status_word(status: str) -> str:
    return {
        "open": tr("未核算", "open"),
        "calculated": tr("已核算", "calculated"),
        "locked": tr("已锁定", "locked"),
    }.get(status, status)


def status_icon(status: str, size: int = 16) -> QIcon:
    """A padlock (locked), a filled dot (calculated) or an empty ring (open), drawn with QPainter."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["open"])
    if status == "locked":
        return QIcon(lock_pixmap(size, colour))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if status == "calculated":
        painter.setPen(QPen(QColor("#ffffff"), 1.5))  # still seen on the drop-down's blue highlight
        painter.setBrush(QColor(colour))
        painter.drawEllipse(QPointF(size / 2, size / 2), size * 0.32, size * 0.32)
    else:
        painter.setPen(QPen(QColor(colour), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(size * 0.22, size * 0.22, size * 0.56, size * 0.56))
    painter.end()
    return QIcon(pixmap)


class _StatusDelegate(QStyledItemDelegate):
    """Draws the drop-down's items as "2026-10  已锁定"; the item's text stays the bare month."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        status = index.data(STATUS_ROLE)
        if status:
            option.text = f"{option.text}   {status_word(str(status))}"  # type: ignore[attr-defined]


def default_month(today: date | None = None) -> str:
    """The month the window opens on: pay is worked out after a month ends, so the one before today's."""
    today = today or date.today()
    return shift_month(month_str(today.year, today.month), -1)


class MonthSelector(QWidget):
    """◀ [2026-10 ▾] ▶ — a combo of months (newest first) with previous/next buttons.

    :meth:`show_statuses` marks each month open / calculated / locked: an icon beside the month
    in the box and the drop-down, the status word in the drop-down and the tooltip.
    """

    month_changed = Signal(str)

    YEARS_BACK = 5

    def __init__(
        self, month: str | None = None, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        today = today or date.today()
        self._statuses: dict[str, str] = {}
        self._icons = {status: status_icon(status) for status in STATUS_COLOURS}
        self._combo = QComboBox(self)
        self._combo.setMinimumContentsLength(8)
        self._combo.setItemDelegate(_StatusDelegate(self._combo))
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
        self._mark_items()
        self._combo.currentTextChanged.connect(self._on_text)
        self._prev.clicked.connect(lambda: self.set_month(shift_month(self.month(), -1)))
        self._next.clicked.connect(lambda: self.set_month(shift_month(self.month(), 1)))

    def month(self) -> str:
        return self._combo.currentText()

    def status(self, month: str) -> str:
        """The status shown for ``month``."""
        return self._statuses.get(month, "open")

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
            self._mark_item(pos)
            index = pos
        self._combo.setCurrentIndex(index)
        self._update_tooltip()

    def show_statuses(self, statuses: Mapping[str, str]) -> None:
        """Mark every month with its status (``{month: status}``; a month not given is open)."""
        statuses = dict(statuses)
        if statuses == self._statuses:
            return
        self._statuses = statuses
        self._mark_items()

    def _mark_items(self) -> None:
        for index in range(self._combo.count()):
            self._mark_item(index)
        self._update_tooltip()
        # The drop-down is as wide as "2026-10   已核算" needs (the combo itself shows only the month).
        metrics = self._combo.view().fontMetrics()
        words = max(metrics.horizontalAdvance(status_word(status)) for status in STATUS_COLOURS)
        text = metrics.horizontalAdvance("0000-00   ") + words
        scrollbar = self._combo.view().style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self._combo.view().setMinimumWidth(text + self._combo.iconSize().width() + scrollbar + 32)

    def _mark_item(self, index: int) -> None:
        status = self.status(self._combo.itemText(index))
        self._combo.setItemData(index, status, STATUS_ROLE)
        self._combo.setItemData(index, self._icons.get(status, self._icons["open"]), Qt.ItemDataRole.DecorationRole)
        self._combo.setItemData(index, self._item_tip(self._combo.itemText(index), status), Qt.ItemDataRole.ToolTipRole)

    @staticmethod
    def _item_tip(month: str, status: str) -> str:
        return tr(f"{month}：{status_word(status)}", f"{month}: {status_word(status)}")

    def _update_tooltip(self) -> None:
        month = self.month()
        self._combo.setToolTip(
            tr("选择要查看和核算的月份", "Choose the month to view and calculate")
            + ("\n" + self._item_tip(month, self.status(month)) if month else "")
        )

    @Slot(str)
    def _on_text(self, text: str) -> None:
        self._update_tooltip()
        if is_month(text):
            self.month_changed.emit(text)
