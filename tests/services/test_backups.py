"""Backups as the user sees them: now, on a schedule, restore, recover a damaged file. Never deletes data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.agents import AgentInput, add_agent, list_agents
from app.services.backups import (
    DamagedChoice,
    backup_due,
    backup_if_due,
    backup_now,
    keep_count,
    last_backup_time,
    list_backups,
    recover_damaged,
    restore_database,
)
from app.services.errors import ServiceError
from app.services.settings import OPTIONS, get_setting, set_setting
from db.backup import check_file
from db.models import AuditLog
from db.session import Database


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database(tmp_path / "branchpay.sqlite3")
    yield database
    database.dispose()


def _agent(code: str) -> AgentInput:
    return AgentInput(code, "测试", Decimal("4000.00"), date(2024, 1, 1))


def _codes(db: Database) -> set[str]:
    with db.session_scope() as s:
        return {a.code for a in list_agents(s)}


def test_backup_now_writes_a_healthy_copy_and_records_the_time(db: Database) -> None:
    when = datetime(2025, 3, 1, 9, 30)
    path = backup_now(db, now=when)
    assert path.exists() and path.parent == db.path.parent / "backups"
    assert check_file(path) is None
    with db.session_scope() as s:
        assert get_setting(s, "last_backup_at") == "2025-03-01T09:30:00"


def test_backup_now_keeps_only_backup_keep_copies(db: Database) -> None:
    with db.session_scope() as s:
        set_setting(s, "backup_keep", "2")
    for _ in range(4):
        backup_now(db)
    assert len(list_backups(db.path)) == 2


@pytest.mark.parametrize("damaged", ["lots", "", " 3.5 "])
def test_a_damaged_keep_setting_falls_back_instead_of_failing(db: Database, damaged: str) -> None:
    default = int(OPTIONS["backup_keep"].default)
    with db.session_scope() as s:
        set_setting(s, "backup_keep", damaged)
    assert keep_count(db) == default == 10
    for _ in range(default + 2):
        assert backup_now(db).exists()
    assert len(list_backups(db.path)) == default  # the default count is kept, not one copy, not all


def test_scheduled_backup_runs_only_when_due(db: Database) -> None:
    now = datetime.now()  # the file names carry the real time of the copy
    assert backup_due(db, now=now)  # never backed up
    first = backup_if_due(db, now=now)
    assert first is not None
    assert backup_if_due(db, now=now + timedelta(days=6)) is None
    with db.session_scope() as s:
        set_setting(s, "backup_every_days", "3")
    assert backup_if_due(db, now=now + timedelta(days=3)) is not None


def test_newest_backup_file_counts_even_without_the_setting(db: Database) -> None:
    path = backup_now(db)
    with db.session_scope() as s:
        set_setting(s, "last_backup_at", "")
    last = last_backup_time(db)
    assert last is not None and abs((last - datetime.now()).total_seconds()) < 60
    assert path.exists()
    assert not backup_due(db)


def test_restore_brings_back_the_backup_and_keeps_the_current_data(db: Database) -> None:
    with db.session_scope() as s:
        add_agent(s, _agent("A001"))
    backup = backup_now(db)
    with db.session_scope() as s:
        add_agent(s, _agent("A002"))
    result = restore_database(db, backup)
    try:
        assert _codes(result.db) == {"A001"}
        assert result.safety_backup is not None and result.safety_backup.exists()
        safety = Database(result.safety_backup, upgrade=False)
        assert _codes(safety) == {"A001", "A002"}
        safety.dispose()
        with result.db.session_scope() as s:
            assert s.scalar(select(AuditLog).where(AuditLog.action == "database.restore")) is not None
    finally:
        result.db.dispose()


def test_restore_refuses_a_bad_file_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    with db.session_scope() as s:
        add_agent(s, _agent("A001"))
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ServiceError) as info:
        restore_database(db, bad)
    assert "当前数据没有改动" in info.value.message
    assert _codes(db) == {"A001"}


def test_recover_damaged_moves_aside_and_restores(db: Database) -> None:
    with db.session_scope() as s:
        add_agent(s, _agent("A001"))
    backup = backup_now(db)
    db.dispose()
    for side in ("-wal", "-shm"):
        Path(str(db.path) + side).unlink(missing_ok=True)
    db.path.write_bytes(b"garbage" * 1000)
    recovery = recover_damaged(db.path, DamagedChoice.RESTORE, backup)
    assert recovery is not None and recovery.moved_to.exists()
    assert recovery.moved_to.read_bytes() == b"garbage" * 1000
    assert check_file(db.path) is None
    reopened = Database(db.path)
    assert _codes(reopened) == {"A001"}
    reopened.dispose()


def test_recover_damaged_empty_only_moves_aside(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    recovery = recover_damaged(path, DamagedChoice.EMPTY)
    assert recovery is not None and recovery.restored_from is None
    assert not path.exists() and recovery.moved_to.exists()
    assert recover_damaged(recovery.moved_to, DamagedChoice.QUIT) is None
    assert recovery.moved_to.exists()
