"""Migration 0005: the app password of part one becomes the password of user ``admin``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.services import users
from app.services.security import hash_password
from app.services.settings import get_setting
from db.session import Database, make_engine, migrate


def _old_database(path: Path, password_hash: str | None) -> None:
    engine = make_engine(path)
    migrate(engine, "0002")
    if password_hash is not None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('app_password_hash', :v)"),
                         {"v": password_hash})
    engine.dispose()


def test_the_app_password_becomes_the_admins(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path, hash_password("old app pw"))
    db = Database(path)
    try:
        with db.session_scope(write=True) as s:
            assert [(u.name, u.roles) for u in users.list_users(s)] == [("admin", ("admin", "clerk", "approver"))]
            assert users.authenticate(s, "admin", "old app pw").ok
            assert get_setting(s, "app_password_hash") == ""  # moved, not kept twice
            assert get_setting(s, "signoff_same_person") == "1"  # one person still calculates and approves
    finally:
        db.dispose()


def test_without_an_app_password_there_are_no_users(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path, None)
    db = Database(path)
    try:
        with db.session_scope() as s:
            assert not users.users_exist(s)
    finally:
        db.dispose()
