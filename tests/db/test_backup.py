"""Backups and restores of real database files; damaged files are detected."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.backup import (
    backup_dir_for,
    check_file,
    list_backups,
    make_backup,
    move_aside,
    newest_good_backup,
    prune,
    restore,
)
from db.instance_lock import AlreadyRunning, InstanceLock
from db.models import Agent
from db.session import Database

ROOT = Path(__file__).resolve().parents[2]


def _add(db: Database, code: str) -> None:
    with db.session_scope() as s:
        s.add(Agent(code=code, name=code, base_salary=Decimal("3000.00"), hire_date=date(2026, 1, 1)))


def _codes(db: Database) -> list[str]:
    with db.session_scope() as s:
        return list(s.scalars(select(Agent.code).order_by(Agent.code)))


def test_backup_change_restore_gives_the_earlier_data(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    _add(db, "A1")
    backup = make_backup(path)  # while the database is open, WAL in use
    _add(db, "A2")
    assert _codes(db) == ["A1", "A2"]
    db.dispose()
    safety = restore(path, backup)
    assert safety is not None and check_file(safety) is None
    db = Database(path)
    assert _codes(db) == ["A1"]
    db.dispose()
    # the copy of the state before the restore still has both agents
    conn = sqlite3.connect(safety)
    assert [r[0] for r in conn.execute("SELECT code FROM agents ORDER BY code")] == ["A1", "A2"]
    conn.close()


def test_keeps_only_the_newest_n(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    Database(path).dispose()
    for _ in range(5):
        make_backup(path, keep=3)
    assert len(list_backups(backup_dir_for(path))) == 3
    prune(backup_dir_for(path), 1)
    assert len(list_backups(backup_dir_for(path))) == 1


def test_copies_made_in_the_same_second_sort_by_their_number_not_as_text(tmp_path: Path) -> None:
    """"-10-" is newer than "-9-" and "-2-": pruning must drop the oldest copies, never the newest."""
    folder = tmp_path / "backups"
    folder.mkdir()
    stamp = "20260301-093000"
    names = [f"branchpay-{stamp}-manual.sqlite3"] + [f"branchpay-{stamp}-{n}-manual.sqlite3" for n in range(1, 12)]
    for name in names:
        (folder / name).write_bytes(b"")
    (folder / "branchpay-20260301-092959-scheduled.sqlite3").write_bytes(b"")  # a second earlier
    assert [b.path.name for b in list_backups(folder)] == names[::-1] + ["branchpay-20260301-092959-scheduled.sqlite3"]
    removed = prune(folder, 10)
    assert sorted(p.name for p in removed) == sorted(["branchpay-20260301-092959-scheduled.sqlite3", *names[:2]])


def test_many_backups_in_one_second_each_survive_their_own_pruning(tmp_path: Path) -> None:
    db_path = tmp_path / "b.sqlite3"
    Database(db_path).dispose()
    made = [make_backup(db_path, keep=10) for _ in range(25)]
    assert all(path.exists() for path in made[-10:])
    assert [b.path for b in list_backups(backup_dir_for(db_path))] == made[::-1][:10]


def test_damaged_file_is_detected_moved_aside_and_the_newest_good_backup_offered(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    _add(db, "A1")
    good = make_backup(path)
    db.dispose()
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[100:4000] = os.urandom(3900)  # trash the header page and the schema
    path.write_bytes(bytes(data))
    assert check_file(path) is not None
    moved = move_aside(path)
    assert moved.exists() and not path.exists()
    offer = newest_good_backup(path)
    assert offer is not None and offer.path == good
    restore(path, offer.path)
    db = Database(path)
    assert _codes(db) == ["A1"]
    db.dispose()


def test_restore_refuses_a_file_that_is_not_a_branchpay_database(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    Database(path).dispose()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ValueError, match="junk.sqlite3"):
        restore(path, junk)
    assert check_file(path) is None


def test_a_backup_is_taken_before_a_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite3"
    db = Database(path)
    _add(db, "A1")
    db.dispose()
    assert list_backups(backup_dir_for(path)) == []  # up to date: no migration, no backup
    # The code now expects a newer schema than the file has: opening must back the file up first.
    monkeypatch.setattr("db.session.HEAD_REVISION", "9999_newer")
    Database(path).dispose()
    backups = list_backups(backup_dir_for(path))
    assert [b.reason for b in backups] == ["before-migration"]
    conn = sqlite3.connect(backups[0].path)
    assert [r[0] for r in conn.execute("SELECT code FROM agents")] == ["A1"]
    conn.close()


def test_second_instance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    with InstanceLock(path):
        other = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(f"""
                import sys
                from db.instance_lock import InstanceLock, AlreadyRunning
                try:
                    InstanceLock({str(path)!r}).acquire()
                except AlreadyRunning:
                    sys.exit(7)
            """)], cwd=ROOT, timeout=60)
        assert other.returncode == 7
    InstanceLock(path).acquire()  # free again once released


def test_lock_in_the_same_process_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    first = InstanceLock(path)
    first.acquire()
    try:
        if os.name != "nt":
            # flock locks belong to the open file description: a second open conflicts too
            with pytest.raises(AlreadyRunning):
                InstanceLock(path).acquire()
    finally:
        first.release()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_sigkill_in_the_middle_of_a_large_import_leaves_the_database_as_before(tmp_path: Path) -> None:
    from app.services.setup import initialise

    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    with db.session_scope() as s:
        initialise(s)
    _add(db, "A001")
    db.dispose()
    big = tmp_path / "sales.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("policy_no,code,product,premium,sign_date\n")
        for i in range(30000):
            fh.write(f"P{i:06d},A001,L10,{1000 + i},2026-10-{1 + i % 28:02d}\n")
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from db.session import Database
        from app.services.imports import commit_import
        db = Database({str(path)!r})
        with db.session_scope() as s:
            commit_import(s, "sales", Path({str(big)!r}))
            s.flush()  # every row is written to the database file's journal, not yet committed
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert check_file(path) is None
    db = Database(path)
    with db.session_scope() as s:
        assert s.execute(text("SELECT COUNT(*) FROM policies")).scalar_one() == 0
    assert _codes(db) == ["A001"]
    db.dispose()
