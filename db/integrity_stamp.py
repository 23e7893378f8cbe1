"""Remember that a database file passed SQLite's ``quick_check``, so the next command need not repeat it.

Every ``branchpay`` command refuses a damaged database before touching it (``PRAGMA quick_check``,
as the window does at start). That check reads the whole file: some 40 ms for one busy month,
seconds for years of history, paid by every command. A passing check — and every command that
ends normally, since SQLite's own writes leave a sound file — records the file's size and
modification time (and its write-ahead log's) in ``<database>.checked`` beside it. While those
are unchanged, nothing has written the file since, and the check is not repeated. A copy put in
its place, a restore, a write by a killed process, anything that changes the file outside a
finished command, changes the stamp: the next command checks again.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def _stamp_path(db_path: Path) -> Path:
    return Path(f"{db_path}.checked")


def _stamp(db_path: Path) -> str | None:
    """Size and modification time (ns) of the database and its WAL file; None if it cannot be read."""
    parts = []
    for path in (Path(db_path), Path(f"{db_path}-wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return None
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return " ".join(parts)


def known_good(db_path: Path) -> bool:
    """Has the file not changed since it last passed the check (or a command last ended on it)?"""
    current = _stamp(db_path)
    if current is None:
        return False
    try:
        return _stamp_path(db_path).read_text(encoding="ascii").strip() == current
    except (OSError, UnicodeDecodeError):
        return False


def remember_good(db_path: Path) -> None:
    """Record the file as it is now as sound. Best effort: without a stamp the next command checks."""
    current = _stamp(db_path)
    if current is None or not Path(db_path).is_file():
        return
    target = _stamp_path(db_path)
    tmp = target.with_name(target.name + ".tmp")
    with contextlib.suppress(OSError):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(current + "\n")
        os.replace(tmp, target)


def forget(db_path: Path) -> None:
    """Drop the stamp (the file was replaced, e.g. restored from a backup)."""
    with contextlib.suppress(OSError):
        _stamp_path(db_path).unlink(missing_ok=True)
