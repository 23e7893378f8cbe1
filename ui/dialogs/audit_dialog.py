"""The audit log viewer (docs/pay-rules.md §10): who, when, what, before → after, filtered by month,
user and kind, and exported to Excel as shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.audit_log import AuditEntry
from app.calendar import is_month
from app.i18n import language, tr
from app.reports.audit_xlsx import HEADERS, write_audit_xlsx
from app.reports.files import output_error_text, write_output_file
from app.services.audit import audit_entries, audit_users_and_kinds
from db.session import Database
from ui import file_dialogs
from ui.errors import show_message

LIMIT = 5000  # rows shown at once; the export writes every matching entry


class AuditDialog(QDialog):
    def __init__(self, db: Database, month: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.entries: list[AuditEntry] = []
        self.message: QMessageBox | None = None
        self.setWindowTitle(tr("审计日志", "Audit log"))
        self.resize(1000, 600)
        self.month = QLineEdit(month, self)
        self.month.setPlaceholderText(tr("全部月份（或 YYYY-MM）", "all months (or YYYY-MM)"))
        self.user = QComboBox(self)
        self.kind = QComboBox(self)
        with db.session_scope() as session:
            users, kinds = audit_users_and_kinds(session)
        self.user.addItem(tr("全部用户", "All users"), "")
        for u in users:
            self.user.addItem(u, u)
        self.kind.addItem(tr("全部类别", "All kinds"), "")
        for k in kinds:
            self.kind.addItem(k, k)
        self.table = QTableWidget(0, len(HEADERS), self)
        lang = language()
        self.table.setHorizontalHeaderLabels([en if lang == "en" else zh for zh, en in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        for col, width in enumerate((150, 90, 160, 90, 110, 160, 160)):
            self.table.setColumnWidth(col, width)
        self.count = QLabel(self)
        self.export_button = QPushButton(tr("导出 Excel…", "Export Excel…"), self)
        self.export_button.clicked.connect(self.export)
        close = QPushButton(tr("关闭", "Close"), self)
        close.clicked.connect(self.accept)
        self.month.editingFinished.connect(self.reload)
        self.user.currentIndexChanged.connect(self.reload)
        self.kind.currentIndexChanged.connect(self.reload)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("月份", "Month"), self))
        filters.addWidget(self.month)
        filters.addWidget(QLabel(tr("用户", "User"), self))
        filters.addWidget(self.user)
        filters.addWidget(QLabel(tr("类别", "Kind"), self))
        filters.addWidget(self.kind)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.reload()

    def _filters(self) -> tuple[str | None, str | None, str | None]:
        month = self.month.text().strip()
        return (month if is_month(month) else None, self.user.currentData() or None, self.kind.currentData() or None)

    @Slot()
    def reload(self) -> None:
        month, user, kind = self._filters()
        with self.db.session_scope() as session:
            self.entries = audit_entries(session, month=month, user=user, kind=kind)
        shown = self.entries[-LIMIT:][::-1]  # newest first on screen
        self.table.setRowCount(len(shown))
        for row, e in enumerate(shown):
            values = (e.at.strftime("%Y-%m-%d %H:%M:%S"), e.user, e.action, e.entity, e.key, e.before, e.after,
                      e.reason)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value if len(value) > 40 else "")
                self.table.setItem(row, col, item)
        self.count.setText(tr(f"{len(self.entries)} 条", f"{len(self.entries)} entries"))
        self.export_button.setEnabled(bool(self.entries))

    # replaceable for tests
    def ask_save_file(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(self, file_dialogs.REPORTS, tr("保存审计日志", "Save the audit log"), suggested,
                                      tr("Excel 文件 (*.xlsx)", "Excel files (*.xlsx)"))

    @Slot()
    def export(self) -> Path | None:
        month, _user, _kind = self._filters()
        suggested = tr(f"审计日志{('_' + month) if month else ''}.xlsx", f"audit_log{('_' + month) if month else ''}.xlsx")
        path = self.ask_save_file(suggested)
        if path is None:
            return None
        title = tr(f"{month or '全部月份'} 审计日志", f"Audit log {month or 'all months'}")
        entries, lang = list(self.entries), language()
        try:
            write_output_file(path, lambda tmp: write_audit_xlsx(entries, tmp, title=title, lang=lang))
        except OSError as exc:
            self.message = show_message(self, tr(*output_error_text(exc, path)), icon=QMessageBox.Icon.Critical)
            return None
        return path
