"""A read-only table model over a list of frozen records, described by its columns, and the proxy
that searches, filters and sorts it by typed keys.

The sales page and the three record tabs of the rewards page show lists of immutable views
from the services; describing each table as a tuple of :class:`Column` keeps those models
to a few lines each and guarantees they all sort money as numbers and dates as dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
)

from app.i18n import tr
from ui.models.common import FilterProxy, Index, ReadOnlyTableModel, alignment, disabled_brush


def empty_last(value: Any) -> tuple[int, Any]:
    """A sort key that puts ``None`` and empty text after every real value."""
    if value is None or value == "":
        return (1, "")
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)


@dataclass(frozen=True)
class Column:
    """One column: its header in both languages, how a record shows in it and how it sorts.

    ``sort`` defaults to the shown text; ``numeric`` right-aligns (money, counts);
    ``tip`` gives an optional tooltip for a cell.
    """

    key: str
    zh: str
    en: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    numeric: bool = False
    tip: Callable[[Any], str | None] | None = None

    @property
    def title(self) -> str:
        return tr(self.zh, self.en)

    def sort_key(self, record: Any) -> Any:
        return empty_last(self.sort(record) if self.sort is not None else self.text(record))


class ColumnsModel(ReadOnlyTableModel):
    """A read-only table of records whose columns are :class:`Column` s: headers, count and cells.

    ``key(record)`` identifies a record (to find its row again); ``muted(record)`` greys a row out
    (a cancelled policy, an overturned complaint) without hiding it.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], object],
        muted: Callable[[Any], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._key = key
        self._muted = muted

    def column(self, key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.key == key:
                return i
        raise KeyError(key)

    def _column_count(self) -> int:
        return len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return alignment(self.columns[section].numeric)
        return None

    def cell(self, record: Any, column: Column, role: int) -> Any:
        """What one cell shows of ``record`` for ``role`` (text, alignment, tooltip, muted colour)."""
        muted = self._muted
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(column.numeric)
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(record)
        if role == Qt.ItemDataRole.ForegroundRole and muted is not None and muted(record):
            return disabled_brush()
        return None


class RecordsModel(ColumnsModel):
    """One row per record, in the order the service gave."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], object],
        muted: Callable[[Any], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(columns, key=key, muted=muted, parent=parent)
        self._records: list[Any] = []

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self._records[row]

    def records(self) -> list[Any]:
        return list(self._records)

    def row_of(self, key: object) -> int:
        for row, record in enumerate(self._records):
            if self._key(record) == key:
                return row
        return -1

    # --- Qt overrides -------------------------------------------------------------

    def _count(self) -> int:
        return len(self._records)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._records)):
            return None
        if not (0 <= index.column() < len(self.columns)):
            return None
        return self.cell(self._records[index.row()], self.columns[index.column()], role)


class RecordsProxy(FilterProxy):
    """Free-text search over the searchable columns plus named filters; typed sorting by column."""

    def __init__(self, search_keys: Sequence[str] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search_keys = tuple(search_keys)
        self._filters: dict[str, Callable[[Any], bool]] = {}

    def source(self) -> RecordsModel:
        model = self.sourceModel()
        assert isinstance(model, RecordsModel)
        return model

    def set_filter(self, name: str, accepts: Callable[[Any], bool] | None) -> None:
        """Add, replace or (with ``None``) remove one named filter."""

        def change() -> None:
            if accepts is None:
                self._filters.pop(name, None)
            else:
                self._filters[name] = accepts

        self._refilter(change)

    def accepts(self, record: Any) -> bool:
        if not all(accepts(record) for accepts in self._filters.values()):
            return False
        if self._search:
            model = self.source()
            keys = self._search_keys or tuple(c.key for c in model.columns)
            texts = (model.columns[model.column(k)].text(record) for k in keys)
            return any(self._search in t.casefold() for t in texts)
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        return self.accepts(self.source().record(source_row))

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.source()
        column = model.columns[left.column()]
        return bool(column.sort_key(model.record(left.row())) < column.sort_key(model.record(right.row())))

    def visible(self) -> list[Any]:
        model = self.source()
        return [model.record(self.mapToSource(self.index(row, 0)).row()) for row in range(self.rowCount())]
