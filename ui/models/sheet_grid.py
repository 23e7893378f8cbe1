"""What the two spreadsheet-like grids share (the rewards page's KPI values and its targets): one row per
agent, the agent's code and name in the first two columns, values to the right that can be typed,
pasted as a block from Excel (all or nothing) and cleared.

:class:`SheetGridModel` is the model part, :class:`ui.widgets.sheet_view.SheetTableView` the view part.
A grid model fills in how a cell is read and written (:meth:`SheetGridModel.write`,
:meth:`SheetGridModel.value`) and what its value cells are called in a refused paste.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.services.errors import ValidationFailed
from app.text import Text

Index = QModelIndex | QPersistentModelIndex
FIXED_COLUMNS = 2  # 工号, 姓名
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def parse_block(text: str) -> list[list[str]]:
    """Tab-separated text as Excel puts it on the clipboard: rows of cells, without the final newline."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t") for line in lines]


class SheetGridModel(QAbstractTableModel):
    failed = Signal(object)  # a ValidationFailed (or the error a refused write raised): nothing changed

    #: What the value cells are called in the message of a paste that does not fit them.
    cells_name = Text("数值", "value")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editable = False

    @property
    def editable(self) -> bool:
        return self._editable

    def value(self, row: int, column: int) -> Decimal | None:
        raise NotImplementedError

    def write(self, cells: Sequence[tuple[int, int, str | None]]) -> bool:
        """Write ``(row, column, text)`` cells (None clears) at once; False when refused (``failed``)."""
        raise NotImplementedError

    def agent_texts(self, row: int) -> tuple[str, str]:
        """The agent's code and name shown in the fixed columns of ``row``."""
        raise NotImplementedError

    def paste(self, top: int, left: int, text: str) -> bool:
        """Paste a block copied from Excel with its top-left cell at (top, left); all or nothing."""
        block = parse_block(text)
        if not block or not self._editable:
            return False
        width = max(len(line) for line in block)
        if left < FIXED_COLUMNS or top + len(block) > self.rowCount() or left + width > self.columnCount():
            name = self.cells_name
            self.failed.emit(ValidationFailed(
                [f"粘贴的内容（{len(block)} 行 × {width} 列）超出了{name.zh}区域：请先选中要粘贴到的第一个{name.zh}单元格"],
                [f"the pasted block ({len(block)} rows × {width} columns) does not fit the {name.en} cells: "
                 f"select the first {name.en} cell to paste into"]))
            return False
        return self.write([(top + r, left + c, cell.strip()) for r, line in enumerate(block) for c, cell in enumerate(line)])

    def clear(self, cells: Sequence[tuple[int, int]]) -> bool:
        """Clear the value cells among ``cells`` that hold a value (Delete on a selection)."""
        wanted = [(row, column, None) for row, column in cells
                  if column >= FIXED_COLUMNS and self.value(row, column) is not None]
        return bool(wanted) and self._editable and self.write(wanted)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self._editable and index.column() >= FIXED_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def in_range(self, index: Index) -> bool:
        return index.isValid() and 0 <= index.row() < self.rowCount() and 0 <= index.column() < self.columnCount()

    def fixed_data(self, row: int, column: int, role: int) -> Any:
        """What a fixed (code, name) cell shows."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self.agent_texts(row)[0 if column == 0 else 1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
        return None
