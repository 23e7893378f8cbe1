"""Opening a database whose agent codes clash by case (A1 / a1) tells the user which codes and what
to do, instead of the generic "unexpected error" (migration 0002, issue #10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.db.test_agent_code_migration import old_database
from ui.startup import start

pytestmark = pytest.mark.gui


class Prompter:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def fail(self, message: str) -> None:
        self.failed.append(message)

    def __getattr__(self, name: str) -> object:  # any other question is a test failure
        raise AssertionError(f"unexpected prompt {name}")


def test_start_names_the_clashing_codes(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    old_database(path, ["A1", "a1"])
    prompter = Prompter()
    assert start(path, prompter) is None  # type: ignore[arg-type]
    assert len(prompter.failed) == 1
    assert "A1 / a1" in prompter.failed[0] and "改成别的工号" in prompter.failed[0]
