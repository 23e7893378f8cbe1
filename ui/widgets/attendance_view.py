"""The attendance grid's table view: typing into cells the way Excel users expect.

Differences from a plain ``QTableView``, each because the manager enters a month of
paper sheets by keyboard: typing starts editing (replacing the cell's text), Enter
commits and moves down, a refused cell keeps its editor open with the typed text so it
can be corrected, and typing on a cell that cannot be edited says why instead of jumping
to a matching cell (Qt's keyboard search).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex


class CellDelegate(QStyledItemDelegate):
    """A line editor that remembers whether the model accepted its text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_ok = True
        self.last_text = ""
        self.retry: tuple[int, int, str] | None = None  # (row, column, text) to reopen with

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        if self.retry is not None and self.retry[:2] == (index.row(), index.column()):
            editor.setText(self.retry[2])
            self.retry = None
            return
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setText("" if value is None else str(value))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        self.last_text = editor.text()
        self.last_ok = model.setData(index, self.last_text, Qt.ItemDataRole.EditRole)


class AttendanceGridView(QTableView):
    """Spreadsheet-style keyboard entry; the page supplies copy, paste and clear as actions."""

    read_only_key = Signal(QModelIndex)  # typed on a cell that cannot be edited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setWordWrap(False)
        self.setCornerButtonEnabled(True)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setHighlightSections(True)
        self.verticalHeader().setHighlightSections(True)

    def move_down(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        below = current.siblingAtRow(current.row() + 1)
        if below.isValid():
            self.setCurrentIndex(below)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        index = self.currentIndex()
        moving = hint in (
            QAbstractItemDelegate.EndEditHint.SubmitModelCache,
            QAbstractItemDelegate.EndEditHint.EditNextItem,
            QAbstractItemDelegate.EndEditHint.EditPreviousItem,
        )
        if moving and not self.delegate.last_ok:
            # Refused: stay on the cell with the typed text so it can be fixed, like Excel's "Retry".
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.delegate.last_ok = True
            if index.isValid():
                self.delegate.retry = (index.row(), index.column(), self.delegate.last_text)
                self.edit(index)
                reopened = self.indexWidget(index)
                if isinstance(reopened, QLineEdit):
                    reopened.deselect()  # Qt selects an opened editor's text; typing should add to it
                    reopened.end(False)
            return
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.move_down()
            return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            # Enter on a cell that is not being edited moves down, as in Excel.
            self.move_down()
            event.accept()
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        # Chinese arrives from the input method, not as key presses. Qt opens the editor on it
        # but drops the text (the first 迟 typed would vanish), so open the editor here and
        # hand it the event; the rest of the composition then goes to the editor, which has focus.
        current = self.currentIndex()
        typed = bool(event.commitString() or event.preeditString())
        if typed and current.isValid() and self.state() != QAbstractItemView.State.EditingState:
            if self.edit(current, QAbstractItemView.EditTrigger.AnyKeyPressed, event):
                editor = self.indexWidget(current)
                if editor is not None:
                    QApplication.sendEvent(editor, event)
                event.accept()
                return
            if event.commitString():
                self.keyboardSearch(event.commitString())
            event.ignore()
            return
        super().inputMethodEvent(event)

    def keyboardSearch(self, search: str) -> None:
        # Qt would jump to a cell starting with the typed letter; on a read-only cell the
        # user meant to type an entry, so tell them why nothing happens instead.
        current = self.currentIndex()
        if current.isValid() and search.strip():
            self.read_only_key.emit(current)
