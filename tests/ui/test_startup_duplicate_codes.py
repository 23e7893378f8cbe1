"""Opening a database whose agent codes clash by case (A1 / a1) tells the user which codes and what
to do, instead of the generic "unexpected error" (migration 0002, issue #10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from db.session import make_engine, migrate
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
    engine = make_engine(path)
    migrate(engine, "0001")
    with engine.begin() as conn:
        for code in ("A1", "a1"):
            conn.execute(text(
                "INSERT INTO agents (code, name, role, team, base_salary, hire_date, note, created_at, updated_at) "
                "VALUES (:code, '某人', '', '', '4000', '2026-01-05', '', '2026-01-05 00:00:00', "
                "'2026-01-05 00:00:00')"
            ), {"code": code})
    engine.dispose()
    prompter = Prompter()
    assert start(path, prompter) is None  # type: ignore[arg-type]
    assert len(prompter.failed) == 1
    assert "A1 / a1" in prompter.failed[0] and "改成别的工号" in prompter.failed[0]
