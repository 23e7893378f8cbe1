"""Backups, restores and integrity checks of the database file.

Copies are made with SQLite's online backup API, which gives a consistent snapshot
even while the app has the database open (WAL included), and written to a temporary
name first so a crash never leaves a half-written backup that looks complete.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.files import create_owner_only, make_folder, sqlite_uri

BACKUP_DIRNAME = "backups"
EMPTY_PROBLEM = "the file holds no tables (empty)"
_NAME = re.compile(r"^branchpay-(\d{8}-\d{6})(?:-(\d+))?-([a-z-]+)\.sqlite3$")  # stamp, number in the second, reason


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int


class EmptyCopy(ValueError):
    """A copy came out with no tables: the source was not the database we meant to copy."""

    def __init__(self, source: Path) -> None:
        super().__init__(f"{source}: the copy holds no tables; nothing was replaced")
        self.source = source


def backup_dir_for(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_DIRNAME


def table_count(path: Path) -> int:
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0])
    finally:
        conn.close()


def _copy(src: Path, dst: Path) -> None:
    """Copy the database ``src`` to ``dst`` through a ``.partial`` file; refuse a copy with no tables."""
    tmp = dst.with_name(dst.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    create_owner_only(tmp)
    try:
        source = sqlite3.connect(sqlite_uri(src), uri=True)
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
                tables = target.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            finally:
                target.close()
        finally:
            source.close()
        if not tables:
            raise EmptyCopy(Path(src))
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def make_backup(db_path: Path, *, reason: str = "manual", folder: Path | None = None, keep: int | None = None) -> Path:
    """Copy the database to ``folder`` (default: ``backups/`` beside it); keep the newest ``keep``."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(db_path)
    folder = folder or backup_dir_for(db_path)
    make_folder(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    reason = re.sub(r"[^a-z-]", "-", reason.lower()) or "manual"
    # A later copy in the same second gets a higher number than any there, so it sorts as newer.
    same_second = [_number(m) for p in folder.iterdir() if (m := _NAME.match(p.name)) and m.group(1) == stamp]
    n = max(same_second) + 1 if same_second else 1
    dst = folder / (f"branchpay-{stamp}-{n}-{reason}.sqlite3" if same_second else f"branchpay-{stamp}-{reason}.sqlite3")
    while dst.exists():
        dst = folder / f"branchpay-{stamp}-{n}-{reason}.sqlite3"
        n += 1
    _copy(db_path, dst)
    if keep is not None:
        prune(folder, keep)
    return dst


def list_backups(folder: Path) -> list[BackupInfo]:
    """Newest first."""
    if not folder.exists():
        return []
    found = []
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if m:
            taken_at = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
            found.append(((taken_at, _number(m)), BackupInfo(path, taken_at, m.group(3), path.stat().st_size)))
    return [info for _, info in sorted(found, key=lambda pair: pair[0], reverse=True)]


def _number(match: re.Match[str]) -> int:
    """The copy's number within its second: none for the first, then 1, 2, ... 10 (numeric, not text, order)."""
    return int(match.group(2) or 0)


def prune(folder: Path, keep: int) -> list[Path]:
    removed = []
    for info in list_backups(folder)[max(keep, 1):]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def check_file(path: Path, *, require_tables: bool = False) -> str | None:
    """None when ``path`` is a healthy BranchPay database; otherwise what is wrong (English, for the log).

    A file with no tables (0 bytes, or never initialised) passes unless ``require_tables``:
    a new database starts so, but a backup or a restore source must hold the data.
    """
    path = Path(path)
    if not path.exists():
        return "file does not exist"
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True)
    except sqlite3.Error as exc:
        return f"cannot open: {exc}"
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            return "integrity check failed: " + "; ".join(str(r[0]) for r in rows[:5])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables and require_tables:
            return EMPTY_PROBLEM
        if tables and not {"alembic_version", "agents"} <= tables:
            return "not a BranchPay database (tables missing)"
    except sqlite3.DatabaseError as exc:
        return f"not a database: {exc}"
    finally:
        conn.close()
    return None


def move_aside(db_path: Path) -> Path:
    """Rename a damaged database (and its WAL files) so a fresh or restored one can take its place."""
    db_path = Path(db_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    os.replace(db_path, target)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def restore(db_path: Path, backup: Path, *, keep: int | None = None) -> Path | None:
    """Replace the database with ``backup`` after checking it; the current file is backed up first.

    Returns the safety backup of the current database (None when there was none). The caller
    must have closed every connection to ``db_path``.
    """
    problem = check_file(backup, require_tables=True)
    if problem is not None:
        raise ValueError(f"{backup.name}: {problem}")
    safety = None
    if Path(db_path).exists():
        try:
            safety = make_backup(db_path, reason="before-restore", keep=None)
        except EmptyCopy:
            safety = None  # the current file holds nothing to keep (a 0-byte or never-initialised file)
    tmp = Path(db_path).with_name(Path(db_path).name + ".restoring")
    _copy(backup, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    if keep is not None:
        prune(backup_dir_for(db_path), keep)
    return safety


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    for info in list_backups(backup_dir_for(db_path)):
        if check_file(info.path, require_tables=True) is None:
            return info
    return None
