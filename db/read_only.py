"""Opening another branch's database to read it, and nothing else (``region consolidate``).

:class:`db.session.Database` is the branch's own way in: it creates a missing file, upgrades an old
schema (after a backup beside the file) and the command line stamps the file as checked
(``<file>.checked``). None of that may happen to a database head office merely reads, so a
:class:`ReadOnlyDatabase`

- opens a SQLite file with ``mode=ro`` (SQLite itself refuses every write) and ``PRAGMA
  query_only``; a missing file is an error, never a new empty database;
- opens a server database with every transaction ``READ ONLY``;
- never migrates: a database at another schema revision is refused with what to do
  (:class:`SchemaMismatch`), since reading an old schema with today's models would misread it;
- runs SQLite's ``quick_check`` over its own read-only connection when the file's stamp does not
  vouch for it, and writes no stamp.

SQLite in WAL mode keeps the shared-memory index of a reader in ``<file>-shm`` (and an empty
``<file>-wal``): a read-only reader may create those companion files when the branch's program
is not running; the database file itself is not written (tests/services/test_region.py checks
its bytes and modification time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from db.server import display_url, is_server_url, server_url


class SchemaMismatch(Exception):
    """The database is at another schema revision than this BranchPay's (or is no BranchPay database)."""

    def __init__(self, location: str, revision: str | None, *, newer: bool) -> None:
        super().__init__(location, revision)
        self.location = location
        self.revision = revision  # None: no BranchPay schema at all
        self.newer = newer


class NotReadable(Exception):
    """The file is missing, not a database, or fails SQLite's quick_check."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(location, problem)
        self.location = location
        self.problem = problem


def _sqlite_engine(path: Path) -> Engine:
    from db.session import busy_timeout_ms

    uri = f"{path.resolve().as_uri()}?mode=ro"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.isolation_level = None  # transactions begin with _on_begin's BEGIN (db/session.py's recipe)
        conn.execute("PRAGMA query_only=ON")
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        return conn

    engine = create_engine("sqlite://", creator=connect, future=True, hide_parameters=True)

    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")  # one snapshot for the whole read

    event.listen(engine, "begin", on_begin)
    return engine


def _server_engine(url: str) -> Engine:
    from db.server_locking import install

    engine = create_engine(server_url(url), future=True, hide_parameters=True, pool_pre_ping=True)
    install(engine)  # REPEATABLE READ per unit of work, as the branch's own reads

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", on_connect)
    return engine


class ReadOnlyDatabase:
    """A branch database opened to read: ``session_scope()`` like :class:`db.session.Database`, no writes."""

    def __init__(self, source: Path | str) -> None:
        from db.session import HEAD_REVISION, known_revisions

        self.is_server = is_server_url(source)
        if self.is_server:
            self.location = display_url(str(source))
            self.engine = _server_engine(str(source))
        else:
            path = Path(source)
            self.location = str(path)
            if not path.is_file():
                raise NotReadable(self.location, "missing")
            self.engine = _sqlite_engine(path)
        try:
            if not self.is_server:
                self._check_file(Path(source))
            stored = self._stored_revision()
            if stored != HEAD_REVISION:
                newer = stored is not None and stored not in known_revisions()
                raise SchemaMismatch(self.location, stored, newer=newer)
        except BaseException:
            self.engine.dispose()
            raise
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def _check_file(self, path: Path) -> None:
        from sqlalchemy.exc import DatabaseError

        from db.integrity_stamp import known_good

        vouched = known_good(path)  # before connecting: a reader may create the -wal file the stamp covers
        try:
            with self.engine.connect() as conn:
                if vouched:
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
                    return
                row = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
        except DatabaseError as exc:
            raise NotReadable(self.location, str(getattr(exc, "orig", exc))) from exc
        problems = [str(r[0]) for r in row if str(r[0]) != "ok"]
        if problems:
            raise NotReadable(self.location, problems[0])

    def _stored_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return str(value) if value is not None else None

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One read: a single snapshot, rolled back at the end (there is nothing to commit)."""
        session = self._factory(info={"acting_user": None})
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
