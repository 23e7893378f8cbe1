"""A database file's content as one hash per table: to prove that something wrote nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path


def fingerprint(path: Path, tables: Iterable[str]) -> dict[str, str]:
    """Each table's rows (ordered by the first column) hashed, read with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: hashlib.sha256(
                repr(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()).encode()  # noqa: S608
            ).hexdigest()
            for table in tables
        }
    finally:
        conn.close()
