"""The payroll page's main table: one row per agent with grouped money columns, the proxy that
sorts, searches and filters it, and the one-row totals model under it.

Amounts come from the stored result (``show_month``) and are grouped by
:mod:`app.summary_columns`, so each row's 应发 columns add up to 应发, its 扣款 columns to
扣款合计, and the two to 实发 — the same columns as the payslip, the workbook and ``payroll show``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from app.fact_rows import scope_text
from app.i18n import tr
from app.money import ZERO, fmt_money
from app.results import AgentResult, MonthResult
from app.services.payroll_view import MonthWarning, column_amounts
from app.summary_columns import DEDUCTION_COLUMNS, GROSS_COLUMNS, TOTAL_TIPS, SummaryColumn
from ui.models.common import (
    FilterProxy,
    Index,
    ReadOnlyTableModel,
    alignment,
    money_foreground,
)


# key, 中文, English, tooltip 中文, tooltip English — the money columns from the one definition
# (app.summary_columns).
def _money_column(col: SummaryColumn) -> tuple[str, str, str, str, str]:
    tip = col.tooltip()
    return (col.key, col.label.zh, col.label.en, tip.zh, tip.en)


def _total_column(key: str, zh: str, en: str) -> tuple[str, str, str, str, str]:
    tip = TOTAL_TIPS[key]
    return (key, zh, en, tip.zh, tip.en)


# 实发 stands right after the name: on a 1366-pixel laptop screen the breakdown scrolls, but who
# is paid how much never leaves the screen. The breakdown then reads left to right as the
# payslip does: the gross columns, 应发, the deduction columns, 扣款合计.
COLUMNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("code", "工号", "Code", "", ""),
    ("name", "姓名", "Name", "", ""),
    _total_column("net", "实发", "Net"),
    ("team", "团队", "Team", "", ""),
    *(_money_column(c) for c in GROSS_COLUMNS),
    _total_column("gross", "应发", "Gross"),
    *(_money_column(c) for c in DEDUCTION_COLUMNS),
    _total_column("deductions", "扣款合计", "Deductions"),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c[0] for c in COLUMNS)
# 工号, 姓名, 实发: frozen at the left edge while the breakdown scrolls sideways.
FROZEN_COLUMNS = COLUMN_KEYS.index("net") + 1
TEXT_KEYS = ("code", "name", "team")
MONEY_KEYS: tuple[str, ...] = tuple(k for k in COLUMN_KEYS if k not in TEXT_KEYS)


@dataclass(frozen=True)
class PayRow:
    """One agent of the month as the table shows it; ``agent`` is its ``show_month`` entry."""

    code: str
    name: str
    team: str
    amounts: dict[str, Decimal]
    agent: AgentResult = field(repr=False)
    warnings: tuple[MonthWarning, ...] = ()

    @classmethod
    def of(cls, agent: AgentResult, warnings: Sequence[MonthWarning] = ()) -> PayRow:
        amounts = column_amounts(agent)
        amounts.update(gross=agent.gross, deductions=agent.deductions, net=agent.net)
        return cls(agent.code, agent.name, agent.team, amounts, agent, tuple(warnings))

    def value(self, key: str) -> str | Decimal:
        if key in TEXT_KEYS:
            return str(getattr(self, key))
        return self.amounts[key]


def header(section: int, orientation: Qt.Orientation, role: int) -> Any:
    """Header data shared by the table and its totals row, so both align and explain the same way."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
        return None
    key, zh, en, tip_zh, tip_en = COLUMNS[section]
    if role == Qt.ItemDataRole.DisplayRole:
        return tr(zh, en)
    if role == Qt.ItemDataRole.ToolTipRole and tip_zh:
        return tr(tip_zh, tip_en)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return alignment(key in MONEY_KEYS)
    return None


class PayrollModel(ReadOnlyTableModel):
    """One row per agent of the month, in the order of the stored result (by code)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PayRow] = []

    def set_result(
        self, data: MonthResult | None, warnings: Mapping[str, Sequence[MonthWarning]] | None = None
    ) -> None:
        self.beginResetModel()
        warnings = warnings or {}
        agents = data.agents if data is not None else ()
        self._rows = [PayRow.of(a, warnings.get(a.code, ())) for a in agents]
        self.endResetModel()

    def row(self, row: int) -> PayRow:
        return self._rows[row]

    def rows(self) -> list[PayRow]:
        return list(self._rows)

    def row_of(self, code: str) -> int:
        for i, r in enumerate(self._rows):
            if r.code == code:
                return i
        return -1

    def teams(self) -> list[str]:
        return sorted({r.team for r in self._rows if r.team})

    # --- Qt overrides -------------------------------------------------------------------

    def _count(self) -> int:
        return len(self._rows)

    def _column_count(self) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return header(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.value(key)
            return fmt_money(value) if isinstance(value, Decimal) else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(key in MONEY_KEYS)
        if role == Qt.ItemDataRole.ForegroundRole and key in MONEY_KEYS:
            return money_foreground(row.amounts[key])
        if role == Qt.ItemDataRole.FontRole and key == "net":
            font = QFont()
            font.setBold(True)
            return font
        if key == "team" and role == Qt.ItemDataRole.ToolTipRole:
            scope = scope_text(row.agent.facts)  # schema 2: the agent's scope (docs/pay-rules.md §7.3)
            if scope is not None:
                lines = [row.team, tr(f"岗位方案：{scope.zh}", f"Scope: {scope.en}")]
                return "\n".join(line for line in lines if line)
        if key in ("name", "team") and role == Qt.ItemDataRole.ToolTipRole:
            return row.value(key)  # the whole text, when a long one is cut short in its column
        if key == "code" and row.warnings:
            if role == Qt.ItemDataRole.DecorationRole:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(tr(w.zh, w.en) for w in row.warnings)
        return None


class PayrollProxy(FilterProxy):
    """Search (code, name), team and "only with warnings" filters; money sorts as numbers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._team: str | None = None
        self._only_warnings = False
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def source(self) -> PayrollModel:
        model = self.sourceModel()
        assert isinstance(model, PayrollModel)
        return model

    def set_team(self, team: str | None) -> None:
        def change() -> None:
            self._team = team or None

        self._refilter(change)

    def set_only_warnings(self, only: bool) -> None:
        def change() -> None:
            self._only_warnings = only

        self._refilter(change)

    def accepts(self, row: PayRow) -> bool:
        if self._team is not None and row.team != self._team:
            return False
        if self._only_warnings and not row.warnings:
            return False
        return not self._search or any(self._search in part.casefold() for part in (row.code, row.name))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        return self.accepts(self.source().row(source_row))

    def lessThan(self, left: Index, right: Index) -> bool:
        key = COLUMN_KEYS[left.column()]
        model = self.source()
        a, b = model.row(left.row()).value(key), model.row(right.row()).value(key)
        if isinstance(a, str) and isinstance(b, str):
            return a.casefold() < b.casefold()
        return a < b  # type: ignore[operator]

    def visible_rows(self) -> list[PayRow]:
        model = self.source()
        return [model.row(self.mapToSource(self.index(r, 0)).row()) for r in range(self.rowCount())]


class PayrollTotalsModel(ReadOnlyTableModel):
    """The totals row under the table: sums of the rows the proxy shows (a filtered team sums to itself)."""

    def __init__(self, proxy: PayrollProxy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._proxy = proxy
        self._shown = 0
        self._total_count = 0
        self._sums: dict[str, Decimal] = {key: ZERO for key in MONEY_KEYS}
        for signal in (proxy.modelReset, proxy.rowsInserted, proxy.rowsRemoved, proxy.layoutChanged):
            signal.connect(self.recompute)

    def recompute(self) -> None:
        rows = self._proxy.visible_rows()
        self._shown = len(rows)
        self._total_count = self._proxy.source().rowCount()
        self._sums = {key: sum((r.amounts[key] for r in rows), ZERO) for key in MONEY_KEYS}
        self.dataChanged.emit(self.index(0, 0), self.index(0, len(COLUMNS) - 1))

    def total(self, key: str) -> Decimal:
        return self._sums[key]

    @property
    def count(self) -> int:
        return self._shown

    def _count(self) -> int:
        return 1

    def _column_count(self) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return header(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() != 0:
            return None
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "code":
                return tr("合计", "Total")
            if key == "name":
                if self._shown == self._total_count:
                    return tr(f"{self._shown} 人", f"{self._shown} agents")
                return tr(
                    f"筛选 {self._shown}/{self._total_count} 人", f"{self._shown} of {self._total_count}"
                )
            if key in MONEY_KEYS:
                return fmt_money(self._sums[key])
            return ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(key in MONEY_KEYS)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key in MONEY_KEYS:
            return money_foreground(self._sums[key])
        return None
