"""Fixtures shared by the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import Database
from tests.reports.conftest import build_example


@pytest.fixture
def example(tmp_path: Path) -> Iterator[Database]:
    """The docs/pay-rules.md §6 worked example imported (not calculated): A001, A002 (hired 10-16), A003."""
    db = build_example(tmp_path, calculate=False)
    yield db
    db.dispose()


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The real ``branchpay`` command line in a subprocess (tests/acceptance/conftest.py)."""
    from tests.acceptance.conftest import Cli

    return Cli(tmp_path / "branchpay.sqlite3")
