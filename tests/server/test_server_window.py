"""The window on a server database (issue #19): no file lock or file check, no password on screen,
and the backup menu says the server's own backups apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.test_startup import Scripted, shells  # noqa: F401 - the fixture closes every shell
from ui.dialogs.welcome_dialog import StartWith, WelcomeChoice
from ui.startup import AppShell, start

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")]


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
