"""The main window: sidebar of areas, one page per area, the month selector every page follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.i18n import language, tr
from app.services.backups import backup_folder, backup_now, list_backups
from app.services.months import month_status, month_statuses
from app.services.settings import get_setting
from db.session import Database
from ui.dialogs.backup_dialogs import RestoreDialog, confirm_restore_text
from ui.dialogs.guide_dialog import GuideDialog
from ui.errors import show_message
from ui.file_dialogs import DATABASES, open_file, save_file
from ui.ops import Op, run_op
from ui.pages import AREAS, Area, Page, make_page
from ui.pages.overview_page import OverviewPage, status_text
from ui.widgets.month_selector import MonthSelector

# How often the window looks whether another program or user changed the data (one small read).
CHANGE_POLL_MS = 4000


class Shell(Protocol):
    """What only the app around the window can do (see :class:`ui.startup.AppShell`):
    swap the database file underneath it and rebuild the window."""

    def restore_backup(self, backup: Path) -> Any: ...

    def switch_language(self, lang: str) -> Any: ...

    def new_database(self, path: Path) -> Any: ...

    def open_database(self, path: Path) -> Any: ...

    def connect_server(self, url: str) -> Any: ...


class MainWindow(QMainWindow):
    month_changed = Signal(str)

    def __init__(
        self,
        db: Database,
        *,
        month: str | None = None,
        shell: Shell | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.shell = shell
        self.restore_dialog: RestoreDialog | None = None
        self.message: QMessageBox | None = None
        self.setWindowTitle(APP_NAME)
        self._fit_to_screen()
        self._stale: set[str] = set()

        # Month selector in a fixed toolbar at the top.
        self.month_selector = MonthSelector(month, self)
        toolbar = QToolBar(tr("月份", "Month"), self)
        toolbar.setObjectName("monthToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        self.title_label = QLabel(self)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setContentsMargins(8, 0, 8, 0)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        month_label = QLabel(tr("月份：", "Month: "), self)
        toolbar.addWidget(self.title_label)
        toolbar.addWidget(spacer)
        toolbar.addWidget(month_label)
        toolbar.addWidget(self.month_selector)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        # Sidebar + pages.
        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setSpacing(2)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, Page] = {}
        self.areas: list[Area] = list(AREAS)
        style = self.style()
        for area in self.areas:
            item = QListWidgetItem(style.standardIcon(area.icon), area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(0, 34))
            self.sidebar.addItem(item)
            page = make_page(area.key, db)
            page.setObjectName(f"page_{area.key}")
            page.data_changed.connect(self._on_data_changed)
            self.pages[area.key] = page
            self.stack.addWidget(page)
        # Wide enough for the longest title in the current language (icon + text + padding).
        metrics = self.sidebar.fontMetrics()
        text_width = max(metrics.horizontalAdvance(area.title) for area in self.areas)
        self.sidebar.setFixedWidth(max(text_width + self.sidebar.iconSize().width() + 44, 120))

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        right = QVBoxLayout()
        right.setContentsMargins(8, 4, 8, 4)
        right.addWidget(self.stack)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)

        # Status bar: where the data is and what state the month is in.
        self.db_label = QLabel(tr(f"数据库：{db.location}", f"Database: {db.location}"), self)
        self.db_label.setToolTip(db.location)
        self.month_status_label = QLabel(self)
        # A demo branch says so: its figures are made up.
        self.demo_label = QLabel(tr("演示数据", "Demo data"), self)
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setStyleSheet(
            "QLabel#demoLabel { background: #fff3e0; color: #8a4500; border: 1px solid #f0a040;"
            " border-radius: 3px; padding: 0 6px; font-weight: bold; }"
        )
        self.demo_label.setToolTip(
            tr("这是演示网点：人员和数据均为虚构，仅供熟悉程序。", "A demo branch: its agents and figures are made up.")
        )
        self.demo_label.setVisible(False)
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.demo_label)
        self.statusBar().addPermanentWidget(self.month_status_label)
        # §10: the signed-in user (empty while the branch has no users)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.update_user_label()
        self.update_title()

        self._build_menus()
        settings_page = self.pages.get("settings")
        language_changed = getattr(settings_page, "language_changed", None)
        if language_changed is not None and shell is not None:
            language_changed.connect(self.offer_language_switch)
        offer_switch = getattr(settings_page, "offer_database_switch", None)
        if offer_switch is not None:
            offer_switch(self.open_database_action, self.connect_server_action)

        overview = self.pages.get("overview")
        if isinstance(overview, OverviewPage):
            overview.navigate.connect(self.show_area)  # its step buttons open the page of the step
        # The overview's and the payroll page's background checks say whether a calculated
        # month still matches its records; the status bar shows it too.
        for page in self.pages.values():
            checker = getattr(page, "checker", None)
            answered = getattr(checker, "answered", None)
            if answered is not None:
                answered.connect(self._on_pending_answer)

        self.sidebar.currentRowChanged.connect(self._on_area)
        self.month_selector.month_changed.connect(self.set_month)
        self._month = ""
        self._shown_key: str | None = None  # no page is in view until the first area is chosen
        self.set_month(self.month_selector.month())
        self.sidebar.setCurrentRow(0)  # loads the overview, and only it

        # Another program or user (the command line, a second window, a clerk at another desk on a
        # server database) may change the data: one small read every few seconds notices it, and
        # what the window shows is reloaded (db/versioning.py counts the write transactions).
        self._seen_changes = self._read_change_counter()
        self._outside_reload_due = False
        self.change_poll = QTimer(self)
        self.change_poll.setInterval(CHANGE_POLL_MS)
        self.change_poll.timeout.connect(self.check_outside_changes)
        self.change_poll.start()

    def _fit_to_screen(self) -> None:
        """Most of the screen (the pay tables are wide), never more than the screen has."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1180, 740)
            return
        area = screen.availableGeometry()
        self.resize(
            max(min(1180, area.width()), int(area.width() * 0.94)),
            max(min(740, area.height()), int(area.height() * 0.92)),
        )

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("文件(&F)", "&File"))
        file_menu.setToolTipsVisible(True)
        self.backup_action = QAction(tr("立即备份", "Back up now"), self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+B"))
        self.backup_action.setStatusTip(
            tr("把当前数据复制一份到备份文件夹", "Copy the current data into the backup folder")
        )
        self.backup_action.triggered.connect(self.backup_from_menu)
        self.open_backups_action = QAction(tr("打开备份文件夹", "Open the backup folder"), self)
        self.open_backups_action.triggered.connect(self.open_backup_folder)
        file_menu.addAction(self.backup_action)
        self.restore_action: QAction | None = None
        if self.shell is not None:
            # Restoring replaces the open database, which only the app shell around the window
            # can do (it closes and reopens the window); the app always has one (ui.startup.AppShell).
            self.restore_action = QAction(tr("恢复…", "Restore…"), self)
            self.restore_action.setStatusTip(
                tr("用一份备份替换当前数据", "Replace the current data by a backup")
            )
            self.restore_action.triggered.connect(self.open_restore_dialog)
            file_menu.addAction(self.restore_action)
        self.open_database_action: QAction | None = None
        self.connect_server_action: QAction | None = None
        self.new_database_action: QAction | None = None
        if self.shell is not None:
            self.open_database_action = QAction(tr("打开数据库…", "Open database…"), self)
            self.open_database_action.setStatusTip(
                tr(
                    "换到另一个 BranchPay 数据库文件；下次启动时会打开它",
                    "Switch to another BranchPay database file; the next start opens it",
                )
            )
            self.open_database_action.triggered.connect(self.open_database)
            file_menu.addAction(self.open_database_action)
            # Like a restore, only the shell can close this database and reopen the window on another.
            self.new_database_action = QAction(tr("新建空白数据库…", "New empty database…"), self)
            self.new_database_action.setStatusTip(
                tr(
                    "另建一个空白数据库文件并切换到它（例如离开演示数据）；当前数据库不会改动",
                    "Create a new, empty database file and switch to it (e.g. to leave the demo);"
                    " the current database is not changed",
                )
            )
            self.new_database_action.triggered.connect(self.new_database)
            file_menu.addAction(self.new_database_action)
            self.connect_server_action = QAction(tr("连接服务器数据库…", "Connect to a server database…"), self)
            self.connect_server_action.setStatusTip(
                tr("多人共用时：换到 PostgreSQL 服务器上的 BranchPay 数据库",
                   "For several users: switch to a BranchPay database on a PostgreSQL server")
            )
            self.connect_server_action.triggered.connect(self.connect_server)
            file_menu.addAction(self.connect_server_action)
        file_menu.addAction(self.open_backups_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("退出", "Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.audit_action = QAction(tr("审计日志…", "Audit log…"), self)
        self.audit_action.setStatusTip(tr("谁在何时改了什么（可筛选、导出 Excel）",
                                          "Who changed what, when (filters, Excel export)"))
        self.audit_action.triggered.connect(self.show_audit_log)
        file_menu.insertAction(quit_action, self.audit_action)
        file_menu.insertSeparator(quit_action)

        help_menu = self.menuBar().addMenu(tr("帮助(&H)", "&Help"))
        self.guide_action = QAction(tr("使用指南", "User guide"), self)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.triggered.connect(self.show_guide)
        help_menu.addAction(self.guide_action)
        about_action = QAction(tr("关于…", "About…"), self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def update_user_label(self) -> None:
        """The signed-in user in the status bar, and the pages' buttons that user's roles allow (§10)."""
        from app.services.users import role_names
        from ui.roles import current_roles, gate_page

        roles = current_roles(self.db)
        for key, page in self.pages.items():
            gate_page(page, key, roles)
        self.user_label.setVisible(roles.users)
        if roles.users:
            self.user_label.setText(tr(f"用户：{roles.name}", f"User: {roles.name}"))
            self.user_label.setToolTip(role_names(roles.roles, language()))

    @Slot()
    def show_audit_log(self) -> QDialog:
        from ui.dialogs.audit_dialog import AuditDialog

        dialog = AuditDialog(self.db, self._month, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.audit_dialog = dialog
        return dialog

    def update_title(self) -> None:
        """The window title names the branch (Settings' 网点名称), and a demo branch as demo data."""
        with self.db.session_scope() as session:
            branch = get_setting(session, "branch_name").strip()
            demo = bool(get_setting(session, "is_demo").strip())
        title = APP_NAME
        if demo:
            title = tr("演示数据", "Demo data") + " — " + title
        if branch:
            title = f"{branch} — {title}"
        self.setWindowTitle(title)
        self.demo_label.setVisible(demo)

    # --- month ------------------------------------------------------------------------

    def month(self) -> str:
        return self._month

    @Slot(str)
    def set_month(self, month: str) -> None:
        if month == self._month:
            return
        self._month = month
        if self.month_selector.month() != month:
            self.month_selector.set_month(month)  # re-enters through month_changed; guarded above
        # Only the page in view loads the month now; every other one when it is shown (catch_up).
        for key, page in self.pages.items():
            page.set_month(month, load=key == self._shown_key)
        self.month_changed.emit(month)
        self.update_month_status()

    def update_month_status(self, *, stale: bool | None = None) -> None:
        """The month and its status in the status bar; ``stale``: what the last check said (None: unknown)."""
        from app.services.signoff import STATUS_NAMES, chain_state

        with self.db.session_scope() as session:
            status = month_status(session, self._month)
            self.month_selector.show_statuses(month_statuses(session))  # each month's status beside it
            chain = chain_state(session, self._month) if status == "calculated" else None
        text = status_text(status)
        if chain is not None and chain.status in ("reviewed", "checked"):  # §10: how far the sign-off got
            text = STATUS_NAMES[chain.status].in_(language()) + tr("（未锁定）", " (not locked)")
        if status == "calculated" and stale:
            text = tr(
                "已核算，但计算后数据有变动，需重新计算",
                "calculated, but the records changed since: recalculate",
            )
        self.month_status_label.setText(tr(f"{self._month}：{text}", f"{self._month}: {text}"))
        self.month_status_label.setStyleSheet("color: #8a4500;" if status == "calculated" and stale else "")

    @Slot(str, object)
    def _on_pending_answer(self, month: str, changes: object) -> None:
        if month == self._month:
            self.update_month_status(stale=bool(changes))

    # --- pages ------------------------------------------------------------------------

    def current_key(self) -> str:
        return self.areas[self.stack.currentIndex()].key

    def show_area(self, key: str) -> Page:
        index = next(i for i, area in enumerate(self.areas) if area.key == key)
        self.sidebar.setCurrentRow(index)
        return self.pages[key]

    @Slot(int)
    def _on_area(self, row: int) -> None:
        if row < 0:
            return
        area = self.areas[row]
        self._shown_key = area.key
        page = self.pages[area.key]
        # A month chosen while the page was hidden (or never shown) is loaded now, just before it
        # shows, as if it had been loaded in the background: its own checks start once shown.
        caught_up = page.catch_up()
        self.stack.setCurrentIndex(row)
        self.title_label.setText(area.title)
        if caught_up:
            self._stale.discard(area.key)
        elif area.key in self._stale:
            self._stale.discard(area.key)
            page.refresh()

    @Slot(str)
    def _on_data_changed(self, what: str) -> None:
        """Pages that show ``what`` (see ``Page.reads``) reload: the one in view now, the others when shown."""
        sender = self.sender()
        current = self.current_key()
        for key, page in self.pages.items():
            if page is not sender and not page.shows(what):
                continue  # e.g. payslips written: the payroll page's check stays valid
            checker = getattr(page, "checker", None)
            if checker is not None:
                checker.drop()  # a check that read the records before this change must not answer
            if page is sender:
                continue
            if key != current:
                self._stale.add(key)
            elif checker is not None:
                # The page in view did not make the change (another page's background operation
                # did): a read-only view with a result check is refreshed, and so checked, now.
                page.refresh()
        self.update_month_status()
        if what == "settings":
            self.update_title()  # the branch name may have changed
            self.update_user_label()  # §10: users may have been set up (设置 → 用户与签核)

    # --- changes made by others ------------------------------------------------------

    def _read_change_counter(self) -> int | None:
        try:
            return self.db.data_change_counter()
        except Exception:  # noqa: BLE001 - a database gone for a moment: look again at the next tick
            return None

    @Slot()
    def check_outside_changes(self) -> bool:
        """Reload what another program or user changed since the last look; True when it did.

        The page in view reloads at once — unless a dialog is open over it (the user may be typing
        into a form), then at the first look after it closes. Other pages reload when next shown.
        A change this window made itself reloads nothing here (its pages already did)."""
        now = self._read_change_counter()
        seen = self._seen_changes
        if now is not None and seen is not None and now != seen:
            own = self.db.own_changes
            if any(v not in own for v in range(seen + 1, now + 1)) or now < seen:  # now < seen: a restore
                self._outside_reload_due = True
                for key, page in self.pages.items():
                    checker = getattr(page, "checker", None)
                    if checker is not None:
                        checker.drop()  # a result check that read the records before the change
                    if key != self.current_key():
                        self._stale.add(key)
            own.difference_update([v for v in own if v <= now])
        if now is not None:
            self._seen_changes = now
        if not self._outside_reload_due or QApplication.activeModalWidget() is not None:
            return False
        self._outside_reload_due = False
        page = self.pages[self.current_key()]
        if page.reload_on_outside_change:
            page.refresh()
            note = tr("其他用户或程序修改了数据，已重新载入。", "Another user or program changed the data; reloaded.")
        else:  # a page holding unsaved text (the plan editor, the settings) is not reloaded under the user
            self._stale.add(self.current_key())
            note = tr("其他用户或程序修改了数据；重新打开本页即可看到。",
                      "Another user or program changed the data; open this page again to see it.")
        self.update_month_status()
        self.statusBar().showMessage(note, 10_000)
        return True

    # --- menu actions -----------------------------------------------------------------

    @Slot()
    def show_guide(self) -> GuideDialog:
        dialog = GuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    @Slot()
    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setWindowTitle(tr("关于", "About"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"<b>{APP_NAME}</b><br>{tr('版本', 'Version')} {__version__}")
        box.setInformativeText(
            tr(
                "离线的网点客服薪酬核算工具：人员、考勤、质检、保单、奖惩与月度工资。",
                "Offline payroll for an insurance customer-service branch: agents, attendance, QA, "
                "sales, rewards and monthly pay.",
            )
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # --- backups ----------------------------------------------------------------------

    def server_backup_note(self) -> QMessageBox | None:
        """On a server database every backup entry explains that the server's own backups apply."""
        if not self.db.is_server:
            return None
        from app.services.server_backups import server_backup_advice

        self.message = show_message(self, server_backup_advice(self.db.location).text(language()),
                                    icon=QMessageBox.Icon.Information)
        return self.message

    @Slot()
    def backup_from_menu(self) -> Op | None:
        """文件 → 备份: a copy of the file, or, on a server database, what applies instead."""
        if self.server_backup_note() is not None:
            return None
        return self.backup_now()

    @Slot()
    def backup_now(self) -> Op:
        """Off the GUI thread: a large database takes a moment to copy."""

        def work(_token: object) -> Path:
            return backup_now(self.db)

        def done(path: Path) -> None:
            self.statusBar().showMessage(tr(f"已备份到 {path}", f"Backed up to {path}"), 10_000)
            self.message = show_message(
                self,
                tr(f"备份完成，文件保存在：\n{path}", f"Backup written to:\n{path}"),
                icon=QMessageBox.Icon.Information,
            )

        return run_op(self, work, label=tr("正在备份…", "Backing up…"), on_done=done)

    @Slot()
    def open_restore_dialog(self) -> RestoreDialog | None:
        if self.server_backup_note() is not None:
            return None
        dialog = RestoreDialog(list_backups(self.db.path), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.confirm_restore)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    @Slot(Path)
    def confirm_restore(self, backup: Path) -> QMessageBox:
        box = QMessageBox(self)
        box.setWindowTitle(tr("从备份恢复", "Restore from a backup"))
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(confirm_restore_text(backup))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(tr("恢复", "Restore"))
        box.button(QMessageBox.StandardButton.No).setText(tr("取消", "Cancel"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shell = self.shell

        def answered(_result: int) -> None:
            if box.clickedButton() is yes and shell is not None:
                # Queued: the shell closes this window, which must not happen inside its own slot.
                QTimer.singleShot(0, lambda: shell.restore_backup(backup))

        box.finished.connect(answered)
        self.message = box
        box.open()
        return box

    def ask_new_database_path(self) -> Path | None:
        """The file for a new database; None when cancelled. Replaceable in tests, so no dialog opens."""
        chosen = save_file(
            self,
            DATABASES,
            tr("新建空白数据库", "New empty database"),
            tr("新网点.sqlite3", "new-branch.sqlite3"),
            tr("数据库 (*.sqlite3)", "Database (*.sqlite3)"),
        )
        if chosen is None:
            return None
        return chosen if chosen.suffix else chosen.with_suffix(".sqlite3")

    def ask_server_url(self) -> str | None:
        """A server database URL; None when cancelled. Replaceable in tests, so no dialog opens."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(
            self, tr("连接服务器数据库", "Connect to a server database"),
            tr("地址（密码请放在 PGPASSWORD 或 ~/.pgpass 中）：", "Address (keep the password in PGPASSWORD or ~/.pgpass):"),
            QLineEdit.EchoMode.Normal, "postgresql+psycopg://user@host/branchpay",
        )
        return text.strip() if ok and text.strip() else None

    @Slot()
    def connect_server(self) -> None:
        url = self.ask_server_url()
        shell = self.shell
        if url is None or shell is None:
            return
        QTimer.singleShot(0, lambda: shell.connect_server(url))

    def ask_open_database_path(self) -> Path | None:
        """An existing database file; None when cancelled. Replaceable in tests, so no dialog opens."""
        return open_file(
            self,
            DATABASES,
            tr("打开数据库", "Open database"),
            tr("数据库 (*.sqlite3 *.db);;所有文件 (*)", "Database (*.sqlite3 *.db);;All files (*)"),
        )

    @Slot()
    def open_database(self) -> None:
        path = self.ask_open_database_path()
        shell = self.shell
        if path is None or shell is None:
            return
        # Queued: the shell closes this window, which must not happen inside its own slot.
        QTimer.singleShot(0, lambda: shell.open_database(path))

    @Slot()
    def new_database(self) -> None:
        path = self.ask_new_database_path()
        shell = self.shell
        if path is None or shell is None:
            return
        # Queued: the shell closes this window, which must not happen inside its own slot.
        QTimer.singleShot(0, lambda: shell.new_database(path))

    def open_url(self, url: QUrl) -> bool:
        """Replaceable in tests, so they never start the file manager."""
        return QDesktopServices.openUrl(url)

    @Slot()
    def open_backup_folder(self) -> bool:
        if self.server_backup_note() is not None:
            return False
        folder = backup_folder(self.db)
        folder.mkdir(parents=True, exist_ok=True)
        return self.open_url(QUrl.fromLocalFile(str(folder)))

    # --- language ---------------------------------------------------------------------

    @Slot(str)
    def offer_language_switch(self, lang: str) -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_NAME)
        box.setText(
            tr(
                "界面语言已保存。现在重新打开窗口以切换语言吗？（数据都已保存）",
                "The language was saved. Reopen the window now to switch? (All data is saved.)",
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(tr("现在切换", "Switch now"))
        box.button(QMessageBox.StandardButton.No).setText(tr("下次启动时", "At the next start"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shell = self.shell

        def answered(_result: int) -> None:
            if box.clickedButton() is yes and shell is not None:
                QTimer.singleShot(0, lambda: shell.switch_language(lang))

        box.finished.connect(answered)
        self.message = box
        box.open()
        return box
