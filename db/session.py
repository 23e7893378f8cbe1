"""Opening the database: the file in the user's data folder, WAL and foreign keys on,
migrations applied at start-up, one ``session_scope()`` per unit of work
(after Home Assistant's recorder).

Transactions: pysqlite's own transaction handling is switched off and every transaction
starts with a real ``BEGIN`` (SQLAlchemy's documented recipe for pysqlite), so the reads of a
unit of work see one snapshot. A unit of work that writes — ``session_scope(write=True)`` —
starts with ``BEGIN IMMEDIATE``: it takes the database's write lock *before* it reads anything,
so what it checks (is the month locked? does the agent exist?) cannot change under it before
it writes. A second writer waits for the first (``busy_timeout``) and, if that takes too long,
gets :class:`~app.services.errors.DatabaseBusy` instead of a half-checked write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import APP_ID
from app.resources import migrations_dir
from db.files import create_owner_only, engine_url, ini_escape, make_folder
from db.server import display_url, is_server_url, server_url, without_secrets
from db.versioning import OWN_CHANGES, count_change, read_counter

MIGRATIONS_DIR = migrations_dir()
# The newest Alembic revision. Kept here so that opening an up-to-date database does not
# load Alembic at all (it costs a third of a second at every start of the command line);
# tests/db checks it against the migration scripts, so it cannot drift.
HEAD_REVISION = "0009"
DB_FILENAME = "branchpay.sqlite3"


class DatabaseTooNew(Exception):
    """The file was made by a newer BranchPay: its schema revision is unknown here, so nothing is touched."""

    def __init__(self, path: Path | str, revision: str) -> None:
        super().__init__(f"{path}: made by a newer BranchPay (schema revision {revision}); this version knows up to {HEAD_REVISION}")
        self.path = path
        self.revision = revision


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", ini_escape(str(MIGRATIONS_DIR)))
    return {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_ID, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return default_data_dir() / DB_FILENAME


# How long a writer waits for another one (another window, a command-line run) to finish
# before giving up with DatabaseBusy. BRANCHPAY_BUSY_TIMEOUT_MS overrides it (tests use a short one).
BUSY_TIMEOUT_MS = 10_000
# The execution option that makes a connection's transactions start with BEGIN IMMEDIATE.
WRITE_OPTION = "branchpay_write"
# The value of WRITE_OPTION for the schema upgrade (on a server its lock is taken before any table exists).
MIGRATE = "migrate"
# Set in a connection's ``info`` while its transaction holds the write lock.
_HOLDS_WRITE_LOCK = "branchpay_holds_write_lock"


def busy_timeout_ms() -> int:
    try:
        return max(0, int(os.environ.get("BRANCHPAY_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The only SQLite-specific SQL of the project lives here, in the connection setup.
    # pysqlite's own transaction handling off: _on_begin emits BEGIN itself (SQLAlchemy's recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    """Start the transaction: ``BEGIN IMMEDIATE`` for a unit of work that writes, a plain one otherwise."""
    write = bool(conn.get_execution_options().get(WRITE_OPTION))
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
    conn.info[_HOLDS_WRITE_LOCK] = write


def make_engine(path: Path | str) -> Engine:
    # hide_parameters: a failed statement's values (a payslip password, an ID number) never reach
    # an error message or the log.
    if is_server_url(path):
        from db.server_locking import install

        engine = create_engine(server_url(str(path)), future=True, hide_parameters=True, pool_pre_ping=True)
        install(engine)
        return engine
    engine = create_engine(engine_url(path), future=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
    return engine


def is_busy_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the database giving up on the write lock another connection holds.

    SQLite: its busy timeout ran out, or the snapshot is older than another writer's commit.
    PostgreSQL: the lock timeout ran out, a serialisation failure or a deadlock (db/server_locking.py).
    """
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    if getattr(getattr(exc, "orig", None), "sqlstate", None) in ("55P03", "40001", "40P01"):
        return True
    if not isinstance(exc, OperationalError):
        return False
    text_ = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text_ or "database is busy" in text_ or "database table is locked" in text_


def claim_write_lock(session: Session) -> None:
    """Make sure ``session``'s transaction holds the database's write lock from here to its commit.

    A service calls this before it checks what its write depends on (the month's status, the
    agents): from then on no other connection can change those facts until this transaction
    ends, so the check and the write are one atomic step. A session from
    ``session_scope(write=True)`` already holds the lock (``BEGIN IMMEDIATE``) and nothing
    happens. Any other session takes it now with a write that changes nothing; if that
    session's snapshot is older than another writer's commit, SQLite refuses at once (the
    facts it read may be out of date) and the caller gets :class:`DatabaseBusy`.
    """
    conn = session.connection()
    if conn.info.get(_HOLDS_WRITE_LOCK):
        return
    if conn.dialect.name == "postgresql":
        from db.server_locking import claim

        claim(conn)
        return
    if conn.dialect.name != "sqlite":
        return
    try:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 0")
    except OperationalError as exc:
        if is_busy_error(exc):
            from app.services.errors import DatabaseBusy

            raise DatabaseBusy() from exc
        raise
    conn.info[_HOLDS_WRITE_LOCK] = True


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", ini_escape(str(MIGRATIONS_DIR)))
    cfg.set_main_option("sqlalchemy.url", ini_escape(engine.url.render_as_string(hide_password=False)))
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", ini_escape(str(MIGRATIONS_DIR)))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (each migration runs in its own transaction)."""
    from alembic import command

    cfg = alembic_config(engine)
    # The write lock first, as for every write: two programs opening an old database at once
    # upgrade it one after the other instead of both at the same time.
    with engine.execution_options(**{WRITE_OPTION: MIGRATE}).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class NotAFile(Exception):
    """A file-only operation (backup, restore, integrity check) asked of a server database."""


class Database:
    """An open BranchPay database: the engine and a session factory.

    ``path`` is a SQLite file, or a server URL (``postgresql+psycopg://user@host/dbname``,
    db/server.py): then :attr:`is_server` is true, :attr:`path` raises :class:`NotAFile` and
    :attr:`location` names it without its password.
    """

    def __init__(self, path: Path | str, *, upgrade: bool = True) -> None:
        # The signed-in user (docs/pay-rules.md §10), handed to every session as session.info["acting_user"].
        self.acting_user: str | None = None
        # The data-change counter values this object's sessions committed (db/versioning.py): a newer
        # value not among them is another program's or user's change.
        self.own_changes: set[int] = set()
        self.is_server = is_server_url(path)
        self._path: Path | None = None
        if self.is_server:
            self.location = display_url(str(path))
            self.address = without_secrets(str(path))  # what the next start may reopen (no password)
            self.engine = make_engine(str(path))
        else:
            self._path = Path(path)
            self.location = str(self._path)
            self.address = str(self._path.resolve())
            make_folder(self._path.parent)
            if not self._path.exists():
                # Created owner-only before SQLite opens it; its -wal and -shm files take the same mode.
                create_owner_only(self._path)
            self.engine = make_engine(self._path)
        if upgrade:
            stored = self._stored_revision()
            if stored != HEAD_REVISION:
                if stored is not None and stored not in known_revisions():
                    self.engine.dispose()
                    raise DatabaseTooNew(self.location, stored)
                if stored is not None and self._path is not None:
                    # An existing database is about to change shape: keep a copy first.
                    from db.backup import make_backup

                    make_backup(self.path, reason="before-migration")
                migrate(self.engine)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def path(self) -> Path:
        """The SQLite file; a server database has none (:class:`NotAFile`)."""
        if self._path is None:
            raise NotAFile(f"{self.location} is a server database, not a file")
        return self._path

    @property
    def data_folder(self) -> Path:
        """Where this PC keeps the database's local companions (logo, log): the file's folder, or the
        app's own data folder for a server database."""
        return self._path.parent if self._path is not None else default_data_dir()

    def _stored_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _info(self) -> dict[str, Any]:
        return {"acting_user": self.acting_user, OWN_CHANGES: self.own_changes}

    def data_change_counter(self) -> int:
        """How many write transactions the database has committed (any program's): one small read."""
        with self.session() as session:
            return read_counter(session)

    def session(self) -> Session:
        return self._factory(info=self._info())

    @contextmanager
    def session_scope(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error.

        ``write=True`` for a unit of work that writes: its transaction starts with
        ``BEGIN IMMEDIATE``, holding the write lock from its first read to its commit, so
        nothing it checked can change before it writes. When another writer keeps the lock
        longer than the busy timeout, :class:`~app.services.errors.DatabaseBusy` is raised and
        nothing is written.
        """
        session = (self._write_factory if write else self._factory)(info=self._info())
        try:
            yield session
            if write:
                # Writes made with Core statements alone (an import's bulk insert) flush no ORM object:
                # count the transaction here so other windows and the staleness check see it.
                count_change(session)
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if is_busy_error(exc):
                from app.services.errors import DatabaseBusy

                raise DatabaseBusy() from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def write_scope(self) -> Iterator[Session]:
        """``session_scope(write=True)``: a unit of work that writes."""
        with self.session_scope(write=True) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str | None = None) -> Database:
    return Database(path if path is not None else default_db_path())
