"""Migration 0002 (agent codes ignore case) refuses clearly, and changes nothing, when the database
already holds two codes that differ only by case."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db.errors import DuplicateAgentCodes
from db.session import HEAD_REVISION, Database, current_revision, make_engine, migrate


def old_database(path: Path, codes: list[str]) -> None:
    """A database at revision 0001 (before codes ignored case) holding agents with ``codes``."""
    engine = make_engine(path)
    migrate(engine, "0001")
    with engine.begin() as conn:
        for code in codes:
            conn.execute(text(
                "INSERT INTO agents (code, name, role, team, base_salary, hire_date, note, created_at, updated_at) "
                "VALUES (:code, '某人', '', '', '4000', '2026-01-05', '', '2026-01-05 00:00:00', "
                "'2026-01-05 00:00:00')"
            ), {"code": code})
    engine.dispose()


def _schema(path: Path) -> list[tuple[str, str]]:
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name"))]
    finally:
        engine.dispose()


def test_codes_differing_only_by_case_stop_the_upgrade_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, ["A1", "a1", "B2"])
    before = _schema(path)
    with pytest.raises(DuplicateAgentCodes) as refused:
        Database(path)
    assert refused.value.groups == [["A1", "a1"]]
    assert "A1 / a1" in refused.value.text("en") and "Rename one code" in refused.value.text("en")
    assert "A1 / a1" in refused.value.text("zh") and "改成别的工号" in refused.value.text("zh")
    engine = make_engine(path)
    try:
        assert current_revision(engine) == "0001"  # nothing changed
        with engine.connect() as conn:
            assert sorted(conn.execute(text("SELECT code FROM agents")).scalars()) == ["A1", "B2", "a1"]
    finally:
        engine.dispose()
    assert _schema(path) == before


def test_after_renaming_one_code_the_upgrade_goes_through(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, ["A1", "a1"])
    with pytest.raises(DuplicateAgentCodes):
        Database(path)
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.execute(text("UPDATE agents SET code = 'A1-2' WHERE code = 'a1'"))
    engine.dispose()
    db = Database(path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
        names = [n for (n, _sql) in _schema(path)]
        assert "uq_agents_code_lower" in names
    finally:
        db.dispose()


def test_the_command_line_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main
    from app.i18n import set_language

    path = tmp_path / "old.sqlite3"
    old_database(path, ["A1", "a1"])
    try:
        code = main(["--lang", "en", "--db", str(path), "init"])
    finally:
        set_language("zh")
    assert code != 0
    err = capsys.readouterr().err
    assert "A1 / a1" in err and "Rename one code" in err and "unexpected" not in err
