"""A server database (PostgreSQL through psycopg 3) named by a URL instead of a file path.

``--db postgresql+psycopg://user@host/dbname`` (or ``postgresql://…``, which means the same
driver here) opens a database on a PostgreSQL server; anything else is a SQLite file path.
Everything that only makes sense for a file — the instance lock, the integrity stamp,
``quick_check``, file backups and restores, owner-only permissions — is skipped for a server
(docs/server-database.md says what applies instead).

A URL may carry a password (``user:secret@host`` or ``?password=secret``): :func:`display_url`
is the only form that reaches a message or the log; it hides both.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DRIVER = "postgresql+psycopg"
_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://", re.IGNORECASE)
_SECRET_QUERY_KEYS = ("password", "passfile", "sslpassword", "sslkey")


class NotAServerDriver(ValueError):
    """A PostgreSQL URL naming a driver other than psycopg 3."""


def is_server_url(value: object) -> bool:
    """Does ``value`` (a --db argument, a remembered database) name a server database rather than a file?"""
    return isinstance(value, str | URL) and bool(_SCHEME.match(str(value)))


def server_url(value: str | URL) -> URL:
    """The SQLAlchemy URL for ``value``, always with the psycopg 3 driver."""
    url = make_url(value) if isinstance(value, str) else value
    backend, _, driver = url.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if driver and driver != "psycopg":
        raise NotAServerDriver(f"{display_url(url)}: BranchPay talks to PostgreSQL through psycopg 3 (postgresql+psycopg://)")
    return url.set(drivername=DRIVER)


def without_secrets(value: str | URL) -> str:
    """``value`` with its password (in the URL or its query) left out, to be remembered for the next
    start: libpq then takes the password from PGPASSWORD or ~/.pgpass, as docs/server-database.md asks."""
    url = make_url(value) if isinstance(value, str) else value
    url = url._replace(password=None)  # URL.set(password=None) would keep it: None there means "unchanged"
    if url.query:
        url = url.set(query={k: v for k, v in url.query.items() if k.lower() not in _SECRET_QUERY_KEYS})
    return url.render_as_string(hide_password=False)


def display_url(value: str | URL | Path) -> str:
    """``value`` as shown to the user and written to the log: a password (in the URL or its query) as ``***``."""
    if isinstance(value, Path) or not is_server_url(value):
        return str(value)
    try:
        url = make_url(value) if isinstance(value, str) else value
    except Exception:  # noqa: BLE001 - an unparsable URL: show only its scheme
        return str(value).split("://", 1)[0] + "://***"
    if url.query:
        url = url.set(query={k: ("***" if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in url.query.items()})
    return url.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
