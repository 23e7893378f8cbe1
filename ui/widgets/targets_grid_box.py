"""The 目标 tab's grid of target values (issue #14): a period chooser, the sheet, and Undo / Discard / Save.

The page (ui/pages/rewards_page.py) loads a period's grid and saves it; this widget only edits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.services.targets import PeriodChoice
from ui.models.targets_grid import FIXED_COLUMNS, TargetsGridModel
from ui.widgets.sheet_view import SheetTableView


class TargetsTableView(SheetTableView):
    """The targets sheet; Ctrl+Z undoes the last unsaved edit or paste."""

    def grid_model(self) -> TargetsGridModel:
        model = self.model()
        assert isinstance(model, TargetsGridModel)
        return model

    def undo(self) -> bool:
        self.grid_model().undo()
        return True


class TargetsGridBox(QGroupBox):
    """目标值 by period: choose a period, edit or paste, then save everything at once."""

    period_chosen = Signal(str)  # the period the user picked (the page loads it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("目标值（按期间录入，可从 Excel 粘贴）", "Target values (by period; paste from Excel)"), parent)
        SP = QStyle.StandardPixmap
        self.model = TargetsGridModel(self)
        self.table = TargetsTableView(self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setStretchLastSection(False)

        self.period = QComboBox(self)
        self.period.setToolTip(tr("目标的期间：月、季度、半年或全年（按方案中的目标）",
                                  "The targets' period: a month, quarter, half year or year (as the plan's targets)"))
        self.period.setMinimumContentsLength(16)
        self.period.activated.connect(self._on_period)

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            b = QPushButton(self.style().standardIcon(icon), text, self)
            b.setToolTip(tip)
            return b

        self.undo_button = button(tr("撤销", "Undo"), SP.SP_ArrowBack,
                                  tr("撤销上一次修改或粘贴（Ctrl+Z）", "Undo the last edit or paste (Ctrl+Z)"))
        self.discard_button = button(tr("放弃修改", "Discard"), SP.SP_DialogDiscardButton,
                                     tr("放弃所有未保存的修改", "Drop every unsaved change"))
        self.save_button = button(tr("保存", "Save"), SP.SP_DialogSaveButton,
                                  tr("按目标导入的规则检查并一次保存所有修改（有问题则不保存任何内容）",
                                     "Check every change as the targets import does and save them at once (any "
                                     "problem: nothing is saved)"))
        self.undo_button.clicked.connect(self.model.undo)
        self.discard_button.clicked.connect(self.model.discard)

        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("期间：", "Period:"), self))
        bar.addWidget(self.period)
        bar.addWidget(self.hint, 1)
        for b in (self.undo_button, self.discard_button, self.save_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.model.pending_changed.connect(self.update_state)
        self.model.modelReset.connect(self.update_state)
        self.update_state()

    # --- periods ------------------------------------------------------------------

    def set_periods(self, periods: tuple[PeriodChoice, ...], wanted: str) -> str:
        """Fill the chooser; select ``wanted`` when offered, else the first current period. Returns it."""
        self.period.blockSignals(True)
        self.period.clear()
        for p in periods:
            zh, en = p.label()
            self.period.addItem(tr(zh, en) + (tr("　← 本月", "  ← this month") if p.current else ""), p.text)
        texts = [p.text for p in periods]
        chosen = wanted if wanted in texts else next((p.text for p in periods if p.current), texts[0] if texts else "")
        if chosen:
            self.period.setCurrentIndex(texts.index(chosen))
        self.period.blockSignals(False)
        return chosen

    def selected_period(self) -> str:
        data = self.period.currentData()
        return data if isinstance(data, str) else ""

    def choose_period(self, period: str) -> None:
        """Select ``period`` as the user would (tests, and the page)."""
        index = self.period.findData(period)
        if index >= 0:
            self.period.setCurrentIndex(index)
            self._on_period(index)

    @Slot(int)
    def _on_period(self, index: int) -> None:
        data = self.period.itemData(index)
        if isinstance(data, str):
            self.period_chosen.emit(data)

    # --- state ----------------------------------------------------------------------

    def fit(self) -> None:
        self.table.fit_columns(minimum=96)
        header = self.table.horizontalHeader()
        for column in range(FIXED_COLUMNS, header.count()):
            header.resizeSection(column, max(header.sectionSize(column), 140))

    @Slot()
    def update_state(self) -> None:
        model = self.model
        grid = model.grid
        pending = model.pending_count()
        self.undo_button.setEnabled(model.can_undo())
        self.discard_button.setEnabled(pending > 0 or model.can_undo())
        self.save_button.setEnabled(model.editable and pending > 0)
        if not grid.period:
            self.hint.setText(tr("本月适用的方案没有目标（[[targets]]）", "the month's plan has no targets ([[targets]])"))
        elif not grid.columns:
            self.hint.setText(tr(f"{grid.pays_in} 适用的方案没有该类期间的目标",
                                 f"the plan in force for {grid.pays_in} has no target of this kind of period"))
        elif grid.locked:
            self.hint.setText(tr(f"{grid.period} 的末月 {grid.pays_in} 已锁定：目标值只读",
                                 f"{grid.pays_in}, the last month of {grid.period}, is locked: read-only"))
        else:
            self.hint.setText(tr(
                f"于 {grid.pays_in} 发放。双击或直接输入；从 Excel 复制一块后选中起始单元格按 Ctrl+V；Delete 清除；改完点“保存”",
                f"Paid in {grid.pays_in}. Type or double-click to edit; copy a block in Excel, select the first cell "
                "and press Ctrl+V; Delete clears; then Save"))
        total = len(grid.agents) * len(grid.columns)
        text = tr(f"{len(grid.agents)} 人 × {len(grid.columns)} 个目标，已填 {model.filled()} / {total}",
                  f"{len(grid.agents)} agents × {len(grid.columns)} targets, {model.filled()} of {total} filled")
        if pending:
            text += tr(f"；{pending} 个单元格未保存", f"; {pending} unsaved cell(s)")
        self.status.setText(text)
