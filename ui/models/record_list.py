"""A read-only table over a long list of immutable records that filters and sorts *itself*.

A :class:`~PySide6.QtCore.QSortFilterProxyModel` with Python ``filterAcceptsRow``/``lessThan``
calls back into Python for every row and every comparison (hundreds of thousands of calls for a
busy sales month). Here the rows shown are a list of positions into the records, computed with
list comprehensions and one ``list.sort`` over sort keys worked out once per column: Qt only
asks for the few cells it paints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFontMetrics

from ui.models.common import Index
from ui.models.sales_table import Column, ColumnsModel

#: How many rows :meth:`RecordList.sampled_texts` reads per column to find its widest text.
WIDTH_SAMPLE = 500



class RecordList(ColumnsModel):
    """One row per record that passes the filters, in the chosen sort order (else the given order).

    ``muted(record)`` greys a row out without hiding it; ``search_keys`` are the columns the
    free-text search looks in.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], object],
        muted: Callable[[Any], bool] | None = None,
        search_keys: Sequence[str] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(columns, key=key, muted=muted, parent=parent)
        self._search_cols = tuple(self.column(k) for k in search_keys) or tuple(range(len(self.columns)))
        self._records: list[Any] = []
        self._shown: list[int] = []  # positions in _records, in display order
        self._filters: dict[str, Callable[[Any], bool]] = {}
        self._search = ""
        self._haystack: list[str] | None = None  # the searchable texts of each record, case-folded
        self._sort_keys: dict[int, list[Any]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- records ------------------------------------------------------------------

    def set_records(self, records: Sequence[Any], sort_keys: dict[int, list[Any]] | None = None) -> None:
        """Show ``records``; ``sort_keys`` (from :meth:`sort_keys_of`, e.g. worked out off the GUI
        thread) saves computing them again."""
        self.beginResetModel()
        self._records = list(records)
        self._haystack = None
        self._sort_keys = dict(sort_keys or {})
        self._shown = self._rows()
        self.endResetModel()

    @property
    def sort_column(self) -> int | None:
        return None if self._sort is None else self._sort[0]

    def sort_keys_of(self, records: Sequence[Any], column: int | None) -> dict[int, list[Any]]:
        """The sort keys of ``column`` for ``records``: pure Python over the records, so it may run
        on a worker thread while the GUI thread paints."""
        if column is None or not (0 <= column < len(self.columns)):
            return {}
        sort_key = self.columns[column].sort_key
        return {column: [sort_key(r) for r in records]}

    def record(self, row: int) -> Any:
        """The record shown in ``row``."""
        return self._records[self._shown[row]]

    def records(self) -> list[Any]:
        """Every record, shown or filtered out, in the order given."""
        return list(self._records)

    def visible(self) -> list[Any]:
        """The records shown, in display order."""
        records = self._records
        return [records[i] for i in self._shown]

    def total(self) -> int:
        """How many records there are, filtered out or not."""
        return len(self._records)

    def row_of(self, key: object) -> int:
        """The row showing the record whose key is ``key``; -1 when none does."""
        records, key_of = self._records, self._key
        for row, i in enumerate(self._shown):
            if key_of(records[i]) == key:
                return row
        return -1

    # --- filters, search, sort ---------------------------------------------------------

    def set_filter(self, name: str, accepts: Callable[[Any], bool] | None) -> None:
        """Add, replace or (with ``None``) remove one named filter."""
        if accepts is None:
            if self._filters.pop(name, None) is None:
                return
        else:
            self._filters[name] = accepts
        self._refilter()

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._search:
            self._search = needle
            self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._shown = self._rows()
        self.endResetModel()

    def _rows(self) -> list[int]:
        rows: list[int] = list(range(len(self._records)))
        for accepts in self._filters.values():
            records = self._records
            rows = [i for i in rows if accepts(records[i])]
        if self._search:
            needle, hay = self._search, self._searchable()
            rows = [i for i in rows if needle in hay[i]]
        if self._sort is not None:
            column, order = self._sort
            rows.sort(key=self._keys(column).__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def _searchable(self) -> list[str]:
        if self._haystack is None:
            texts = [self.columns[c].text for c in self._search_cols]
            self._haystack = ["\n".join(text(r) for text in texts).casefold() for r in self._records]
        return self._haystack

    def _keys(self, column: int) -> list[Any]:
        keys = self._sort_keys.get(column)
        if keys is None:
            sort_key = self.columns[column].sort_key
            keys = self._sort_keys[column] = [sort_key(r) for r in self._records]
        return keys

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort (a header click): one ``list.sort`` by the column's typed keys, stable, so
        equal keys keep the order before; the selection follows its rows."""
        if not (0 <= column < len(self.columns)):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(index, self._shown[index.row()]) for index in persistent if 0 <= index.row() < len(self._shown)]
        self._shown.sort(key=self._keys(column).__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        if held:
            wanted = {position for _, position in held}
            new_row = {position: row for row, position in enumerate(self._shown) if position in wanted}
            self.changePersistentIndexList(
                [index for index, _ in held],
                [self.index(new_row[position], index.column()) for index, position in held],
            )
        self.layoutChanged.emit()

    # --- sizes --------------------------------------------------------------------------

    def sampled_texts(self) -> list[set[str]]:
        """Per column, the header and the texts of up to :data:`WIDTH_SAMPLE` rows spread over the
        list: what a column must be wide enough for, without measuring every cell."""
        records = self._records
        sample = records[:: max(1, len(records) // WIDTH_SAMPLE)]
        return [{column.title, *(column.text(r) for r in sample)} for column in self.columns]

    def column_widths(self, metrics: QFontMetrics, *, minimum: int = 72, pad: int = 24) -> list[int]:
        """The width of each column's widest sampled text (measured: 中文 is wider than 0-9)."""
        return [
            max(minimum, max(metrics.horizontalAdvance(t) for t in texts) + pad) for texts in self.sampled_texts()
        ]

    # --- Qt overrides -------------------------------------------------------------------

    def _count(self) -> int:
        return len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._shown) and 0 <= col < len(self.columns)):
            return None
        return self.cell(self._records[self._shown[row]], self.columns[col], role)

