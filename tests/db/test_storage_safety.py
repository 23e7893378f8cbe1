"""Files the database layer writes: owner-only, never an empty copy, no values in errors, a newer schema untouched."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.services.db_errors import describe
from app.services.errors import DatabaseBusy
from db.backup import EmptyCopy, check_file, make_backup, restore
from db.session import Database, DatabaseTooNew

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_database_backups_and_their_folders_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which made 0644 files before
    try:
        path = tmp_path / "data" / "branchpay.sqlite3"
        db = Database(path)
        with db.session_scope() as s:
            s.execute(text("INSERT INTO settings(key, value) VALUES ('x', 'y')"))
        backup = make_backup(path)
        db.dispose()
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(backup) == 0o600
    assert _mode(backup.parent) == 0o700
    wal = Path(str(path) + "-wal")
    if wal.exists():
        assert _mode(wal) == 0o600


def test_a_copy_with_no_tables_is_refused_and_nothing_replaced(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()  # a valid SQLite file with no tables, as the '#' bug copied
    with pytest.raises(EmptyCopy):
        make_backup(empty, folder=tmp_path / "backups")
    assert not list((tmp_path / "backups").iterdir()), "no empty backup, no .partial left behind"

    path = tmp_path / "branchpay.sqlite3"
    db = Database(path)
    db.dispose()
    before = path.read_bytes()
    assert check_file(empty, require_tables=True) is not None
    with pytest.raises(ValueError):
        restore(path, empty)
    assert path.read_bytes() == before


def test_failed_statements_do_not_show_their_values(tmp_path: Path) -> None:
    db = Database(tmp_path / "branchpay.sqlite3")
    with db.session_scope() as s:
        s.execute(text("INSERT INTO settings(key, value) VALUES ('k', 'first')"))
    with pytest.raises(IntegrityError) as caught, db.session_scope() as s:
        s.execute(text("INSERT INTO settings(key, value) VALUES ('k', :v)"), {"v": "Secret-Pass-4711"})
    assert "Secret-Pass-4711" not in str(caught.value)
    db.dispose()


def test_a_database_from_a_newer_version_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    Database(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as caught:
        Database(path)
    assert caught.value.revision == "9999"
    problem = describe(caught.value)
    assert problem is not None and "9999" in problem.text("en") and "newer BranchPay" in problem.text("en")
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists(), "no pre-migration backup for a file we cannot migrate"


def test_database_failures_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "branchpay.sqlite3"
    Database(path).dispose()
    ro = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        ro.execute("INSERT INTO settings(key, value) VALUES ('a', 'b')")
    ro.close()
    problem = describe(caught.value)
    assert problem is not None and problem.kind == "read_only"

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    problem = describe(caught.value)
    assert problem is not None and problem.kind == "busy" and problem.text("en") == DatabaseBusy().text("en")

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"\x00garbage\xff" * 800)
    conn = sqlite3.connect(garbage)
    with pytest.raises(sqlite3.DatabaseError) as caught_damaged:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    problem = describe(caught_damaged.value)
    assert problem is not None and problem.kind == "damaged"
    assert describe(ValueError("something else")) is None
