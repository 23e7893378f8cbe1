"""申诉 page (docs/pay-rules.md §11): the appeals of a month (or all), filtered; file and decide them.

The record pages (quality, complaints, attendance, KPI metrics) open the same form prefilled through
:func:`open_appeal_form`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.money import fmt_num
from app.services.appeals import (
    KIND_NAMES,
    STATUS_NAMES,
    AppealInput,
    AppealView,
    Decision,
    appeal_state,
    decide_appeal,
    file_appeal,
    list_appeals,
)
from db.session import Database
from ui.dialogs.appeal_dialog import AppealDialog, DecideDialog
from ui.importing import ImportFlow
from ui.pages.base import Page
from ui.widgets.filters import push_button

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "编号", "No."),
    ("code", "工号", "Code"),
    ("name", "姓名", "Name"),
    ("kind", "对象", "Record"),
    ("record_date", "记录日期", "Record date"),
    ("record", "记录", "What it said"),
    ("filed", "申诉日期", "Filed"),
    ("reason", "理由", "Reason"),
    ("status", "状态", "Status"),
    ("comment", "处理意见", "Comment"),
    ("correction", "更正月份", "Corrected in"),
)
COL = {key: i for i, (key, _zh, _en) in enumerate(COLUMNS)}


def open_appeal_form(
    page: Page, prefill: AppealInput, record_text: str = "", choices: Sequence[tuple[int, str]] = ()
) -> AppealDialog:
    """The 申诉 form, prefilled from a record; a filed appeal makes the pages that show appeals refresh."""
    db = page.db

    def file(data: AppealInput) -> AppealView:
        with db.session_scope(write=True) as session:
            return file_appeal(session, data)

    dialog = AppealDialog(prefill, file, page, record_text=record_text, choices=choices)
    dialog.filed.connect(lambda _view: page.data_changed.emit("appeals"))
    dialog.finished.connect(dialog.deleteLater)
    page.appeal_dialog = dialog  # type: ignore[attr-defined]  # kept for tests and against early collection
    dialog.open()
    return dialog


def show_appeal_state(page: Page, button: QPushButton, kind: str, record_id: int | None) -> None:
    """The record's appeal state on its page's 申诉 button: 申诉… when none, else the latest status
    (a pending appeal cannot be filed twice, so the button is then disabled)."""
    status = None
    if record_id is not None and page.month:
        with page.db.session_scope() as session:
            status = appeal_state(session, kind, record_id)
    if status is None:
        button.setText(tr("申诉…", "Appeal…"))
        return
    zh, en = STATUS_NAMES[status]
    button.setText(tr(f"申诉：{zh}", f"Appeal: {en.lower()}"))
    if status == "pending":
        button.setEnabled(False)


class AppealsPage(Page):
    reads = frozenset({"appeals", "agents", "quality", "rewards", "attendance"})
    import_dialog_title = ("选择要导入的申诉文件", "Choose the appeals file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.dialog: AppealDialog | DecideDialog | None = None
        self.rows: list[AppealView] = []
        SP = QStyle.StandardPixmap
        self.scope = QComboBox(self)
        self.scope.addItem(tr("本月记录", "This month's records"), "month")
        self.scope.addItem(tr("全部月份", "All months"), "all")
        self.status = QComboBox(self)
        self.status.addItem(tr("全部状态", "Every status"), "")
        for key, (zh, en) in STATUS_NAMES.items():
            self.status.addItem(tr(zh, en), key)
        self.kind = QComboBox(self)
        self.kind.addItem(tr("全部对象", "Every record kind"), "")
        for key, (zh, en) in KIND_NAMES.items():
            self.kind.addItem(tr(zh, en), key)
        self.agent = QLineEdit(self)
        self.agent.setPlaceholderText(tr("工号", "Agent code"))
        self.agent.setClearButtonEnabled(True)
        for combo in (self.scope, self.status, self.kind):
            combo.currentIndexChanged.connect(self.refresh)
        self.agent.textChanged.connect(self.refresh)

        self.new_button = push_button(self, tr("新增申诉…", "New appeal…"), SP.SP_FileIcon,
                                      tr("登记一条申诉（也可在质检、奖惩、考勤页选中记录后点“申诉”）",
                                         "File an appeal (or select the record on its page and press Appeal)"))
        self.decide_button = push_button(self, tr("处理…", "Decide…"), SP.SP_DialogApplyButton,
                                         tr("判定选中的申诉成立或驳回（需填写意见）",
                                            "Uphold or reject the selected appeal (a comment is required)"))
        self.import_button, self.template_button = self.file_buttons(
            tr("从 Excel 或 CSV 文件导入申诉", "Import appeals from Excel or CSV"),
            tr("保存申诉导入模板（Excel）", "Save the appeals import template (Excel)"),
        )
        self.new_button.clicked.connect(self.new_appeal)
        self.decide_button.clicked.connect(self.decide_selected)
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.export_template)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(zh, en) for _k, zh, en in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.decide_selected())
        self.count_label = QLabel(self)

        filters = QHBoxLayout()
        for widget in (self.scope, self.status, self.kind, self.agent):
            filters.addWidget(widget)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.decide_button, self.import_button, self.template_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()

    # --- reading ----------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if not self.month:
            return
        month = self.month if self.scope.currentData() == "month" else None
        with self.db.session_scope() as session:
            self.rows = list_appeals(session, month, status=self.status.currentData() or None,
                                     kind=self.kind.currentData() or None,
                                     agent_code=self.agent.text().strip() or None)
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            value = f"（改定 {fmt_num(a.decided_value)}）" if a.decided_value is not None else ""
            texts = {
                "id": str(a.id), "code": a.agent_code, "name": a.agent_name,
                "kind": tr(*KIND_NAMES[a.kind]), "record_date": a.record_date.isoformat(),
                "record": a.record_text, "filed": a.filed.isoformat(),
                "reason": a.reason + (tr(f"；超期原因：{a.override_reason}", f"; late: {a.override_reason}")
                                      if a.override_reason else ""),
                "status": tr(*STATUS_NAMES[a.status]), "comment": a.comment + value,
                "correction": a.correction_month or "",
            }
            for key, text in texts.items():
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.table.setItem(r, COL[key], item)
        self.table.resizeColumnsToContents()
        pending = sum(1 for a in self.rows if a.status == "pending")
        self.count_label.setText(tr(f"共 {len(self.rows)} 条，待处理 {pending} 条",
                                    f"{len(self.rows)} appeal(s), {pending} pending"))
        self._update_buttons()

    def selected_appeal(self) -> AppealView | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.rows[min(rows)] if rows else None

    def select_appeal(self, appeal_id: int) -> bool:
        for r, a in enumerate(self.rows):
            if a.id == appeal_id:
                self.table.selectRow(r)
                return True
        return False

    @Slot()
    def _update_buttons(self) -> None:
        a = self.selected_appeal()
        self.decide_button.setEnabled(a is not None and a.status == "pending")

    # --- actions ----------------------------------------------------------------------------

    @Slot()
    def new_appeal(self) -> AppealDialog:
        today = date.today()
        dialog = open_appeal_form(self, AppealInput("complaint", "", today, today, ""))
        self.dialog = dialog
        return dialog

    @Slot()
    def decide_selected(self) -> DecideDialog | None:
        appeal = self.selected_appeal()
        if appeal is None or appeal.status != "pending":
            return None

        def decide(upheld: bool, comment: str, value: str | None) -> Decision:
            with self.db.session_scope(write=True) as session:
                return decide_appeal(session, appeal.id, upheld=upheld, comment=comment, value=value)

        dialog = DecideDialog(appeal, decide, self)
        dialog.decided.connect(self._decided)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _decided(self, decision: Decision) -> None:
        self.refresh()
        self.data_changed.emit("appeals")
        if decision.appeal.status != "upheld":
            return
        if decision.corrections:  # a locked month: 申诉更正 adjustments of the next open month
            self.data_changed.emit("rewards")
        elif decision.appeal.kind == "qa":
            self.data_changed.emit("quality")
        elif decision.appeal.kind == "attendance":
            self.data_changed.emit("attendance")
        else:
            self.data_changed.emit("rewards")

    @Slot()
    def import_file(self) -> ImportFlow | None:
        def committed(_result: object) -> None:
            self.refresh()
            self.data_changed.emit("appeals")

        return self.start_import("appeals", self.import_button, committed)

    @Slot()
    def export_template(self) -> Path | None:
        return self.save_template("appeals", "申诉导入模板.xlsx", "appeals template.xlsx")
