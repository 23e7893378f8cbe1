"""What the read-only table models of ``ui/`` share: alignment, colours, flags, a row-count base
and the filter-change plumbing of their proxies."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

Index = QModelIndex | QPersistentModelIndex

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)

#: Selectable, not editable: every cell of a read-only table.
READ_ONLY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

NEGATIVE = QColor("#c62828")


def alignment(numeric: bool) -> int:
    """Numbers (money, counts) right-aligned, text left-aligned."""
    return RIGHT if numeric else LEFT


def money_foreground(value: Decimal) -> QBrush | None:
    """Red for a negative amount, the normal colour otherwise."""
    return QBrush(NEGATIVE) if value < 0 else None


def disabled_brush() -> QBrush:
    """The greyed-out text colour of a row that is listed but does not count (left, cancelled …)."""
    return QBrush(QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))


class ReadOnlyTableModel(QAbstractTableModel):
    """A flat, read-only table: subclasses say how many rows (:meth:`_count`) and columns
    (:meth:`_column_count`) there are and give ``data``/``headerData``."""

    def _count(self) -> int:
        raise NotImplementedError

    def _column_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._column_count()

    def flags(self, index: Index) -> Qt.ItemFlag:
        return READ_ONLY_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags


class FilterProxy(QSortFilterProxyModel):
    """A sort/filter proxy whose filters change through :meth:`_refilter`; :meth:`set_search` keeps
    the search text, trimmed and case-folded, in ``_search`` for the subclass's filter to use."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = ""

    def set_search(self, text: str) -> None:
        def change() -> None:
            self._search = text.strip().casefold()

        self._refilter(change)

    def _refilter(self, change: Callable[[], None]) -> None:
        """Apply a filter change the way the running Qt wants it (begin/end since Qt 6.9)."""
        if hasattr(self, "beginFilterChange") and hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt before 6.9
            change()
            self.invalidateRowsFilter()
