"""The view part of the spreadsheet-like grids (:mod:`ui.models.sheet_grid`): cell selection, type to
edit, Ctrl+V pastes a block copied from Excel at the top-left selected cell, Delete clears the
selected cells, and Ctrl+Z undoes when the model keeps an undo list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget

from ui.models.sheet_grid import SheetGridModel
from ui.widgets.table_view import TableView


class SheetTableView(TableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSortingEnabled(False)  # a pasted block lands on the rows as they are shown: keep them fixed

    def sheet_model(self) -> SheetGridModel:
        model = self.model()
        assert isinstance(model, SheetGridModel)
        return model

    def top_left(self) -> QModelIndex:
        """Where a paste starts: the top-left selected cell, else the current cell."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if indexes:
            return self.sheet_model().index(min(i.row() for i in indexes), min(i.column() for i in indexes))
        return self.currentIndex()

    def paste_text(self, text: str) -> bool:
        start = self.top_left()
        if not start.isValid():
            return False
        return self.sheet_model().paste(start.row(), start.column(), text)

    def clear_selected(self) -> bool:
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        return self.sheet_model().clear([(i.row(), i.column()) for i in indexes])

    def undo(self) -> bool:
        """Ctrl+Z: the model's own undo, for a model that keeps one."""
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste_text(QGuiApplication.clipboard().text())
                event.accept()
                return
            if event.matches(QKeySequence.StandardKey.Undo) and self.undo():
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selected()
                event.accept()
                return
        super().keyPressEvent(event)
