"""The command line and a database it must not touch, or a reader that goes away."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from db.backup import make_backup
from tests.acceptance.conftest import ROOT, Cli


def test_a_damaged_database_is_refused_with_the_windows_offer(cli: Cli) -> None:
    cli("init")
    make_backup(cli.db, reason="scheduled")
    for side in ("-wal", "-shm"):
        Path(str(cli.db) + side).unlink(missing_ok=True)
    data = bytearray(cli.db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # page 2 overwritten: the file opens, quick_check fails
    cli.db.write_bytes(bytes(data))
    before = cli.db.read_bytes()
    backups_before = sorted(p.name for p in (cli.db.parent / "backups").iterdir())

    result = cli("--lang", "en", "payroll", "show", "--month", "2026-10", ok=False)
    assert result.code == 1
    assert "damaged" in result.err and "restore the newest healthy backup" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert cli.db.read_bytes() == before
    assert sorted(p.name for p in (cli.db.parent / "backups").iterdir()) == backups_before


def test_a_database_from_a_newer_version_is_named_and_untouched(cli: Cli) -> None:
    cli("init")
    conn = sqlite3.connect(cli.db)
    conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    conn.commit()
    conn.close()
    before = cli.db.read_bytes()
    for _ in range(2):
        result = cli("--lang", "en", "payroll", "show", "--month", "2026-10", ok=False)
        assert result.code == 1
        assert "newer BranchPay" in result.err and "f00d" in result.err
        assert "CommandError" not in result.err and "Traceback" not in result.err
    assert cli.db.read_bytes() == before
    assert not (cli.db.parent / "backups").exists(), "no pre-migration backup is written, once or each time"


def test_a_closed_pipe_ends_quietly(cli: Cli) -> None:
    """`branchpay payroll show | head`: the reader is gone before the command writes."""
    from app.services.demo import demo_months

    month = demo_months()[-1]
    cli("init")
    cli("demo")
    cli("payroll", "run", "--month", month)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    producer = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--db", str(cli.db), "--lang", "en", "payroll", "show", "--month", month],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.close()  # long before Python has started and opened the database
    err = producer.stderr.read().decode("utf-8", "replace")
    code = producer.wait(timeout=120)
    assert err == "", err
    assert code == 141
    log = cli.db.parent / "branchpay.log"
    assert not log.exists() or "BrokenPipe" not in log.read_text(encoding="utf-8")


def test_the_whole_file_check_runs_again_only_after_the_file_changed(cli: Cli) -> None:
    from db.integrity_stamp import known_good

    cli("init")
    stamp = Path(f"{cli.db}.checked")
    assert stamp.exists() and known_good(cli.db)
    if os.name == "posix":
        assert stamp.stat().st_mode & 0o077 == 0  # owner-only, like the database beside it
    cli("plan", "export", "--month", "2026-10", "--out", cli.db.parent / "plan.toml")
    assert known_good(cli.db)
    # Any write outside a finished command (a copy put in place, a killed process) changes the
    # file's time: the stamp no longer matches and the next command checks the whole file again.
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE settings SET value = value WHERE 0")
        conn.execute("CREATE TABLE scratch (x)")
    assert not known_good(cli.db)
    cli("plan", "export", "--month", "2026-10", "--out", cli.db.parent / "plan.toml")
    assert known_good(cli.db)
    # A file that failed the check is never stamped as sound.
    for side in ("-wal", "-shm"):
        Path(str(cli.db) + side).unlink(missing_ok=True)
    data = bytearray(cli.db.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    cli.db.write_bytes(bytes(data))
    assert cli("payroll", "show", "--month", "2026-10", ok=False).code == 1
    assert not known_good(cli.db)
    assert cli("payroll", "show", "--month", "2026-10", ok=False).code == 1
