"""Keep a table's first columns in view while the others scroll sideways (as 冻结窗格 in a spreadsheet).

Qt's own recipe (the "Frozen Column" example): a second view over the left edge of the table,
sharing its model and selection, showing only the frozen columns, scrolling vertically with it.
On a 1366-pixel laptop the pay table is wider than its pane; with this the code, the name and 实发
stay beside whatever column the user scrolled to.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class FrozenColumns(QObject):
    """Freezes columns ``0 .. count-1`` of ``table``; the overlay is :attr:`view`."""

    def __init__(self, table: QTableView, count: int, *, show_header: bool = True) -> None:
        super().__init__(table)
        self.table = table
        self.count = count
        view = QTableView(table)
        self.view = view
        view.setObjectName(f"{table.objectName() or 'table'}Frozen")
        view.setModel(table.model())
        view.setSelectionModel(table.selectionModel())
        view.setSelectionBehavior(table.selectionBehavior())
        view.setSelectionMode(table.selectionMode())
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(table.alternatingRowColors())
        view.setWordWrap(table.wordWrap())
        view.setTextElideMode(table.textElideMode())
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setToolTip(table.toolTip())
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        view.horizontalHeader().setVisible(show_header and not table.horizontalHeader().isHidden())
        view.horizontalHeader().setHighlightSections(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.horizontalHeader().setStretchLastSection(False)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollMode(table.verticalScrollMode())
        view.setFrameShape(QTableView.Shape.NoFrame)
        # A thin line where the scrolling columns pass under the frozen ones.
        view.setStyleSheet("QTableView { border-right: 1px solid palette(mid); }")
        table.viewport().stackUnder(view)
        # Scrolling by whole columns would park a column half under the frozen ones; by pixels
        # every column can be brought fully into view.
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        if table.isSortingEnabled():
            # Clicking a frozen header sorts the table itself, so both headers show one order.
            view.horizontalHeader().setSortIndicatorShown(True)
            view.horizontalHeader().setSectionsClickable(True)
            view.horizontalHeader().sectionClicked.connect(self._sort_by)
            table.horizontalHeader().sortIndicatorChanged.connect(self._show_sort_indicator)
            header = table.horizontalHeader()
            view.horizontalHeader().setSortIndicator(
                header.sortIndicatorSection(), header.sortIndicatorOrder()
            )

        table.horizontalHeader().sectionResized.connect(self._on_column_resized)
        table.verticalHeader().sectionResized.connect(lambda row, _old, new: view.setRowHeight(row, new))
        view.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.doubleClicked.connect(table.doubleClicked)
        model = table.model()
        model.modelReset.connect(self.refresh)
        model.layoutChanged.connect(self.refresh)
        model.columnsInserted.connect(self.refresh)
        table.installEventFilter(self)
        table.viewport().installEventFilter(self)  # resized after the table when a scroll bar comes or goes
        self.refresh()
        view.show()

    def _sort_by(self, column: int) -> None:
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.AscendingOrder
        if (
            header.sortIndicatorSection() == column
            and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        ):
            order = Qt.SortOrder.DescendingOrder
        self.table.sortByColumn(column, order)

    def _show_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self.view.horizontalHeader().setSortIndicator(column, order)

    def _on_column_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.count:
            self.view.setColumnWidth(column, new)
            self.place()

    def refresh(self) -> None:
        """Show only the frozen columns, at the table's widths, and place the overlay."""
        columns = self.table.model().columnCount() if self.table.model() is not None else 0
        for col in range(columns):
            self.view.setColumnHidden(col, col >= self.count or self.table.isColumnHidden(col))
            if col < self.count:
                self.view.setColumnWidth(col, self.table.columnWidth(col))
        self.place()

    def width(self) -> int:
        return sum(self.table.columnWidth(c) for c in range(self.count) if not self.table.isColumnHidden(c))

    def place(self) -> None:
        table = self.table
        frame = table.frameWidth()
        header = table.horizontalHeader()
        own_header = not self.view.horizontalHeader().isHidden()
        table_header = 0 if header.isHidden() else header.height()
        top = frame if own_header else frame + table_header
        height = table.viewport().height() + (table_header if own_header else 0)
        self.view.setGeometry(table.verticalHeader().width() + frame, top, self.width(), height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched in (self.table, self.table.viewport()) and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.LayoutRequest,
        ):
            self.place()
        return False
