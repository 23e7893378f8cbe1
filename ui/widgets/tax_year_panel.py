"""个税累计: the selected agent's cumulative income-tax figures, month by month through the shown month
(docs/pay-rules.md §9.3) — the same rows as the Excel summary's 个税累计 sheet."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.i18n import tr
from app.money import fmt_money
from app.reports.tax_year import TaxYearRow, cells, columns


class TaxYearPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[TaxYearRow, ...] = ()
        self.note = QLabel(self)
        self.note.setEnabled(False)
        self.table = QTableWidget(self)
        headers = [c.header for c in columns()][2:]  # code and name: the selected agent's
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: Sequence[TaxYearRow]) -> None:
        self.rows = tuple(rows)

    def show_agent(self, code: str | None) -> None:
        mine = [r for r in self.rows if r.code == code] if code else []
        self.note.setText(
            tr(f"{code} 本年度累计预扣个税", f"{code}: the year's cumulative tax withholding")
            if mine else tr("选择一位有代扣个税的人员查看本年度累计。", "Select an agent with tax withheld.")
        )
        self.table.setRowCount(len(mine))
        for i, row in enumerate(mine):
            for j, value in enumerate(cells(row)[2:]):
                text = fmt_money(value) if isinstance(value, Decimal) else str(value)
                item = QTableWidgetItem(text)
                if isinstance(value, Decimal | int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
