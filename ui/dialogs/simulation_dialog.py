"""试算 window (docs/pay-rules.md §12): up to three drafts against chosen months, side by side.

The drafts are the plan being edited on the plan page (unsaved) and/or TOML files; the months
are those with a result (locked ones included) and the page's month. 计算 runs the simulation
off the GUI thread (:class:`ui.loader.Loader`) in its own read-only session: nothing is written.
The table shows each agent's net under each draft against the baseline (for one month, or all the
chosen months added up); the chart counts agents by how much their pay changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.money import fmt_money
from app.plan.model import Plan
from app.services.errors import ServiceError
from app.services.months import month_statuses
from app.services.settings import get_setting
from app.services.simulate import MAX_DRAFTS, load_draft, simulate
from app.simulation import PlanOutcome, Simulation, histogram
from db.session import Database
from ui import file_dialogs
from ui.errors import show_error, show_message
from ui.loader import Loader
from ui.screen import fit_to_screen
from ui.widgets.charts import chart_view, set_histogram

GAIN = QColor("#2e7d32")
LOSS = QColor("#c62828")


def _signed(value: object) -> str:
    text = fmt_money(value)  # type: ignore[arg-type]
    return text if text.startswith("-") or text == "0.00" else "+" + text


class SimulationDialog(QDialog):
    def __init__(self, db: Database, drafts: list[Plan], month: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(tr("试算", "What-if"))
        self.drafts: list[Plan] = list(drafts)[:MAX_DRAFTS]
        self.simulation: Simulation | None = None
        self.message: object = None
        self.loader = Loader(self, tr("正在试算…", "Computing the what-if…"))
        self.loader.ended.connect(self._ended)

        with db.session_scope() as session:
            statuses = month_statuses(session)
        months = sorted(set(statuses) | ({month} if month else set()))
        self.months = QListWidget(self)
        for m in months:
            status = {"locked": tr("已锁定", "locked"), "calculated": tr("已核算", "calculated")}.get(
                statuses.get(m, ""), tr("未核算", "not calculated"))
            item = QListWidgetItem(f"{m}  {status}", self.months)
            item.setData(Qt.ItemDataRole.UserRole, m)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if m == month else Qt.CheckState.Unchecked)
        self.months.setMaximumWidth(self.fontMetrics().horizontalAdvance("2026-10  未核算") + 60)

        self.draft_list = QListWidget(self)
        self.add_button = QPushButton(tr("添加 TOML 草稿…", "Add a TOML draft…"), self)
        self.remove_button = QPushButton(tr("移除", "Remove"), self)
        self.run_button = QPushButton(tr("计算", "Compute"), self)
        self.run_button.setDefault(True)
        self.export_button = QPushButton(tr("导出 Excel…", "Export to Excel…"), self)
        self.export_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_file)
        self.remove_button.clicked.connect(self.remove_selected)
        self.run_button.clicked.connect(self.run)
        self.export_button.clicked.connect(self.export)

        self.view = QComboBox(self)
        self.view.currentIndexChanged.connect(self._show)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart = chart_view(tr("人员实发变化分布（人数）", "Agents by change in net pay"), self)

        left = QVBoxLayout()
        left.addWidget(QLabel(tr("月份", "Months"), self))
        left.addWidget(self.months, 1)
        left.addWidget(QLabel(tr(f"方案草稿（最多 {MAX_DRAFTS} 个）", f"Drafts (at most {MAX_DRAFTS})"), self))
        left.addWidget(self.draft_list)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        left.addWidget(self.run_button)
        left.addWidget(self.export_button)
        left_box = QWidget(self)
        left_box.setLayout(left)

        right_split = QSplitter(Qt.Orientation.Vertical, self)
        right_split.addWidget(self.table)
        right_split.addWidget(self.chart)
        right_split.setSizes([400, 260])
        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("显示", "Show"), self))
        top.addWidget(self.view, 1)
        right.addLayout(top)
        right.addWidget(self.summary)
        right.addWidget(right_split, 1)
        right_box = QWidget(self)
        right_box.setLayout(right)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left_box)
        split.addWidget(right_box)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._fill_drafts()
        fit_to_screen(self, 1100, 720)

    # --- replaceable for tests ---------------------------------------------------------

    def ask_open_file(self) -> Path | None:
        return file_dialogs.open_file(self, file_dialogs.PLANS, tr("选择方案草稿", "Choose a draft plan"),
                                      tr("方案文件 (*.toml);;所有文件 (*)", "Plan files (*.toml);;All files (*)"))

    def ask_save_file(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(self, file_dialogs.REPORTS, tr("导出试算", "Export the what-if"), suggested,
                                      tr("Excel 工作簿 (*.xlsx)", "Excel workbook (*.xlsx)"))

    # --- drafts and months ---------------------------------------------------------------

    def _fill_drafts(self) -> None:
        self.draft_list.clear()
        for plan in self.drafts:
            self.draft_list.addItem(f"{plan.name}（{tr('生效', 'from')} {plan.effective_from}）")
        self.add_button.setEnabled(len(self.drafts) < MAX_DRAFTS)
        self.run_button.setEnabled(bool(self.drafts))

    def add_file(self) -> None:
        path = self.ask_open_file()
        if path is None:
            return
        try:
            self.drafts.append(load_draft(path))
        except ServiceError as exc:
            self.message = show_error(self, exc)
            return
        self._fill_drafts()

    def remove_selected(self) -> None:
        row = self.draft_list.currentRow()
        if 0 <= row < len(self.drafts):
            del self.drafts[row]
            self._fill_drafts()

    def chosen_months(self) -> list[str]:
        return [str(self.months.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.months.count())
                if self.months.item(i).checkState() == Qt.CheckState.Checked]

    def set_months(self, months: list[str]) -> None:
        for i in range(self.months.count()):
            item = self.months.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in months
                               else Qt.CheckState.Unchecked)

    # --- running -----------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.loader.loading

    def run(self) -> None:
        months, drafts, db = self.chosen_months(), list(self.drafts), self.db
        if not months:
            self.message = show_message(self, tr("请至少勾选一个月份。", "Tick at least one month."))
            return

        def read() -> Simulation:
            with db.session_scope() as session:
                return simulate(session, months, drafts)

        self.run_button.setEnabled(False)
        self.summary.setText(tr("计算中…", "Computing…"))
        self.loader.start(read, self._apply)

    def _ended(self) -> None:
        self.run_button.setEnabled(bool(self.drafts))

    def _apply(self, result: Simulation) -> None:
        self.simulation = result
        self.export_button.setEnabled(True)
        self.view.blockSignals(True)
        self.view.clear()
        if len(result.months) > 1:
            self.view.addItem(tr(f"全部 {len(result.months)} 个月合计", f"all {len(result.months)} months"), -1)
        for i, month in enumerate(result.months):
            self.view.addItem(month.month, i)
        self.view.blockSignals(False)
        self.view.setCurrentIndex(0)
        self._show()

    def outcomes(self) -> tuple[PlanOutcome, ...]:
        """The drafts' outcomes shown: one month's, or all the months added up."""
        if self.simulation is None or self.view.currentIndex() < 0:
            return ()
        index = self.view.currentData()
        return self.simulation.totals() if index == -1 else self.simulation.months[int(index)].plans

    def _show(self) -> None:
        outcomes = self.outcomes()
        if not outcomes:
            return
        notes = []
        for o in outcomes:
            notes.append(tr(
                f"“{o.name}”：实发合计 {fmt_money(o.net)}（{_signed(o.delta)}），增加 {o.gainers} 人，"
                f"减少 {o.losers} 人，不变 {o.unchanged} 人",
                f"'{o.name}': net {fmt_money(o.net)} ({_signed(o.delta)}), {o.gainers} gain, {o.losers} lose, "
                f"{o.unchanged} unchanged"))
            top = o.largest(5)
            if top:
                notes.append("  " + tr("变化最大：", "Largest changes: ") + tr("；", "; ").join(
                    f"{a.code} {a.name} {_signed(a.delta)}" for a in top))
        assert self.simulation is not None
        stale = [m for m in self.simulation.months if m.stale]
        for m in stale:
            notes.append(tr(f"注意：{m.month} 有 {m.stale} 人的已存结果与当前记录不一致，差额中含记录的变化。",
                            f"Note: {m.month} has {m.stale} agent(s) whose stored result no longer matches "
                            "the records; the difference includes that."))
        self.summary.setText("\n".join(notes))
        heads = [tr("工号", "Code"), tr("姓名", "Name"), tr("原实发", "Was")]
        for o in outcomes:
            heads += [f"{o.name}\n{tr('实发', 'Net')}", f"{o.name}\n{tr('变化', 'Change')}"]
        first = outcomes[0]
        by_code = [{a.code: a for a in o.agents} for o in outcomes]
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(first.agents) + 1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

        def put(row: int, col: int, text: str, color: QColor | None = None) -> None:
            item = QTableWidgetItem(text)
            if col >= 2:
                item.setTextAlignment(right)
            if color is not None:
                item.setForeground(color)
            self.table.setItem(row, col, item)

        for r, agent in enumerate(first.agents):
            put(r, 0, agent.code)
            put(r, 1, agent.name)
            put(r, 2, fmt_money(agent.baseline_net))
            for j, agents in enumerate(by_code):
                other = agents.get(agent.code)
                if other is None:
                    continue
                put(r, 3 + 2 * j, fmt_money(other.net))
                put(r, 4 + 2 * j, _signed(other.delta),
                    GAIN if other.delta > 0 else LOSS if other.delta < 0 else None)
        total = len(first.agents)
        put(total, 0, tr("合计", "Total"))
        put(total, 2, fmt_money(first.baseline_net))
        for j, o in enumerate(outcomes):
            put(total, 3 + 2 * j, fmt_money(o.net))
            put(total, 4 + 2 * j, _signed(o.delta))
        set_histogram(self.chart, histogram([[a.delta for a in o.agents] for o in outcomes]),
                      [o.name for o in outcomes])

    # --- export --------------------------------------------------------------------------

    def export(self) -> Path | None:
        if self.simulation is None:
            return None
        months = self.simulation.months
        span = months[0].month if len(months) == 1 else f"{months[0].month}_{months[-1].month}"
        path = self.ask_save_file(tr(f"试算_{span}.xlsx", f"what-if_{span}.xlsx"))
        if path is None:
            return None
        from app.reports.files import output_error_text
        from app.reports.simulation_xlsx import write_simulation

        with self.db.session_scope() as session:
            branch = get_setting(session, "branch_name")
        try:
            written = write_simulation(self.simulation, path, branch)
        except OSError as exc:
            self.message = show_message(self, tr(*output_error_text(exc, path)))
            return None
        self.message = show_message(self, tr(f"试算已导出到 {written}", f"What-if written to {written}"),
                                    icon=QMessageBox.Icon.Information, title=tr("试算", "What-if"))
        return written
