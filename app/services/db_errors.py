"""Database failures in plain words: one line the user can act on, never a raw SQL error.

SQLAlchemy's own message carries the statement (and, before ``hide_parameters``, its
values); the CLI and the window show :func:`describe` instead and keep the details in the log.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

from app.services.errors import DatabaseBusy, ServiceError
from db.errors import DuplicateAgentCodes
from db.session import DatabaseTooNew, is_busy_error


class DatabaseProblem(ServiceError):
    """The database could not be read or written; ``kind`` names which way (busy, read_only, full, cannot_open)."""

    def __init__(self, kind: str, message: str, message_en: str) -> None:
        super().__init__(message, message_en)
        self.kind = kind


_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("busy", ("database is locked", "database table is locked", "database is busy")),
    ("read_only", ("readonly database", "read-only", "attempt to write a readonly")),
    ("full", ("database or disk is full", "disk is full", "no space left")),
    ("cannot_open", ("unable to open database", "cannot open")),
    ("damaged", ("database disk image is malformed", "file is not a database", "file is encrypted")),
    # A server database (PostgreSQL): libpq's words for a server that cannot be reached or refuses the login.
    ("cannot_connect", ("connection refused", "could not connect", "connection failed", "authentication failed",
                        "could not translate host name")),
)

_TEXTS = {
    "read_only": (
        "数据库文件是只读的，不能写入。请检查文件和文件夹的权限（或是否在只读的 U 盘、光盘上），什么也没有改动。",
        "The database file is read-only. Check the permissions of the file and its folder (or whether it is on "
        "read-only media); nothing was changed.",
    ),
    "full": (
        "磁盘已满，无法写入数据库。请清理磁盘空间后再试，什么也没有改动。",
        "The disk is full, so the database cannot be written. Free some disk space and try again; nothing was changed.",
    ),
    "cannot_open": (
        "无法打开数据库文件。请检查文件夹是否存在、是否有权限访问。",
        "The database file cannot be opened. Check that its folder exists and that you may access it.",
    ),
    "cannot_connect": (
        "无法连接数据库服务器。请检查地址、端口、用户名和密码，以及服务器是否在运行；什么也没有改动。",
        "The database server cannot be reached. Check its address, port, user name and password, and that the "
        "server is running; nothing was changed.",
    ),
    "damaged": (
        "数据库文件已损坏，无法读取。请打开程序，从最近的备份恢复。",
        "The database file is damaged and cannot be read. Open the app to restore the newest backup.",
    ),
}


def _kind_of(text: str) -> str | None:
    lowered = text.lower()
    for kind, needles in _KINDS:
        if any(n in lowered for n in needles):
            return kind
    return None


def describe(exc: BaseException) -> DatabaseProblem | None:
    """The plain-words problem behind ``exc``, or None when it is not a database or disk failure we know."""
    kind: str | None = None
    if isinstance(exc, DuplicateAgentCodes):  # migration 0002: codes that differ only by case
        return DatabaseProblem("duplicate_codes", exc.message, exc.message_en)
    if isinstance(exc, DatabaseTooNew):
        return DatabaseProblem(
            "too_new",
            f"数据库 {exc.path} 是由更新版本的 BranchPay 创建的（结构版本 {exc.revision}），本版本无法打开。"
            "请安装最新版本的 BranchPay；数据库没有任何改动。",
            f"The database {exc.path} was made by a newer BranchPay (schema revision {exc.revision}); this "
            "version cannot open it. Install the newest BranchPay; the database was not changed.",
        )
    if isinstance(exc, DBAPIError):
        kind = "busy" if is_busy_error(exc) else _kind_of(str(exc.orig))
    elif isinstance(exc, sqlite3.Error):
        kind = _kind_of(str(exc))
    elif isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        kind = "full"
    elif isinstance(exc, OSError) and exc.errno == errno.EROFS:
        kind = "read_only"
    if kind is None:
        return None
    if kind == "busy":
        busy = DatabaseBusy()  # the one wording, whether the wait ran out in a write scope or elsewhere
        return DatabaseProblem(kind, busy.message, busy.message_en)
    zh, en = _TEXTS[kind]
    return DatabaseProblem(kind, zh, en)


def damaged_text(db_path: object, problem: str, newest_backup: str | None) -> tuple[str, str]:
    """What the command line says about a database that fails its integrity check (it then touches nothing)."""
    if newest_backup:
        offer = (
            f"请打开 BranchPay 窗口，从最近的完好备份（{newest_backup}）恢复。",
            f"Open the BranchPay window to restore the newest healthy backup ({newest_backup}).",
        )
    else:
        offer = ("没有找到完好的备份；请联系技术支持。", "No healthy backup was found; please contact support.")
    return (
        f"数据库 {db_path} 已损坏（{problem}），命令行不会读写它。" + offer[0],
        f"The database {db_path} is damaged ({problem}); the command line will not read or write it. " + offer[1],
    )
