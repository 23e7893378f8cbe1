"""A server database (issue #19): the same migrations, services and exact money on PostgreSQL as on SQLite."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from app.services.payroll import calculate_month
from db.models import PayrollResult
from db.server import display_url, is_server_url, server_url, without_secrets
from db.session import HEAD_REVISION, Database, NotAFile, current_revision
from tests.reports.conftest import MONTH, build_example


def test_a_server_url_is_told_from_a_file_path() -> None:
    assert is_server_url("postgresql+psycopg://clerk@db.branch/pay")
    assert is_server_url("postgresql://clerk@db.branch/pay")
    assert not is_server_url("/data/postgresql/branchpay.sqlite3")
    assert not is_server_url("branchpay.sqlite3")
    assert server_url("postgresql://clerk@db/pay").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://clerk:s3cr%40t-Pw@db.branch:5432/pay",
     "postgresql+psycopg://clerk@db.branch/pay?password=s3cr@t-Pw&sslmode=require"],
)
def test_a_password_in_the_url_is_never_shown(url: str) -> None:
    shown = display_url(url)
    assert "s3cr" not in shown and "Pw" not in shown
    assert "clerk" in shown and "db.branch" in shown and "***" in shown


def test_a_server_database_that_cannot_be_reached_names_it_without_the_password() -> None:
    with pytest.raises(Exception) as caught:
        Database("postgresql+psycopg://clerk:TopSecret99@127.0.0.1:1/pay?connect_timeout=2")
    assert "TopSecret99" not in str(caught.value)


def _index_names(db: Database) -> set[str]:
    """Every index the migrations made (named ones: the primary keys' and unique constraints' own differ by engine)."""
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'"
           if not db.is_server else
           "SELECT indexname FROM pg_indexes i WHERE schemaname = 'public' "
           "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
    with db.engine.connect() as conn:
        return {row[0] for row in conn.execute(text(sql))}


def test_the_migrations_build_the_same_schema_on_both(any_database: Database, tmp_path: Path) -> None:
    assert current_revision(any_database.engine) == HEAD_REVISION
    reference = Database(tmp_path / "reference.sqlite3")
    try:
        tables = set(inspect(reference.engine).get_table_names())
        assert set(inspect(any_database.engine).get_table_names()) == tables
        for table in sorted(tables):
            want = {c["name"] for c in inspect(reference.engine).get_columns(table)}
            assert {c["name"] for c in inspect(any_database.engine).get_columns(table)} == want, table
        assert _index_names(any_database) == _index_names(reference)
    finally:
        reference.dispose()


def test_a_server_database_has_no_file(pg_server: object) -> None:
    db = Database(pg_server.new_database())  # type: ignore[attr-defined]
    try:
        assert db.is_server
        with pytest.raises(NotAFile):
            _ = db.path
        assert db.location.startswith("postgresql+psycopg://branchpay@127.0.0.1:")
    finally:
        db.dispose()


def test_the_worked_example_pays_the_same_to_the_cent(db_location: str, tmp_path: Path) -> None:
    """The docs/pay-rules.md §6 worked example, imported and calculated through the services on each
    database, gives exactly the figures of the SQLite reference (money as exact decimal text)."""
    reference = build_example(tmp_path / "ref", calculate=True)
    db = build_example(tmp_path / "db", calculate=True, location=db_location)
    try:
        def figures(d: Database) -> list[tuple[str, Decimal, Decimal, Decimal]]:
            with d.session_scope() as s:
                rows = s.execute(select(PayrollResult).where(PayrollResult.month == MONTH)).scalars().all()
                return sorted((r.agent_code, r.gross, r.deductions, r.net) for r in rows)

        got = figures(db)
        assert got and got == figures(reference)
        assert all(isinstance(v, Decimal) for row in got for v in row[1:])
        # A recalculation on the server replaces the result the same way.
        with db.session_scope(write=True) as s:
            calculate_month(s, MONTH)
        assert figures(db) == got
    finally:
        db.dispose()
        reference.dispose()


def test_backups_on_a_server_say_the_servers_own_backups_apply(pg_server: object, tmp_path: Path) -> None:
    from app.services.backups import backup_if_due, backup_now, restore_database
    from app.services.server_backups import ServerBackupsApply, server_backup_advice

    db = Database(pg_server.new_database())  # type: ignore[attr-defined]
    try:
        assert backup_if_due(db) is None  # the scheduled copy at start-up does nothing
        with pytest.raises(ServerBackupsApply) as caught:
            backup_now(db)
        assert "server's own backups apply" in caught.value.text("en")
        with pytest.raises(ServerBackupsApply):
            restore_database(db, tmp_path / "some.sqlite3")
        with db.session_scope() as s:  # still open: nothing was disposed
            assert s.execute(text("SELECT 1")).scalar() == 1
    finally:
        db.dispose()
    advice = server_backup_advice("postgresql+psycopg://clerk:***@db.branch:5433/pay", pg_dump="/usr/bin/pg_dump")
    assert advice.pg_dump_command == (
        "/usr/bin/pg_dump --format=custom --file pay.dump --host db.branch --port 5433 --username clerk pay"
    )
    assert "***" not in advice.pg_dump_command and advice.pg_dump_command in advice.en


def test_agent_codes_differing_only_by_case_are_refused_by_the_server_too(any_database: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from app.services.agents import AgentInput, add_agent

    with any_database.session_scope(write=True) as s:
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), date(2024, 1, 1)))
    with pytest.raises(IntegrityError), any_database.session_scope(write=True) as s:
        s.execute(text("INSERT INTO agents (code, name, role, team, base_salary, hire_date, payslip_password, note, "
                       "created_at, updated_at, id_number, bank_name, bank_account, si_base, hf_base, statutory) "
                       "SELECT 'a001', name, role, team, base_salary, hire_date, payslip_password, note, created_at, "
                       "updated_at, id_number, bank_name, bank_account, si_base, hf_base, statutory FROM agents"))


def test_a_write_after_reading_facts_another_writer_changed_is_refused_busy(any_database: Database) -> None:
    """SQLite refuses a stale snapshot's write; the server does the same (db/server_locking.py)."""
    from app.services.errors import DatabaseBusy
    from app.services.settings import get_setting, set_setting
    from db.session import claim_write_lock

    with pytest.raises(DatabaseBusy), any_database.session_scope() as s:
        assert get_setting(s, "branch_name") is not None  # facts read: the snapshot is taken
        with any_database.session_scope(write=True) as other:
            set_setting(other, "branch_name", "Changed meanwhile")
        claim_write_lock(s)
        set_setting(s, "branch_name", "Written from stale facts")
    with any_database.session_scope() as s:
        assert get_setting(s, "branch_name") == "Changed meanwhile"
        # A unit of work that has read nothing yet simply takes the lock and sees the latest state.
    with any_database.session_scope() as s:
        claim_write_lock(s)
        assert get_setting(s, "branch_name") == "Changed meanwhile"
        set_setting(s, "branch_name", "Fine")
    with any_database.session_scope() as s:
        assert get_setting(s, "branch_name") == "Fine"


def test_every_migration_upgrades_a_database_holding_data(db_location: str) -> None:
    """A database made by the first release, with an agent and a policy in it, upgrades step by step
    through every revision to the newest — on PostgreSQL as on SQLite — and keeps its data exact."""
    from db.session import migrate

    if db_location.startswith("postgresql"):
        from tests.pg_server import TEMPLATE

        # An empty database (not the migrated template): the test server's URL names it.
        db_location = db_location.rsplit("/", 1)[0] + "/" + _empty_database(db_location, TEMPLATE)
    db = Database(db_location, upgrade=False)
    try:
        migrate(db.engine, "0001")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO agents (code, name, role, team, base_salary, hire_date, note, created_at, updated_at) "
                "VALUES ('A001', '张三', '', '', '4000.10', '2024-01-01', '', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO policies (policy_no, agent_id, product_code, premium, customer_level, new_customer, "
                "sign_date) SELECT 'P-1', id, 'L10', '12345678901234.56', '', :yes, '2026-10-01' FROM agents"),
                {"yes": True})
        migrate(db.engine)
        assert current_revision(db.engine) == HEAD_REVISION
        from db.models import Agent, Policy

        with db.session_scope() as s:
            agent = s.execute(select(Agent)).scalar_one()
            assert (agent.code, agent.base_salary, agent.statutory) == ("A001", Decimal("4000.10"), True)
            assert s.execute(select(Policy.premium)).scalar_one() == Decimal("12345678901234.56")
    finally:
        db.dispose()


def _empty_database(url: str, template: str) -> str:
    """A new empty database on the server of ``url`` (CREATE DATABASE from template0)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_empty"
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")  # type: ignore[arg-type]
    return name


def test_without_postgresql_binaries_the_fixture_finds_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import pg_server

    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pg_server.glob, "glob", lambda _pattern: [])
    assert pg_server.find_bin_dir() is None


def test_the_address_remembered_for_the_next_start_has_no_password() -> None:
    assert without_secrets("postgresql+psycopg://clerk:S3cret@db.branch:5433/bp?password=Q9&sslmode=require") == (
        "postgresql+psycopg://clerk@db.branch:5433/bp?sslmode=require"
    )
    assert without_secrets("postgresql+psycopg://clerk@db.branch/bp") == "postgresql+psycopg://clerk@db.branch/bp"
