"""The month check of every record edit (``ensure_open``) runs inside the write lock and reads the
month's status from the database, not from what the session saw earlier (issue #10)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.errors import MonthLocked
from app.services.months import ensure_open, month_status
from db.models import MonthStatus
from db.session import Database
from tests.reports.conftest import build_example

MONTH = "2026-10"


@pytest.fixture
def calculated(tmp_path: Path) -> Iterator[Database]:
    db = build_example(tmp_path / "example", calculate=True)
    yield db
    db.dispose()


def test_a_month_found_open_stays_open_until_the_edit_commits(calculated: Database) -> None:
    other = sqlite3.connect(calculated.path, isolation_level=None, timeout=0)
    try:
        with calculated.session_scope() as s:  # even a session opened without write=True
            ensure_open(s, MONTH)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # e.g. payroll lock from another window
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_the_month_status_is_read_again_not_taken_from_the_session(calculated: Database) -> None:
    session = calculated.session()
    try:
        seen = session.get(MonthStatus, MONTH)  # the session has seen it calculated (and keeps it)
        assert seen is not None and seen.status == "calculated"
        session.commit()
        with sqlite3.connect(calculated.path) as other:
            other.execute("UPDATE month_status SET status = 'locked' WHERE month = ?", (MONTH,))
        assert month_status(session, MONTH) == "locked"
        with pytest.raises(MonthLocked):
            ensure_open(session, MONTH)
    finally:
        session.close()
