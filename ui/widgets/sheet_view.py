"""The view of an editable agent sheet (ui/models/agent_sheet.py): the KPI metrics grid and the
targets grid edit the same way."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget

from ui.models.agent_sheet import FIXED_COLUMNS, AgentSheetModel
from ui.widgets.table_view import TableView


class SheetView(TableView):
    """A sheet: cell selection, type to edit, Ctrl+V pastes a block, Delete clears cells, and Ctrl+Z
    undoes where the model keeps its edits (:meth:`undo`)."""

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

    def grid_model(self) -> AgentSheetModel:
        model = self.model()
        assert isinstance(model, AgentSheetModel)
        return model

    def top_left(self) -> QModelIndex:
        """Where a paste starts: the top-left selected cell, else the current cell."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if indexes:
            return self.grid_model().index(min(i.row() for i in indexes), min(i.column() for i in indexes))
        return self.currentIndex()

    def paste_text(self, text: str) -> bool:
        start = self.top_left()
        if not start.isValid() or not self.grid_model().editable:
            return False
        return self.grid_model().paste(start.row(), start.column(), text)

    def clear_selected(self) -> bool:
        model = self.grid_model()
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        cells = [
            (i.row(), i.column(), None)
            for i in indexes
            if i.column() >= FIXED_COLUMNS and model.value(i.row(), i.column()) is not None
        ]
        if not cells or not model.editable:
            return False
        return model.write(cells)

    def undo(self) -> bool:
        """Ctrl+Z; False when this sheet has no undo (the key then goes to the table as usual)."""
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
