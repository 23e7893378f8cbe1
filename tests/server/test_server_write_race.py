"""Two writers at once on a server database (issue #19): an import and ``payroll lock`` of the same month,
in separate processes, against one PostgreSQL database.

The same outcomes as on SQLite (tests/acceptance/test_write_race.py): whichever writer comes first, an
import never lands in a month locked meanwhile and a lock never covers records its result never paid.
On the server the write lock is a transaction-level advisory lock (db/server_locking.py).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from db.server_locking import LOCK_KEY
from tests.acceptance.test_write_race import (
    MONTH,
    NEW_POLICIES,
    SALES,
    _finish,
    _import_pausing_before_its_write,
    _lock_pausing_before_its_write,
    _paused_command,
    _run_cli,
    _start_cli,
)
from tests.reports.conftest import build_example

pytestmark = pytest.mark.slow


@pytest.fixture
def url(pg_server: Any, tmp_path: Path) -> str:
    """The worked example on a fresh server database, calculated for 2026-10 and not locked."""
    location = pg_server.new_database()
    build_example(tmp_path / "example", calculate=True, location=location).dispose()
    return str(location)


@pytest.fixture
def sales_file(tmp_path: Path) -> Path:
    path = tmp_path / "late_sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path


def _query(url: str, sql: str, **params: object) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


def _status(url: str) -> str:
    rows = _query(url, "SELECT status FROM month_status WHERE month = :m", m=MONTH)
    return rows[0][0] if rows else "open"


def _policies(url: str) -> dict[str, str | None]:
    rows = _query(url, "SELECT policy_no, paid_month FROM policies WHERE policy_no IN ('P-9001', 'P-9002')")
    return {r[0]: r[1] for r in rows}


def _assert_consistent(url: str) -> None:
    if _status(url) != "locked":
        return
    paid: set[str] = set()
    for (facts,) in _query(url, "SELECT facts_json FROM payroll_results WHERE month = :m", m=MONTH):
        paid.update(json.loads(facts or "{}").get("policy_paid", {}))
    unpaid = sorted(set(_policies(url)) - paid)
    assert not unpaid, f"{MONTH} is locked with policies its result never paid: {unpaid}"


def _wait_for_a_waiter(url: str, timeout: float = 60) -> None:
    """Return once another session waits for BranchPay's write lock (PostgreSQL's pg_locks says so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = _query(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                              "AND objid = :key", key=LOCK_KEY & 0xFFFFFFFF)
        if waiting[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError("no command ever waited for the write lock")


@pytest.fixture
def paused_lock(url: str) -> Iterator[tuple[Any, Any, Any]]:
    proc, go, out, _ = _paused_command(_lock_pausing_before_its_write, url)
    yield proc, go, out
    if proc.is_alive():
        go.set()
        proc.join(60)


def test_import_that_waits_for_a_lock_is_refused_because_the_month_is_locked(
    url: str, sales_file: Path, paused_lock: tuple[Any, Any, Any]
) -> None:
    proc, go, out = paused_lock
    importer = _start_cli(url, "import", "sales", sales_file)  # type: ignore[arg-type]
    try:
        _wait_for_a_waiter(url)  # the import waits for the lock's transaction: it has not read the month yet
    finally:
        lock_code, lock_err = _finish(proc, go, out)
    stdout, stderr = importer.communicate(timeout=120)

    _assert_consistent(url)
    assert lock_code == 0, lock_err
    assert importer.returncode != 0, f"the import was accepted into a month locked meanwhile:\n{stdout}{stderr}"
    assert f"month {MONTH} is locked" in stderr
    assert _policies(url) == {}


def test_import_during_a_lock_gives_up_busy_after_the_timeout(url: str, sales_file: Path,
                                                              paused_lock: tuple[Any, Any, Any]) -> None:
    proc, go, out = paused_lock
    try:
        imported = _run_cli(url, "import", "sales", sales_file, BRANCHPAY_BUSY_TIMEOUT_MS="1500")  # type: ignore[arg-type]
    finally:
        lock_code, lock_err = _finish(proc, go, out)

    _assert_consistent(url)
    assert lock_code == 0, lock_err
    assert imported.returncode != 0
    assert "the database is busy" in imported.stderr and "Traceback" not in imported.stderr
    assert _policies(url) == {}
    again = _run_cli(url, "import", "sales", sales_file)  # type: ignore[arg-type]
    assert again.returncode != 0 and f"month {MONTH} is locked" in again.stderr


def test_lock_during_a_large_import_never_locks_without_its_policies(url: str, sales_file: Path) -> None:
    proc, go, out, _ = _paused_command(_import_pausing_before_its_write, url, str(sales_file))
    locker: subprocess.Popen[str] | None = None
    try:
        locker = _start_cli(url, "payroll", "lock", "--month", MONTH)  # type: ignore[arg-type]
        _wait_for_a_waiter(url)
    finally:
        import_code, import_err = _finish(proc, go, out)
    assert locker is not None
    stdout, stderr = locker.communicate(timeout=120)

    _assert_consistent(url)
    assert import_code == 0, import_err
    assert locker.returncode != 0, f"the month was locked with policies it never paid:\n{stdout}{stderr}"
    assert "changed since it was calculated" in stderr
    assert _status(url) == "calculated"
    assert set(_policies(url)) == set(NEW_POLICIES)
