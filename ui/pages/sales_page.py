"""保单 Sales: the month's policies as a sortable, filterable table with totals; add, edit, cancel
(撤单), delete, import and template export.

A locked month is shown read-only with a banner; only 撤单 stays available, because setting a
cancel date on a locked month's policy is how its commission is clawed back (docs/pay-rules.md §3.3, §4).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.calendar import month_bounds
from app.i18n import tr
from app.money import fmt_money
from app.services.agents import list_agents
from app.services.sales import (
    STATUS_CANCELLED,
    STATUS_COUNTED,
    PolicyInput,
    PolicyView,
    ProductView,
    add_policy,
    cancel_policy,
    customer_levels,
    delete_policy,
    edit_policy,
    plan_products,
)
from db.session import Database
from ui.dialogs.policy_dialog import AgentChoice, CancelPolicyDialog, PolicyDialog
from ui.errors import show_error
from ui.importing import ImportFlow
from ui.loader import Loader
from ui.models.lazy_policies import LazyPoliciesModel, PolicyRows, read_rows
from ui.pages.base import Page
from ui.widgets.filters import (
    filter_combo,
    filtered_prefix,
    on_rows_changed,
    push_button,
    refill_combo,
    search_box,
    totals_label,
)
from ui.widgets.locked_banner import LockedBanner
from ui.widgets.table_view import TableView


def default_day(month: str, today: date | None = None) -> date:
    """Today when it lies in ``month``, else the month's first day: a new record lands in the shown month."""
    today = today or date.today()
    first, last = month_bounds(month)
    return today if first <= today <= last else first


def agent_choices(db: Database) -> list[AgentChoice]:
    with db.session_scope() as session:
        return [AgentChoice(a.code, a.name, a.hire_date, a.leave_date) for a in list_agents(session)]


class SalesPage(Page):
    reads = frozenset({"agents", "sales", "plan", "payroll"})

    import_dialog_title = ("选择要导入的保单文件", "Choose the sales file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.model = LazyPoliciesModel(db, self)
        self.model.query_changed.connect(self.refresh)
        self.locked = False
        self.loader = Loader(self, tr("正在读取保单…", "Reading the policies…"))
        self.loader.ended.connect(self._load_ended)
        self._select_after: str | None = None
        self.dialog: PolicyDialog | CancelPolicyDialog | None = None

        self.banner = LockedBanner(self)

        self.search = search_box(
            self, tr("搜索保单号、工号、姓名…", "Search policy no., code, name…"), self.model.set_search
        )
        self.product_filter = filter_combo(
            self, tr("按产品筛选", "Filter by product"), on_change=self._on_product
        )
        self.status_filter = filter_combo(
            self,
            tr("按是否计入业绩筛选", "Filter by counted/cancelled"),
            (
                (tr("全部保单", "All policies"), None),
                (tr("计入业绩", "Counted"), STATUS_COUNTED),
                (tr("已撤单", "Cancelled"), STATUS_CANCELLED),
            ),
            self._on_status,
        )

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            return push_button(self, text, icon, tip)

        self.add_button = button(
            tr("添加", "Add"), QStyle.StandardPixmap.SP_FileIcon, tr("添加一张保单", "Add a policy")
        )
        self.edit_button = button(
            tr("编辑", "Edit"),
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            tr("编辑选中的保单（或双击）", "Edit the selected policy (or double-click)"),
        )
        self.cancel_button = button(
            tr("撤单…", "Cancel…"),
            QStyle.StandardPixmap.SP_DialogCancelButton,
            tr(
                "为选中的保单填写撤单日期（已锁定月份也可以）",
                "Enter a cancel date for the selected policy (allowed in locked months too)",
            ),
        )
        self.delete_button = button(
            tr("删除", "Delete"),
            QStyle.StandardPixmap.SP_TrashIcon,
            tr(
                "删除录错的保单（已发提成的保单请撤单）",
                "Delete a policy entered in error (cancel a paid one instead)",
            ),
        )
        self.import_button, self.template_button = self.file_buttons(
            tr(
                "从 Excel 或 CSV 文件导入保单（也可批量填写撤单日期）",
                "Import policies from an Excel or CSV file (also cancel dates in bulk)",
            ),
            tr("保存保单导入模板（Excel）", "Save the sales import template (Excel)"),
        )
        self.add_button.clicked.connect(self.add_policy)
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.export_template)

        self.table = TableView(self)
        self.table.setModel(self.model)
        self.table.sortByColumn(self.model.column("sign_date"), Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.edit_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete_selected)

        self.totals = totals_label(self)
        self.totals.setObjectName("salesTotals")
        on_rows_changed(self.model, self._update_totals)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.product_filter)
        filters.addWidget(self.status_filter)
        filters.addStretch(1)

        actions = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.cancel_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.template_button)

        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self.refresh()

    # --- replaceable for tests (Dangerzone style) -----------------------------------

    # --- data -------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """The month's policies are being read (off the GUI thread); the page says 加载中."""
        return self.loader.loading

    def month_changed(self, month: str) -> None:
        self.model.clear()  # never show, or act on, another month's policies meanwhile
        self.refresh()

    def refresh(self) -> None:
        """Read the month's table again, off the GUI thread (a busy month has hundreds of thousands
        of policies: the database counts, adds up, filters and sorts; only the rows on screen are
        read); the rows shown stay until the new ones arrive, the selection is kept."""
        if not self.month:
            return
        selected = self.selected_policy()
        if selected is not None and self._select_after is None:
            self._select_after = selected.policy_no
        month, db, query = self.month, self.db, self.model.query(self.month)
        keep, sample = self._select_after, self.model.total() == 0

        def read() -> PolicyRows:
            return read_rows(db, query, keep=keep, sample=sample)

        self.loader.start(read, lambda result: self._loaded(month, result))
        self._update_totals()
        self._update_buttons()

    def _loaded(self, month: str, rows: PolicyRows) -> None:
        if month != self.month:
            return
        first_fill = self.model.total() == 0
        self.model.apply(rows)
        if first_fill and rows.sample:
            self._fit_columns()
        self._fill_products(list(rows.products.values()), rows.product_codes)
        self.locked = rows.status == "locked"
        self.banner.show_locked(
            self.locked,
            tr(
                f"{self.month} 已锁定：保单只读，只能填写撤单日期（撤单提成将在下一个计算的月份追回）。其他更正请在未锁定月份录入调整项。",
                f"{self.month} is locked: policies are read-only; only a cancel date can be entered (its commission is "
                "clawed back in the next month calculated). Enter other corrections as adjustments of an open month.",
            ),
        )
        if self._select_after is not None:
            self.select_policy(self._select_after)
            self._select_after = None

    @Slot()
    def _load_ended(self) -> None:
        self._update_totals()
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Size the columns from their longest texts (a sample of the rows), not by measuring every cell."""
        header = self.table.horizontalHeader()
        for col, width in enumerate(self.model.column_widths(self.table.fontMetrics())):
            header.resizeSection(col, width)

    def _fill_products(self, products: list[ProductView], used: list[str]) -> None:
        codes = [p.code for p in products] + sorted(set(used) - {p.code for p in products})
        names = {p.code: p.name for p in products}
        items = ((f"{code} {names[code]}" if code in names else code, code) for code in codes)
        self.model.set_product(refill_combo(self.product_filter, tr("全部产品", "All products"), items))

    @Slot(int)
    def _on_product(self, _index: int) -> None:
        self.model.set_product(self.product_filter.currentData())

    @Slot(int)
    def _on_status(self, _index: int) -> None:
        self.model.set_status(self.status_filter.currentData())

    @Slot()
    def _update_totals(self) -> None:
        if self.loading:
            self.totals.setText(tr("加载中…", "Loading…"))
            return
        t = self.model.totals()
        total = self.model.total()
        prefix = filtered_prefix(t.count, total, "张")
        self.totals.setText(
            prefix
            + tr(
                f"共 {t.count} 张保单（计入 {t.counted} 张）；保费合计 {fmt_money(t.premium)} 元；"
                f"标准保费合计 {fmt_money(t.std_premium)} 元，其中计入业绩 {fmt_money(t.counted_std_premium)} 元",
                f"{t.count} policies ({t.counted} counted); premium {fmt_money(t.premium)}; "
                f"standard premium {fmt_money(t.std_premium)}, counted {fmt_money(t.counted_std_premium)}",
            )
        )

    def selected_policy(self) -> PolicyView | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.view_at(row)

    def select_policy(self, policy_no: str) -> bool:
        return self.table.select_source_row(self.model.row_of(policy_no))

    @Slot()
    def _update_buttons(self) -> None:
        policy = self.selected_policy()
        has_month = bool(self.month) and not self.loading
        self.add_button.setEnabled(has_month and not self.locked)
        self.edit_button.setEnabled(policy is not None and not policy.locked)
        self.delete_button.setEnabled(policy is not None and not policy.locked and policy.paid_amount is None)
        self.cancel_button.setEnabled(policy is not None and policy.clawed_month is None)

    def _changed(self, policy_no: str | None = None) -> None:
        if policy_no:
            self._select_after = policy_no  # once the rows are read again
        self.refresh()
        self.data_changed.emit("sales")

    # --- dialogs' data ------------------------------------------------------------------

    def _plan_lookups(
        self,
    ) -> tuple[Callable[[str], tuple[ProductView, ...]], Callable[[str], tuple[str, ...]]]:
        """Memoised plan look-ups for one dialog (the sign date may move between months)."""

        @cache
        def products(month: str) -> tuple[ProductView, ...]:
            with self.db.session_scope() as session:
                return tuple(plan_products(session, month))

        @cache
        def levels(month: str) -> tuple[str, ...]:
            with self.db.session_scope() as session:
                return tuple(customer_levels(session, month))

        return products, levels

    def _open(self, dialog: PolicyDialog | CancelPolicyDialog) -> None:
        dialog.saved.connect(lambda view: self._changed(view.policy_no))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    # --- actions ----------------------------------------------------------------------

    @Slot()
    def add_policy(self) -> PolicyDialog | None:
        if not self.month or self.locked:
            return None

        def save(data: PolicyInput) -> PolicyView:
            with self.db.session_scope(write=True) as session:
                return add_policy(session, data)

        products, levels = self._plan_lookups()
        dialog = PolicyDialog(
            save,
            agents=agent_choices(self.db),
            products_for=products,
            levels_for=levels,
            default_sign=default_day(self.month),
            parent=self,
        )
        self._open(dialog)
        return dialog

    @Slot()
    def edit_selected(self) -> PolicyDialog | None:
        policy = self.selected_policy()
        if policy is None or policy.locked:
            return None
        return self.edit_policy(policy)

    def edit_policy(self, policy: PolicyView) -> PolicyDialog:
        def save(data: PolicyInput) -> PolicyView:
            with self.db.session_scope(write=True) as session:
                return edit_policy(session, policy.policy_no, data, expected_version=policy.version)

        products, levels = self._plan_lookups()
        dialog = PolicyDialog(
            save,
            agents=agent_choices(self.db),
            products_for=products,
            levels_for=levels,
            policy=policy,
            parent=self,
        )
        self._open(dialog)
        return dialog

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        policy = self.model.policy(index.row())
        if policy.locked:
            if policy.clawed_month is None:
                self.cancel_policy(policy)
        else:
            self.edit_policy(policy)

    @Slot()
    def cancel_selected(self) -> CancelPolicyDialog | None:
        policy = self.selected_policy()
        if policy is None or policy.clawed_month is not None:
            return None
        return self.cancel_policy(policy)

    def cancel_policy(self, policy: PolicyView) -> CancelPolicyDialog:
        def cancel(when: date | None) -> PolicyView:
            with self.db.session_scope(write=True) as session:
                return cancel_policy(session, policy.policy_no, when)

        dialog = CancelPolicyDialog(policy, cancel, parent=self)
        self._open(dialog)
        return dialog

    @Slot()
    def delete_selected(self) -> bool:
        policy = self.selected_policy()
        if policy is None or policy.locked or policy.paid_amount is not None:
            return False
        if not self.ask_confirm(
            tr(
                f"删除保单 {policy.policy_no}（{policy.agent_name}，保费 {fmt_money(policy.premium)} 元）？",
                f"Delete policy {policy.policy_no} ({policy.agent_name}, premium "
                f"{fmt_money(policy.premium)})?",
            )
        ):
            return False
        try:
            with self.db.session_scope(write=True) as session:
                delete_policy(session, policy.policy_no)
        except Exception as exc:  # noqa: BLE001 - a refusal explains itself; others are logged
            self.message = show_error(self, exc)
            return False
        self._changed()
        return True

    @Slot()
    def import_file(self) -> ImportFlow | None:
        return self.start_import("sales", self.import_button, lambda _result: self._changed())

    @Slot()
    def export_template(self) -> Path | None:
        return self.save_template("sales", "保单导入模板.xlsx", "sales-template.xlsx")
