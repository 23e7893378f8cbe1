"""Stale edits refused (docs/server-database.md): a form sends back the version of the record it showed.

Each record a user edits in a form carries a version (db/versioning.py raises it on every change and
notes who and when). The service that saves the form compares, inside the write transaction that
changes the record, the stored version with the one the form read: when someone else (another
window, a command, a second clerk on a server database) changed the record in between, the save is
refused with "changed by NAME at TIME, reload" and nothing is written.
"""

from __future__ import annotations

from app.services.errors import StaleRecord
from app.text import Text
from db.models import Versioned


def check_version(row: Versioned, expected: int | None, what: Text) -> None:
    """Refuse the edit when ``row`` changed since the form read version ``expected`` (``None``: the
    caller did not read the record first, e.g. the command line, and nothing is compared)."""
    if expected is None or row.version == expected:
        return
    at = f"{row.changed_at:%Y-%m-%d %H:%M:%S}" if row.changed_at else "?"
    raise StaleRecord((what.zh, what.en), row.changed_by, at)
