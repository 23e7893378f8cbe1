"""Start-up checks and the running app shell, driven with scripted answers (no dialog ever blocks)."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QUrl
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app import APP_NAME
from app.i18n import language, set_language
from app.services.agents import AgentInput, add_agent, list_agents
from app.services.backups import DamagedChoice, backup_now, list_backups
from app.services.security import hash_password
from app.services.settings import get_setting, set_setting
from db.backup import BackupInfo, check_file, make_backup
from db.instance_lock import AlreadyRunning, InstanceLock
from db.models import Scorecard
from db.session import Database
from ui.dialogs.backup_dialogs import DamagedDialog, RestoreDialog
from ui.dialogs.welcome_dialog import StartWith, WelcomeChoice, WelcomeDialog
from ui.main_window import MainWindow
from ui.pages.settings_page import SettingsPage
from ui.startup import (
    AppShell,
    acquire_lock,
    check_integrity,
    check_password,
    needs_welcome,
    peek_language,
    scheduled_backup,
    start,
)
from ui.translations import install_qt_translations

pytestmark = pytest.mark.gui


@dataclass
class Scripted:
    """Answers given in advance; records what was asked."""

    damaged_answer: DamagedChoice = DamagedChoice.QUIT
    welcome_answer: WelcomeChoice | None = None
    welcome_answers: list[WelcomeChoice] = field(default_factory=list)  # taken first, one per welcome
    passwords: list[str | None] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    sign_ins: list[tuple[str, str]] = field(default_factory=list)

    def already_running(self, db_path: Path) -> None:
        self.asked.append("already_running")

    def damaged(self, db_path: Path, problem: str, backup: BackupInfo | None) -> DamagedChoice:
        self.asked.append("damaged")
        return self.damaged_answer

    def welcome(self, default_branch: str) -> WelcomeChoice | None:
        self.asked.append("welcome")
        if self.welcome_answers:
            return self.welcome_answers.pop(0)
        return self.welcome_answer

    def password(self, message: str) -> str | None:
        self.asked.append("password")
        self.texts.append(message)
        return self.passwords.pop(0) if self.passwords else None

    def sign_in(self, names: list[str], verify: Callable[[str, str], str | None]) -> str | None:
        self.asked.append("sign_in")
        while self.sign_ins:
            name, password = self.sign_ins.pop(0)
            problem = verify(name, password)
            if problem is None:
                return name
            self.texts.append(problem)
        return None

    def inform(self, text: str) -> None:
        self.asked.append("inform")
        self.texts.append(text)

    def fail(self, text: str) -> None:
        self.asked.append("fail")
        self.texts.append(text)


@pytest.fixture
def shells(qtbot: QtBot) -> Iterator[list[AppShell]]:
    """Every shell a test starts is closed (window, database, lock) at the end."""
    started: list[AppShell] = []
    yield started
    for shell in started:
        shell.window.close()
        shell.close()
        # Delete the windows now, in order, rather than whenever Python's garbage collector gets
        # to them: a QWidget tree freed by the collector in the middle of a later test's event
        # loop can crash the worker.
        shell.window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    started.clear()
    gc.collect()


def _agent(code: str) -> AgentInput:
    return AgentInput(code, "测试", Decimal("4000.00"), date(2024, 1, 1))


def _codes(db: Database) -> set[str]:
    with db.session_scope() as s:
        return {a.code for a in list_agents(s)}


def _garbage(path: Path) -> None:
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    path.write_bytes(b"\x00garbage, not a database\xff" * 500)


# --- (a) one copy per database ---------------------------------------------------------------


def test_second_instance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    prompter = Scripted()
    with InstanceLock(path):
        assert acquire_lock(path, prompter) is None
        assert start(path, prompter) is None
    assert prompter.asked == ["already_running", "already_running"]
    lock = acquire_lock(path, prompter)  # free again once the other copy ends
    assert lock is not None
    lock.release()


def test_main_exits_1_when_already_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import main
    from ui import startup

    shown: list[str] = []
    monkeypatch.setattr(startup.DialogPrompter, "already_running", lambda self, p: shown.append(str(p)))
    # main() installs process-wide logging and an excepthook; keep them out of the other tests.
    monkeypatch.setattr("ui.errors.configure_logging", lambda folder: folder / "branchpay.log")
    monkeypatch.setattr("ui.errors.install_excepthook", lambda: None)
    path = tmp_path / "branchpay.sqlite3"
    with InstanceLock(path):
        assert main.main(["--db", str(path), "--lang", "zh"]) == 1
    assert shown == [str(path)]
    install_qt_translations(QCoreApplication.instance(), "en")  # type: ignore[arg-type]
    QLocale.setDefault(QLocale.c())
    set_language("zh")


# --- (b) a damaged database -------------------------------------------------------------------


def _with_a_backup(folder: Path) -> Path:
    """A database holding agent A001, with a scheduled backup of it beside it (closed again)."""
    path = folder / "branchpay.sqlite3"
    db = Database(path)
    with db.session_scope() as s:
        add_agent(s, _agent("A001"))
    make_backup(path, reason="scheduled")
    db.dispose()
    return path


def test_damaged_database_restores_the_newest_backup(qtbot: QtBot, tmp_path: Path) -> None:
    path = _with_a_backup(tmp_path)
    _garbage(path)
    damaged_bytes = path.read_bytes()

    prompter = Scripted(damaged_answer=DamagedChoice.RESTORE)
    assert check_integrity(path, prompter)
    assert prompter.asked == ["damaged", "inform"]
    aside = list(tmp_path.glob("branchpay.sqlite3.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes  # moved, never deleted
    assert check_file(path) is None
    reopened = Database(path)
    assert _codes(reopened) == {"A001"}
    reopened.dispose()
    assert str(aside[0]) in prompter.texts[0]


def test_damaged_database_start_empty_or_quit(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    _garbage(path)
    assert not check_integrity(path, Scripted(damaged_answer=DamagedChoice.QUIT))
    assert path.exists() and not list(tmp_path.glob("*.damaged-*"))  # quitting touches nothing
    assert check_integrity(path, Scripted(damaged_answer=DamagedChoice.EMPTY))
    assert not path.exists() and len(list(tmp_path.glob("*.damaged-*"))) == 1


def test_an_emptied_database_beside_backups_offers_the_newest(qtbot: QtBot, tmp_path: Path) -> None:
    path = _with_a_backup(tmp_path)
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    path.write_bytes(b"")  # a sync tool or a failed copy left 0 bytes

    prompter = Scripted(damaged_answer=DamagedChoice.RESTORE)
    assert check_integrity(path, prompter)
    assert prompter.asked == ["damaged", "inform"], "the backup is offered before the first-run welcome"
    reopened = Database(path)
    assert _codes(reopened) == {"A001"}
    reopened.dispose()


def test_an_empty_database_without_backups_is_a_first_run(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    path.write_bytes(b"")
    prompter = Scripted()
    assert check_integrity(path, prompter)
    assert prompter.asked == []


def test_a_failed_scheduled_backup_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    (tmp_path / "backups").write_text("a file where the backup folder should be")
    prompter = Scripted()
    assert scheduled_backup(db, prompter) is None  # the start goes on
    db.dispose()
    assert prompter.asked == ["inform"]
    assert "备份" in prompter.texts[0] or "backup" in prompter.texts[0]


def test_healthy_or_missing_database_asks_nothing(tmp_path: Path, db: Database) -> None:
    prompter = Scripted()
    assert check_integrity(tmp_path / "new.sqlite3", prompter)
    assert check_integrity(db.path, prompter)
    assert prompter.asked == []


def test_damaged_dialog_offers_restore_only_with_a_backup(qtbot: QtBot, tmp_path: Path) -> None:
    without = DamagedDialog(tmp_path / "x.sqlite3", None)
    qtbot.addWidget(without)
    assert not without.restore_button.isEnabled()
    without.empty_button.click()
    assert without.answer is DamagedChoice.EMPTY


# --- (c) first run ----------------------------------------------------------------------------


def test_first_run_with_the_demo_fills_agents(qtbot: QtBot, tmp_path: Path, shells: list[AppShell]) -> None:
    path = tmp_path / "branchpay.sqlite3"
    prompter = Scripted(welcome_answer=WelcomeChoice("东城网点", "zh", StartWith.DEMO))
    shell = start(path, prompter)
    assert shell is not None
    shells.append(shell)
    assert prompter.asked == ["welcome"]
    assert len(_codes(shell.db)) == 25
    with shell.db.session_scope() as s:
        assert get_setting(s, "branch_name") == "东城网点"
        assert get_setting(s, "first_run_done") == "1"
    assert not needs_welcome(shell.db)
    assert list_backups(path)  # the first scheduled backup ran
    # The branch named in the welcome heads the window; the demo's made-up figures are marked.
    assert shell.window.windowTitle().startswith("东城网点 — 演示数据 — ")
    assert shell.window.demo_label.isVisibleTo(shell.window) and shell.window.demo_label.text() == "演示数据"


def test_first_run_in_english_switches_the_language(tmp_path: Path, shells: list[AppShell]) -> None:
    path = tmp_path / "branchpay.sqlite3"
    shell = start(path, Scripted(welcome_answer=WelcomeChoice("East", "en", StartWith.EMPTY)))
    assert shell is not None
    shells.append(shell)
    try:
        assert language() == "en"
        assert shell.window.sidebar.item(1).text() == "Agents"
        assert shell.window.windowTitle().startswith("East — ") and "Demo" not in shell.window.windowTitle()
        assert not shell.window.demo_label.isVisibleTo(shell.window)
        assert _codes(shell.db) == set()
        assert peek_language(path) == "en"
    finally:
        install_qt_translations(QCoreApplication.instance(), "zh")  # type: ignore[arg-type]
        install_qt_translations(QCoreApplication.instance(), "en")  # type: ignore[arg-type]
        QLocale.setDefault(QLocale.c())


def test_first_run_import_opens_the_agents_import(
    qtbot: QtBot, tmp_path: Path, shells: list[AppShell]
) -> None:
    shell = start(tmp_path / "b.sqlite3", Scripted(welcome_answer=WelcomeChoice("X", "zh", StartWith.IMPORT)))
    assert shell is not None
    shells.append(shell)
    asked: list[bool] = []
    agents = shell.window.pages["agents"]
    agents.ask_open_file = lambda: asked.append(True)  # type: ignore[attr-defined,method-assign]
    shell.show()
    qtbot.waitUntil(lambda: bool(asked))
    assert shell.window.current_key() == "agents"


def test_no_welcome_when_agents_exist_or_after_it_was_dismissed(
    tmp_path: Path, db: Database, shells: list[AppShell]
) -> None:
    assert not needs_welcome(db)
    path = tmp_path / "new.sqlite3"
    prompter = Scripted(welcome_answer=None)  # closed the welcome: start empty, ask again next time
    shell = start(path, prompter)
    assert shell is not None
    shells.append(shell)
    assert needs_welcome(shell.db)


def test_welcome_dialog_collects_a_choice(qtbot: QtBot) -> None:
    dialog = WelcomeDialog("客户服务中心")
    qtbot.addWidget(dialog)
    dialog.demo_radio.setChecked(True)
    dialog.language_box.setCurrentIndex(1)
    assert dialog.choice() == WelcomeChoice("客户服务中心", "en", StartWith.DEMO)
    dialog.branch.setText("")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_welcome_dialog_offers_a_server_database_and_checks_its_address(qtbot: QtBot) -> None:
    dialog = WelcomeDialog("客户服务中心")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.server_url.isEnabled()
    dialog.server_radio.setChecked(True)
    assert dialog.server_url.isEnabled() and not dialog.branch.isEnabled()
    assert not ok.isEnabled() and dialog.error.text() == "请填写服务器数据库的地址。"
    dialog.server_url.setText("D:/数据/branchpay.sqlite3")
    assert not ok.isEnabled() and "postgresql+psycopg://" in dialog.error.text()
    dialog.server_url.setText(" postgresql+psycopg://clerk@db.branch/branchpay ")
    assert ok.isEnabled() and dialog.error.text() == ""
    assert dialog.choice() == WelcomeChoice(
        "客户服务中心", "zh", StartWith.SERVER, "postgresql+psycopg://clerk@db.branch/branchpay"
    )
    dialog.empty_radio.setChecked(True)  # back to this PC: the address no longer counts
    assert ok.isEnabled() and dialog.choice() == WelcomeChoice("客户服务中心", "zh", StartWith.EMPTY)


def test_choosing_english_in_the_welcome_retranslates_it(qtbot: QtBot) -> None:
    dialog = WelcomeDialog("客户服务中心")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert (dialog.windowTitle(), ok.text(), dialog.start_box.title()) == (
        f"欢迎使用 {APP_NAME}",
        "开始",
        "如何开始",
    )
    dialog.branch.setText("")  # the error shown switches language too
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
    assert dialog.windowTitle() == f"Welcome to {APP_NAME}"
    assert dialog.intro.text().startswith("This is the first start.")
    assert dialog.branch_label.text() == "Branch name:"
    assert dialog.start_box.title() == "How to begin"
    assert dialog.empty_radio.text() == "Start empty and add agents later"
    assert dialog.demo_radio.text().startswith("Look at a demo branch")
    assert dialog.import_radio.text() == "Import agents from Excel/CSV now"
    assert ok.text() == "Start"
    assert dialog.error.text() == "Please enter the branch name."
    assert language() == "zh"  # the app's language changes only once the welcome is done
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh"))
    assert ok.text() == "开始" and dialog.error.text() == "请填写网点名称。"


# --- (d) the app password ------------------------------------------------------------------------


def _with_password(db: Database, password: str = "abcd", minutes: str = "10") -> None:
    with db.session_scope() as s:
        set_setting(s, "app_password_hash", hash_password(password))
        set_setting(s, "idle_lock_minutes", minutes)


def test_password_asked_before_the_window(db: Database) -> None:
    assert check_password(db, Scripted())  # none set: nothing asked
    _with_password(db)
    prompter = Scripted(passwords=["nope", "abcd"])
    assert check_password(db, prompter)
    assert prompter.asked == ["password", "password"]
    assert "还可以再试 2 次" in prompter.texts[1]


def test_three_wrong_passwords_quit(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    _with_password(db)
    with db.session_scope() as s:
        add_agent(s, _agent("A001"))
    db.dispose()
    prompter = Scripted(passwords=["1", "2", "3", "abcd"])
    assert start(path, prompter) is None
    assert prompter.asked == ["password", "password", "password", "fail"]
    lock = InstanceLock(path)
    lock.acquire()  # the refused start let go of the lock
    lock.release()
    db = Database(path)
    assert check_password(db, Scripted(passwords=[None])) is False  # Quit
    db.dispose()


def test_idle_lock_after_a_shortened_timeout(qtbot: QtBot, db: Database, shells: list[AppShell]) -> None:
    _with_password(db, "abcd", "1")
    shell = AppShell(db, None, idle_check_ms=20)
    shells.append(shell)
    assert shell.idle_timeout_ms() == 60_000
    shell.idle_timeout_override_ms = 150
    shell.show()
    idle = shell.idle_lock
    assert idle is not None and not idle.locked
    qtbot.waitUntil(lambda: idle.locked, timeout=3000)
    assert idle.overlay is not None and idle.overlay.isVisible()
    assert idle.prompt is not None and idle.prompt.isVisible()
    assert not idle.try_unlock("wrong")
    assert idle.locked and "不正确" in idle.prompt.error.text()
    assert idle.try_unlock("abcd")
    assert not idle.locked and idle.overlay is None


def test_idle_lock_follows_the_settings(qtbot: QtBot, db: Database, shells: list[AppShell]) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    shell.show()
    assert shell.idle_lock is None  # no password, no lock
    settings = shell.window.pages["settings"]
    assert settings.change_password("", "abcd") == ""  # type: ignore[attr-defined]
    assert shell.idle_lock is not None and shell.idle_lock.timeout_ms == 10 * 60_000
    settings.idle_minutes.setValue(0)  # type: ignore[attr-defined]
    assert settings.save()  # type: ignore[attr-defined]
    assert shell.idle_lock is None


# --- backups from the menu, restore, language switch --------------------------------------------------


def test_backup_now_from_the_menu(qtbot: QtBot, db: Database, shells: list[AppShell]) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    window = shell.window
    assert window.backup_action.isEnabled()
    with qtbot.waitSignal(window.backup_action.triggered):
        window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(list_backups(db.path)))
    qtbot.waitUntil(lambda: window.message is not None)
    assert window.message is not None
    assert str(list_backups(db.path)[0].path) in window.message.text()


def test_restore_flow_brings_back_the_backup(qtbot: QtBot, db: Database, shells: list[AppShell]) -> None:
    shell = AppShell(db, None, month="2025-03")
    shells.append(shell)
    shell.show()
    backup = backup_now(db)
    with db.session_scope() as s:
        add_agent(s, _agent("C001"))
    assert "C001" in _codes(db)
    old_window = shell.window

    result = shell.restore_backup(backup)  # what the restore dialog + confirmation end in

    assert result is not None
    assert "C001" not in _codes(shell.db)
    assert shell.db is not db and shell.window is not old_window
    assert shell.window.month() == "2025-03" and shell.window.isVisible()
    assert result.safety_backup is not None and result.safety_backup.exists()
    reasons = [b.reason for b in list_backups(shell.db.path)]
    assert "before-restore" in reasons


def test_restore_dialog_lists_newest_first_and_confirms(
    qtbot: QtBot, db: Database, shells: list[AppShell], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_backup(db.path, reason="manual")
    second = make_backup(db.path, reason="scheduled")
    shell = AppShell(db, None)
    shells.append(shell)
    restored: list[Path] = []
    monkeypatch.setattr(shell, "restore_backup", lambda path: restored.append(path))
    dialog = shell.window.open_restore_dialog()
    assert isinstance(dialog, RestoreDialog)
    assert dialog.table.rowCount() == 2
    assert dialog.selected() == second
    kind = dialog.table.item(0, 1)
    assert kind is not None and kind.text() == "定期自动备份"
    dialog.table.selectRow(1)
    dialog.ok_button.click()
    box = shell.window.message
    assert isinstance(box, QMessageBox) and first.name in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: restored == [first])


def test_restore_dialog_can_pick_any_file(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = RestoreDialog([])
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled() and dialog.empty_note.isVisibleTo(dialog)
    picked = tmp_path / "copy.sqlite3"
    dialog.ask_open_file = lambda: picked  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.chosen) as blocker:
        dialog.file_button.click()
    assert blocker.args == [picked]


def test_restore_of_a_bad_file_keeps_the_window_and_data(
    qtbot: QtBot, db: Database, tmp_path: Path, shells: list[AppShell]
) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"nope" * 100)
    window = shell.window
    assert shell.restore_backup(bad) is None
    assert shell.window is window
    assert "A001" in _codes(shell.db)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("当前数据没有改动" in b.text() for b in boxes)
    for b in boxes:
        b.close()


def test_open_backup_folder(db: Database, shells: list[AppShell]) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    opened: list[QUrl] = []

    def record(url: QUrl) -> bool:
        opened.append(url)
        return True

    shell.window.open_url = record  # type: ignore[method-assign]
    shell.window.open_backups_action.trigger()
    assert Path(opened[0].toLocalFile()) == db.path.parent / "backups"


def test_switch_language_rebuilds_the_window(qtbot: QtBot, db: Database, shells: list[AppShell]) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    shell.show()
    shell.window.show_area("settings")
    try:
        window = shell.switch_language("en")
        assert isinstance(window, MainWindow)
        assert window.sidebar.item(1).text() == "Agents"
        assert window.current_key() == "settings"
    finally:
        install_qt_translations(QCoreApplication.instance(), "en")  # type: ignore[arg-type]
        QLocale.setDefault(QLocale.c())
        set_language("zh")


# --- Qt's own texts ------------------------------------------------------------------------------


def test_qt_translations_make_standard_buttons_chinese(qtbot: QtBot) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    try:
        assert install_qt_translations(app, "zh") == ["qtbase_zh_CN"]
        box = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    finally:
        assert install_qt_translations(app, "en") == []
        QLocale.setDefault(QLocale.c())
    box = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "Cancel"


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)\(\)")  # offscreen
def test_a_second_start_brings_the_running_window_forward(
    qtbot: QtBot, db: Database, shells: list[AppShell]
) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    shell.show()
    assert shell.activation.listening
    shell.window.showMinimized()
    prompter = Scripted()
    with InstanceLock(db.path):  # the running copy's lock
        assert acquire_lock(db.path, prompter) is None
    assert prompter.asked == []  # no error box
    qtbot.waitUntil(lambda: "already running" in shell.window.statusBar().currentMessage()
                    or "已经在运行" in shell.window.statusBar().currentMessage(), timeout=5000)
    assert not shell.window.isMinimized()


# --- a new, empty database --------------------------------------------------------------------


def test_new_empty_database_from_the_file_menu(qtbot: QtBot, tmp_path: Path, shells: list[AppShell]) -> None:
    from app.services.demo import fill_demo

    old_path = tmp_path / "demo.sqlite3"
    old_db = Database(old_path)
    with old_db.session_scope(write=True) as s:
        fill_demo(s)
    before = _codes(old_db)
    assert before
    old_lock = InstanceLock(old_path)
    old_lock.acquire()
    shell = AppShell(old_db, old_lock)
    shells.append(shell)
    shell.show()
    old_window = shell.window
    assert old_window.new_database_action is not None
    new_path = tmp_path / "fresh" / "空白.sqlite3"
    new_path.parent.mkdir()
    old_window.ask_new_database_path = lambda: new_path  # type: ignore[method-assign]

    old_window.new_database_action.trigger()

    qtbot.waitUntil(lambda: shell.window is not old_window)
    assert shell.db.path == new_path and new_path.exists()
    assert _codes(shell.db) == set()  # empty, and initialised: the default plan and scorecards are there
    with shell.db.session_scope() as s:
        assert get_setting(s, "first_run_done") == "1"
        assert s.scalar(select(func.count(Scorecard.id)))
    assert not needs_welcome(shell.db)
    assert shell.window.db is shell.db and shell.window.isVisible()
    # the previous database is untouched and free: another copy may open it, and this one holds the new file
    again = InstanceLock(old_path)
    again.acquire()
    again.release()
    with pytest.raises(AlreadyRunning):
        InstanceLock(new_path).acquire()
    kept = Database(old_path)
    assert _codes(kept) == before
    kept.dispose()


def test_new_database_never_overwrites_a_file(
    qtbot: QtBot, db: Database, tmp_path: Path, shells: list[AppShell]
) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    existing = tmp_path / "taken.sqlite3"
    existing.write_bytes(b"someone else's file")
    window = shell.window

    assert shell.new_database(existing) is None
    assert existing.read_bytes() == b"someone else's file"
    assert shell.window is window and shell.db is db
    # a place no file can be made (its "folder" is a file): refused with a message, nothing changes
    assert shell.new_database(existing / "new.sqlite3") is None
    assert existing.read_bytes() == b"someone else's file"
    assert shell.window is window and shell.db is db
    # a file another copy of the app is creating/holding: refused, the other copy's lock is kept
    held = tmp_path / "held.sqlite3"
    with InstanceLock(held):
        assert shell.new_database(held) is None
        assert not held.exists()
    assert shell.window is window and shell.db is db


def test_open_database_switches_and_the_next_start_opens_it(
    qtbot: QtBot, tmp_path: Path, shells: list[AppShell]
) -> None:
    import main
    from app.services.demo import fill_demo
    from ui.preferences import remembered_database

    first = Database(tmp_path / "first.sqlite3")
    other_path = tmp_path / "其他 #网点" / "other.sqlite3"
    other_path.parent.mkdir()
    other = Database(other_path)
    with other.session_scope(write=True) as s:
        fill_demo(s)
    wanted = _codes(other)
    other.dispose()
    shell = AppShell(first, None)
    shells.append(shell)
    assert remembered_database() == first.path.resolve()
    shell.show()
    old_window = shell.window
    assert old_window.open_database_action is not None
    old_window.ask_open_database_path = lambda: other_path  # type: ignore[method-assign]

    old_window.open_database_action.trigger()

    qtbot.waitUntil(lambda: shell.window is not old_window)
    assert shell.db.path == other_path and _codes(shell.db) == wanted
    with pytest.raises(AlreadyRunning):  # this window now holds the file it shows
        InstanceLock(other_path).acquire()
    # the next start without --db opens the database chosen last, while the file exists
    assert main.parse_args([]).db == other_path.resolve()
    assert remembered_database() == other_path.resolve()


def test_open_database_refuses_foreign_files_and_asks_the_password(
    qtbot: QtBot, tmp_path: Path, db: Database, shells: list[AppShell]
) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    window = shell.window
    shown: list[str] = []
    import ui.startup as startup_module

    original = startup_module.show_message
    startup_module.show_message = lambda _parent, text, **_kw: shown.append(text)  # type: ignore[assignment]
    try:
        not_ours = tmp_path / "notes.sqlite3"
        conn = sqlite3.connect(not_ours)
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
        conn.close()
        before = not_ours.read_bytes()
        assert shell.open_database(not_ours) is None  # not migrated into a BranchPay file
        assert not_ours.read_bytes() == before
        assert shell.open_database(tmp_path / "missing.sqlite3") is None
        assert not (tmp_path / "missing.sqlite3").exists()
        assert shell.open_database(db.path) is None  # already open
        assert len(shown) == 3 and "BranchPay" in shown[0]
        assert shell.window is window and shell.db is db

        guarded_path = tmp_path / "guarded.sqlite3"
        guarded = Database(guarded_path)
        _with_password(guarded, "abcd")
        guarded.dispose()
        shell.prompter = Scripted(passwords=["wrong", None])  # a wrong try, then cancel
        assert shell.open_database(guarded_path) is None
        assert shell.window is window and shell.db is db
        with InstanceLock(guarded_path):  # released again: nothing holds it
            pass
        shell.prompter = Scripted(passwords=["abcd"])
    finally:
        startup_module.show_message = original
    new = shell.open_database(guarded_path)
    assert new is not None and shell.db.path == guarded_path


def test_started_with_lang_the_settings_page_explains_the_saved_language(
    tmp_path: Path, shells: list[AppShell]
) -> None:
    from ui.startup import apply_language
    from ui.translations import command_line_language

    path = tmp_path / "b.sqlite3"
    setup = Database(path)
    with setup.session_scope(write=True) as s:
        set_setting(s, "language", "zh")
        set_setting(s, "first_run_done", "1")
    setup.dispose()
    apply_language("en")  # what main.py does for --lang en, before start()
    try:
        shell = start(path, Scripted(), lang_override="en")
        assert shell is not None
        shells.append(shell)
        assert command_line_language() == "en"
        page = shell.window.show_area("settings")
        assert isinstance(page, SettingsPage)
        assert page.language.currentData() == "zh"
        assert page.language_override_note.isVisibleTo(page)
        assert "--lang en" in page.language_override_note.text()
    finally:
        set_language("zh")
        install_qt_translations(QCoreApplication.instance(), "en")  # type: ignore[arg-type]  # none, as before
        QLocale.setDefault(QLocale.c())
    again = start(tmp_path / "c.sqlite3", Scripted(welcome_answer=None))  # no --lang this time
    assert again is not None
    shells.append(again)
    assert command_line_language() is None


def test_a_clean_close_spares_the_next_start_the_whole_file_check(qtbot: QtBot, tmp_path: Path) -> None:
    from db.integrity_stamp import known_good

    path = tmp_path / "b.sqlite3"
    db = Database(path)
    shell = AppShell(db, None)
    shell.window.close()
    shell.close()
    shell.window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert known_good(path)
    prompter = Scripted()
    assert check_integrity(path, prompter) and prompter.asked == []
    _garbage(path)  # replaced by a damaged file: its size and time change, so it is checked again
    assert not known_good(path)
    assert not check_integrity(path, prompter)  # Scripted answers "quit"
    assert prompter.asked == ["damaged"]


def _with_users(path: Path) -> None:
    """A branch with users (docs/pay-rules.md §10): boss (admin), rita (reviewer)."""
    from app.services.users import add_user

    setup = Database(path)
    with setup.session_scope(write=True) as s:
        set_setting(s, "first_run_done", "1")
        add_user(s, "boss", "boss-secret-1", ["admin"])
    setup.acting_user = "boss"
    with setup.session_scope(write=True) as s:
        add_user(s, "rita", "rita-secret-1", ["reviewer"])
    setup.dispose()


def test_with_users_start_asks_who_is_working_and_the_window_shows_them(
    tmp_path: Path, shells: list[AppShell]
) -> None:
    path = tmp_path / "users.sqlite3"
    _with_users(path)
    assert start(path, Scripted(sign_ins=[])) is None  # quit at the sign-in: no window
    prompter = Scripted(sign_ins=[("rita", "wrong"), ("rita", "rita-secret-1")])
    shell = start(path, prompter)
    assert shell is not None
    shells.append(shell)
    assert "sign_in" in prompter.asked and "password" not in prompter.asked
    assert prompter.texts == ["用户名或密码不正确。"]
    assert shell.db.acting_user == "rita"
    assert shell.window.user_label.text() == "用户：rita"
    assert shell.idle_timeout_ms() == 10 * 60_000  # the idle lock asks for rita's own password


def test_opening_a_database_with_users_signs_in_to_it(
    qtbot: QtBot, tmp_path: Path, db: Database, shells: list[AppShell]
) -> None:
    shell = AppShell(db, None)
    shells.append(shell)
    other = tmp_path / "users.sqlite3"
    _with_users(other)
    shell.prompter = Scripted(sign_ins=[("boss", "nope")])  # wrong, then gives up
    assert shell.open_database(other) is None and shell.db is db
    shell.prompter = Scripted(sign_ins=[("boss", "boss-secret-1")])
    assert shell.open_database(other) is not None
    assert shell.db.path == other and shell.db.acting_user == "boss"


def test_a_branch_set_up_with_users_on_the_command_line_skips_the_welcome(tmp_path: Path) -> None:
    from app.services.users import add_user

    path = tmp_path / "cli.sqlite3"
    setup = Database(path)
    with setup.session_scope(write=True) as s:  # `users add` on a fresh file: no first run recorded, no agents
        add_user(s, "boss", "boss-secret-1", ["admin"])
    assert not needs_welcome(setup)
    setup.dispose()
