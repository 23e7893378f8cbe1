"""Shared fixtures. Qt always runs offscreen in tests; app/ and db/ tests never create a QApplication."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[object]:
    from db.session import Database

    db = Database(tmp_path / "branchpay.sqlite3")
    yield db
    db.dispose()


PG_SKIP = ("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
           "the PostgreSQL variants skip (.ci/run installs the distribution's postgresql package)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A throwaway PostgreSQL server for this test process (tests/pg_server.py), with the schema
    migrated once into a template database; skips when PostgreSQL or psycopg is missing."""
    from tests.pg_server import TEMPLATE, PgServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(PG_SKIP)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg (pip install 'psycopg[binary]') is not installed: the PostgreSQL variants skip")
    server = PgServer(bin_dir)
    try:
        try:
            server.start()
        except Exception as exc:  # noqa: BLE001 - the machine cannot run a server: say why and skip
            log = server.log.read_text(errors="replace")[-800:] if server.log.exists() else ""
            pytest.skip(f"the test PostgreSQL server did not start ({exc}): {log}")
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        from db.session import Database

        Database(server.url(TEMPLATE)).dispose()  # the migrations, once
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's database lives: a SQLite file, then a fresh database on the test PostgreSQL server.

    Tests that take this fixture (or ``any_database``) run on both; the PostgreSQL run skips with a
    reason when the server binaries are missing."""
    if request.param == "sqlite":
        return str(tmp_path / "branchpay.sqlite3")
    server = request.getfixturevalue("pg_server")
    return str(server.new_database())


@pytest.fixture
def any_database(db_location: str) -> Iterator[object]:
    """An empty, migrated database on SQLite and on PostgreSQL (``db_location``)."""
    from db.session import Database

    db = Database(db_location)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def pyside_refcount_guard() -> Iterator[None]:
    """PySide6 6.12.0 on Python 3.11 leaks references to None/True/False (ui/refcount_guard.py):
    top them up around every test, as the app does once a second."""
    from ui.refcount_guard import top_up

    top_up()
    yield
    top_up()


@pytest.fixture(autouse=True)
def language_restored() -> Iterator[None]:
    """A test that switches the language (a CLI call with --lang en, the English window) must not
    leave the next test in the same worker reading English labels where it expects Chinese ones."""
    from app.i18n import language, set_language

    before = language()
    yield
    if language() != before:
        set_language(before)
