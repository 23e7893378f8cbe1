"""Backups of a server database: the server's own backups apply (docs/server-database.md).

BranchPay copies a SQLite file itself (app/services/backups.py). A PostgreSQL database lives on
a server that has its own backup routine (``pg_dump``, base backups, the host's snapshots), run
by whoever runs the server; BranchPay neither copies nor restores it. The backup menu says so
and, when ``pg_dump`` is on PATH, shows the command that dumps this database — without the
password (``pg_dump`` reads it from ``PGPASSWORD`` or ``~/.pgpass``).
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from app.services.errors import ServiceError


@dataclass(frozen=True)
class ServerBackupAdvice:
    zh: str
    en: str
    pg_dump_command: str | None
    """The command that dumps this database to a file, when ``pg_dump`` is installed; None otherwise."""

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def pg_dump_command(location: str, *, pg_dump: str | None = None) -> str | None:
    """``pg_dump`` for the database at ``location`` (a URL shown without its password), or None without the tool."""
    tool = pg_dump or shutil.which("pg_dump")
    if tool is None:
        return None
    url = make_url(location)
    parts = [tool, "--format=custom", "--file", f"{url.database or 'branchpay'}.dump"]
    if url.host:
        parts += ["--host", url.host]
    if url.port:
        parts += ["--port", str(url.port)]
    if url.username:
        parts += ["--username", url.username]
    parts.append(url.database or "")
    return " ".join(shlex.quote(p) for p in parts)


def server_backup_advice(location: str, *, pg_dump: str | None = None) -> ServerBackupAdvice:
    command = pg_dump_command(location, pg_dump=pg_dump)
    zh = (f"数据库在服务器上（{location}）：由服务器自己的备份负责（由管理服务器的人安排），"
          "BranchPay 不复制也不恢复服务器数据库。恢复备份只适用于本机的 SQLite 数据库文件。")
    en = (f"The database is on a server ({location}): the server's own backups apply (arranged by whoever runs "
          "the server); BranchPay neither copies nor restores a server database. Restoring a backup is for "
          "SQLite database files on this PC.")
    if command:
        zh += f"\n\n需要手动备份时，可运行（密码取自 PGPASSWORD 或 ~/.pgpass）：\n{command}"
        en += f"\n\nTo take a copy by hand, run (the password comes from PGPASSWORD or ~/.pgpass):\n{command}"
    return ServerBackupAdvice(zh, en, command)


class ServerBackupsApply(ServiceError):
    """A file backup or restore asked of a server database."""

    def __init__(self, location: str) -> None:
        advice = server_backup_advice(location)
        super().__init__(advice.zh, advice.en)
        self.advice = advice
