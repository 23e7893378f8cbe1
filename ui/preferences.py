"""Per-user preferences of this PC's window (last folders, a splitter position): not payroll
data, so kept with :class:`QSettings` rather than in the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app import APP_NAME


def _store() -> QSettings:
    return QSettings(APP_NAME, "window")


def preference(key: str) -> object:
    """The remembered value of ``key``, or None."""
    return _store().value(key)


def set_preference(key: str, value: str) -> None:
    _store().setValue(key, value)


LAST_DATABASE = "last_database"


def remember_database(path: Path) -> None:
    """The database the window works on, so the next start without ``--db`` opens it again."""
    set_preference(LAST_DATABASE, str(Path(path).resolve()))


def remembered_database() -> Path | None:
    """The database used last on this PC, while its file still exists; None otherwise."""
    value = preference(LAST_DATABASE)
    if not isinstance(value, str) or not value:
        return None
    path = Path(value)
    return path if path.is_file() else None
