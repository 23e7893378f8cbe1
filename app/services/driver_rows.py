"""Rows of a Core select read by the database driver's own cursor: plain tuples of the stored
values (SQLite: text for dates and money), without a result object per row and without
SQLAlchemy's per-value type processing. For the few reads of hundreds of thousands of rows,
whose callers convert the values themselves (with a cache where values repeat, like dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection


def _run(connection: Connection, stmt: Any) -> Any:
    """The driver's cursor over ``stmt``, executed."""
    compiled = stmt.compile(dialect=connection.dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
    except BaseException:
        cursor.close()
        raise
    return cursor


def driver_rows(connection: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    cursor = _run(connection, stmt)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


def driver_column(connection: Connection, stmt: Any) -> list[Any]:
    """The first value of each row of ``stmt`` (hundreds of thousands of ids, say), read row by row:
    each row's tuple is freed as soon as its value is taken. A ``fetchall`` keeps every tuple alive
    at once, and that many live container objects set off the cyclic collector hundreds of times,
    its full passes over the whole heap included, holding the interpreter lock meanwhile, which a
    read on a worker thread turns into a frozen window."""
    cursor = _run(connection, stmt)
    try:
        return [row[0] for row in cursor]
    finally:
        cursor.close()


class Days:
    """Stored dates as :class:`datetime.date`, each distinct one parsed once (a month has 31)."""

    def __init__(self) -> None:
        self._known: dict[Any, date] = {}

    def __call__(self, value: Any) -> date:
        known = self._known.get(value)
        if known is None:
            known = self._known[value] = date.fromisoformat(value) if isinstance(value, str) else value
        return known
