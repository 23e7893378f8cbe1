"""Databases in folders with awkward names: every URI and URL names exactly the file meant.

On the old code a folder named ``a#b`` made SQLite back up an empty file and restore replace
25 agents with nothing; ``100%`` broke ``init`` with an interpolation error.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.backup import check_file, make_backup, restore
from db.models import Agent
from db.session import Database

ODD_FOLDERS = ["a#b", "100% done", "what?now", "with space", "薪酬 数据"]


def _add(db: Database, *codes: str) -> None:
    with db.session_scope() as s:
        for code in codes:
            s.add(Agent(code=code, name=code, base_salary=Decimal("3000.00"), hire_date=date(2026, 1, 1)))


def _codes_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT code FROM agents ORDER BY code")]
    finally:
        conn.close()


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_backup_and_restore_in_an_odd_folder(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "branchpay.sqlite3"
    db = Database(path)  # `init` in such a folder: the migrations run
    _add(db, "A1", "A2")
    backup = make_backup(path)
    assert _codes_in(backup) == ["A1", "A2"], "the backup must hold this database's agents"
    assert check_file(path) is None and check_file(backup, require_tables=True) is None
    _add(db, "A3")
    db.dispose()
    safety = restore(path, backup)
    assert safety is not None and _codes_in(safety) == ["A1", "A2", "A3"]
    db = Database(path)
    with db.session_scope() as s:
        assert list(s.scalars(select(Agent.code).order_by(Agent.code))) == ["A1", "A2"]
    db.dispose()


def test_integrity_check_reads_the_file_named(tmp_path: Path) -> None:
    # "a#b/x.sqlite3" cut at '#' would be "a" — a folder, so the check must not pass by looking elsewhere.
    path = tmp_path / "a#b" / "branchpay.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"\x00not a database\xff" * 400)
    assert check_file(path) is not None
