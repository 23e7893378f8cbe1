"""Many new rows at once through the driver, on SQLite and on PostgreSQL.

The importers hand over tuples already formatted as the model's column types store them
(money as decimal text, dates as ``YYYY-MM-DD``, booleans as 0/1). SQLite takes them through
``executemany`` with qmark parameters; PostgreSQL through ``COPY … FROM STDIN`` (psycopg 3),
whose text input reads the same values (``'1'``/``'0'`` are booleans, ISO dates are dates) and
is several times faster than an ``INSERT`` per row. The only place that knows the difference.
:func:`update_rows` changes many rows by key the same way (``executemany`` on both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (one value per column, in order) into ``table`` in ``conn``'s transaction."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        # Identifiers come from the code, never from a file: quoting keeps them exact anyway.
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))


def update_rows(
    conn: Connection,
    table: Table,
    key: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    same: Mapping[str, Any] | None = None,
    versioned: bool = False,
) -> None:
    """For each row ``(v1, …, vn, key_value)``: set ``columns`` to ``v1…vn`` (formatted as the driver
    stores them, as for :func:`insert_rows`) where ``key`` equals ``key_value``, in ``conn``'s transaction.

    ``same`` holds values every row gets, as Python values (formatted here by their columns' types: a
    datetime is text on SQLite and a timestamp on PostgreSQL). ``versioned`` also raises each row's
    ``version`` by one (db/versioning.py): the rows count as changed records.
    """
    if not rows:
        return
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    fixed = dict(same or {})
    sets = [f"{c} = {mark}" for c in columns] + [f"{c} = {mark}" for c in fixed]
    if versioned:
        sets.append("version = version + 1")
    constants: list[Any] = []
    for name, value in fixed.items():
        process = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        constants.append(process(value) if process is not None else value)
    sql = f"UPDATE {table.name} SET {', '.join(sets)} WHERE {key} = {mark}"
    tail = tuple(constants)
    conn.exec_driver_sql(sql, [(*row[:-1], *tail, row[-1]) for row in rows])
