"""月度核算 Payroll: calculate, check, lock and hand out the month's pay.

The page shows the stored result of the selected month (``show_month``), never a private
calculation, so what the manager checks here is exactly what the payslips and the Excel
summary print. Every figure can be explained: selecting an agent lists its pay lines with
the arithmetic the engine wrote, and the facts those lines were computed from.

Long work (calculate, lock, payslips, export) runs through :func:`ui.ops.run_op`. File and
folder choices, confirmations and "open this file" go through small methods that tests
replace (Dangerzone style), so no test ever opens a real dialog or viewer.

A calculated month is checked in the background against its records
(:func:`~app.services.payroll.pending_changes`) whenever the page shows it, so a result made
stale by later edits or imports says so — in the banner, the warnings and its own tab —
before anyone prints payslips from it or tries to lock it.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QFontMetrics,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.money import fmt_money
from app.results import MonthResult
from app.services.months import month_status
from app.services.payroll import calculate_month, lock_month, show_month, unlock_month
from app.services.payroll_view import (
    AgentChange,
    MonthState,
    MonthWarning,
    TargetsSoFar,
    agent_warnings,
    build_warnings,
    diff_results,
    metric_codes,
    minimum_wage_level,
    month_state,
    pending_appeals_warning,
    pending_warning,
    target_progress_text,
    targets_so_far,
)
from app.services.signoff import ChainState
from app.services.statutory import tax_year_rows
from app.summary_columns import SUMMARY_KEYS
from db.session import Database
from ui import file_dialogs
from ui.dialogs.pdf_preview import PdfPreviewDialog, PreviewSlot
from ui.dialogs.unlock_dialog import UnlockDialog
from ui.errors import show_error, show_message
from ui.models.payroll_panels import WarningsModel
from ui.models.payroll_table import (
    COLUMN_KEYS,
    FROZEN_COLUMNS,
    PayrollModel,
    PayrollProxy,
    PayrollTotalsModel,
    PayRow,
)
from ui.models.rewards_models import TargetsModel, records_proxy
from ui.ops import CancelToken, Op, run_op
from ui.pages.base import DATA_KINDS, Page
from ui.pending_check import PendingCheck
from ui.preferences import preference, set_preference
from ui.printing import PrintError, print_pdf
from ui.report_actions import (
    branch_name,
    payslips_work,
    summary_file_name,
    summary_work,
    with_suffix,
)
from ui.roles import guard
from ui.widgets.filters import filter_combo, refill_combo, search_box
from ui.widgets.frozen_columns import FrozenColumns
from ui.widgets.payroll_panels import AgentDetail, ChangesPanel, PendingChangesPanel
from ui.widgets.signoff_strip import SignoffStrip
from ui.widgets.status_banner import StatusBanner
from ui.widgets.table_view import TableView
from ui.widgets.tax_year_panel import TaxYearPanel

log = logging.getLogger("branchpay.ui.payroll")

PANEL_WIDTH_KEY = "payroll/explanation_width"
MIN_PANEL_WIDTH = 360  # the explanation's lines (label, amount, arithmetic) stay readable


class PayrollPage(Page):
    """月度核算: banner, actions, the agents' pay table with totals, details, warnings and changes."""

    #: Everything the result is calculated from; payslips and the summary being written do not change it.
    reads = DATA_KINDS - {"handout"}

    #: The month, after a background check's answer (stale or current) is shown.
    pending_checked = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.state: MonthState | None = None
        self.result: MonthResult | None = None
        self.warnings: list[MonthWarning] = []
        self.targets_so_far = TargetsSoFar("", ())
        # What recalculating the shown month would change; None while not known (not calculated,
        # or not checked yet). The month it belongs to is kept with it.
        self.pending: list[AgentChange] | None = None
        self._pending_month = ""
        self._pending_entry: MonthWarning | None = None
        self.checker = PendingCheck(self, db)  # the background check, separate from the user's op
        self.checker.answered.connect(self._on_checked)
        self._check_wanted = False  # a check waits for the user's op to end or the page to be shown
        self._check_later = QTimer(self)
        self._check_later.setSingleShot(True)
        self._check_later.timeout.connect(self._check_if_wanted)
        self.op: Op | None = None
        self.dialog: UnlockDialog | None = None
        self.message: QMessageBox | None = None
        self.previews = PreviewSlot(self)
        self._balanced = False

        self.banner = StatusBanner(self)
        # §10: who signed the month off, and the next step's buttons (only once the branch has users)
        self.signoffs = SignoffStrip(db, self)
        self.signoffs.changed.connect(self._on_signed)

        style = self.style()

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            b = QPushButton(style.standardIcon(icon), text, self)
            b.setToolTip(tip)
            return b

        SP = QStyle.StandardPixmap
        self.calculate_button = button(
            tr("计算", "Calculate"),
            SP.SP_BrowserReload,
            tr(
                "按本月的记录和方案计算每人工资（替换上次的计算结果）",
                "Compute everyone's pay from the month's records",
            ),
        )
        self.lock_button = button(
            tr("锁定", "Lock"),
            SP.SP_DialogApplyButton,
            tr(
                "冻结本月结果：之后本月的记录不能再修改", "Freeze the month: its records can no longer change"
            ),
        )
        self.unlock_button = button(
            tr("解锁…", "Unlock…"),
            SP.SP_DialogResetButton,
            tr(
                "重新打开最近锁定的月份（需填写原因）",
                "Reopen the latest locked month (a reason is required)",
            ),
        )
        self.payslips_button = button(
            tr("工资条…", "Payslips…"),
            SP.SP_DirOpenIcon,
            tr(
                "为本月每人生成一份工资条 PDF，保存到选择的文件夹",
                "Write one payslip PDF per agent into a folder",
            ),
        )
        self.preview_button = button(
            tr("预览", "Preview"),
            SP.SP_FileDialogContentsView,
            tr("在窗口中查看选中人员的工资条", "Show the selected agent's payslip in a window"),
        )
        self.print_button = button(
            tr("打印", "Print"),
            SP.SP_FileIcon,
            tr(
                "在系统的打印对话框中选择打印机，打印选中人员的工资条",
                "Print the selected agent's payslip: choose a printer in the print dialog",
            ),
        )
        self.export_button = button(
            tr("导出 Excel…", "Export Excel…"),
            SP.SP_DialogSaveButton,
            tr("导出本月工资汇总表（交总部）", "Export the month's Excel summary (for head office)"),
        )
        self.calculate_button.clicked.connect(self.calculate)
        self.lock_button.clicked.connect(self.lock)
        self.unlock_button.clicked.connect(self.unlock)
        self.payslips_button.clicked.connect(self.write_payslips)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_payslip)
        self.export_button.clicked.connect(self.export)

        self.search = search_box(self, tr("搜索工号、姓名…", "Search code, name…"))
        self.team_filter = filter_combo(self, tr("按团队筛选", "Filter by team"))
        self.only_warnings = QCheckBox(tr("只看有提醒的", "Only with warnings"), self)

        self.model = PayrollModel(self)
        self.proxy = PayrollProxy(self)
        self.proxy.setSourceModel(self.model)
        self.totals_model = PayrollTotalsModel(self.proxy, self)
        self.search.textChanged.connect(self.proxy.set_search)
        self.team_filter.currentIndexChanged.connect(self._on_team)
        self.only_warnings.toggled.connect(self.proxy.set_only_warnings)

        self.table = TableView(self)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.totals = TableView(self)
        self.totals.setModel(self.totals_model)
        self.totals.setObjectName("payrollTotals")
        self.totals.setSortingEnabled(False)
        self.totals.setAlternatingRowColors(False)
        self.totals.horizontalHeader().setVisible(False)
        self.totals.horizontalHeader().setStretchLastSection(False)
        self.totals.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals.setFixedHeight(
            self.totals.verticalHeader().defaultSectionSize() + 2 * self.totals.frameWidth()
        )
        self.totals.setToolTip(tr("表格中显示的人员的合计", "Totals of the agents shown in the table"))
        self.table.horizontalHeader().sectionResized.connect(
            lambda col, _old, new: self.totals.setColumnWidth(col, new)
        )
        self.table.horizontalScrollBar().valueChanged.connect(self.totals.horizontalScrollBar().setValue)
        # The totals scroll with the table; where the table has a vertical scroll bar, the totals keep
        # the same room free on the right, or they could not scroll as far and would be misaligned.
        self.table.verticalScrollBar().rangeChanged.connect(self._align_totals)
        # 工号, 姓名 and 实发 stay in view when the table is scrolled sideways (a 1366-pixel laptop).
        self.frozen = FrozenColumns(self.table, FROZEN_COLUMNS)
        self.totals_frozen = FrozenColumns(self.totals, FROZEN_COLUMNS, show_header=False)

        self.detail = AgentDetail(self)

        self.warnings_model = WarningsModel(self)
        self.warnings_view = TableView(self)
        self.warnings_view.setModel(self.warnings_model)
        self.warnings_view.setSortingEnabled(False)
        self.warnings_view.horizontalHeader().setVisible(False)
        # Long warnings (the pending-changes one names several agents) wrap instead of being cut off.
        self.warnings_view.setWordWrap(True)
        self.warnings_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.warnings_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.warnings_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.warnings_view.doubleClicked.connect(self._on_warning_double_click)
        self.warnings_empty = QLabel(self)
        self.warnings_empty.setWordWrap(True)
        self.warnings_empty.setEnabled(False)
        warnings_box = QWidget(self)
        warnings_layout = QVBoxLayout(warnings_box)
        warnings_layout.setContentsMargins(4, 4, 4, 4)
        warnings_layout.addWidget(self.warnings_empty)
        warnings_layout.addWidget(self.warnings_view, 1)
        self.changes = ChangesPanel(self)
        self.pending_panel = PendingChangesPanel(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(warnings_box, "")
        self.tabs.addTab(
            self.pending_panel,
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            tr("重新计算后将改变", "Will change on recalculation"),
        )
        self.tabs.addTab(self.changes, tr("变化", "What changed"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.pending_panel), False)
        # §8.1: each agent's attainment so far of the targets of the periods the month falls in (issue #14)
        self.targets_model = TargetsModel(self)
        self.targets_proxy = records_proxy(self)
        self.targets_proxy.setSourceModel(self.targets_model)
        self.targets_view = TableView(self)
        self.targets_view.setModel(self.targets_proxy)
        self.targets_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.targets_view.setToolTip(tr(
            "按本月月底为止的记录计算的目标达成率，与发放时的算法相同；于各期间末月发放",
            "Attainment of each target as of the month's end, by the payout's arithmetic; paid in each period's "
            "last month"))
        self.tabs.addTab(self.targets_view, tr("目标达成", "Targets so far"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.targets_view), False)
        self.tax_year_panel = TaxYearPanel(self)  # §9.3: shown when the year has statutory lines
        self.tabs.addTab(self.tax_year_panel, tr("个税累计", "Tax year"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.tax_year_panel), False)

        actions = QHBoxLayout()
        for b in (self.calculate_button, self.lock_button, self.unlock_button):
            actions.addWidget(b)
        actions.addSpacing(16)
        for b in (self.payslips_button, self.preview_button, self.print_button, self.export_button):
            actions.addWidget(b)
        actions.addStretch(1)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.team_filter)
        filters.addWidget(self.only_warnings)
        filters.addStretch(1)

        table_box = QWidget(self)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addLayout(filters)
        table_layout.addSpacing(4)
        table_layout.addWidget(self.table, 1)
        totals_row = QHBoxLayout()
        totals_row.setContentsMargins(0, 0, 0, 0)
        totals_row.setSpacing(0)
        totals_row.addWidget(self.totals, 1)
        self.totals_gap = QWidget(self)  # as wide as the table's vertical scroll bar, when it has one
        self.totals_gap.setVisible(False)
        totals_row.addWidget(self.totals_gap)
        table_layout.addLayout(totals_row)

        self.h_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.h_split.addWidget(table_box)
        self.h_split.addWidget(self.detail)
        self.h_split.setStretchFactor(0, 3)
        self.h_split.setStretchFactor(1, 2)
        self.h_split.setChildrenCollapsible(False)
        self.h_split.splitterMoved.connect(self._remember_split)

        self.v_split = QSplitter(Qt.Orientation.Vertical, self)
        self.v_split.addWidget(self.h_split)
        self.v_split.addWidget(self.tabs)
        self.v_split.setStretchFactor(0, 4)
        self.v_split.setStretchFactor(1, 1)
        self.v_split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(actions)
        layout.addWidget(self.signoffs)
        layout.addWidget(self.v_split, 1)

        self._update_warnings_tab()
        self._update_buttons()

    # --- replaceable for tests (Dangerzone style) --------------------------------------------

    def ask_directory(self) -> Path | None:
        return file_dialogs.choose_folder(
            self, file_dialogs.REPORTS, tr("选择保存工资条的文件夹", "Choose the folder for the payslips")
        )

    def ask_save_file(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(
            self,
            file_dialogs.REPORTS,
            tr("保存工资汇总表", "Save the payroll summary"),
            suggested,
            tr("Excel 文件 (*.xlsx)", "Excel files (*.xlsx)"),
        )

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_url(self, url: QUrl) -> bool:
        return QDesktopServices.openUrl(url)

    def print_file(self, path: Path) -> bool:
        """The system print dialog for a PDF, then the PDF printed; False when cancelled.

        Raises :class:`ui.printing.PrintError` when the file or the printer fails.
        """
        return print_pdf(self, path)

    def show_preview(self, path: Path) -> PdfPreviewDialog:
        """The payslip in a preview window (not modal: the manager can keep working)."""
        return self.previews.show(
            path, printer=lambda _parent, p: self._print_or_explain(p), open_url=self.open_url
        )

    @property
    def preview_dialog(self) -> PdfPreviewDialog | None:
        return self.previews.dialog

    def _print_or_explain(self, path: Path) -> bool:
        try:
            return self.print_file(path)
        except PrintError as exc:
            self.message = show_message(self, str(exc))
            return False

    def make_temp_dir(self) -> Path:
        """A fresh folder per preview: a viewer may still hold the previous file open (Windows locks it)."""
        return Path(tempfile.mkdtemp(prefix="branchpay-payslip-"))

    # --- data -------------------------------------------------------------------------------

    def month_changed(self, month: str) -> None:
        self.changes.clear()
        self.refresh()

    def refresh(self) -> None:
        """Reload the month's state, stored result and warnings; keep the selected agent."""
        if not self.month:
            return
        selected = self.selected_code()
        try:
            with self.db.session_scope() as session:
                state = month_state(session, self.month)
                data: MonthResult | None = None
                by_agent: dict[str, list[MonthWarning]] = {}
                warnings: list[MonthWarning] = []
                if state.status in ("calculated", "locked"):
                    data = show_month(session, self.month)
                    minimum = minimum_wage_level(session)
                    codes = metric_codes(session, self.month)
                    by_agent = agent_warnings(data, minimum_wage=minimum, codes_with_metrics=codes)
                    warnings = build_warnings(data, minimum_wage=minimum, codes_with_metrics=codes)
                    appeals = pending_appeals_warning(session, self.month)  # docs/pay-rules.md §11
                    if appeals is not None:
                        warnings.insert(0, appeals)
                tax_rows = tax_year_rows(session, self.month) if data is not None else ()
                so_far = targets_so_far(session, self.month)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return
        self.state, self.result, self.warnings = state, data, warnings
        self.targets_so_far = so_far
        first_targets = self.targets_model.rowCount() == 0
        self.targets_model.set_records(so_far.progress)
        self.tabs.setTabVisible(self.tabs.indexOf(self.targets_view), bool(so_far.progress))
        if first_targets and so_far.progress:
            self.targets_view.fit_columns()
        self.tax_year_panel.set_rows(tax_rows)
        self.tabs.setTabVisible(self.tabs.indexOf(self.tax_year_panel), bool(tax_rows))
        if state.status != "calculated" or self._pending_month != self.month or self.pending == []:
            # What was known belongs to another month or state — or said "matches the records",
            # which a change since may have made untrue: unknown until checked again. A warning
            # for the same month stays shown while it is checked again (no flicker).
            self.pending, self._pending_month = None, self.month
        first_fill = self.model.rowCount() == 0
        self.model.set_result(data, by_agent)
        self._hide_empty_columns()
        if first_fill and data:
            self._fit_columns()
        self._fill_teams()
        self.signoffs.set_month(self.month)  # before the banner, which names the chain's next step
        self._show_pending()
        if selected is None or not self.select_code(selected):
            self._on_selection()
        self._update_buttons()
        self.check_pending()

    # --- is the stored result still what the records give? --------------------------------------

    @property
    def stale(self) -> bool:
        """The shown month is calculated and recalculating it would change its result."""
        return (
            self.state is not None
            and self.state.status == "calculated"
            and self._pending_month == self.month
            and bool(self.pending)
        )

    def _chain(self) -> ChainState | None:
        """The month's sign-off chain as the strip shows it (None without users): the banner names its next step."""
        state = self.signoffs.state
        return state if state is not None and state.month == self.month else None

    def _show_pending(self) -> None:
        """Banner, warnings and the pending tab for the month's state and what is known of its staleness."""
        pending = self.pending if self.state is not None and self.state.status == "calculated" else None
        self._pending_entry = pending_warning(pending or [])
        self.warnings_model.set_warnings(
            ([self._pending_entry] if self._pending_entry else []) + self.warnings
        )
        self._update_warnings_tab()
        if self.state is not None:
            data = self.result
            self.banner.show_state(
                self.state,
                fmt_money(data.net) if data else None,
                len(data.agents) if data else 0,
                pending,
                self._chain(),
            )
        self.pending_panel.show_pending(pending or [])
        index = self.tabs.indexOf(self.pending_panel)
        self.tabs.setTabText(
            index,
            tr(
                f"重新计算后将改变（{len(pending or [])}）",
                f"Will change on recalculation ({len(pending or [])})",
            ),
        )
        self.tabs.setTabVisible(index, bool(pending))

    def _set_pending(self, month: str, changes: list[AgentChange]) -> None:
        self.pending, self._pending_month = changes, month
        self._show_pending()
        self._update_buttons()

    @property
    def check_op(self) -> Op | None:
        """The background check running now, if any."""
        return self.checker.op

    def check_pending(self) -> Op | None:
        """Start checking, off the GUI thread, whether recalculating the shown month would change it.

        Only a calculated month is checked, and only while the page is shown (a hidden page is
        checked when it is shown again). While the user's own operation runs, the check waits
        for it to end. An answer that comes after the month, the records (a newer check) or
        the result (the user's operation) changed is dropped.
        """
        self.checker.drop()
        self._check_wanted = False
        if not self.month or self.state is None or self.state.status != "calculated":
            return None
        if self.op is not None or not self.isVisible():
            self._check_wanted = True
            return None
        return self.checker.start(self.month)

    @Slot()
    def _check_if_wanted(self) -> None:
        if self._check_wanted:
            self.check_pending()

    @Slot(str, object)
    def _on_checked(self, month: str, changes: list[AgentChange]) -> None:
        if (
            month != self.month
            or self.op is not None
            or self.state is None
            or self.state.status != "calculated"
        ):
            return  # out of date: another month or the user's operation came since
        self._set_pending(month, changes)
        self.pending_checked.emit(month)

    @Slot(int, int)
    def _align_totals(self, low: int, high: int) -> None:
        self.totals_gap.setFixedWidth(self.table.verticalScrollBar().sizeHint().width())
        self.totals_gap.setVisible(high > low)

    def _hide_empty_columns(self) -> None:
        """Hide a summary column that is 0.00 for every agent of the month (其他扣减, most months),
        so 应发, 扣款合计 and 实发 stay in view. The shown columns still add up: a hidden one adds 0."""
        rows = self.model.rows()
        for key in SUMMARY_KEYS:
            col = COLUMN_KEYS.index(key)
            empty = bool(rows) and not any(r.amounts[key] for r in rows)
            self.table.setColumnHidden(col, empty)
            self.totals.setColumnHidden(col, empty)

    def _fit_columns(self) -> None:
        """Fit columns to the rows *and* the bold totals, which are the widest numbers of all."""
        self.table.resizeColumnsToContents()
        bold = QFont(self.totals.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        # A long name or team is cut short (with "…" and the whole text as a tooltip) rather
        # than pushing 实发 and the totals off the screen.
        widest_text = self.table.fontMetrics().horizontalAdvance("汉" * 8) + 16
        for col in range(self.model.columnCount()):
            total = str(self.totals_model.data(self.totals_model.index(0, col)) or "")
            width = max(self.table.columnWidth(col), metrics.horizontalAdvance(total) + 12, 56) + 8
            if COLUMN_KEYS[col] in ("name", "team"):
                width = min(width, widest_text)
            self.table.setColumnWidth(col, width)
            self.totals.setColumnWidth(col, width)
        self._balance_split()

    def _balance_split(self) -> None:
        """The split the user dragged to last time; otherwise the table gets the width its columns
        need but the explanation keeps room to be read (实发 sits beside the name, so the table
        may scroll sideways)."""
        total = sum(self.h_split.sizes())
        if total <= 0:
            return
        remembered = preference(PANEL_WIDTH_KEY)
        if isinstance(remembered, str) and remembered.isdigit():
            right = min(max(int(remembered), MIN_PANEL_WIDTH), int(total * 0.7))
            self.h_split.setSizes([total - right, right])
            return
        need = (
            sum(self.table.columnWidth(c) for c in range(self.model.columnCount()))
            + self.table.verticalScrollBar().sizeHint().width()
            + 2 * self.table.frameWidth()
            + 2
        )
        panel = max(MIN_PANEL_WIDTH, total - need)
        left = max(int(total * 0.5), total - min(panel, int(total * 0.5)))
        self.h_split.setSizes([left, total - left])

    def _remember_split(self, _pos: int = 0, _index: int = 0) -> None:
        """The explanation's width as the user dragged it, for the next time the page opens."""
        sizes = self.h_split.sizes()
        if len(sizes) == 2 and sizes[1] > 0:
            set_preference(PANEL_WIDTH_KEY, str(sizes[1]))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._balanced:
            self._balanced = True
            self._balance_split()
        if self._check_wanted:
            # After the event: the main window refreshes a page it shows after a change, which
            # starts the check itself; this one then has nothing left to do.
            self._check_later.start(0)

    def _fill_teams(self) -> None:
        teams = ((team, team) for team in self.model.teams())
        self.proxy.set_team(refill_combo(self.team_filter, tr("全部团队", "All teams"), teams))

    @Slot(int)
    def _on_team(self, _index: int) -> None:
        self.proxy.set_team(self.team_filter.currentData())

    def _update_warnings_tab(self) -> None:
        count = self.warnings_model.rowCount()
        self.tabs.setTabText(0, tr(f"提醒（{count}）", f"Warnings ({count})"))
        self.warnings_view.setVisible(count > 0)
        self.warnings_empty.setVisible(count == 0)
        if self.result is None:
            self.warnings_empty.setText(
                tr("计算后，这里列出需要核对的情况。", "After Calculate, things to check are listed here.")
            )
        else:
            self.warnings_empty.setText(
                tr(
                    "没有提醒：每人都有质检和绩效数据，实发都不低于最低工资提醒线。",
                    "No warnings: everyone has QA and KPI data and no net is below the minimum wage level.",
                )
            )

    def selected_row(self) -> PayRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row(row)

    def selected_code(self) -> str | None:
        row = self.selected_row()
        return row.code if row is not None else None

    def select_code(self, code: str) -> bool:
        return self.table.select_source_row(self.model.row_of(code))

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, *_args: object) -> None:
        row = self.selected_row()
        if row is None and self.result is None:
            self.detail.show_row(
                None,
                tr(
                    "本月尚未核算，没有明细可看。",
                    "The month has not been calculated; there are no details yet.",
                ),
            )
        else:
            self.detail.show_row(row)
            if row is not None:
                month = self.targets_so_far.month
                self.detail.show_targets([target_progress_text(p, month) for p in self.targets_so_far.of(row.code)])
        self.tax_year_panel.show_agent(self.selected_code())
        self._update_buttons()

    @Slot()
    def _on_warning_double_click(self) -> None:
        """Jump from a warning to its agent: the warning text starts with the agent's code."""
        rows = self.warnings_view.selectionModel().selectedRows()
        if not rows:
            return
        warning = self.warnings_model.warning(rows[0].row())
        if warning == self._pending_entry:
            self.tabs.setCurrentWidget(self.pending_panel)
            return
        text = warning.zh
        code = text.split(" ", 1)[0]
        if self.model.row_of(code) >= 0:
            self.search.clear()
            self.only_warnings.setChecked(False)
            self.team_filter.setCurrentIndex(0)
            self.select_code(code)

    def _update_buttons(self) -> None:
        status = self.state.status if self.state is not None else "open"
        busy = self.op is not None
        has_result = self.result is not None and bool(self.result.agents)
        selected = self.selected_row() is not None
        self.calculate_button.setEnabled(not busy and status != "locked")
        self.lock_button.setEnabled(not busy and status == "calculated" and not self.stale)
        self.lock_button.setToolTip(
            tr(
                "计算后数据有变动：请先重新计算，核对后再锁定",
                "The records changed after the calculation: recalculate and check before locking",
            )
            if self.stale
            else tr(
                "冻结本月结果：之后本月的记录不能再修改", "Freeze the month: its records can no longer change"
            )
        )
        self.unlock_button.setEnabled(not busy and status == "locked")
        self.payslips_button.setEnabled(not busy and has_result)
        self.export_button.setEnabled(not busy and has_result)
        self.preview_button.setEnabled(not busy and has_result and selected)
        self.print_button.setEnabled(not busy and has_result and selected)
        if status == "locked":
            self.calculate_button.setToolTip(
                tr(
                    "本月已锁定，不能重新计算；如需更正请先解锁",
                    "The month is locked; unlock it to recalculate",
                )
            )
        elif self.stale:
            self.calculate_button.setToolTip(
                tr(
                    "计算后数据有变动：按现在的记录重新计算每人工资",
                    "The records changed after the calculation: recompute everyone's pay from them",
                )
            )
        else:
            self.calculate_button.setToolTip(
                tr(
                    "按本月的记录和方案计算每人工资（替换上次的计算结果）",
                    "Compute everyone's pay from the month's records",
                )
            )
        self._apply_roles(busy)

    def _apply_roles(self, busy: bool) -> None:
        """§10: once the branch has users, the lock is the approval's (the strip's 签批 button), and
        calculating and unlocking need the clerk's and the approver's roles."""
        roles = self.signoffs.roles
        self.signoffs.set_busy(busy)
        if not roles.users:
            return
        self.lock_button.setEnabled(False)
        self.lock_button.setToolTip(tr("本网点已设置用户：月份由签批锁定（见下方签核栏）",
                                       "This branch has users: a month is locked by its approval (the sign-off bar)"))
        guard(self.calculate_button, roles, "clerk")
        guard(self.unlock_button, roles, "approver")

    @Slot()
    def _on_signed(self) -> None:
        self.refresh()
        self.data_changed.emit("payroll")

    def _start(self, op: Op) -> Op:
        """Keep one operation at a time: the buttons stay disabled until it ends."""
        self.op = op
        op.finished.connect(self._on_op_finished)
        if self.checker.running:
            # Its answer may be out of date by the time it comes (a calculation, say): drop it
            # and check again once the operation has ended.
            self.checker.drop()
            self._check_wanted = True
        self._update_buttons()
        return op

    @Slot()
    def _on_op_finished(self) -> None:
        self.op = None
        self._update_buttons()
        if self._check_wanted:
            self.check_pending()

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def calculate(self) -> Op | None:
        """Run calculate_month off the GUI thread, keeping the result it replaces for the changes panel."""
        if not self.month or self.op is not None:
            return None
        month, lang, db = self.month, language(), self.db

        def work(token: CancelToken) -> tuple[MonthResult | None, MonthResult]:
            with db.session_scope(write=True) as session:
                before = show_month(session, month) if month_status(session, month) == "calculated" else None
                token.check()
                calculate_month(session, month)
                after = show_month(session, month)
                token.check()  # a cancel here rolls the whole calculation back
            return before, after

        def done(result: tuple[MonthResult | None, MonthResult]) -> None:
            before, after = result
            self.refresh()
            self.data_changed.emit("payroll")
            if self.month != month:  # the user moved on to another month while it ran
                return
            # Just computed from the records: current by definition, no need to check.
            self._check_wanted = False
            self._set_pending(month, [])
            self.changes.show_changes(
                diff_results(before, after, lang=lang), first=before is None, agents=len(after.agents)
            )
            if before is not None:
                self.tabs.setCurrentWidget(self.changes)

        return self._start(
            run_op(
                self,
                work,
                label=tr(f"正在计算 {month} 的工资…", f"Calculating the pay of {month}…"),
                on_done=done,
            )
        )

    @Slot()
    def lock(self) -> Op | None:
        """Ask, naming the month and its total net, then lock it off the GUI thread."""
        if (
            self.state is None
            or self.state.status != "calculated"
            or self.result is None
            or self.op is not None
            or self.stale
        ):
            return None
        month = self.month
        total = fmt_money(self.result.net)
        count = len(self.result.agents)
        warning_count = sum(1 for w in self.warnings if w.severity == "warning")
        extra = (
            tr(
                f"\n\n注意：本月还有 {warning_count} 条提醒未处理。",
                f"\n\nNote: {warning_count} warnings are open.",
            )
            if warning_count
            else ""
        )
        if not self.confirm(
            tr(f"锁定 {month}", f"Lock {month}"),
            tr(
                f"确定锁定 {month} 吗？\n\n{count} 人，实发合计 {total} 元。\n\n"
                "锁定后本月的工资结果、所用方案和本月的所有记录都不能再修改；"
                "如需更正，只能在以后的月份录入调整，或解锁（需填写原因）。",
                f"Lock {month}?\n\n{count} agents, total net {total}.\n\n"
                "Its result, the plan version it used and every record of the month are then frozen; "
                "corrections go in as adjustments of a later month, or by unlocking (with a reason).",
            )
            + extra,
        ):
            return None
        db = self.db
        from app.services.appeal_count import pending_count

        with db.session_scope() as session:
            pending = pending_count(session, month)
        reason = ""
        if pending:  # docs/pay-rules.md §11: locking with pending appeals needs a reason (audit log)
            answer = self.ask_pending_appeals_reason(month, pending)
            if answer is None:
                return None
            reason = answer

        def work(_token: CancelToken) -> None:
            with db.session_scope(write=True) as session:
                lock_month(session, month, with_pending_appeals=bool(reason), reason=reason)

        def done(_result: object) -> None:
            self.refresh()
            self.data_changed.emit("payroll")

        return self._start(
            run_op(self, work, label=tr(f"正在锁定 {month}…", f"Locking {month}…"), on_done=done)
        )

    def ask_pending_appeals_reason(self, month: str, pending: int) -> str | None:
        """Why ``month`` is locked although ``pending`` appeals wait; ``None`` (or no text) cancels."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            self,
            tr("有待处理的申诉", "Pending appeals"),
            tr(f"{month} 还有 {pending} 条申诉待处理。如仍要锁定，请填写原因（记入操作日志）：",
               f"{month} has {pending} pending appeal(s). To lock it anyway, give the reason (kept in the audit log):"),
        )
        return text.strip() if ok and text.strip() else None

    @Slot()
    def unlock(self) -> UnlockDialog | None:
        if self.state is None or self.state.status != "locked" or self.op is not None:
            return None
        month = self.month
        dialog = UnlockDialog(month, self)
        dialog.accepted.connect(lambda: self._unlock(month, dialog.reason()))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _unlock(self, month: str, reason: str) -> bool:
        try:
            with self.db.session_scope(write=True) as session:
                unlock_month(session, month, reason)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return False
        self.refresh()
        self.data_changed.emit("payroll")
        return True

    @Slot()
    def write_payslips(self) -> Op | None:
        """Every agent's payslip into a chosen folder, then offer to open the folder."""
        if self.result is None or self.op is not None:
            return None
        folder = self.ask_directory()
        if folder is None:
            return None
        month, db = self.month, self.db
        work = payslips_work(db, month, folder)

        def done(paths: list[Path]) -> None:
            if self.confirm(
                tr("工资条", "Payslips"),
                tr(
                    f"已生成 {len(paths)} 份工资条，保存在：\n{folder}\n\n现在打开这个文件夹吗？",
                    f"{len(paths)} payslips were written to:\n{folder}\n\nOpen the folder now?",
                ),
            ):
                self.open_url(QUrl.fromLocalFile(str(folder)))

        return self._start(
            run_op(
                self,
                work,
                label=tr(f"正在生成 {month} 的工资条…", f"Writing the payslips of {month}…"),
                on_done=done,
            )
        )

    def _selected_payslip(self, then: Any, label: str) -> Op | None:
        row = self.selected_row()
        if row is None or self.result is None or self.op is not None:
            return None
        month, db, code = self.month, self.db, row.code
        folder = self.make_temp_dir()

        def work(_token: CancelToken) -> Path:
            from app.services.reports import write_payslips

            with db.session_scope() as session:
                return write_payslips(session, month, folder, agent=code)[0]

        return self._start(run_op(self, work, label=label, on_done=then))

    @Slot()
    def preview(self) -> Op | None:
        """The selected agent's payslip, made in a temporary folder and shown in a preview window."""

        def done(path: Path) -> None:
            try:
                self.show_preview(path)
            except PrintError as exc:
                self.message = show_message(self, str(exc))

        return self._selected_payslip(done, tr("正在生成工资条…", "Writing the payslip…"))

    @Slot()
    def print_payslip(self) -> Op | None:
        """The selected agent's payslip through the system print dialog."""
        return self._selected_payslip(self._print_or_explain, tr("正在准备打印…", "Preparing to print…"))

    @Slot()
    def export(self) -> Op | None:
        """The month's Excel summary to a chosen file, then offer to open it."""
        if self.result is None or self.op is not None:
            return None
        path = self.ask_save_file(summary_file_name(self.month, branch_name(self.db)))
        if path is None:
            return None
        path = with_suffix(path, ".xlsx")
        month, db = self.month, self.db
        work = summary_work(db, month, path)

        def done(out: Path) -> None:
            if self.confirm(
                tr("导出 Excel", "Export Excel"),
                tr(
                    f"汇总表已保存：\n{out}\n\n现在打开吗？", f"The summary was saved:\n{out}\n\nOpen it now?"
                ),
            ):
                self.open_url(QUrl.fromLocalFile(str(out)))

        return self._start(
            run_op(
                self,
                work,
                label=tr(f"正在导出 {month} 的汇总表…", f"Exporting the summary of {month}…"),
                on_done=done,
            )
        )


__all__ = ["PayrollPage", "PendingCheck", "StatusBanner"]
