"""Opening the database: the file in the user's data folder, WAL and foreign keys on,
migrations applied at start-up, one ``session_scope()`` per unit of work
(after Home Assistant's recorder)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from app import APP_ID
from app.resources import migrations_dir
from db.files import create_owner_only, engine_url, ini_escape, make_folder

MIGRATIONS_DIR = migrations_dir()
# The newest Alembic revision. Kept here so that opening an up-to-date database does not
# load Alembic at all (it costs a third of a second at every start of the command line);
# tests/db checks it against the migration scripts, so it cannot drift.
HEAD_REVISION = "0002"
DB_FILENAME = "branchpay.sqlite3"


class DatabaseTooNew(Exception):
    """The file was made by a newer BranchPay: its schema revision is unknown here, so nothing is touched."""

    def __init__(self, path: Path, revision: str) -> None:
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


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The only SQLite-specific SQL of the project lives here, in the connection setup.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(path: Path | str) -> Engine:
    # hide_parameters: a failed statement's values (a payslip password, an ID number) never reach
    # an error message or the log.
    engine = create_engine(engine_url(path), future=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
    return engine


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
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class Database:
    """An open BranchPay database: the engine and a session factory."""

    def __init__(self, path: Path | str, *, upgrade: bool = True) -> None:
        self.path = Path(path)
        make_folder(self.path.parent)
        if not self.path.exists():
            # Created owner-only before SQLite opens it; its -wal and -shm files take the same mode.
            create_owner_only(self.path)
        self.engine = make_engine(self.path)
        if upgrade:
            stored = self._stored_revision()
            if stored != HEAD_REVISION:
                if stored is not None and stored not in known_revisions():
                    self.engine.dispose()
                    raise DatabaseTooNew(self.path, stored)
                if stored is not None:
                    # An existing database is about to change shape: keep a copy first.
                    from db.backup import make_backup

                    make_backup(self.path, reason="before-migration")
                migrate(self.engine)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def _stored_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def session(self) -> Session:
        return self._factory()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str | None = None) -> Database:
    return Database(path if path is not None else default_db_path())
