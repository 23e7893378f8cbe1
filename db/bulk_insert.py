"""Many new rows at once through the driver, on SQLite and on PostgreSQL.

The importers hand over tuples already formatted as the model's column types store them
(money as decimal text, dates as ``YYYY-MM-DD``, booleans as 0/1). SQLite takes them through
``executemany`` with qmark parameters; PostgreSQL through ``COPY … FROM STDIN`` (psycopg 3),
whose text input reads the same values (``'1'``/``'0'`` are booleans, ISO dates are dates) and
is several times faster than an ``INSERT`` per row. The only place that knows the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection


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
