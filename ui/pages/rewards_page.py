"""奖惩 Rewards & penalties: complaints, praise, manual adjustments and the KPI metrics month grid.

Each of the four tabs lists the selected month's records and offers add/edit/delete, import
and template export. The metrics tab is a sheet (agents × the plan's metric indicators):
cells are edited in place, a block copied from Excel can be pasted (all or nothing) and
Delete clears the selected cells. A locked month is read-only: a banner says so and every
editing control is disabled; imports stay available because a file may cover other months
and the import refuses locked-month rows itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.calendar import month_bounds
from app.i18n import tr
from app.money import ZERO, fmt_money
from app.services.appeal_marks import AppealMark, metric_marks
from app.services.appeals import AppealInput
from app.services.months import month_status
from app.services.periods import TargetProgress, target_progress
from app.services.rewards import (
    STATUS_NAMES,
    AdjustmentInput,
    AdjustmentView,
    ComplaintInput,
    ComplaintView,
    MetricCell,
    MetricsGrid,
    PraiseInput,
    PraiseView,
    add_adjustment,
    add_complaint,
    add_praise,
    delete_adjustment,
    delete_complaint,
    delete_praise,
    edit_adjustment,
    edit_complaint,
    list_adjustments,
    list_complaints,
    list_praise,
    metrics_grid,
    set_complaint_status,
    set_metrics,
)
from app.services.targets import (
    PeriodChoice,
    TargetsGrid,
    TargetsRefused,
    grid_periods,
    save_targets,
    targets_grid,
)
from db.session import Database
from ui.dialogs.record_dialogs import AdjustmentDialog, ComplaintDialog, PraiseDialog, RecordDialog
from ui.errors import show_error
from ui.importing import ImportFlow
from ui.models.rewards_metrics import FIXED_COLUMNS, MetricsGridModel
from ui.models.rewards_models import (
    AdjustmentsModel,
    ComplaintsModel,
    PraiseModel,
    TargetsModel,
    records_proxy,
)
from ui.models.sales_table import RecordsModel
from ui.pages.base import Page
from ui.pages.sales_page import agent_choices, default_day
from ui.widgets.filters import push_button, search_box, totals_label
from ui.widgets.locked_banner import LockedBanner
from ui.widgets.sheet_view import SheetTableView
from ui.widgets.table_view import TableView
from ui.widgets.targets_grid_box import TargetsGridBox

KIND_FILE_NAMES = {
    "complaints": ("投诉导入模板.xlsx", "complaints-template.xlsx"),
    "praise": ("表扬导入模板.xlsx", "praise-template.xlsx"),
    "adjustments": ("调整导入模板.xlsx", "adjustments-template.xlsx"),
    "metrics": ("指标导入模板.xlsx", "metrics-template.xlsx"),
    "targets": ("目标导入模板.xlsx", "targets-template.xlsx"),
}


class RecordsTab(QWidget):
    """A toolbar, a search box, a table of records and a totals line — one per record kind."""

    def __init__(self, model: RecordsModel, search_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = records_proxy(self)
        self.proxy.setSourceModel(model)
        self.search = search_box(self, search_hint, self.proxy.set_search)
        self.table = TableView(self)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.totals = totals_label(self)
        self.left = QHBoxLayout()
        self.right = QHBoxLayout()
        actions = QHBoxLayout()
        actions.addLayout(self.left)
        actions.addStretch(1)
        actions.addLayout(self.right)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addStretch(1)
        self.content = QWidget(self)  # the list and its bars (the 目标 tab puts its grid above it)
        layout = QVBoxLayout(self.content)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.content)

    def button(self, text: str, icon: QStyle.StandardPixmap, tip: str, *, right: bool = False) -> QPushButton:
        b = push_button(self, text, icon, tip)
        (self.right if right else self.left).addWidget(b)
        return b

    def set_records(self, records: Sequence[Any]) -> None:
        selected = self.selected()
        first_fill = self.model.rowCount() == 0
        self.model.set_records(records)
        if first_fill and records:
            self.table.fit_columns()
        if selected is not None:
            self.select_key(selected.id)

    def selected(self) -> Any:
        row = self.table.selected_source_row()
        return None if row is None else self.model.record(row)

    def select_key(self, key: object) -> bool:
        return self.table.select_source_row(self.model.row_of(key))


class TargetsTab(RecordsTab):
    """目标: the grid of one period's target values (edit, paste, save) above the list of every target of
    the month's periods with the attainment so far."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TargetsModel(parent), tr("搜索工号、姓名、目标…", "Search code, name, target…"), parent)
        self.grid = TargetsGridBox(self)
        progress = QGroupBox(tr("截至本月的达成情况（各期间末月发放）", "Attainment so far, as of the month (paid in "
                                "each period's last month)"), self)
        outer = self.layout()
        assert outer is not None
        outer.removeWidget(self.content)
        QVBoxLayout(progress).addWidget(self.content)
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(self.grid)
        self.split.addWidget(progress)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        outer.addWidget(self.split)


class MetricsTableView(SheetTableView):
    """The KPI values sheet (every change is saved at once: no undo list)."""

    def grid_model(self) -> MetricsGridModel:
        model = self.model()
        assert isinstance(model, MetricsGridModel)
        return model


class MetricsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MetricsGridModel(self)
        self.table = MetricsTableView(self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("metricsHint")
        self.status = QLabel(self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.left = QHBoxLayout()
        self.right = QHBoxLayout()
        actions = QHBoxLayout()
        actions.addLayout(self.left)
        actions.addWidget(self.hint, 1)
        actions.addLayout(self.right)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.model.modelReset.connect(self.update_status)
        self.model.dataChanged.connect(self.update_status)

    def button(self, text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
        b = QPushButton(self.style().standardIcon(icon), text, self)
        b.setToolTip(tip)
        self.right.addWidget(b)
        return b

    def set_grid(self, grid: MetricsGrid, *, editable: bool) -> None:
        first_fill = self.model.rowCount() == 0
        self.model.set_grid(grid, editable=editable)
        if first_fill and grid.agents:
            self.table.fit_columns(minimum=96)
            header = self.table.horizontalHeader()
            for column in range(
                FIXED_COLUMNS, header.count()
            ):  # room for values like 100.25% and the target line
                header.resizeSection(column, max(header.sectionSize(column), 150))
        self.hint.setText(
            tr(
                "双击或直接输入即可修改；可从 Excel 复制一块数据后选中起始单元格按 Ctrl+V 粘贴；Delete 清除所选单元格。百分比可写 95% 或 0.95。",
                "Double-click or type to edit; copy a block in Excel, select the first cell and press Ctrl+V to paste; "
                "Delete clears the selected cells. Percentages: 95% or 0.95.",
            )
            if editable
            else ""
        )

    @Slot()
    def update_status(self) -> None:
        grid = self.model.grid
        total = len(grid.agents) * len(grid.indicators)
        if not grid.indicators:
            text = tr(
                '本月适用的方案没有月度指标（source = "metric"）', "the month's plan has no metric indicators"
            )
        else:
            text = tr(
                f"{len(grid.agents)} 人 × {len(grid.indicators)} 项指标，已填 {self.model.filled()} / {total} 个单元格；"
                "未填的指标不参与综合得分",
                f"{len(grid.agents)} agents × {len(grid.indicators)} indicators, {self.model.filled()} of {total} "
                "cells filled; an empty indicator is left out of the score",
            )
        self.status.setText(text)


class RewardsPage(Page):
    reads = frozenset({"agents", "rewards", "plan", "payroll", "appeals"})

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.locked = False
        self.dialog: RecordDialog | None = None
        self.banner = LockedBanner(self)
        SP = QStyle.StandardPixmap

        # 投诉
        self.complaints = RecordsTab(
            ComplaintsModel(self), tr("搜索工号、姓名、说明…", "Search code, name, text…"), self
        )
        c = self.complaints
        self.complaint_add = c.button(
            tr("添加", "Add"), SP.SP_FileIcon, tr("登记一条投诉", "Record a complaint")
        )
        self.complaint_edit = c.button(
            tr("编辑", "Edit"),
            SP.SP_FileDialogDetailedView,
            tr("编辑选中的投诉（或双击）", "Edit the selected complaint (or double-click)"),
        )
        self.complaint_status = QToolButton(c)
        self.complaint_status.setText(tr("申诉结果", "Appeal outcome"))
        self.complaint_status.setToolTip(
            tr(
                "把选中投诉的状态改为待定、成立或不成立（只有成立的扣款）",
                "Set the selected complaint pending, upheld or overturned (only upheld ones cost money)",
            )
        )
        self.complaint_status.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.complaint_status.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.complaint_status.setIcon(self.style().standardIcon(SP.SP_DialogApplyButton))
        menu = QMenu(self.complaint_status)
        for status, (zh, en) in STATUS_NAMES.items():
            action = menu.addAction(tr(zh, en))
            action.triggered.connect(lambda _checked=False, s=status: self.set_complaint_status(s))
        self.complaint_status.setMenu(menu)
        c.left.addWidget(self.complaint_status)
        self.complaint_delete = c.button(
            tr("删除", "Delete"), SP.SP_TrashIcon, tr("删除选中的投诉", "Delete the selected complaint")
        )
        self.complaint_appeal = c.button(
            tr("申诉…", "Appeal…"),
            SP.SP_MessageBoxQuestion,
            tr("为选中的投诉登记申诉（锁定月份也可申诉）",
               "File an appeal against the selected complaint (a locked month's too)"),
        )
        self.complaint_appeal.clicked.connect(self.appeal_complaint)
        self.complaint_add.clicked.connect(self.add_complaint)
        self.complaint_edit.clicked.connect(self.edit_complaint)
        self.complaint_delete.clicked.connect(self.delete_complaint)
        c.table.doubleClicked.connect(lambda _i: self.edit_complaint())

        # 表扬
        self.praise = RecordsTab(
            PraiseModel(self), tr("搜索工号、姓名、说明…", "Search code, name, text…"), self
        )
        self.praise_add = self.praise.button(
            tr("添加", "Add"), SP.SP_FileIcon, tr("登记一条客户表扬", "Record a praise")
        )
        self.praise_delete = self.praise.button(
            tr("删除", "Delete"), SP.SP_TrashIcon, tr("删除选中的表扬", "Delete the selected praise")
        )
        self.praise_add.clicked.connect(self.add_praise)
        self.praise_delete.clicked.connect(self.delete_praise)

        # 调整
        self.adjustments = RecordsTab(
            AdjustmentsModel(self), tr("搜索工号、姓名、原因…", "Search code, name, reason…"), self
        )
        a = self.adjustments
        self.adjustment_add = a.button(
            tr("添加", "Add"),
            SP.SP_FileIcon,
            tr("添加补发、追回或其他调整", "Add back pay, a recovery or another adjustment"),
        )
        self.adjustment_edit = a.button(
            tr("编辑", "Edit"),
            SP.SP_FileDialogDetailedView,
            tr("编辑选中的调整（或双击）", "Edit the selected adjustment (or double-click)"),
        )
        self.adjustment_delete = a.button(
            tr("删除", "Delete"), SP.SP_TrashIcon, tr("删除选中的调整", "Delete the selected adjustment")
        )
        self.adjustment_add.clicked.connect(self.add_adjustment)
        self.adjustment_edit.clicked.connect(self.edit_adjustment)
        self.adjustment_delete.clicked.connect(self.delete_adjustment)
        a.table.doubleClicked.connect(lambda _i: self.edit_adjustment())

        # 绩效指标
        self.metrics = MetricsTab(self)
        self.metrics.model.writer = self._write_metrics
        self.metric_appeal = self.metrics.button(
            tr("申诉…", "Appeal…"),
            SP.SP_MessageBoxQuestion,
            tr("为选中单元格的指标值登记申诉", "File an appeal against the selected cell's metric value"),
        )
        self.metric_appeal.clicked.connect(self.appeal_metric)
        self.metrics.model.failed.connect(self._show_failure)

        # 目标 (schema 2, docs/pay-rules.md §8.1): the imported target values and the attainment so far
        self.targets = TargetsTab(self)
        self.target_grid = self.targets.grid
        self.target_grid.period_chosen.connect(self._on_target_period)
        self.target_grid.save_button.clicked.connect(self.save_targets)
        self.target_grid.model.failed.connect(self._show_failure)
        self._target_period = ""

        self.import_buttons: dict[str, QPushButton] = {}
        self.template_buttons: dict[str, QPushButton] = {}
        for kind, tab in (
            ("complaints", self.complaints),
            ("praise", self.praise),
            ("adjustments", self.adjustments),
            ("metrics", self.metrics),
            ("targets", self.targets),
        ):
            self._add_file_buttons(kind, tab)

        for tab in (self.complaints, self.praise, self.adjustments):
            tab.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.complaints, tr("投诉", "Complaints"))
        self.tabs.addTab(self.praise, tr("表扬", "Praise"))
        self.tabs.addTab(self.adjustments, tr("调整", "Adjustments"))
        self.tabs.addTab(self.metrics, tr("绩效指标", "KPI metrics"))
        self.tabs.addTab(self.targets, tr("目标", "Targets"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _add_file_buttons(self, kind: str, tab: RecordsTab | MetricsTab) -> None:
        SP = QStyle.StandardPixmap
        names = {
            "complaints": ("投诉", "complaints"),
            "praise": ("表扬", "praise"),
            "adjustments": ("调整", "adjustments"),
            "metrics": ("绩效指标", "KPI metrics"),
            "targets": ("目标值", "target values"),
        }[kind]
        tip_import = tr(f"从 Excel 或 CSV 文件导入{names[0]}", f"Import {names[1]} from an Excel or CSV file")
        tip_template = tr(f"保存{names[0]}导入模板（Excel）", f"Save the {names[1]} import template (Excel)")
        if isinstance(tab, RecordsTab):
            imp = tab.button(tr("导入…", "Import…"), SP.SP_DialogOpenButton, tip_import, right=True)
            tpl = tab.button(
                tr("导出模板…", "Export template…"), SP.SP_DialogSaveButton, tip_template, right=True
            )
        else:
            imp = tab.button(tr("导入…", "Import…"), SP.SP_DialogOpenButton, tip_import)
            tpl = tab.button(tr("导出模板…", "Export template…"), SP.SP_DialogSaveButton, tip_template)
        imp.clicked.connect(lambda _checked=False, k=kind: self.import_file(k))
        tpl.clicked.connect(lambda _checked=False, k=kind: self.export_template(k))
        self.import_buttons[kind] = imp
        self.template_buttons[kind] = tpl

    # --- replaceable for tests (Dangerzone style) -----------------------------------

    # --- data -------------------------------------------------------------------------

    def refresh(self) -> None:
        targets: list[TargetProgress] = []
        periods: tuple[PeriodChoice, ...] = ()
        target_grid: TargetsGrid | None = None
        complaints: list[ComplaintView] = []
        praise: list[PraiseView] = []
        adjustments: list[AdjustmentView] = []
        grid = MetricsGrid(self.month, (), (), {})
        status = "open"
        marks: dict[tuple[str, str], AppealMark] = {}
        if self.month:
            with self.db.session_scope() as session:
                marks = metric_marks(session, self.month)
                complaints = list_complaints(session, self.month)
                praise = list_praise(session, self.month)
                adjustments = list_adjustments(session, self.month)
                status = month_status(session, self.month)
                targets = target_progress(session, self.month)
                periods, target_grid = self._load_target_grid(session)
                try:
                    grid = metrics_grid(session, self.month)
                except Exception as exc:  # noqa: BLE001 - no plan for the month: the other tabs still work
                    self.message = show_error(self, exc)
        self.locked = status == "locked"
        self.banner.show_locked(
            self.locked,
            tr(
                f"{self.month} 已锁定：投诉、表扬、调整和绩效指标均为只读。更正请在未锁定月份录入调整项。",
                f"{self.month} is locked: complaints, praise, adjustments and metrics are read-only. "
                "Enter corrections as adjustments of an open month.",
            ),
        )
        self.complaints.set_records(complaints)
        self.praise.set_records(praise)
        self.adjustments.set_records(adjustments)
        self.targets.set_records(targets)
        self._show_target_grid(periods, target_grid)
        self.metrics.set_grid(grid, editable=bool(self.month) and not self.locked)
        self.metrics.model.set_appeals(marks)
        self._update_totals()
        self._update_buttons()

    def _update_totals(self) -> None:
        progress: list[TargetProgress] = self.targets.model.records()
        due = sum((p.amount for p in progress), ZERO)
        self.targets.totals.setText(
            tr(
                f"共 {len(progress)} 个目标值；按目前达成率应得 {fmt_money(due)} 元（于各期间末月发放）",
                f"{len(progress)} target values; {fmt_money(due)} due at the attainment so far "
                "(paid in each period's last month)",
            )
        )
        complaints: list[ComplaintView] = self.complaints.model.records()
        upheld = sum(1 for c in complaints if c.status == "upheld")
        pending = sum(1 for c in complaints if c.status == "pending")
        self.complaints.totals.setText(
            tr(
                f"共 {len(complaints)} 条投诉：成立 {upheld} 条，待定 {pending} 条，不成立 {len(complaints) - upheld - pending} 条",
                f"{len(complaints)} complaints: {upheld} upheld, {pending} pending, "
                f"{len(complaints) - upheld - pending} overturned",
            )
        )
        self.praise.totals.setText(
            tr(f"共 {self.praise.model.rowCount()} 条表扬", f"{self.praise.model.rowCount()} praise records")
        )
        adjustments: list[AdjustmentView] = self.adjustments.model.records()
        plus = sum((x.amount for x in adjustments if x.amount > 0), ZERO)
        minus = sum((x.amount for x in adjustments if x.amount < 0), ZERO)
        self.adjustments.totals.setText(
            tr(
                f"共 {len(adjustments)} 条调整：补发 {fmt_money(plus)} 元，追回 {fmt_money(-minus)} 元，净额 {fmt_money(plus + minus)} 元",
                f"{len(adjustments)} adjustments: +{fmt_money(plus)}, −{fmt_money(-minus)}, net {fmt_money(plus + minus)}",
            )
        )

    @Slot()
    def _update_buttons(self) -> None:
        editable = bool(self.month) and not self.locked
        complaint = self.complaints.selected()
        self.complaint_add.setEnabled(editable)
        self.complaint_edit.setEnabled(editable and complaint is not None)
        self.complaint_status.setEnabled(editable and complaint is not None)
        self.complaint_delete.setEnabled(editable and complaint is not None)
        self.complaint_appeal.setEnabled(complaint is not None and complaint.status != "overturned")
        from ui.pages.appeals_page import show_appeal_state

        show_appeal_state(self, self.complaint_appeal, "complaint", complaint.id if complaint is not None else None)
        self.praise_add.setEnabled(editable)
        self.praise_delete.setEnabled(editable and self.praise.selected() is not None)
        adjustment = self.adjustments.selected()
        self.adjustment_add.setEnabled(editable)
        self.adjustment_edit.setEnabled(editable and adjustment is not None)
        self.adjustment_delete.setEnabled(editable and adjustment is not None)

    # --- 申诉 -----------------------------------------------------------------------------

    @Slot()
    def appeal_complaint(self) -> QDialog | None:
        """申诉: the appeal form, prefilled with the selected complaint."""
        complaint: ComplaintView | None = self.complaints.selected()
        if complaint is None or complaint.status == "overturned":
            return None
        from ui.pages.appeals_page import open_appeal_form

        text = f"{complaint.date.isoformat()} {complaint.agent_code} {complaint.agent_name} {complaint.description}"
        return open_appeal_form(self, AppealInput("complaint", complaint.agent_code, complaint.date, date.today(), "",
                                                  record_id=complaint.id), text)

    @Slot()
    def appeal_metric(self) -> QDialog | None:
        """申诉: the appeal form, prefilled with the selected cell of the KPI grid (an agent's indicator)."""
        index = self.metrics.table.currentIndex()
        model = self.metrics.model
        if not index.isValid() or not self.month:
            return None
        indicator = model.indicator(index.column())
        if indicator is None or model.value(index.row(), index.column()) is None:
            return None
        from ui.pages.appeals_page import open_appeal_form

        code = model.agent_code(index.row())
        last = month_bounds(self.month)[1]
        return open_appeal_form(self, AppealInput("metric", code, last, date.today(), "", indicator=indicator.code),
                                f"{self.month} {code} {indicator.code}")

    def _changed(self, tab: RecordsTab | None = None, key: object = None) -> None:
        self.refresh()
        if tab is not None and key is not None:
            tab.select_key(key)
        self.data_changed.emit("rewards")

    @Slot(object)
    def _show_failure(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self.message = show_error(self, exc)

    def _open(self, dialog: RecordDialog, tab: RecordsTab) -> RecordDialog:
        dialog.saved.connect(lambda view: self._changed(tab, getattr(view, "id", None)))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _run(self, action: Callable[[Any], object]) -> bool:
        """Run one service call in its own transaction; a refusal is shown, nothing half-saved."""
        try:
            with self.db.session_scope(write=True) as session:
                action(session)
        except Exception as exc:  # noqa: BLE001 - a refusal explains itself; others are logged
            self.message = show_error(self, exc)
            return False
        return True

    # --- complaints -----------------------------------------------------------------

    @Slot()
    def add_complaint(self) -> ComplaintDialog | None:
        if not self.month or self.locked:
            return None

        def save(data: ComplaintInput) -> ComplaintView:
            with self.db.session_scope(write=True) as session:
                return add_complaint(session, data)

        dialog = ComplaintDialog(
            save, agents=agent_choices(self.db), default_date=default_day(self.month), parent=self
        )
        self._open(dialog, self.complaints)
        return dialog

    @Slot()
    def edit_complaint(self) -> ComplaintDialog | None:
        complaint: ComplaintView | None = self.complaints.selected()
        if complaint is None or self.locked:
            return None

        def save(data: ComplaintInput) -> ComplaintView:
            with self.db.session_scope(write=True) as session:
                return edit_complaint(session, complaint.id, data, expected_version=complaint.version)

        dialog = ComplaintDialog(
            save, agents=agent_choices(self.db), default_date=complaint.date, complaint=complaint, parent=self
        )
        self._open(dialog, self.complaints)
        return dialog

    def set_complaint_status(self, status: str) -> bool:
        complaint: ComplaintView | None = self.complaints.selected()
        if complaint is None or self.locked:
            return False
        if not self._run(lambda session: set_complaint_status(session, complaint.id, status)):
            return False
        self._changed(self.complaints, complaint.id)
        return True

    @Slot()
    def delete_complaint(self) -> bool:
        complaint: ComplaintView | None = self.complaints.selected()
        if complaint is None or self.locked:
            return False
        if not self.ask_confirm(
            tr(
                f"删除 {complaint.agent_name} {complaint.date.isoformat()} 的投诉？",
                f"Delete the complaint of {complaint.agent_name} on {complaint.date.isoformat()}?",
            )
        ):
            return False
        if not self._run(lambda session: delete_complaint(session, complaint.id)):
            return False
        self._changed()
        return True

    # --- praise ---------------------------------------------------------------------

    @Slot()
    def add_praise(self) -> PraiseDialog | None:
        if not self.month or self.locked:
            return None

        def save(data: PraiseInput) -> PraiseView:
            with self.db.session_scope(write=True) as session:
                return add_praise(session, data)

        dialog = PraiseDialog(
            save, agents=agent_choices(self.db), default_date=default_day(self.month), parent=self
        )
        self._open(dialog, self.praise)
        return dialog

    @Slot()
    def delete_praise(self) -> bool:
        praise: PraiseView | None = self.praise.selected()
        if praise is None or self.locked:
            return False
        if not self.ask_confirm(
            tr(
                f"删除 {praise.agent_name} {praise.date.isoformat()} 的表扬？",
                f"Delete the praise of {praise.agent_name} on {praise.date.isoformat()}?",
            )
        ):
            return False
        if not self._run(lambda session: delete_praise(session, praise.id)):
            return False
        self._changed()
        return True

    # --- adjustments ----------------------------------------------------------------

    @Slot()
    def add_adjustment(self) -> AdjustmentDialog | None:
        if not self.month or self.locked:
            return None

        def save(data: AdjustmentInput) -> AdjustmentView:
            with self.db.session_scope(write=True) as session:
                return add_adjustment(session, data)

        dialog = AdjustmentDialog(save, agents=agent_choices(self.db), month=self.month, parent=self)
        self._open(dialog, self.adjustments)
        return dialog

    @Slot()
    def edit_adjustment(self) -> AdjustmentDialog | None:
        adjustment: AdjustmentView | None = self.adjustments.selected()
        if adjustment is None or self.locked:
            return None

        def save(data: AdjustmentInput) -> AdjustmentView:
            with self.db.session_scope(write=True) as session:
                return edit_adjustment(session, adjustment.id, data, expected_version=adjustment.version)

        dialog = AdjustmentDialog(
            save, agents=agent_choices(self.db), month=self.month, adjustment=adjustment, parent=self
        )
        self._open(dialog, self.adjustments)
        return dialog

    @Slot()
    def delete_adjustment(self) -> bool:
        adjustment: AdjustmentView | None = self.adjustments.selected()
        if adjustment is None or self.locked:
            return False
        if not self.ask_confirm(
            tr(
                f"删除 {adjustment.agent_name} 的调整 {fmt_money(adjustment.amount)} 元（{adjustment.reason}）？",
                f"Delete the adjustment of {fmt_money(adjustment.amount)} for {adjustment.agent_name} "
                f"({adjustment.reason})?",
            )
        ):
            return False
        if not self._run(lambda session: delete_adjustment(session, adjustment.id)):
            return False
        self._changed()
        return True

    # --- metrics --------------------------------------------------------------------

    def _write_metrics(self, cells: list[MetricCell]) -> dict[tuple[str, str], Decimal | None]:
        """The grid's writer: one transaction per edit or paste, so a refused block writes nothing."""
        with self.db.session_scope(write=True) as session:
            stored = set_metrics(session, self.month, cells)
        self.data_changed.emit("rewards")
        return stored

    def select_metric_cell(self, agent_code: str, indicator: str) -> QModelIndex:
        model = self.metrics.model
        grid = model.grid
        row = next(i for i, a in enumerate(grid.agents) if a.agent_code == agent_code)
        column = FIXED_COLUMNS + next(i for i, c in enumerate(grid.indicators) if c.code == indicator)
        index = model.index(row, column)
        self.metrics.table.setCurrentIndex(index)
        self.metrics.table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return index

    # --- targets grid (issue #14) ------------------------------------------------------

    def _load_target_grid(self, session: Any, period: str | None = None) -> tuple[tuple[PeriodChoice, ...], TargetsGrid | None]:
        """The periods to offer for the month, and the grid of ``period`` (default: the one shown, when still
        offered, else the first period the month falls in)."""
        periods = grid_periods(session, self.month)
        texts = [p.text for p in periods]
        wanted = period or self._target_period
        chosen = wanted if wanted in texts else next((p.text for p in periods if p.current), "")
        return periods, targets_grid(session, chosen) if chosen else None

    def _show_target_grid(self, periods: tuple[PeriodChoice, ...], grid: TargetsGrid | None) -> None:
        box = self.target_grid
        model = box.model
        chosen = box.set_periods(periods, grid.period if grid is not None else "")
        same = grid is not None and grid.period == model.grid.period
        first_fill = model.rowCount() == 0
        model.set_grid(grid or TargetsGrid("", "", "", False, "", (), (), {}, {}),
                       editable=grid is not None and not grid.locked and bool(grid.columns), keep_pending=same)
        self._target_period = chosen
        if (first_fill or not same) and grid is not None and grid.agents:
            box.fit()

    @Slot(str)
    def _on_target_period(self, period: str) -> None:
        """Another period picked: unsaved edits of the shown one are dropped only when the user agrees."""
        model = self.target_grid.model
        if period == model.grid.period:
            return
        if model.pending_count() and not self.ask_confirm(tr(
                f"{model.grid.period} 有 {model.pending_count()} 个未保存的目标值，放弃这些修改？",
                f"{model.grid.period} has {model.pending_count()} unsaved target value(s): discard them?")):
            self.target_grid.set_periods(self._offered_periods(), model.grid.period)  # stay on it
            return
        try:
            with self.db.session_scope() as session:
                periods, grid = self._load_target_grid(session, period)
        except Exception as exc:  # noqa: BLE001 - a refusal explains itself
            self.message = show_error(self, exc)
            return
        self._show_target_grid(periods, grid)

    def _offered_periods(self) -> tuple[PeriodChoice, ...]:
        with self.db.session_scope() as session:
            return grid_periods(session, self.month)

    @Slot()
    def save_targets(self) -> bool:
        """Save every pending cell of the grid in one write transaction (the targets import's checks); a
        refusal names each bad cell, marks it, and writes nothing."""
        model = self.target_grid.model
        entries = model.entries()
        if not entries or not model.editable:
            return False
        try:
            with self.db.session_scope(write=True) as session:
                save_targets(session, model.grid.period, entries)
        except TargetsRefused as exc:
            model.mark_refused(exc.cells)
            self.message = show_error(self, exc)
            return False
        except Exception as exc:  # noqa: BLE001 - a refusal explains itself; others are logged
            self.message = show_error(self, exc)
            return False
        model.discard()
        self._changed()
        return True

    # --- files ----------------------------------------------------------------------

    def import_file(self, kind: str) -> ImportFlow | None:
        return self.start_import(kind, self.import_buttons[kind], lambda _result: self._changed())

    def export_template(self, kind: str) -> Path | None:
        return self.save_template(kind, *KIND_FILE_NAMES[kind])
