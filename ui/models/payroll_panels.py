"""Models of the payroll page's side panels: the selected agent's pay lines with their
explanations, what changed since the last calculation, and the month's warnings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from app.engine.facts import PayLine
from app.i18n import language, tr
from app.money import fmt_money
from app.services.payroll_view import WARNING, AgentChange, MonthWarning, signed
from ui.models.common import LEFT, RIGHT, Index, ReadOnlyTableModel, money_foreground


class _TableModel(ReadOnlyTableModel):
    """Read-only table with fixed bilingual headers; subclasses give the rows."""

    HEADERS: tuple[tuple[str, str], ...] = ()
    MONEY_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def _column_count(self) -> int:
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(*self.HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self.MONEY_COLUMNS else LEFT
        return None

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid() and 0 <= index.row() < self._count() and 0 <= index.column() < len(self.HEADERS)
        )


class PayLinesModel(_TableModel):
    """The selected agent's pay lines: label, amount and the arithmetic that explains it."""

    HEADERS = (("项目", "Item"), ("金额", "Amount"), ("计算说明", "How it was calculated"))
    MONEY_COLUMNS = frozenset({1})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[PayLine] = []

    def set_lines(self, lines: Sequence[PayLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def line(self, row: int) -> PayLine:
        return self._lines[row]

    def _count(self) -> int:
        return len(self._lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            lang = language()
            if col == 0:
                return line.label_in(lang)
            if col == 1:
                return fmt_money(line.amount)
            return line.detail_in(lang)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == 1:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return money_foreground(line.amount)
        return None


class ChangesModel(_TableModel):
    """What changed since the previous result: per agent its net, then each line that moved."""

    HEADERS = (
        ("工号", "Code"),
        ("姓名", "Name"),
        ("项目", "Item"),
        ("原金额", "Before"),
        ("新金额", "After"),
        ("变化", "Change"),
    )
    MONEY_COLUMNS = frozenset({3, 4, 5})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # (code, name, item, before, after, change, is_agent_row)
        self._rows: list[tuple[str, str, str, str, str, Decimal | None, bool]] = []

    def set_changes(self, changes: Sequence[AgentChange]) -> None:
        self.beginResetModel()
        rows: list[tuple[str, str, str, str, str, Decimal | None, bool]] = []
        for c in changes:
            old = fmt_money(c.old_net) if c.old_net is not None else ""
            new = fmt_money(c.new_net) if c.new_net is not None else ""
            item = {
                "added": tr("新增人员 · 实发", "new in the payroll · net"),
                "removed": tr("不再在工资表中 · 实发", "no longer in the payroll · net"),
            }.get(c.kind, tr("实发", "Net"))
            rows.append((c.code, c.name, item, old, new, c.net_delta, True))
            for line in c.lines:
                rows.append(("", "", line.label, fmt_money(line.old), fmt_money(line.new), line.delta, False))
        self._rows = rows
        self.endResetModel()

    def row_texts(self, row: int) -> tuple[str, ...]:
        return tuple(str(self.data(self.index(row, col)) or "") for col in range(len(self.HEADERS)))

    def _count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 5:
                return signed(row[5]) if row[5] is not None else ""
            return row[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in self.MONEY_COLUMNS else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and row[5] is not None:
            return money_foreground(row[5])
        if role == Qt.ItemDataRole.FontRole and row[6]:
            font = QFont()
            font.setBold(True)
            return font
        return None


class WarningsModel(_TableModel):
    """The month's warnings, one per row, in the user's language."""

    HEADERS = (("提醒", "Warning"),)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._warnings: list[MonthWarning] = []

    def set_warnings(self, warnings: Sequence[MonthWarning]) -> None:
        self.beginResetModel()
        self._warnings = list(warnings)
        self.endResetModel()

    def warning(self, row: int) -> MonthWarning:
        return self._warnings[row]

    def texts(self) -> list[str]:
        return [tr(w.zh, w.en) for w in self._warnings]

    def _count(self) -> int:
        return len(self._warnings)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        w = self._warnings[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return tr(w.zh, w.en)
        if role == Qt.ItemDataRole.DecorationRole:
            pixmap = (
                QStyle.StandardPixmap.SP_MessageBoxWarning
                if w.severity == WARNING
                else QStyle.StandardPixmap.SP_MessageBoxInformation
            )
            return QApplication.style().standardIcon(pixmap)
        return None
