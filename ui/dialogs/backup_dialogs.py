"""Choosing a backup to restore, and what to do about a damaged database at start-up.

Both dialogs only collect an answer; the work is done by :mod:`app.services.backups`
through :class:`ui.startup.AppShell`, so tests inject the answer instead of clicking.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.i18n import tr
from app.services.backups import DamagedChoice, reason_text, size_text
from db.backup import BackupInfo
from ui import file_dialogs
from ui.screen import fit_to_screen

DB_FILTER_ZH = "BranchPay 数据库 (*.sqlite3 *.db);;所有文件 (*)"
DB_FILTER_EN = "BranchPay databases (*.sqlite3 *.db);;All files (*)"


def confirm_restore_text(backup: Path) -> str:
    return tr(
        f"用备份 {backup.name} 替换当前数据？\n\n"
        "当前数据会先另存为一份“恢复前”的备份，不会丢失。恢复后窗口会重新打开。",
        f"Replace the current data with the backup {backup.name}?\n\n"
        "The current data is first saved as a “before restore” backup, so nothing is lost. "
        "The window reopens afterwards.",
    )


class RestoreDialog(QDialog):
    """Backups newest first (time, kind, size), or any file the user picks."""

    chosen = Signal(Path)

    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("从备份恢复", "Restore from a backup"))
        fit_to_screen(self, 560, 380)
        self.backups = backups
        intro = QLabel(
            tr(
                "选择一份备份（最新的在最上面），或选择其他数据库文件。",
                "Choose a backup (newest at the top) or another database file.",
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(backups), 3, self)
        self.table.setHorizontalHeaderLabels([tr("时间", "Time"), tr("类型", "Kind"), tr("大小", "Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, info in enumerate(backups):
            when = QTableWidgetItem(info.taken_at.strftime("%Y-%m-%d %H:%M:%S"))
            when.setToolTip(str(info.path))
            size = QTableWidgetItem(size_text(info.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, when)
            self.table.setItem(row, 1, QTableWidgetItem(reason_text(info.reason)))
            self.table.setItem(row, 2, size)
        if backups:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _index: self._on_ok())
        self.empty_note = QLabel(tr("还没有任何备份。", "There are no backups yet."), self)
        self.empty_note.setVisible(not backups)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("恢复…", "Restore…"))
        self.ok_button.setEnabled(bool(backups))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消", "Cancel"))
        self.file_button = QPushButton(tr("选择其他文件…", "Choose another file…"), self)
        self.buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button.clicked.connect(self._on_file)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.buttons)

    def ask_open_file(self) -> Path | None:
        """Replaceable in tests, so no real file dialog ever opens there."""
        return file_dialogs.open_file(
            self,
            file_dialogs.BACKUPS,
            tr("选择要恢复的数据库文件", "Choose the database file to restore"),
            tr(DB_FILTER_ZH, DB_FILTER_EN),
        )

    def selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()].path if rows else None

    @Slot()
    def _on_ok(self) -> None:
        path = self.selected()
        if path is not None:
            self.accept()
            self.chosen.emit(path)

    @Slot()
    def _on_file(self) -> None:
        path = self.ask_open_file()
        if path is not None:
            self.accept()
            self.chosen.emit(path)


class DamagedDialog(QDialog):
    """Plain words about a database that cannot be read, and the three ways on."""

    def __init__(
        self, db_path: Path, backup: BackupInfo | None, parent: QWidget | None = None, *, empty: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.answer = DamagedChoice.QUIT
        self.setMinimumWidth(480)
        if backup is not None:
            when = backup.taken_at.strftime("%Y-%m-%d %H:%M")
            offer = tr(
                f"最近一份完好的备份是 {when} 的。恢复后，这之后录入的数据需要重新录入。",
                f"The newest healthy backup is from {when}. After restoring it, anything entered since "
                "then has to be entered again.",
            )
        else:
            offer = tr("没有找到可用的备份。", "No usable backup was found.")
        if empty:
            what = tr(
                f"数据库文件是空的（没有任何数据），但旁边有备份：\n{db_path}\n\n"
                "文件可能在复制、同步或磁盘故障时被清空。空文件不会被删除，它会被改名保存在同一文件夹中。\n\n",
                f"The database file is empty (it holds no data), but there are backups beside it:\n{db_path}\n\n"
                "It may have been emptied by a failed copy, a sync tool or a disk fault. The empty file is not "
                "deleted: it is renamed and kept in the same folder.\n\n",
            )
        else:
            what = tr(
                f"数据库文件已损坏，无法读取：\n{db_path}\n\n"
                "损坏的文件不会被删除，它会被改名保存在同一文件夹中，可交给技术支持尝试修复。\n\n",
                f"The database file is damaged and cannot be read:\n{db_path}\n\n"
                "The damaged file is not deleted: it is renamed and kept in the same folder, "
                "so support can try to repair it.\n\n",
            )
        text = QLabel(what + offer, self)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.restore_button = self.buttons.addButton(
            tr("从最近的备份恢复", "Restore the newest backup"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(backup is not None)
        self.empty_button = self.buttons.addButton(
            tr("使用空白数据库", "Start with an empty database"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.quit_button = self.buttons.addButton(tr("退出", "Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(lambda: self._answer(DamagedChoice.RESTORE))
        self.empty_button.clicked.connect(lambda: self._answer(DamagedChoice.EMPTY))
        self.quit_button.clicked.connect(lambda: self._answer(DamagedChoice.QUIT))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.buttons)

    def _answer(self, choice: DamagedChoice) -> None:
        self.answer = choice
        if choice is DamagedChoice.QUIT:
            self.reject()
        else:
            self.accept()
