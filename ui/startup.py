"""Everything between double-clicking the icon and seeing the window, and the app's life after it.

:func:`start` runs the start-up checks in order — one copy per database, an intact file,
first-run welcome, the app password, the scheduled backup — and returns an
:class:`AppShell` that owns the database, the instance lock and the main window, and can
rebuild the window (after a restore or a language switch) and lock it when left idle.

Every question goes through a :class:`Prompter`. The real one (:class:`DialogPrompter`)
shows modal dialogs; tests pass one with scripted answers, so no test ever blocks in
``exec()``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from app import APP_NAME
from app.i18n import LANGUAGES, language, set_language, tr
from app.services.backups import (
    DamagedChoice,
    RestoreResult,
    backup_if_due,
    recover_damaged,
    restore_database,
)
from app.services.db_errors import describe as describe_db_error
from app.services.errors import ServiceError
from app.services.security import password_is_set, verify_password
from app.services.settings import get_setting, set_setting
from db.backup import EMPTY_PROBLEM, BackupInfo, check_file, newest_good_backup, table_count
from db.files import sqlite_uri
from db.instance_lock import AlreadyRunning, InstanceLock
from db.integrity_stamp import known_good, remember_good
from db.models import Agent
from db.server import display_url, is_server_url
from db.session import Database
from ui.dialogs.backup_dialogs import DamagedDialog
from ui.dialogs.password_dialog import LockOverlay, PasswordPrompt
from ui.dialogs.welcome_dialog import StartWith, WelcomeChoice, WelcomeDialog
from ui.errors import error_text, show_error, show_message, unexpected_text
from ui.main_window import MainWindow
from ui.preferences import remember_database
from ui.single_instance import ActivationServer, ask_running_copy_to_show
from ui.translations import install_qt_translations, set_command_line_language

log = logging.getLogger("branchpay.ui.startup")

PASSWORD_TRIES = 3


class Prompter(Protocol):
    """The questions start-up may ask. Each returns the user's answer; None means "quit"."""

    def already_running(self, db_path: Path) -> None: ...

    def damaged(self, db_path: Path, problem: str, backup: BackupInfo | None) -> DamagedChoice: ...

    def welcome(self, default_branch: str) -> WelcomeChoice | None: ...

    def password(self, message: str) -> str | None: ...

    def sign_in(self, names: list[str], verify: Callable[[str, str], str | None]) -> str | None: ...

    def inform(self, text: str) -> None: ...

    def fail(self, text: str) -> None: ...


@contextlib.contextmanager
def busy_cursor() -> Iterator[None]:
    """A wait cursor for the second or so that start-up work (the demo, a restore) takes before any window.

    Without a QApplication (a script, a test of the checks alone) there is no cursor to set: Qt would abort.
    """
    if not isinstance(QCoreApplication.instance(), QApplication):
        yield
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class DialogPrompter:
    """The real answers: modal dialogs. Blocking is right here — there is no window yet to keep alive."""

    def already_running(self, db_path: Path) -> None:
        QMessageBox.critical(None, APP_NAME, already_running_text(db_path))

    def damaged(self, db_path: Path, problem: str, backup: BackupInfo | None) -> DamagedChoice:
        dialog = DamagedDialog(db_path, backup, empty=problem == EMPTY_PROBLEM)
        dialog.exec()
        return dialog.answer

    def welcome(self, default_branch: str) -> WelcomeChoice | None:
        dialog = WelcomeDialog(default_branch)
        if dialog.exec() != WelcomeDialog.DialogCode.Accepted:
            return None
        return dialog.choice()

    def password(self, message: str) -> str | None:
        dialog = PasswordPrompt(None, message)
        if dialog.exec() != PasswordPrompt.DialogCode.Accepted:
            return None
        return dialog.password()

    def sign_in(self, names: list[str], verify: Callable[[str, str], str | None]) -> str | None:
        from ui.dialogs.sign_in_dialog import SignInDialog

        dialog = SignInDialog(None, names, verify)
        if dialog.exec() != SignInDialog.DialogCode.Accepted:
            return None
        return dialog.signed_in

    def inform(self, text: str) -> None:
        QMessageBox.information(None, APP_NAME, text)

    def fail(self, text: str) -> None:
        QMessageBox.critical(None, APP_NAME, text)


def already_running_text(db_path: Path) -> str:
    return tr(
        f"另一个 BranchPay 正在使用该数据库：\n{db_path}\n\n"
        "请切换到已经打开的那个窗口。如果找不到它，请等一会儿再试，或重新启动电脑。",
        f"Another BranchPay is already using this database:\n{db_path}\n\n"
        "Please switch to the window that is already open. If you cannot find it, wait a moment "
        "and try again, or restart the computer.",
    )


# --- the checks, one function each ------------------------------------------------------------


def peek_language(db_path: Path) -> str | None:
    """The saved language, read without opening the database properly, so even the first dialog speaks it.

    Any problem (no file, damaged file, old schema) simply means "not known yet".
    """
    if not Path(db_path).is_file():
        return None
    try:
        conn = sqlite3.connect(sqlite_uri(db_path), uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    value = row[0] if row else None
    return value if value in LANGUAGES else None


def apply_language(lang: str) -> None:
    """Our strings and Qt's own buttons both follow ``lang``; call before building widgets."""
    set_language(lang)
    app = QCoreApplication.instance()
    if app is not None:
        install_qt_translations(app, lang)


def acquire_lock(db_path: Path, prompter: Prompter) -> InstanceLock | None:
    """Refuse a second copy on the same database: two writers would overwrite each other's work."""
    lock = InstanceLock(db_path)
    try:
        lock.acquire()
    except AlreadyRunning:
        if ask_running_copy_to_show(db_path):
            log.info("another instance holds %s; asked it to come to the front", lock.path)
            return None
        log.warning("refused: another instance holds %s", lock.path)
        prompter.already_running(db_path)
        return None
    return lock


def check_integrity(db_path: Path, prompter: Prompter) -> bool:
    """False when the user chose to quit. A damaged file is moved aside, never deleted."""
    if not Path(db_path).exists():
        return True
    if known_good(db_path):  # unchanged since it last passed (db/integrity_stamp.py)
        return True
    problem = check_file(db_path)
    if problem is None and not _holds_nothing(db_path):
        remember_good(db_path)
    if problem is None and _holds_nothing(db_path):
        # A 0-byte (or never-initialised) file beside good backups: something emptied it. Offer the
        # newest backup before the first-run welcome would start the branch over.
        if newest_good_backup(db_path) is None:
            return True
        problem = EMPTY_PROBLEM
    if problem is None:
        return True
    log.error("database %s is damaged: %s", db_path, problem)
    backup = newest_good_backup(db_path)
    choice = prompter.damaged(db_path, problem, backup)
    if choice is DamagedChoice.QUIT:
        return False
    try:
        with busy_cursor():
            recovery = recover_damaged(db_path, choice, backup.path if backup else None)
    except ServiceError as exc:
        prompter.fail(exc.text(language()))
        return False
    assert recovery is not None
    if recovery.restored_from is not None:
        prompter.inform(
            tr(
                f"已从备份 {recovery.restored_from.name} 恢复。\n损坏的文件保存在：\n{recovery.moved_to}",
                f"Restored from the backup {recovery.restored_from.name}.\n"
                f"The damaged file was kept as:\n{recovery.moved_to}",
            )
        )
    else:
        prompter.inform(
            tr(
                f"已改用空白数据库。\n损坏的文件保存在：\n{recovery.moved_to}",
                f"Starting with an empty database.\nThe damaged file was kept as:\n{recovery.moved_to}",
            )
        )
    return True


def _is_branchpay_file(path: Path) -> bool:
    """A SQLite file with this program's tables (an empty or foreign file is not opened, or migrated)."""
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return {"agents", "alembic_version"} <= names


def _holds_nothing(db_path: Path) -> bool:
    try:
        return table_count(db_path) == 0
    except sqlite3.Error:
        return False


def needs_welcome(db: Database) -> bool:
    from app.services.users import users_exist

    with db.session_scope() as session:
        done = get_setting(session, "first_run_done").strip()
        agents = session.scalar(select(func.count(Agent.id))) or 0
        # §10: a branch set up with users (e.g. from the command line) is past its first run
        users = users_exist(session)
    return not done and agents == 0 and not users


def apply_welcome(db: Database, choice: WelcomeChoice) -> None:
    """Save the first-run answers; the demo fills the branch in the same unit of work."""
    from app.services.demo import fill_demo
    from app.services.setup import initialise

    with db.session_scope(write=True) as session:
        initialise(session)
        set_setting(session, "branch_name", choice.branch_name or get_setting(session, "branch_name"))
        set_setting(session, "language", choice.language)
        if choice.start is StartWith.DEMO:
            fill_demo(session)
        set_setting(session, "first_run_done", "1")


def sign_in_verifier(db: Database) -> Callable[[str, str], str | None]:
    """``verify(name, password)`` for the sign-in dialogs: None when right, else why not (in the user's
    language). Each try is counted in the database (five wrong ones lock the user for a minute)."""
    from app.services.users import authenticate

    def verify(name: str, password: str) -> str | None:
        with db.session_scope(write=True) as session:
            got = authenticate(session, name, password)
        if got.ok:
            return None
        log.warning("sign-in refused")
        assert got.reason is not None
        return got.reason.in_(language())

    return verify


def check_sign_in(db: Database, prompter: Prompter) -> bool:
    """§10: once the branch has users, the window opens only for a signed-in user (``db.acting_user``)."""
    from app.services.users import list_users

    with db.session_scope() as session:
        names = [u.name for u in list_users(session) if u.active]
    if not names:
        return True
    verify = sign_in_verifier(db)
    name = prompter.sign_in(names, verify)
    if name is None:
        return False
    with db.session_scope() as session:
        user = next((u for u in list_users(session) if u.name.casefold() == name.casefold()), None)
    db.acting_user = user.name if user is not None else name
    return True


def check_password(db: Database, prompter: Prompter, *, tries: int = PASSWORD_TRIES) -> bool:
    """True when no password is set or the right one was typed within ``tries``."""
    with db.session_scope() as session:
        stored = get_setting(session, "app_password_hash")
    if not password_is_set(stored):
        return True
    message = tr("请输入程序密码：", "Enter the app password:")
    for attempt in range(1, tries + 1):
        typed = prompter.password(message)
        if typed is None:
            return False
        if verify_password(typed, stored):
            return True
        left = tries - attempt
        log.warning("wrong app password (attempt %d of %d)", attempt, tries)
        message = tr(f"密码不正确，还可以再试 {left} 次：", f"Wrong password; {left} more tries:")
    prompter.fail(
        tr("密码连续输错 3 次，程序将退出。", "The password was wrong 3 times; the app will close.")
    )
    return False


def scheduled_backup(db: Database, prompter: Prompter | None = None) -> Path | None:
    """A failed scheduled backup never stops the user from working, but the user is told (and it is logged)."""
    try:
        return backup_if_due(db)
    except Exception as exc:  # noqa: BLE001 - a full disk must not block the start
        log.exception("scheduled backup failed")
        if prompter is not None:
            prompter.inform(backup_failed_text(exc))
        return None


def backup_failed_text(exc: BaseException) -> str:
    problem = describe_db_error(exc)
    reason = problem.text(language()) if problem is not None else error_text(exc)
    return tr(
        f"定期备份没有完成：{reason}\n\n程序可以照常使用，但在问题解决之前不会有新的备份。"
        "解决后可在 设置 → 备份 中点击“立即备份”。",
        f"The scheduled backup did not complete: {reason}\n\nYou can keep working, but there is no new backup "
        "until this is solved. Afterwards, use Settings → Backup → Back up now.",
    )


def start(
    db_path: Path | str,
    prompter: Prompter,
    *,
    lang_override: str | None = None,
    month: str | None = None,
) -> AppShell | None:
    """Run every start-up check; None when the app should exit (the user was told why)."""
    # A server database (db/server.py) has no file to lock or check: several clerks share it.
    server = is_server_url(db_path)
    db_path = db_path if server else Path(db_path)
    set_command_line_language(lang_override)  # the settings page says why the window differs from the setting
    lock = None if server else acquire_lock(Path(db_path), prompter)
    if lock is None and not server:
        return None
    db: Database | None = None
    try:
        if not server and not check_integrity(Path(db_path), prompter):
            _release(lock)
            return None
        try:
            db = Database(db_path)
        except Exception as exc:  # noqa: BLE001 - a short message for the user, the details in the log
            shown = display_url(db_path)
            log.exception("could not open the database %s", shown)
            problem = describe_db_error(exc)
            prompter.fail(
                problem.text(language())
                if problem is not None
                else tr(f"无法打开数据库 {shown}。", f"Could not open the database {shown}.")
                + "\n\n"
                + unexpected_text()
            )
            _release(lock)
            return None
        if lang_override is None:
            with db.session_scope() as session:
                saved = get_setting(session, "language")
            if saved in LANGUAGES and saved != language():
                apply_language(saved)
        open_import = False
        if needs_welcome(db):
            with db.session_scope() as session:
                default_branch = get_setting(session, "branch_name")
            choice = prompter.welcome(default_branch)
            if choice is not None and choice.start is StartWith.SERVER:
                # The branch's data is on a server: this PC's new file stays unused (and is not set up).
                db.dispose()
                db = None
                _release(lock)
                lock = None
                return start(choice.server_url, prompter, lang_override=lang_override, month=month)
            if choice is not None:
                with busy_cursor():
                    apply_welcome(db, choice)
                if lang_override is None and choice.language != language():
                    apply_language(choice.language)
                open_import = choice.start is StartWith.IMPORT
        if not check_password(db, prompter) or not check_sign_in(db, prompter):
            db.dispose()
            _release(lock)
            return None
        scheduled_backup(db, prompter)
        return AppShell(db, lock, month=month, open_import=open_import)
    except BaseException:
        if db is not None:
            db.dispose()
        _release(lock)
        raise


def _release(lock: InstanceLock | None) -> None:
    if lock is not None:
        lock.release()


def _activation_key(db: Database) -> Path:
    """What a second start on the same database finds this window by (a server's URL, shown without password)."""
    return Path(db.location) if db.is_server else db.path


# --- idle lock ---------------------------------------------------------------------------------

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleLock(QObject):
    """Locks the window after ``timeout_ms`` without keyboard or mouse input anywhere in the app.

    An event filter on the QApplication only notes the time of the last input (cheap: it
    runs for every event); a slow timer compares. The password is read from the database at
    each try, so a password changed in the settings counts at once.
    """

    locked_changed = Signal(bool)

    def __init__(
        self, window: MainWindow, db: Database, *, timeout_ms: int, check_ms: int | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.timeout_ms = timeout_ms
        self.locked = False
        self.overlay: LockOverlay | None = None
        self.prompt: PasswordPrompt | None = None
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms or max(min(timeout_ms // 4, 15_000), 10))
        self._timer.timeout.connect(self._check)
        app = QCoreApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self.locked and event.type() in INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def idle_ms(self) -> float:
        return (time.monotonic() - self._last_input) * 1000

    @Slot()
    def _check(self) -> None:
        if not self.locked and self.idle_ms() >= self.timeout_ms:
            self.lock()

    def verify(self, password: str) -> bool:
        if self.db.acting_user:  # §10: the signed-in user's own password unlocks the window
            return sign_in_verifier(self.db)(self.db.acting_user, password) is None
        with self.db.session_scope() as session:
            stored = get_setting(session, "app_password_hash")
        # A password removed in the meantime must not leave the user locked out.
        return not password_is_set(stored) or verify_password(password, stored)

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        log.info("window locked after %d ms idle", int(self.idle_ms()))
        self.overlay = LockOverlay(self.window)
        self.overlay.show()
        self.overlay.raise_()
        who = self.db.acting_user
        prompt = PasswordPrompt(
            self.window,
            tr(
                f"窗口已锁定。请输入 {who} 的密码继续：",
                f"The window is locked. Enter the password of {who} to continue:",
            )
            if who
            else tr(
                "窗口已锁定。请输入程序密码继续：",
                "The window is locked. Enter the app password to continue:",
            ),
            verify=self.verify,
            quit_text=tr("退出程序", "Quit the app"),
        )
        prompt.setWindowModality(Qt.WindowModality.WindowModal)
        prompt.accepted.connect(self.unlock)
        prompt.quit_requested.connect(self.window.close)
        self.prompt = prompt
        prompt.open()
        self.locked_changed.emit(True)

    def try_unlock(self, password: str) -> bool:
        """What the lock dialog's OK does; tests call it directly."""
        if not self.verify(password):
            if self.prompt is not None:
                self.prompt.show_error(tr("密码不正确，请重试。", "Wrong password, please try again."))
            return False
        self.unlock()
        return True

    @Slot()
    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        if self.prompt is not None:
            prompt, self.prompt = self.prompt, None
            prompt.accepted.disconnect(self.unlock)
            prompt.done(PasswordPrompt.DialogCode.Accepted)
            prompt.deleteLater()
        if self.overlay is not None:
            self.overlay.hide()
            self.overlay.deleteLater()
            self.overlay = None
        self._last_input = time.monotonic()
        self.locked_changed.emit(False)

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.unlock()


# --- the running app -----------------------------------------------------------------------------


class AppShell(QObject):
    """Owns the instance lock, the open database and the main window for the life of the app.

    Restoring a backup or switching the language replaces the database or the widgets
    underneath the window, so the shell builds a fresh window rather than asking every page
    to reload itself.
    """

    window_replaced = Signal(object)

    def __init__(
        self,
        db: Database,
        lock: InstanceLock | None,
        *,
        month: str | None = None,
        open_import: bool = False,
        idle_check_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.lock = lock
        self.open_import = open_import
        self.idle_lock: IdleLock | None = None
        self.idle_check_ms = idle_check_ms
        self.idle_timeout_override_ms: int | None = None  # tests shorten the idle time
        self.prompter: Prompter = DialogPrompter()  # questions asked when opening another database
        self.window = self._build(month)
        self.activation = ActivationServer(_activation_key(db), self.bring_to_front, self)
        remember_database(db.address)

    def bring_to_front(self) -> None:
        """A second start on this database: show this window instead, and say why it came forward."""
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        window.statusBar().showMessage(
            tr(
                "BranchPay 已经在运行：再次打开时会切换到这个窗口。",
                "BranchPay is already running: opening it again brings this window forward.",
            ),
            15_000,
        )

    def _build(self, month: str | None) -> MainWindow:
        window = MainWindow(self.db, month=month, shell=self)
        settings_page = window.pages.get("settings")
        if settings_page is not None:
            settings_page.data_changed.connect(self._on_settings_changed)
        return window

    def show(self, page: str | None = None) -> MainWindow:
        if page:
            with contextlib.suppress(StopIteration):
                self.window.show_area(page)
        self.window.showMaximized()  # wide pay tables: use the whole screen, as a spreadsheet would
        self.configure_idle_lock()
        if self.open_import:
            self.open_import = False
            QTimer.singleShot(0, self._start_import)
        return self.window

    @Slot()
    def _start_import(self) -> None:
        page = self.window.show_area("agents")
        import_file = getattr(page, "import_file", None)
        if callable(import_file):
            import_file()

    @Slot(str)
    def _on_settings_changed(self, _what: str) -> None:
        self.configure_idle_lock()

    def idle_timeout_ms(self) -> int:
        """0 when no lock applies: no password, or idle lock switched off."""
        if self.idle_timeout_override_ms is not None:
            return self.idle_timeout_override_ms
        with self.db.session_scope() as session:
            stored = get_setting(session, "app_password_hash")
            minutes_text = get_setting(session, "idle_lock_minutes")
        if not password_is_set(stored) and not self.db.acting_user:
            return 0
        try:
            minutes = int(minutes_text.strip())
        except ValueError:
            minutes = 0
        return max(minutes, 0) * 60_000

    def configure_idle_lock(self) -> IdleLock | None:
        timeout = self.idle_timeout_ms()
        if self.idle_lock is not None:
            if timeout and timeout == self.idle_lock.timeout_ms and self.idle_lock.window is self.window:
                return self.idle_lock
            self.idle_lock.stop()
            self.idle_lock.deleteLater()
            self.idle_lock = None
        if timeout:
            self.idle_lock = IdleLock(self.window, self.db, timeout_ms=timeout, check_ms=self.idle_check_ms)
        return self.idle_lock

    # --- rebuilding ---------------------------------------------------------------------------

    def _replace_window(self) -> MainWindow:
        old = self.window
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock.deleteLater()
            self.idle_lock = None
        new = self._build(old.month())
        with contextlib.suppress(StopIteration):
            new.show_area(old.current_key())
        new.setGeometry(old.geometry())
        if old.isMaximized():
            new.showMaximized()
        elif old.isVisible():
            new.show()
        self.window = new
        old.close()
        old.deleteLater()
        if new.isVisible():
            self.configure_idle_lock()
        self.window_replaced.emit(new)
        return new

    def restore_backup(self, backup: Path) -> RestoreResult | None:
        """Close the database, restore ``backup`` over it, reopen it and rebuild the window; None if refused."""
        QThreadPool.globalInstance().waitForDone()  # no worker may hold a connection while the file is swapped
        try:
            with busy_cursor():
                result = restore_database(self.db, backup)
        except ServiceError as exc:
            show_error(self.window, exc)
            return None
        # §10: the user signed in goes on working (the restored file's roles for that name apply).
        result.db.acting_user = self.db.acting_user
        self.db = result.db
        new = self._replace_window()
        safety = (
            tr(
                f"\n恢复前的数据已另存为：\n{result.safety_backup}",
                f"\nThe data as it was before was saved as:\n{result.safety_backup}",
            )
            if result.safety_backup
            else ""
        )
        show_message(
            new,
            tr(f"已从 {backup.name} 恢复数据。", f"The data was restored from {backup.name}.") + safety,
            icon=QMessageBox.Icon.Information,
        )
        return result

    def new_database(self, path: Path) -> MainWindow | None:
        """Create an empty database at ``path`` and reopen the window on it; None if refused.

        The database open until now is left as it is (closed, not changed): the user can go back to it
        by starting the app on that file. An existing file is never overwritten.
        """
        path = Path(path)
        if path.exists() or Path(f"{path}-wal").exists():
            show_message(
                self.window,
                tr(
                    f"文件已存在：{path}\n为免覆盖其中的数据，请换一个新的文件名。",
                    f"The file already exists: {path}\nChoose a new file name so its data is not overwritten.",
                ),
            )
            return None
        lock = InstanceLock(path)
        db: Database | None = None
        try:
            lock.acquire()
        except AlreadyRunning:
            show_message(self.window, already_running_text(path))
            return None
        except OSError as exc:  # e.g. a folder without write permission: nothing was created
            log.warning("could not lock %s for a new database: %s", path, type(exc).__name__)
            show_message(
                self.window,
                tr(
                    f"无法在此位置新建数据库：{path}\n请选择一个可以写入的文件夹。",
                    f"Could not create a database here: {path}\nChoose a folder you can write to.",
                ),
                icon=QMessageBox.Icon.Critical,
            )
            return None
        try:
            with busy_cursor():
                db = Database(path)
                from app.services.setup import initialise

                with db.session_scope(write=True) as session:
                    initialise(session)
                    set_setting(session, "language", language())
                    set_setting(session, "first_run_done", "1")  # chosen as empty: no welcome on it
        except Exception as exc:  # noqa: BLE001 - a short message for the user, the details in the log
            log.exception("could not create the database %s", path)
            self._give_up(
                exc, db, lock, tr(f"无法新建数据库 {path}。", f"Could not create the database {path}.")
            )
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
            return None
        old_path = self.db.location
        new = self._switch_to(db, lock)
        show_message(
            new,
            tr(
                f"已新建空白数据库：\n{path}\n原来的数据库没有改动：\n{old_path}",
                f"A new empty database was created:\n{path}\nThe previous database was not changed:\n{old_path}",
            ),
            icon=QMessageBox.Icon.Information,
        )
        return new

    def _switch_to(self, db: Database, lock: InstanceLock | None) -> MainWindow:
        """Close the open database (unchanged) and rebuild the window on ``db``, remembered for the next start."""
        QThreadPool.globalInstance().waitForDone()  # no worker may still use the database being closed
        old_db, old_lock = self.db, self.lock
        self.activation.close()
        self.db, self.lock = db, lock
        self.activation = ActivationServer(_activation_key(db), self.bring_to_front, self)
        new = self._replace_window()
        old_db.dispose()
        if old_lock is not None:
            old_lock.release()
        remember_database(db.address)
        return new

    def open_database(self, path: Path) -> MainWindow | None:
        """Switch the window to the existing BranchPay database at ``path``; None if refused or cancelled.

        The same checks as a start run on it (another copy holding it, damage, its password); the
        database open until now is closed unchanged. The next start without ``--db`` opens ``path``.
        """
        path = Path(path)
        if not self.db.is_server and path.resolve() == Path(self.db.path).resolve():
            show_message(
                self.window, tr(f"这个数据库已经打开：{path}", f"This database is already open: {path}")
            )
            return None
        if not path.is_file() or not _is_branchpay_file(path):
            show_message(
                self.window,
                tr(
                    f"{path}\n不是 BranchPay 的数据库文件。请选择以前由本程序保存的 .sqlite3 文件。",
                    f"{path}\nis not a BranchPay database. Choose a .sqlite3 file this program saved.",
                ),
            )
            return None
        lock = InstanceLock(path)
        try:
            lock.acquire()
        except AlreadyRunning:
            show_message(self.window, already_running_text(path))
            return None
        db: Database | None = None
        try:
            if not check_integrity(path, self.prompter):
                lock.release()
                return None
            with busy_cursor():
                db = Database(path)
            if not check_password(db, self.prompter) or not check_sign_in(db, self.prompter):
                db.dispose()
                lock.release()
                return None
        except Exception as exc:  # noqa: BLE001 - a short message for the user, the details in the log
            log.exception("could not open the database %s", path)
            self._give_up(
                exc, db, lock, tr(f"无法打开数据库 {path}。", f"Could not open the database {path}.")
            )
            return None
        return self._switch_to(db, lock)

    def connect_server(self, url: str) -> MainWindow | None:
        """Switch the window to the server database at ``url`` (docs/server-database.md); None if refused.

        Its sign-in is asked as at a start; the database open until now is closed unchanged."""
        shown = display_url(url)
        if not is_server_url(url):
            show_message(self.window, tr(f"不是服务器数据库地址：{shown}\n格式：postgresql+psycopg://用户@主机/数据库",
                                         f"Not a server database address: {shown}\n"
                                         "Form: postgresql+psycopg://user@host/dbname"))
            return None
        db: Database | None = None
        try:
            with busy_cursor():
                db = Database(url)
            if not check_password(db, self.prompter) or not check_sign_in(db, self.prompter):
                db.dispose()
                return None
        except Exception as exc:  # noqa: BLE001 - a short message for the user, the details in the log
            log.exception("could not open the database %s", shown)
            self._give_up(exc, db, None, tr(f"无法连接数据库 {shown}。", f"Could not connect to the database {shown}."))
            return None
        return self._switch_to(db, None)

    def _give_up(self, exc: Exception, db: Database | None, lock: InstanceLock | None, headline: str) -> None:
        """Close what was opened of another database, keep this one, and say why in plain words."""
        if db is not None:
            db.dispose()
        with contextlib.suppress(Exception):
            _release(lock)
        problem = describe_db_error(exc)
        show_message(
            self.window,
            headline + "\n\n" + (problem.text(language()) if problem is not None else unexpected_text()),
            icon=QMessageBox.Icon.Critical,
        )

    def switch_language(self, lang: str) -> MainWindow:
        apply_language(lang)
        return self._replace_window()

    def close(self) -> None:
        self.activation.close()
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        QThreadPool.globalInstance().waitForDone()
        self.db.dispose()
        if not self.db.is_server:
            remember_good(self.db.path)  # closed normally: the next start need not check the whole file
        if self.lock is not None:
            self.lock.release()
            self.lock = None
