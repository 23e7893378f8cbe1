"""The window on a server database (issue #19): no file lock or file check, no password on screen,
and the backup menu says the server's own backups apply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.test_startup import Scripted, shells  # noqa: F401 - the fixture closes every shell
from ui.dialogs.welcome_dialog import StartWith, WelcomeChoice
from ui.startup import AppShell, start

pytestmark = pytest.mark.gui


@pytest.fixture
def url_with_password(pg_server: Any) -> Iterator[str]:
    url = pg_server.new_database(template=None)
    # The test server trusts its local user; the password is there to prove it is never shown.
    yield url.replace("branchpay@", "branchpay:Hidden77@")


def test_the_window_opens_a_server_database_and_never_shows_its_password(
    qtbot: QtBot, url_with_password: str, shells: list[AppShell]  # noqa: F811
) -> None:
    prompter = Scripted(welcome_answer=WelcomeChoice("Region East", "zh", StartWith.EMPTY))
    shell = start(url_with_password, prompter)
    assert shell is not None, prompter.texts
    shells.append(shell)
    window = shell.window
    assert shell.lock is None  # several clerks share a server database: no file lock
    assert shell.db.is_server and "Hidden77" not in shell.db.location
    assert "127.0.0.1" in window.db_label.text() and "Hidden77" not in window.db_label.text()
    assert "Hidden77" not in window.db_label.toolTip()

    assert window.backup_from_menu() is None
    assert window.message is not None
    assert "服务器自己的备份" in window.message.text() and "Hidden77" not in window.message.text()
    window.message.close()
    assert window.open_backup_folder() is False
    assert window.open_restore_dialog() is None
    assert "恢复备份只适用于本机的 SQLite" in window.message.text()
    window.message.close()
    settings = window.pages["settings"]
    assert "服务器自己的备份" in settings.last_backup_label.text()  # type: ignore[attr-defined]
    assert not settings.open_backups_button.isEnabled()  # type: ignore[attr-defined]
    assert "Hidden77" not in settings.db_path_label.text()  # type: ignore[attr-defined]


def test_the_file_menu_switches_a_file_window_to_a_server_database(
    qtbot: QtBot, tmp_path: Path, pg_server: Any, shells: list[AppShell]  # noqa: F811
) -> None:
    shell = start(tmp_path / "branchpay.sqlite3", Scripted(welcome_answer=WelcomeChoice("B", "zh", StartWith.EMPTY)))
    assert shell is not None
    shells.append(shell)
    assert shell.window.connect_server_action is not None
    assert shell.connect_server("/not/a/url.sqlite3") is None  # refused: not a server address
    url = pg_server.new_database()
    new = shell.connect_server(url)
    assert new is not None and shell.db.is_server and shell.lock is None
    assert "127.0.0.1" in new.db_label.text()
    # An unreachable server: the window stays on the database it had, the password never shown.
    assert shell.connect_server("postgresql+psycopg://x:Hidden77@127.0.0.1:1/none?connect_timeout=2") is None
    assert shell.db.is_server and shell.window is new


def test_the_welcome_connects_to_a_server_database_and_the_next_start_reopens_it(
    qtbot: QtBot, tmp_path: Path, url_with_password: str, shells: list[AppShell]  # noqa: F811
) -> None:
    import main
    from ui.preferences import remembered_database

    local = tmp_path / "branchpay.sqlite3"
    answer = WelcomeChoice("", "zh", StartWith.SERVER, url_with_password)
    prompter = Scripted(welcome_answers=[answer, WelcomeChoice("Region East", "zh", StartWith.EMPTY)])
    shell = start(local, prompter)
    assert shell is not None, prompter.texts
    shells.append(shell)
    # The window is on the server (its own welcome set it up); this PC's file stays unused.
    assert shell.db.is_server and shell.lock is None
    assert prompter.asked.count("welcome") == 2
    assert "Hidden77" not in shell.window.db_label.text()
    # The next start without --db reopens the server, remembered without its password.
    remembered = remembered_database()
    assert isinstance(remembered, str) and "Hidden77" not in remembered and "127.0.0.1" in remembered
    assert main.parse_args([]).db == remembered
    settings = shell.window.pages["settings"]
    assert settings.connect_server_button.isVisibleTo(settings)  # type: ignore[attr-defined]
    asked: list[str] = []

    def ask_server_url() -> str | None:
        asked.append("url")
        return None  # cancelled

    shell.window.ask_server_url = ask_server_url  # type: ignore[method-assign]
    settings.connect_server_button.click()  # type: ignore[attr-defined]  # the 文件 menu's action
    assert asked == ["url"]
