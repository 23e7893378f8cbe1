"""Backups as the user sees them: back up now, back up on a schedule, restore, recover a damaged file.

A thin layer over :mod:`db.backup` (which does the careful file work) that adds what the
settings say — how many copies to keep, how often — and records when the last backup ran.
Nothing here ever deletes a database: a damaged or replaced file is always moved aside or
copied first, because the manager must never lose data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from app.i18n import tr
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.settings import OPTIONS, get_setting, set_setting
from db import backup as files
from db.backup import BackupInfo
from db.session import Database

log = logging.getLogger("branchpay.backups")

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"

REASONS: dict[str, tuple[str, str]] = {
    "manual": ("手动备份", "manual"),
    "scheduled": ("定期自动备份", "scheduled"),
    "before-migration": ("升级前自动备份", "before an upgrade"),
    "before-restore": ("恢复前的数据", "before a restore"),
}


def reason_text(reason: str) -> str:
    zh, en = REASONS.get(reason, (reason, reason))
    return tr(zh, en)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _int_setting(value: str, key: str, minimum: int) -> int:
    """A hand-edited or damaged setting falls back to the default instead of stopping a backup."""
    try:
        number = int(value.strip())
    except ValueError:
        number = int(OPTIONS[key].default)
    return max(number, minimum)


def _file_only(db: Database) -> None:
    """Refuse a file backup or restore of a server database, saying what applies instead."""
    if db.is_server:
        from app.services.server_backups import ServerBackupsApply

        raise ServerBackupsApply(db.location)


def keep_count(db: Database) -> int:
    with db.session_scope() as session:
        return _int_setting(get_setting(session, "backup_keep"), "backup_keep", 1)


def backup_folder(db: Database) -> Path:
    _file_only(db)
    return files.backup_dir_for(db.path)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Newest first, as the restore dialog shows them."""
    return files.list_backups(files.backup_dir_for(db_path))


def _record(db: Database, when: datetime) -> None:
    with db.session_scope(write=True) as session:
        set_setting(session, "last_backup_at", when.strftime(STAMP_FORMAT))


def backup_now(db: Database, *, reason: str = "manual", now: datetime | None = None) -> Path:
    """Copy the open database to the backup folder, keep the newest ``backup_keep`` copies."""
    _file_only(db)
    path = files.make_backup(db.path, reason=reason, keep=keep_count(db))
    _record(db, now or datetime.now())
    log.info("backup written: %s", path)
    return path


def last_backup_time(db: Database) -> datetime | None:
    """The later of the recorded time and the newest file, so a copy made by hand or by an upgrade counts too."""
    times: list[datetime] = []
    with db.session_scope() as session:
        recorded = get_setting(session, "last_backup_at").strip()
    if recorded:
        try:
            times.append(datetime.strptime(recorded, STAMP_FORMAT))
        except ValueError:
            log.warning("ignoring unreadable last_backup_at %r", recorded)
    newest = [] if db.is_server else list_backups(db.path)
    if newest:
        times.append(newest[0].taken_at)
    return max(times) if times else None


def backup_due(db: Database, *, now: datetime | None = None) -> bool:
    now = now or datetime.now()
    with db.session_scope() as session:
        every = _int_setting(get_setting(session, "backup_every_days"), "backup_every_days", 1)
    last = last_backup_time(db)
    return last is None or now - last >= timedelta(days=every)


def backup_if_due(db: Database, *, now: datetime | None = None) -> Path | None:
    """The scheduled backup, run at start-up: a copy when ``backup_every_days`` have passed, else None."""
    if db.is_server:  # the server's own backups apply (app/services/server_backups.py)
        return None
    if not db.path.exists() or not backup_due(db, now=now):
        return None
    return backup_now(db, reason="scheduled", now=now)


# --- restore --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    db: Database
    """The reopened (and, for an older backup, migrated) database."""
    restored_from: Path
    safety_backup: Path | None
    """Where the data as it was just before the restore was copied; None when there was no file."""


def restore_database(db: Database, backup: Path) -> RestoreResult:
    """Replace the open database by ``backup``; ``db`` is disposed, use the returned one from now on.

    The backup is checked before anything changes; a bad file is refused with the database
    untouched (and reopened), and the current data is always copied aside first.
    """
    _file_only(db)
    keep = keep_count(db)
    path = db.path
    db.dispose()
    try:
        safety = files.restore(path, Path(backup), keep=keep)
    except ValueError as exc:
        log.warning("restore refused: %s", exc)
        raise ServiceError(
            f"无法从 {Path(backup).name} 恢复：该文件不是完好的 BranchPay 数据库。当前数据没有改动。",
            f"Cannot restore from {Path(backup).name}: it is not a healthy BranchPay database. "
            "Your current data was not changed.",
        ) from exc
    except FileNotFoundError as exc:
        raise ServiceError(
            f"找不到备份文件 {backup}。当前数据没有改动。",
            f"The backup file {backup} was not found. Your current data was not changed.",
        ) from exc
    reopened = Database(path)
    with reopened.session_scope(write=True) as session:
        audit(
            session,
            "database.restore",
            entity="database",
            key=str(path),
            before=str(safety) if safety else "",
            after=str(backup),
        )
    log.info("restored %s from %s (previous data kept in %s)", path, backup, safety)
    return RestoreResult(reopened, Path(backup), safety)


# --- a damaged database at start-up ----------------------------------------------------------


class DamagedChoice(Enum):
    RESTORE = "restore"
    EMPTY = "empty"
    QUIT = "quit"


@dataclass(frozen=True)
class Recovery:
    moved_to: Path
    """Where the damaged file now is (it is never deleted)."""
    restored_from: Path | None


def recover_damaged(db_path: Path, choice: DamagedChoice, backup: Path | None = None) -> Recovery | None:
    """Move the damaged file aside, then restore ``backup`` (RESTORE) or leave the place empty (EMPTY)."""
    if choice is DamagedChoice.QUIT:
        return None
    if choice is DamagedChoice.RESTORE and backup is None:
        raise ValueError("RESTORE needs a backup")
    if choice is DamagedChoice.RESTORE and backup is not None:
        # Check first, so a bad backup leaves the damaged file exactly where it was.
        problem = files.check_file(backup, require_tables=True)
        if problem is not None:
            raise ServiceError(
                f"备份 {backup.name} 也无法使用，没有做任何改动。",
                f"The backup {backup.name} cannot be used either; nothing was changed.",
            )
    moved = files.move_aside(db_path)
    log.warning("damaged database moved to %s", moved)
    if choice is DamagedChoice.EMPTY or backup is None:
        return Recovery(moved, None)
    files.restore(db_path, backup)
    log.warning("database %s restored from %s", db_path, backup)
    return Recovery(moved, backup)
