"""Per-user preferences of this PC's window (last folders, a splitter position): not payroll
data, so kept with :class:`QSettings` rather than in the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app import APP_NAME
from db.server import is_server_url


def _store() -> QSettings:
    return QSettings(APP_NAME, "window")


def preference(key: str) -> object:
    """The remembered value of ``key``, or None."""
    return _store().value(key)


def set_preference(key: str, value: str) -> None:
    _store().setValue(key, value)


LAST_DATABASE = "last_database"


def remember_database(address: Path | str) -> None:
    """The database the window works on, so the next start without ``--db`` opens it again: a file's
    full path, or a server database's URL without its password (``Database.address``)."""
    set_preference(LAST_DATABASE, str(address) if is_server_url(address) else str(Path(address).resolve()))


def remembered_database() -> Path | str | None:
    """The database used last on this PC: a file while it still exists, or a server URL; None otherwise."""
    value = preference(LAST_DATABASE)
    if not isinstance(value, str) or not value:
        return None
    if is_server_url(value):
        return value
    path = Path(value)
    return path if path.is_file() else None
