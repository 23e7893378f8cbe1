"""Per-user preferences of this PC's window (last folders, a splitter position): not payroll
data, so kept with :class:`QSettings` rather than in the database."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app import APP_NAME


def _store() -> QSettings:
    return QSettings(APP_NAME, "window")


def preference(key: str) -> object:
    """The remembered value of ``key``, or None."""
    return _store().value(key)


def set_preference(key: str, value: str) -> None:
    _store().setValue(key, value)
