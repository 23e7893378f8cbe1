"""Paths as SQLite and the database layer need them, whatever the folder is called.

A branch's data folder may be named ``薪酬 2026#1`` or ``100% done?``: an f-string URI would
cut the path at ``#`` or ``?`` (SQLite then opens, or creates, a different file), and ``%``
breaks Alembic's ini-style options. Every SQLite URI and engine URL is built here.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from sqlalchemy.engine import URL

OWNER_ONLY_FILE = stat.S_IRUSR | stat.S_IWUSR  # 0600
OWNER_ONLY_DIR = stat.S_IRWXU  # 0700


def sqlite_uri(path: Path | str, mode: str = "ro") -> str:
    """A ``file:`` URI for :func:`sqlite3.connect(..., uri=True)` that names exactly ``path``.

    ``Path.as_uri`` percent-encodes ``#``, ``?``, ``%``, spaces and non-ASCII characters,
    which SQLite decodes again.
    """
    return f"{Path(path).resolve().as_uri()}?mode={mode}"


def engine_url(path: Path | str) -> URL:
    """The SQLAlchemy URL of the database file ``path`` (no string formatting, no escaping needed)."""
    return URL.create("sqlite", database=str(Path(path)))


def ini_escape(value: str) -> str:
    """A value for Alembic's ``Config.set_main_option``, which applies ``%`` interpolation."""
    return value.replace("%", "%%")


def owner_only(path: Path | str) -> None:
    """Make a file (0600) or folder (0700) readable by its owner only; a no-op where POSIX modes do not apply."""
    path = Path(path)
    if os.name != "posix" or not path.exists():
        return
    # A folder on a share we do not own: the data is still written; nothing to tighten.
    with contextlib.suppress(OSError):
        os.chmod(path, OWNER_ONLY_DIR if path.is_dir() else OWNER_ONLY_FILE)


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) owner-only when it is new: it holds payroll data."""
    folder = Path(folder)
    if folder.exists():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
    owner_only(folder)


def create_owner_only(path: Path) -> None:
    """Create an empty file readable by its owner only; SQLite gives its -wal/-shm files the same mode."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_BINARY", 0), OWNER_ONLY_FILE)
    os.close(fd)
    owner_only(path)
