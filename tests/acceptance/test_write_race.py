"""Two writers at once (issue #10): an import and ``payroll lock`` of the same month, in separate processes.

Each test runs the real ``branchpay`` command line against one SQLite file while a second
process writes to that file: either raw ``sqlite3`` holding ``BEGIN IMMEDIATE`` (the other
writer, caught in the middle of its transaction) or the real command line paused inside its
transaction by a hook. The outcome must be consistent whichever writer comes first: an import
into a month that is being locked is refused because the month is locked, and a lock that
comes after an import is refused because its result no longer matches the records. It is
never "both exit 0 and the month is locked with policies it never paid".
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.conftest import ROOT
from tests.reports.conftest import build_example

MONTH = "2026-10"
NEW_POLICIES = "P-9001", "P-9002"
SALES = (
    "policy_no,code,product,premium,customer_level,new_customer,sign_date,cancel_date\n"
    "P-9001,A001,L10,50000,,yes,2026-10-20,\n"
    "P-9002,A003,L10,20000,,no,2026-10-21,\n"
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The worked example, calculated for 2026-10 and not locked."""
    db = build_example(tmp_path / "example", calculate=True)
    db.dispose()
    return db.path


@pytest.fixture
def sales_file(tmp_path: Path) -> Path:
    path = tmp_path / "late_sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path


def _cli_command(db: Path, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "app.cli", "--db", str(db), "--lang", "en", *map(str, args)]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", **extra}


def _start_cli(db: Path, *args: str | Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(_cli_command(db, *args), cwd=ROOT, env=_env(**env), text=True, encoding="utf-8",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run_cli(db: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cli_command(db, *args), cwd=ROOT, env=_env(**env), text=True, encoding="utf-8",
                          capture_output=True, timeout=120)


def _wait_until_blocked_on_the_lock(proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Return once ``proc`` sleeps in SQLite's busy handler, i.e. waits for the write lock we hold.

    On Linux the kernel tells where a process sleeps (``/proc/PID/wchan``); SQLite's busy
    handler sleeps in ``nanosleep``, which nothing else in the command line does. Elsewhere
    the process is simply given a few seconds to get there.
    """
    wchan = Path(f"/proc/{proc.pid}/wchan")
    if not wchan.exists():
        time.sleep(5)
        return
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return  # it finished without waiting: the assertions on its outcome will tell
        try:
            where = wchan.read_text()
        except OSError:
            return
        seen = seen + 1 if "nanosleep" in where else 0
        if seen >= 3:
            return
        time.sleep(0.01)
    raise AssertionError("the command never reached the database's write lock")


@contextlib.contextmanager
def _other_writer(db: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a write transaction on ``db`` (commits when the block ends)."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def _query(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _status(db: Path) -> str:
    rows = _query(db, "SELECT status FROM month_status WHERE month = ?", MONTH)
    return rows[0][0] if rows else "open"


def _policies(db: Path, numbers: tuple[str, ...]) -> dict[str, str | None]:
    marks = ",".join("?" * len(numbers))
    return dict(_query(db, f"SELECT policy_no, paid_month FROM policies WHERE policy_no IN ({marks})", *numbers))


def _paid_in_locked_result(db: Path) -> set[str]:
    """The policies the month's stored result paid commission on."""
    paid: set[str] = set()
    for (facts,) in _query(db, "SELECT facts_json FROM payroll_results WHERE month = ?", MONTH):
        paid.update(json.loads(facts or "{}").get("policy_paid", {}))
    return paid


def _assert_consistent(db: Path, numbers: tuple[str, ...]) -> None:
    """A locked month holds only records its locked result was computed from."""
    if _status(db) != "locked":
        return
    stored = _policies(db, numbers)
    unpaid = sorted(set(stored) - _paid_in_locked_result(db))
    assert not unpaid, f"{MONTH} is locked with policies its result never paid: {unpaid}"


def test_import_that_comes_while_the_month_is_being_locked_is_refused(db_path: Path, sales_file: Path) -> None:
    """The lock is first (holding the write lock, about to commit); the import reads the month only after it."""
    with _other_writer(db_path) as lock:
        lock.execute("UPDATE month_status SET status = 'locked' WHERE month = ?", (MONTH,))
        proc = _start_cli(db_path, "import", "sales", sales_file)
        _wait_until_blocked_on_the_lock(proc)
    out, err = proc.communicate(timeout=120)

    _assert_consistent(db_path, NEW_POLICIES)
    assert proc.returncode != 0, f"the import was accepted into a month locked meanwhile:\n{out}{err}"
    assert f"month {MONTH} is locked" in err
    assert _policies(db_path, NEW_POLICIES) == {}


def test_lock_that_comes_while_an_import_is_writing_is_refused_as_stale(db_path: Path) -> None:
    """The import is first (its rows written, about to commit); the lock checks the records only after it."""
    with _other_writer(db_path) as importer:
        importer.execute(
            "INSERT INTO policies (policy_no, agent_id, product_code, premium, customer_level, new_customer, sign_date)"
            " SELECT 'P-9001', id, 'L10', '50000', '', 1, '2026-10-20' FROM agents WHERE code = 'A001'"
        )
        proc = _start_cli(db_path, "payroll", "lock", "--month", MONTH)
        _wait_until_blocked_on_the_lock(proc)
    out, err = proc.communicate(timeout=120)

    _assert_consistent(db_path, ("P-9001",))
    assert proc.returncode != 0, f"the month was locked with a policy it never paid:\n{out}{err}"
    assert "changed since it was calculated" in err
    assert _status(db_path) == "calculated"

    # Recalculated, the lock then covers the imported policy.
    assert _run_cli(db_path, "payroll", "run", "--month", MONTH).returncode == 0
    assert _run_cli(db_path, "payroll", "lock", "--month", MONTH).returncode == 0
    assert _policies(db_path, ("P-9001",)) == {"P-9001": MONTH}
    assert "P-9001" in _paid_in_locked_result(db_path)


def test_an_import_reads_its_file_before_it_waits_for_the_write_lock(db_path: Path, sales_file: Path) -> None:
    """The slow part (reading the file) is done before the lock is waited for, so the lock is held briefly."""
    with _other_writer(db_path):
        proc = _start_cli(db_path, "import", "sales", sales_file)
        _wait_until_blocked_on_the_lock(proc)
        sales_file.write_text("not, a, sales, file\n", encoding="utf-8")  # too late: it was read already
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 0, err
    assert "imported 2 rows" in out
    assert set(_policies(db_path, NEW_POLICIES)) == set(NEW_POLICIES)


# --- two real commands, one paused inside its transaction --------------------------------------


def _import_pausing_before_its_write(db: str, path: str, paused: Any, go: Any, out: Any) -> None:
    """``branchpay import sales`` in this process, pausing once the file is checked and before its rows
    are written (a stand-in for a large file); reports its exit code and stderr through ``out``."""
    from app.services import imports

    write = imports.WRITERS["sales"]

    def pausing(session: Any, result: Any) -> None:
        paused.set()
        go.wait(120)
        write(session, result)

    imports.WRITERS["sales"] = pausing
    from app.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--db", db, "--lang", "en", "import", "sales", path])
    out.put((code, err.getvalue()))


def _lock_pausing_before_its_write(db: str, paused: Any, go: Any, out: Any) -> None:
    """``branchpay payroll lock`` in this process, pausing once it has checked that the stored result
    matches the records and before it marks the month locked."""
    from app.services import payroll

    check = payroll._changes_against_stored

    def pausing(*args: Any, **kwargs: Any) -> Any:
        changes = check(*args, **kwargs)
        paused.set()
        go.wait(120)
        return changes

    payroll._changes_against_stored = pausing  # type: ignore[assignment]
    from app.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--db", db, "--lang", "en", "payroll", "lock", "--month", MONTH])
    out.put((code, err.getvalue()))


def _paused_command(target: Any, *args: Any) -> tuple[Any, Any, Any, Any]:
    ctx = multiprocessing.get_context("spawn")
    paused, go, out = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, paused, go, out))
    proc.start()
    assert paused.wait(120), "the paused command never reached its pause"
    return proc, go, out, paused


def _finish(proc: Any, go: Any, out: Any) -> tuple[int, str]:
    go.set()
    code, err = out.get(timeout=120)
    proc.join(60)
    return code, err


def test_lock_during_a_large_import_waits_for_it_and_never_locks_without_its_policies(
    db_path: Path, sales_file: Path
) -> None:
    proc, go, out, _ = _paused_command(_import_pausing_before_its_write, str(db_path), str(sales_file))
    try:
        # The lock comes while the import holds its transaction; it gives up after a short wait.
        lock = _run_cli(db_path, "payroll", "lock", "--month", MONTH, BRANCHPAY_BUSY_TIMEOUT_MS="1500")
    finally:
        import_code, import_err = _finish(proc, go, out)

    _assert_consistent(db_path, NEW_POLICIES)
    assert not (lock.returncode == 0 and import_code == 0), "both the lock and the import of the month succeeded"
    assert import_code == 0, import_err
    assert lock.returncode != 0
    assert "the database is busy (another window or command is writing)" in lock.stderr
    assert "Try again" in lock.stderr and "Traceback" not in lock.stderr
    assert _status(db_path) == "calculated"
    assert set(_policies(db_path, NEW_POLICIES)) == set(NEW_POLICIES)
    # Tried again, the lock sees that the month's records changed since it was calculated.
    again = _run_cli(db_path, "payroll", "lock", "--month", MONTH)
    assert again.returncode != 0 and "changed since it was calculated" in again.stderr


def test_import_during_a_lock_waits_for_it_and_never_lands_in_the_locked_month(
    db_path: Path, sales_file: Path
) -> None:
    proc, go, out, _ = _paused_command(_lock_pausing_before_its_write, str(db_path))
    try:
        imported = _run_cli(db_path, "import", "sales", sales_file, BRANCHPAY_BUSY_TIMEOUT_MS="1500")
    finally:
        lock_code, lock_err = _finish(proc, go, out)

    _assert_consistent(db_path, NEW_POLICIES)
    assert not (lock_code == 0 and imported.returncode == 0), "both the lock and the import of the month succeeded"
    assert lock_code == 0, lock_err
    assert imported.returncode != 0
    assert "the database is busy" in imported.stderr
    assert _policies(db_path, NEW_POLICIES) == {}
    # Tried again, the import is refused: the month is locked now.
    again = _run_cli(db_path, "import", "sales", sales_file)
    assert again.returncode != 0 and f"month {MONTH} is locked" in again.stderr
