"""A table view that behaves like a spreadsheet: keyboard navigation and Ctrl+C as tab-separated text."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


class TableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)

    def fit_columns(self, minimum: int = 72) -> None:
        """Size columns to their contents, but not narrower than a readable minimum."""
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for col in range(header.count()):
            header.resizeSection(col, max(header.sectionSize(col) + 16, minimum))

    def fit_columns_to_texts(self, minimum: int = 72, *, sample: int = 200) -> None:
        """Size columns from their longest texts, read from at most ``sample`` rows spread over the
        table (of the model behind the sort proxy, whose columns are the same):
        ``resizeColumnsToContents`` asks every cell for several roles, which a long table of a
        Python model pays for in seconds."""
        if self.model() is None:
            return
        model = self.source_model()
        rows = model.rowCount()
        step = max(1, rows // sample)
        header = self.horizontalHeader()
        cells, heads = self.fontMetrics(), header.fontMetrics()
        # A model may give a cell's text straight (``display_text(row, column)``): no Qt index,
        # no several Python calls, per sampled cell.
        text_at = getattr(model, "display_text", None) or (
            lambda row, col: str(model.data(model.index(row, col)) or "")
        )
        for col in range(model.columnCount()):
            if self.isColumnHidden(col):
                continue
            texts = (text_at(row, col) for row in range(0, rows, step))
            lines = {line for text in texts for line in text.split("\n")}
            widest = max((cells.horizontalAdvance(line) for line in lines), default=0)  # 中文 is wider than 0-9
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            width = max(
                widest + 20,
                max((heads.horizontalAdvance(t) for t in title.split("\n")), default=0) + 28,  # + sort arrow
                minimum,
            )
            header.resizeSection(col, width)

    def _to_view(self, source: QModelIndex) -> QModelIndex:
        model = self.model()
        return model.mapFromSource(source) if isinstance(model, QAbstractProxyModel) else source

    def _to_source(self, index: QModelIndex) -> QModelIndex:
        model = self.model()
        return model.mapToSource(index) if isinstance(model, QAbstractProxyModel) else index

    def source_model(self) -> QAbstractItemModel:
        """The model behind the view's sort/filter proxy (the view's own model when there is none)."""
        model = self.model()
        return model.sourceModel() if isinstance(model, QAbstractProxyModel) else model

    def selected_source_row(self) -> int | None:
        """The source-model row of the first selected row, ``None`` when nothing is selected."""
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows:
            return None
        return self._to_source(rows[0]).row()

    def select_source_row(self, row: int) -> bool:
        """Select and show source-model ``row``; ``False`` when there is none or the filter hides it."""
        if row < 0:
            return False
        index = self._to_view(self.source_model().index(row, 0))
        if not index.isValid():
            return False
        self.selectRow(index.row())
        self.scrollTo(index)
        return True

    def selected_text(self) -> str:
        """The selected cells as Excel pastes them: tabs between columns, newlines between rows."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes if not self.isColumnHidden(i.column())})
        model = self.model()
        lines = []
        for row in rows:
            cells = []
            for col in cols:
                value = model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
                cells.append("" if value is None else str(value))
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.selected_text())
            event.accept()
            return
        super().keyPressEvent(event)
