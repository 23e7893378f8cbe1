"""The write lock on a PostgreSQL server: the same guarantee as SQLite's ``BEGIN IMMEDIATE``.

SQLite lets one writer at a time into the file, and a unit of work that writes takes that lock
before it reads anything (db/session.py). The services rely on it: "is the month locked? is
this import's month open?" is read and written under one lock, so a month's status change and
an import into that month never interleave. On a server the same rule is kept with a
**transaction-level advisory lock** (``pg_advisory_xact_lock``), one key for the whole
BranchPay database, chosen over ``SELECT … FOR UPDATE`` on a month's status row because:

- it needs no row to exist (the first import into a new month has no status row to lock), and
  no service has to know which month a write touches — every ``claim_write_lock`` keeps working;
- it is released by PostgreSQL itself at commit or rollback, even when the client dies;
- writes are short (an import of 35,000 rows is one bulk insert), so one writer at a time costs
  the branch nothing and keeps every check-then-write of the services atomic.

How each unit of work begins:

- **write** (``session_scope(write=True)``): ``READ COMMITTED``, then the lock, then the *write
  token* (an update of the ``alembic_version`` row that changes nothing). Every statement after
  the lock sees everything committed before it, and no other writer commits until this one ends.
- **read** (``session_scope()``): ``REPEATABLE READ``, one snapshot for the whole unit of work,
  as SQLite's ``BEGIN`` gives: a report never mixes two states.
- ``claim_write_lock`` inside a read unit of work: when it has read nothing yet, the transaction
  is switched to ``READ COMMITTED`` and proceeds as a write one. When it has read already, the
  lock is taken and then the write token updated: if another writer committed since this
  transaction's snapshot, PostgreSQL refuses (a serialisation failure) and the caller gets
  ``DatabaseBusy``, exactly as SQLite refuses a stale snapshot.

Waits are bounded by ``lock_timeout`` = the busy timeout (``BRANCHPAY_BUSY_TIMEOUT_MS``);
running out is ``DatabaseBusy`` (db/session.is_busy_error).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event

# One key for the whole database: "BranchPay writes" (any 64-bit number; this one spells BRPY).
LOCK_KEY = 0x4252_5059
_RAN = "branchpay_pg_ran"  # in conn.info: the transaction has run a statement of its own


def _holds_key() -> str:
    from db.session import _HOLDS_WRITE_LOCK

    return _HOLDS_WRITE_LOCK


def _take(conn: Connection, *, token: bool) -> None:
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
    if token:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
    conn.info[_holds_key()] = True


def _on_begin(conn: Connection) -> None:
    from db.session import MIGRATE, WRITE_OPTION, busy_timeout_ms

    write = conn.get_execution_options().get(WRITE_OPTION)
    conn.info[_holds_key()] = False
    conn.info[_RAN] = False
    level = "READ COMMITTED" if write else "REPEATABLE READ"
    conn.exec_driver_sql(f"SET TRANSACTION ISOLATION LEVEL {level}")
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout_ms())}")
    if write:
        _take(conn, token=write != MIGRATE)
    conn.info[_RAN] = False


def _before_execute(conn: Connection, *_args: Any) -> None:
    conn.info[_RAN] = True


def install(engine: Engine) -> None:
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "before_cursor_execute", _before_execute)


def claim(conn: Connection) -> None:
    """``claim_write_lock`` on PostgreSQL (see the module's docstring)."""
    if not conn.info.get(_RAN):
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    _take(conn, token=True)
