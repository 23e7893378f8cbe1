"""What the editable agent sheets share (the KPI metrics grid, ui/models/rewards_metrics.py, and the
targets grid, ui/models/targets_grid.py): one row per agent, 工号 and 姓名 as the fixed columns,
then one editable column per value; a block copied from Excel is pasted all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.i18n import tr
from app.services.agents import SheetAgent
from app.services.errors import ValidationFailed

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


class AgentSheetModel(QAbstractTableModel):
    """The shared part of an agents × values sheet. A subclass says which agents and how many value
    columns there are (:meth:`agents`, :meth:`value_columns`), what a value cell shows
    (:meth:`value_data`) and reads as (:meth:`value`), and how cells are written (:meth:`write`)."""

    failed = Signal(object)  # what refused an edit or a paste (nothing changed)
    COLUMN_WORDS = ("值", "value")  # what the value columns are called when a pasted block does not fit

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editable = False

    @property
    def editable(self) -> bool:
        return self._editable

    def agents(self) -> Sequence[SheetAgent]:
        raise NotImplementedError

    def value_columns(self) -> int:
        raise NotImplementedError

    def value_code(self, column: int) -> str | None:
        """The code of the value in ``column`` (an indicator's, a target's); None for a fixed column."""
        raise NotImplementedError

    def value(self, row: int, column: int) -> Decimal | None:
        raise NotImplementedError

    def cell(self, agent_code: str, code: str) -> QModelIndex:
        """The cell of ``agent_code``'s value of ``code``."""
        row = next(i for i, a in enumerate(self.agents()) if a.agent_code == agent_code)
        column = next(c for c in range(FIXED_COLUMNS, self.columnCount()) if self.value_code(c) == code)
        return self.index(row, column)

    def value_data(self, row: int, column: int, role: int) -> Any:
        raise NotImplementedError

    def write(self, cells: Sequence[tuple[int, int, str | None]]) -> bool:
        raise NotImplementedError

    def paste(self, top: int, left: int, text: str) -> bool:
        """Paste a block copied from Excel with its top-left cell at (top, left); all or nothing."""
        block = parse_block(text)
        if not block or not self._editable:
            return False
        width = max(len(line) for line in block)
        if left < FIXED_COLUMNS or top + len(block) > self.rowCount() or left + width > self.columnCount():
            zh, en = self.COLUMN_WORDS
            self.failed.emit(ValidationFailed(
                [f"粘贴的内容（{len(block)} 行 × {width} 列）超出了{zh}区域：请先选中要粘贴到的第一个{zh}单元格"],
                [f"the pasted block ({len(block)} rows × {width} columns) does not fit the {en} cells: select "
                 f"the first {en} cell to paste into"]))
            return False
        return self.write([(top + r, left + c, cell.strip()) for r, line in enumerate(block) for c, cell in enumerate(line)])

    # --- Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.agents())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + self.value_columns()

    def fixed_header(self, section: int, role: int) -> Any:
        """工号 / 姓名 above the fixed columns."""
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("工号", "Code") if section == 0 else tr("姓名", "Name")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self._editable and index.column() >= FIXED_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount()):
            return None
        if not (0 <= index.column() < self.columnCount()):
            return None
        row, column = index.row(), index.column()
        if column >= FIXED_COLUMNS:
            return self.value_data(row, column, role)
        agent = self.agents()[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return agent.agent_code if column == 0 else agent.agent_name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        if not (FIXED_COLUMNS <= index.column() < self.columnCount()):
            return False
        text = "" if value is None else str(value)
        if text.strip() == self.data(index, Qt.ItemDataRole.EditRole):
            return True  # leaving an editor unchanged writes nothing (and no audit row)
        return self.write([(index.row(), index.column(), text)])
