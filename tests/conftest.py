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
