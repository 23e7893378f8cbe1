"""The targets grid (目标值): one period's agents × the plan's targets of that kind, edited like a sheet.

Unlike the KPI grid, edits are kept in the model until **Save** (the page writes them all in one
transaction through :func:`app.services.targets.save_targets`, i.e. the targets import's checks):
a typed value, a pasted block or cleared cells are pending — shown in bold on a pale yellow — and
each step can be undone, or all of them discarded. A cell is read as the import reads it
(:func:`~app.services.targets.parse_target_value`): a bad one is refused right away, naming its row
and column, and a pasted block with a bad cell changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.i18n import tr
from app.money import HUNDRED, fmt_num
from app.services.errors import ValidationFailed
from app.services.targets import TargetColumn, TargetEntry, TargetsGrid, parse_target_value, shown
from app.text import Text
from ui.models.sheet_grid import FIXED_COLUMNS, LEFT, RIGHT, Index, SheetGridModel

Key = tuple[str, str]  # (agent code, target code)
PENDING_BACKGROUND = QColor("#fff3cd")
REFUSED_BACKGROUND = QColor("#f8d7da")


def format_target(column: TargetColumn, value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{fmt_num(value * HUNDRED)}%" if column.is_rate else fmt_num(value)


def _empty_grid() -> TargetsGrid:
    return TargetsGrid("", "", "", False, "", (), (), {}, {})


class TargetsGridModel(SheetGridModel):
    pending_changed = Signal()
    cells_name = Text("目标", "target")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid = _empty_grid()
        self._pending: dict[Key, Decimal | None] = {}  # None: the stored value is to be removed
        self._undo: list[dict[Key, Decimal | None]] = []
        self._refused: set[Key] = set()

    # --- content --------------------------------------------------------------------

    def set_grid(self, grid: TargetsGrid, *, editable: bool, keep_pending: bool = False) -> None:
        """Show ``grid``; ``keep_pending`` keeps the unsaved edits (the same period shown again)."""
        self.beginResetModel()
        self._grid = grid
        self._editable = editable
        if not keep_pending:
            self._pending, self._undo = {}, []
        self._refused = set()
        self.endResetModel()
        self.pending_changed.emit()

    @property
    def grid(self) -> TargetsGrid:
        return self._grid

    def agent_texts(self, row: int) -> tuple[str, str]:
        agent = self._grid.agents[row]
        return agent.agent_code, agent.agent_name

    def column(self, column: int) -> TargetColumn | None:
        i = column - FIXED_COLUMNS
        return self._grid.columns[i] if 0 <= i < len(self._grid.columns) else None

    def key(self, row: int, column: int) -> Key | None:
        target = self.column(column)
        if target is None or not (0 <= row < len(self._grid.agents)):
            return None
        return self._grid.agents[row].agent_code, target.code

    def value(self, row: int, column: int) -> Decimal | None:
        """What the cell shows: the pending value when edited, else the stored one."""
        key = self.key(row, column)
        if key is None:
            return None
        if key in self._pending:
            return self._pending[key]
        return self._grid.values.get(key)

    def is_pending(self, row: int, column: int) -> bool:
        key = self.key(row, column)
        return key is not None and key in self._pending

    def pending_count(self) -> int:
        return len(self._pending)

    def can_undo(self) -> bool:
        return bool(self._undo)

    def filled(self) -> int:
        keys = set(self._grid.values) | set(self._pending)
        return sum(1 for k in keys if (self._pending[k] if k in self._pending else self._grid.values.get(k)) is not None)

    def entries(self) -> list[TargetEntry]:
        """The pending edits as the service takes them (in row, column order)."""
        order = {a.agent_code: i for i, a in enumerate(self._grid.agents)}
        columns = {c.code: i for i, c in enumerate(self._grid.columns)}
        keys = sorted(self._pending, key=lambda k: (order.get(k[0], 0), columns.get(k[1], 0)))
        return [TargetEntry(code, target, self._pending[(code, target)]) for code, target in keys]

    def mark_refused(self, cells: Sequence[Key]) -> None:
        self._refused = set(cells)
        self._changed_all()

    # --- editing --------------------------------------------------------------------

    def _where(self, row: int, column: int) -> tuple[str, str]:
        agent = self._grid.agents[row]
        target = self.column(column)
        name = target.name if target is not None else ""
        return (f"第 {row + 1} 行（{agent.agent_code} {agent.agent_name}）第 {column + 1} 列（{name}）",
                f"row {row + 1} ({agent.agent_code} {agent.agent_name}), column {column + 1} ({name})")

    def write(self, cells: Sequence[tuple[int, int, str | None]]) -> bool:
        """Make ``(row, column, text)`` cells pending in one step (one undo); empty text clears a cell.
        Any bad cell refuses the whole step with every bad cell named."""
        if not self._editable or not cells:
            return False
        zh: list[str] = []
        en: list[str] = []
        wanted: dict[Key, Decimal | None] = {}
        for row, column, text in cells:
            key = self.key(row, column)
            if key is None:
                self.failed.emit(ValidationFailed(["只能在目标列中填写目标值"],
                                                  ["target values can only be entered in the target columns"]))
                return False
            try:
                wanted[key] = parse_target_value(text)
            except ValidationFailed as exc:
                at_zh, at_en = self._where(row, column)
                zh.append(f"{at_zh}：{exc.problems[0]}")
                en.append(f"{at_en}: {exc.problems_en[0]}")
        if zh:
            refused = ValidationFailed(zh, en)
            head_zh, head_en = ("粘贴的内容有误，没有改动任何单元格：", "The pasted block has errors; no cell was changed:") \
                if len(cells) > 1 else ("目标值有误：", "The target value is wrong:")
            refused.message = "\n".join([head_zh, *shown(zh, "zh")])
            refused.message_en = "\n".join([head_en, *shown(en, "en")])
            self.failed.emit(refused)
            return False
        before = dict(self._pending)
        for key, number in wanted.items():
            stored = self._grid.values.get(key)
            if number == stored or (number is None and stored is None):
                self._pending.pop(key, None)  # back to what is stored: nothing to save
            else:
                self._pending[key] = number
        if self._pending == before:
            return True
        self._undo.append(before)
        self._refused -= set(wanted)
        self._changed_cells(cells)
        return True

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._pending = self._undo.pop()
        self._refused = set()
        self._changed_all()
        return True

    def discard(self) -> bool:
        if not self._pending and not self._undo:
            return False
        self._pending, self._undo, self._refused = {}, [], set()
        self._changed_all()
        return True

    def _changed_cells(self, cells: Sequence[tuple[int, int, str | None]]) -> None:
        rows = [r for r, _, _ in cells]
        columns = [c for _, c, _ in cells]
        self.dataChanged.emit(self.index(min(rows), min(columns)), self.index(max(rows), max(columns)))
        self.pending_changed.emit()

    def _changed_all(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.pending_changed.emit()

    # --- Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._grid.agents)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self._grid.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < self.columnCount()):
            return None
        target = self.column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if target is None:
                return tr("工号", "Code") if section == 0 else tr("姓名", "Name")
            zh, en = target.measure_text()
            return tr(f"{target.name}\n{zh}", f"{target.name}\n{en}")
        if role == Qt.ItemDataRole.ToolTipRole and target is not None:
            zh, en = target.measure_text()
            example = "95%" if target.is_rate else "100000"
            return tr(
                f"{target.name}（{target.code}）：{zh}，奖金 {fmt_num(target.bonus)}\n"
                f"填大于 0 的目标值，例如 {example}；清空单元格即删除该值",
                f"{target.name} ({target.code}): {en}, bonus {fmt_num(target.bonus)}\n"
                f"Enter a target value above 0, e.g. {example}; clear the cell to remove the value",
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if target is not None else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        row, column = index.row(), index.column()
        target = self.column(column)
        if target is None:
            return self.fixed_data(row, column, role)
        key = (self._grid.agents[row].agent_code, target.code)
        value = self.value(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_target(target, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        pending = key in self._pending
        if role == Qt.ItemDataRole.BackgroundRole:
            if key in self._refused:
                return QBrush(REFUSED_BACKGROUND)
            return QBrush(PENDING_BACKGROUND) if pending else None
        if role == Qt.ItemDataRole.FontRole and pending:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tips: list[str] = []
            if pending:
                stored = format_target(target, self._grid.values.get(key)) or tr("空", "empty")
                tips.append(tr(f"未保存（原为 {stored}）", f"not saved (was {stored})"))
            bonus = self._grid.bonuses.get(key)
            if bonus is not None:
                tips.append(tr(f"导入的奖金基数 {fmt_num(bonus)}", f"imported bonus {fmt_num(bonus)}"))
            return "\n".join(tips) or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        if self.column(index.column()) is None:
            return False
        text = "" if value is None else str(value)
        if text.strip() == self.data(index, Qt.ItemDataRole.EditRole):
            return True
        return self.write([(index.row(), index.column(), text)])
