"""The KPI metrics month grid (绩效指标): agents × the plan's metric indicators, editable like a sheet.

Edits do not stay in the model: every change (one cell, a pasted block, a cleared selection)
goes through ``writer`` — the page's bridge to :func:`app.services.rewards.set_metrics` — as one
all-or-nothing write, and the model shows what the service stored. A refusal is reported with
:attr:`MetricsGridModel.failed` and leaves every cell as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from app.i18n import tr
from app.money import HUNDRED, fmt_num
from app.services.appeal_marks import AppealMark
from app.services.errors import ValidationFailed
from app.services.rewards import MetricCell, MetricColumn, MetricsGrid
from app.text import Text
from ui.models.appeal_marks import mark_brush, mark_tooltip
from ui.models.sheet_grid import FIXED_COLUMNS, LEFT, RIGHT, Index, SheetGridModel

Writer = Callable[[list[MetricCell]], dict[tuple[str, str], Decimal | None]]
SUSPECT_BACKGROUND = QColor("#fff3cd")


def format_value(column: MetricColumn, value: Decimal | None) -> str:
    """A rate as the telephony report prints it (``95.5%``), anything else as a plain number."""
    if value is None:
        return ""
    if column.is_rate:
        return f"{fmt_num(value * HUNDRED)}%"
    return fmt_num(value)


def target_text(column: MetricColumn) -> str:
    arrow = "↑" if column.better == "higher" else "↓"
    return tr(
        f"目标 {format_value(column, column.target)} {arrow}",
        f"target {format_value(column, column.target)} {arrow}",
    )


class MetricsGridModel(SheetGridModel):
    cells_name = Text("指标", "indicator")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid = MetricsGrid("", (), (), {})
        self._values: dict[tuple[str, str], Decimal] = {}
        self.writer: Writer | None = None
        self._appeals: dict[tuple[str, str], AppealMark] = {}  # (agent code, indicator) → live appeal

    # --- content --------------------------------------------------------------------

    def set_grid(self, grid: MetricsGrid, *, editable: bool) -> None:
        self.beginResetModel()
        self._grid = grid
        self._values = dict(grid.values)
        self._editable = editable
        self.endResetModel()

    def set_appeals(self, marks: Mapping[tuple[str, str], AppealMark]) -> None:
        """Mark the values that have a pending or upheld appeal (app/services/appeal_marks.py)."""
        self._appeals = dict(marks)
        if self.rowCount() and self.columnCount() > FIXED_COLUMNS:
            self.dataChanged.emit(self.index(0, FIXED_COLUMNS), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def appeal_mark(self, row: int, column: int) -> AppealMark | None:
        indicator = self.indicator(column)
        if indicator is None or not (0 <= row < len(self._grid.agents)):
            return None
        return self._appeals.get((self.agent_code(row), indicator.code))

    @property
    def grid(self) -> MetricsGrid:
        return self._grid

    def indicator(self, column: int) -> MetricColumn | None:
        i = column - FIXED_COLUMNS
        return self._grid.indicators[i] if 0 <= i < len(self._grid.indicators) else None

    def agent_code(self, row: int) -> str:
        return self._grid.agents[row].agent_code

    def agent_texts(self, row: int) -> tuple[str, str]:
        agent = self._grid.agents[row]
        return agent.agent_code, agent.agent_name

    def value(self, row: int, column: int) -> Decimal | None:
        indicator = self.indicator(column)
        if indicator is None or not (0 <= row < len(self._grid.agents)):
            return None
        return self._values.get((self.agent_code(row), indicator.code))

    def filled(self) -> int:
        return len(self._values)

    # --- writing --------------------------------------------------------------------

    def write(self, cells: Sequence[tuple[int, int, str | None]]) -> bool:
        """Write ``(row, column, text)`` cells in one go; ``None`` or empty text clears a cell."""
        if not self._editable or self.writer is None or not cells:
            return False
        wanted: list[MetricCell] = []
        for row, column, text in cells:
            indicator = self.indicator(column)
            if indicator is None or not (0 <= row < len(self._grid.agents)):
                self.failed.emit(
                    ValidationFailed(
                        ["只能在指标列中填写数值"], ["values can only be entered in the indicator columns"]
                    )
                )
                return False
            wanted.append(MetricCell(self.agent_code(row), indicator.code, text))
        try:
            stored = self.writer(wanted)
        except Exception as exc:  # noqa: BLE001 - the page shows it; nothing was written
            self.failed.emit(exc)
            return False
        for key, number in stored.items():
            if number is None:
                self._values.pop(key, None)
            else:
                self._values[key] = number
        rows = [row for row, _, _ in cells]
        columns = [column for _, column, _ in cells]
        self.dataChanged.emit(
            self.index(min(rows), min(columns)),
            self.index(max(rows), max(columns)),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole],
        )
        return True

    # --- Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._grid.agents)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self._grid.indicators)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < self.columnCount()):
            return None
        indicator = self.indicator(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if indicator is None:
                return tr("工号", "Code") if section == 0 else tr("姓名", "Name")
            return f"{indicator.name}\n{target_text(indicator)}"
        if role == Qt.ItemDataRole.ToolTipRole and indicator is not None:
            better = (
                tr("越高越好", "higher is better")
                if indicator.better == "higher"
                else tr("越低越好", "lower is better")
            )
            example = "95%" if indicator.is_rate else fmt_num(indicator.target)
            return tr(
                f"{indicator.name}（{indicator.code}）\n{target_text(indicator)}，{better}，权重 {fmt_num(indicator.weight)}\n"
                f"可填数字或百分比，例如 {example}；清空单元格即删除该值",
                f"{indicator.name} ({indicator.code})\n{target_text(indicator)}, {better}, weight "
                f"{fmt_num(indicator.weight)}\nEnter a number or a percentage, e.g. {example}; clear the cell to "
                "delete the value",
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if indicator is not None else LEFT
        return None

    def _suspect(self, indicator: MetricColumn, value: Decimal | None) -> bool:
        """A share above 100% (typed "95" instead of "95%") is almost surely a slip worth flagging."""
        return value is not None and indicator.is_rate and value > 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        row, column = index.row(), index.column()
        indicator = self.indicator(column)
        if indicator is None:
            return self.fixed_data(row, column, role)
        value = self.value(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_value(indicator, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        mark = self._appeals.get((self.agent_code(row), indicator.code)) if self._appeals else None
        if mark is not None and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.BackgroundRole:
                return mark_brush((mark,))
            suspect = value is not None and self._suspect(indicator, value)
            return mark_tooltip((mark,)) + ("\n" + str(self._suspect_tip(value)) if suspect and value is not None else "")
        if value is not None and self._suspect(indicator, value):
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SUSPECT_BACKGROUND)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._suspect_tip(value)
        return None

    @staticmethod
    def _suspect_tip(value: Decimal) -> str:
        return tr(
            f"{fmt_num(value * HUNDRED)}% 超过 100%：是否应填 {fmt_num(value)}%？",
            f"{fmt_num(value * HUNDRED)}% is above 100%: did you mean {fmt_num(value)}%?",
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        if self.indicator(index.column()) is None:
            return False
        text = "" if value is None else str(value)
        if text.strip() == self.data(index, Qt.ItemDataRole.EditRole):
            return True  # leaving an editor unchanged writes nothing (and no audit row)
        return self.write([(index.row(), index.column(), text)])
