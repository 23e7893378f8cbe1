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
