"""The service tests, again on PostgreSQL (issue #19): the same test functions, their database
fixtures (``example``, ``locked``, ``db``, ``database``) given by a fresh database on the test server.

The functions are the SQLite suite's own (tests/services/…), collected here a second time under a
``pg`` name; on SQLite they run where they are. Without PostgreSQL binaries these skip (tests/conftest.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from app.services.payroll import lock_month
from db.session import Database
from tests.reports.conftest import build_example
from tests.services import (
    test_agent_codes_ignore_case,
    test_import_rows,
    test_locked_month_roster,
    test_money_input,
    test_pending_changes,
    test_signoff,
)

_OVERRIDDEN = {"example", "locked", "db", "database"}
# Tests that read the SQLite file itself: SQLite's wording of a unique violation (tests/server checks the
# server's index), a fingerprint of the file's bytes.
_SQLITE_WORDING = {"test_the_database_itself_refuses_two_codes_differing_only_by_case",
                   "test_sales_update_shows_the_changed_cancel_date_and_new_policies"}


def _collect(module: ModuleType) -> None:
    """Bring ``module``'s tests that use one of the overridden fixtures into this module."""
    short = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    for name, function in vars(module).items():
        if (name.startswith("test_") and inspect.isfunction(function) and name not in _SQLITE_WORDING
                and _OVERRIDDEN & set(inspect.signature(function).parameters)):
            globals()[f"test_pg_{short}__{name.removeprefix('test_')}"] = function


for _module in (test_signoff, test_import_rows, test_locked_month_roster, test_pending_changes,
                test_agent_codes_ignore_case, test_money_input):
    _collect(_module)


@pytest.fixture
def database(pg_server: Any) -> Iterator[Database]:
    db = Database(pg_server.new_database())
    yield db
    db.dispose()


@pytest.fixture
def example(pg_server: Any, tmp_path: Path) -> Iterator[Database]:
    db = build_example(tmp_path, calculate=False, location=pg_server.new_database())
    yield db
    db.dispose()


@pytest.fixture
def db(pg_server: Any, tmp_path: Path) -> Iterator[Database]:
    database = build_example(tmp_path / "example", location=pg_server.new_database())
    yield database
    database.dispose()


@pytest.fixture
def locked(pg_server: Any, tmp_path: Path) -> Iterator[Database]:
    database = build_example(tmp_path / "example", calculate=True, location=pg_server.new_database())
    with database.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    yield database
    database.dispose()
