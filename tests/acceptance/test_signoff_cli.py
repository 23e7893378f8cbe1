"""The sign-off chain through the real ``branchpay`` command (docs/formats.md, docs/pay-rules.md §10).

Passwords travel only in BRANCHPAY_PASSWORD / BRANCHPAY_NEW_PASSWORD, never as arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.acceptance.conftest import EXAMPLE, ROOT, Cli, Result

MONTH = "2026-10"
PW = {"boss": "boss-secret-1", "clara": "clara-secret", "rita": "rita-secret", "chen": "chen-secret",
      "alan": "alan-secret"}


def run(cli: Cli, *args: str | Path, user: str | None = None, password: str | None = None,
        new_password: str | None = None, ok: bool = True) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHPAY_")}
    env["PYTHONIOENCODING"] = "utf-8"
    if user is not None:
        env["BRANCHPAY_PASSWORD"] = PW[user] if password is None else password
    if new_password is not None:
        env["BRANCHPAY_NEW_PASSWORD"] = new_password
    argv = [sys.executable, "-m", "app.cli", "--db", str(cli.db), "--lang", "en"]
    if user is not None:
        argv += ["--user", user]
    argv += [str(a) for a in args]
    assert not any(p in argv for p in PW.values())  # never a password in argv
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
                          stdin=subprocess.DEVNULL)
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if ok:
        assert proc.returncode == 0, f"branchpay {' '.join(map(str, args))} failed:\n{proc.stderr}"
    else:
        assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return result


def branch(cli: Cli) -> None:
    cli("init")
    for kind in ("agents", "sales", "qa", "metrics", "attendance", "praise", "complaints"):
        cli("import", kind, EXAMPLE / f"{kind}.csv")
    refused = run(cli, "users", "add", "clara", "--role", "clerk", new_password=PW["clara"], ok=False)
    assert "the first user must be an admin" in refused.err
    run(cli, "users", "add", "boss", "--role", "admin", new_password=PW["boss"])
    for name, role in (("clara", "clerk"), ("rita", "reviewer"), ("chen", "checker"), ("alan", "approver")):
        run(cli, "users", "add", name, "--role", role, user="boss", new_password=PW[name])


def test_the_chain_through_the_command_line(cli: Cli, tmp_path: Path) -> None:
    branch(cli)
    # settings are the admin's; the branch uses review and approval
    import sqlite3

    with sqlite3.connect(cli.db) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('signoff_steps', 'review,check,approve')")
    assert "has users: sign in with --user" in run(cli, "payroll", "show", "--month", MONTH, ok=False).err
    assert "needs the role clerk" in run(cli, "payroll", "run", "--month", MONTH, user="rita", ok=False).err
    run(cli, "payroll", "run", "--month", MONTH, user="clara")
    shown = run(cli, "payroll", "show", "--month", MONTH, "--json", user="alan").json()
    assert shown["status"] == "calculated" and shown["signoffs"] == []
    assert "needs the review before the approval" in run(
        cli, "payroll", "approve", "--month", MONTH, user="alan", ok=False).err
    assert "needs the role checker" in run(cli, "payroll", "check", "--month", MONTH, user="rita", ok=False).err
    run(cli, "payroll", "review", "--month", MONTH, "--comment", "checked A002", user="rita")
    shown = run(cli, "payroll", "show", "--month", MONTH, "--json", user="rita").json()
    assert shown["status"] == "reviewed"
    assert [(x["step"], x["user"], x["comment"]) for x in shown["signoffs"]] == [("review", "rita", "checked A002")]

    # a record change voids the review; the audit log says which change
    late = tmp_path / "late.csv"
    late.write_text("工号,日期,类型,分钟,天数,备注\nA001,2026-10-21,事假,,1,补录\n", encoding="utf-8")
    run(cli, "import", "attendance", late, user="clara")
    assert run(cli, "payroll", "show", "--month", MONTH, "--json", user="rita").json()["signoffs"] == []
    log = run(cli, "audit", "--month", MONTH, user="rita").out
    assert "signoff.void" in log and "import.attendance late.csv" in log

    run(cli, "payroll", "run", "--month", MONTH, user="clara")
    run(cli, "payroll", "review", "--month", MONTH, user="rita")
    assert "a reason is required" in run(cli, "payroll", "reject", "--month", MONTH, "--reason", " ", user="chen",
                                         ok=False).err
    run(cli, "payroll", "reject", "--month", MONTH, "--reason", "leave missing", user="chen")
    assert run(cli, "payroll", "show", "--month", MONTH, "--json", user="alan").json()["status"] == "calculated"
    assert "2026-10" in run(cli, "audit", "--month", MONTH, user="chen").out
    run(cli, "payroll", "review", "--month", MONTH, user="rita")
    assert "locked by its approval" in run(cli, "payroll", "lock", "--month", MONTH, user="alan", ok=False).err
    assert "checked (chen)" in run(cli, "payroll", "check", "--month", MONTH, user="chen").out
    assert run(cli, "payroll", "show", "--month", MONTH, "--json", user="chen").json()["status"] == "checked"
    run(cli, "payroll", "approve", "--month", MONTH, "--comment", "pay it", user="alan")
    shown = run(cli, "payroll", "show", "--month", MONTH, "--json", user="clara").json()
    assert shown["status"] == "locked"
    assert [(x["step"], x["user"]) for x in shown["signoffs"]] == [
        ("review", "rita"), ("check", "chen"), ("approve", "alan")]

    out = tmp_path / "audit.xlsx"
    run(cli, "audit", "--month", MONTH, "--out", out, user="boss")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][:3] == ("Time", "User", "Action")
    assert ("alan", "signoff.approve") in {(r[1], r[2]) for r in rows[2:]}
    assert ("chen", "signoff.reject") in {(r[1], r[2]) for r in rows[2:]}


def test_wrong_passwords_are_refused_and_the_fifth_locks_the_user(cli: Cli) -> None:
    branch(cli)
    for _ in range(4):
        got = run(cli, "payroll", "show", "--month", MONTH, user="rita", password="nope", ok=False)
        assert "wrong user name or password" in got.err
    got = run(cli, "payroll", "show", "--month", MONTH, user="rita", password="nope", ok=False)
    assert "locked for 60 s" in got.err
    got = run(cli, "audit", "--month", MONTH, user="rita", ok=False)  # the right password, within the minute
    assert "rita is locked" in got.err
    assert "nope" not in got.err and PW["rita"] not in got.err


def test_no_password_and_no_terminal_is_refused(cli: Cli) -> None:
    branch(cli)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHPAY_")}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(cli.db), "--lang", "en", "--user", "rita",
                           "audit", "--month", MONTH], cwd=ROOT, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode != 0 and "set BRANCHPAY_PASSWORD" in proc.stderr
    refused = run(cli, "users", "add", "eve", "--role", "clerk", user="rita", new_password="eve-secret-1", ok=False)
    assert "needs the role admin" in refused.err


def test_without_users_show_json_is_part_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In process (app.cli.main), as a script would call it: no `signoffs` key, no --user needed."""
    import json

    from app.cli import main

    db = str(tmp_path / "b.sqlite3")
    assert main(["--db", db, "init"]) == 0
    for kind in ("agents", "sales", "qa", "metrics", "attendance", "praise", "complaints"):
        assert main(["--db", db, "import", kind, str(EXAMPLE / f"{kind}.csv")]) == 0
    assert main(["--db", db, "payroll", "run", "--month", MONTH]) == 0
    capsys.readouterr()
    assert main(["--db", db, "payroll", "show", "--month", MONTH, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "calculated" and "signoffs" not in shown
    assert main(["--db", db, "--user", "boss", "payroll", "show", "--month", MONTH]) == 1
    assert "本网点还没有用户" in capsys.readouterr().err


def test_the_password_leaves_the_environment_once_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Child processes (the payslip workers) must not inherit it."""
    from app.cli import main

    db = str(tmp_path / "b.sqlite3")
    monkeypatch.setenv("BRANCHPAY_NEW_PASSWORD", PW["boss"])
    assert main(["--db", db, "users", "add", "boss", "--role", "admin"]) == 0
    assert "BRANCHPAY_NEW_PASSWORD" not in os.environ
    monkeypatch.setenv("BRANCHPAY_PASSWORD", PW["boss"])
    assert main(["--db", db, "--user", "boss", "users", "list"]) == 0
    assert "BRANCHPAY_PASSWORD" not in os.environ
    assert "boss" in capsys.readouterr().out


def test_a_review_racing_a_record_import_never_leaves_a_stale_review(cli: Cli, tmp_path: Path) -> None:
    """Two real processes at once: whichever writes first, the month ends with no review standing on
    records that changed after it (the review is refused, or given and then voided by the import)."""
    branch(cli)
    import sqlite3

    with sqlite3.connect(cli.db) as conn:  # the branch uses the review (there is no settings command)
        conn.execute("INSERT INTO settings (key, value) VALUES ('signoff_steps', 'review,approve')")
    run(cli, "payroll", "run", "--month", MONTH, user="clara")
    late = tmp_path / "late.csv"
    late.write_text("工号,日期,类型,分钟,天数,备注\nA001,2026-10-21,事假,,1,补录\n", encoding="utf-8")

    def start(user: str, *args: str | Path) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHPAY_")}
        env.update(PYTHONIOENCODING="utf-8", BRANCHPAY_PASSWORD=PW[user])
        argv = [sys.executable, "-m", "app.cli", "--db", str(cli.db), "--lang", "en", "--user", user, *map(str, args)]
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", stdin=subprocess.DEVNULL)

    review = start("rita", "payroll", "review", "--month", MONTH)
    imp = start("clara", "import", "attendance", late)
    _, imp_err = imp.communicate(timeout=120)
    _, review_err = review.communicate(timeout=120)
    assert imp.returncode == 0, imp_err
    assert review.returncode == 0 or "recalculate it before signing off" in review_err, review_err
    shown = run(cli, "payroll", "show", "--month", MONTH, "--json", user="rita").json()
    assert shown["status"] == "calculated" and shown["signoffs"] == []
