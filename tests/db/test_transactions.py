"""Transactions (issue #10): real BEGINs, BEGIN IMMEDIATE for writes, a clear error when another writer
keeps the lock. Each test opens a second, raw ``sqlite3`` connection on the same file as "the other
program"."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.errors import DatabaseBusy, ServiceError
from db.models import AuditLog
from db.session import Database, claim_write_lock


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "branchpay.sqlite3"


@pytest.fixture
def db(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("BRANCHPAY_BUSY_TIMEOUT_MS", "300")
    database = Database(path)
    yield database
    database.dispose()


def _other(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=0)


def _audit_rows(session: object) -> int:
    return int(session.scalar(select(func.count(AuditLog.id))))  # type: ignore[attr-defined]


def test_write_scope_holds_the_write_lock_from_its_first_read(db: Database, path: Path) -> None:
    other = _other(path)
    try:
        with db.session_scope(write=True) as s:
            _audit_rows(s)  # only a read so far
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_read_scope_sees_one_snapshot(db: Database, path: Path) -> None:
    """Without a real BEGIN, pysqlite runs each SELECT on its own and a unit of work mixes two states."""
    other = _other(path)
    try:
        with db.session_scope() as s:
            before = _audit_rows(s)
            other.execute("INSERT INTO audit_log (at, user, action, entity, entity_key, before, after, reason) "
                          "VALUES ('2026-01-01 00:00:00', 'x', 'other.write', '', '', '', '', '')")
            assert _audit_rows(s) == before
        with db.session_scope() as s:
            assert _audit_rows(s) == before + 1
    finally:
        other.close()


def test_a_writer_that_cannot_get_the_lock_gets_database_busy_and_writes_nothing(db: Database, path: Path) -> None:
    other = _other(path)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught, db.session_scope(write=True) as s:
            s.add(AuditLog(action="mine"))
            s.flush()
        assert time.monotonic() - started >= 0.25  # it waited for the other writer first
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert isinstance(caught.value, ServiceError)
    assert "数据库正忙" in caught.value.text("zh")
    assert caught.value.text("en").startswith("the database is busy (another window or command is writing)")
    with db.session_scope() as s:
        assert _audit_rows(s) == 0


def test_claim_write_lock_takes_the_lock_in_a_plain_session(db: Database, path: Path) -> None:
    other = _other(path)
    try:
        with db.session_scope() as s:
            claim_write_lock(s)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_claim_write_lock_refuses_a_snapshot_another_writer_overtook(db: Database, path: Path) -> None:
    """A plain session that read before another program wrote must not write on what it read."""
    other = _other(path)
    try:
        with pytest.raises(DatabaseBusy), db.session_scope() as s:
            _audit_rows(s)
            other.execute("INSERT INTO audit_log (at, user, action, entity, entity_key, before, after, reason) "
                          "VALUES ('2026-01-01 00:00:00', 'x', 'other.write', '', '', '', '', '')")
            claim_write_lock(s)
    finally:
        other.close()


def test_migrations_still_run_inside_the_write_lock(tmp_path: Path) -> None:
    from db.session import current_revision, head_revision, make_engine, migrate

    engine = make_engine(tmp_path / "fresh.sqlite3")
    try:
        migrate(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
