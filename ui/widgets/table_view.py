"""A table view that behaves like a spreadsheet: keyboard navigation and Ctrl+C as tab-separated text."""

from __future__ import annotations

from PySide6.QtCore import Qt
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
