"""Branch export packages and region consolidation (docs/formats.md): real SQLite files, real zips, the
real command line (in process) and the real workbook; figures checked against each branch's own
``payroll show --json``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.cli import main
from app.money import ZERO, fmt_money, round2
from db.session import HEAD_REVISION


@dataclass
class Built:
    folder: Path
    month: str
    open_month: str  # calculated, not locked


def _build_branch(path: Path, code: str, name: str, seed: int, month: str, open_month: str,
                  location: str | None = None) -> None:
    from app.services.demo import fill_demo
    from app.services.months import month_status
    from app.services.settings import set_setting
    from app.services.setup import initialise
    from db.session import Database

    db = Database(location or path)
    try:
        with db.session_scope(write=True) as s:
            initialise(s)
            fill_demo(s, seed=seed, agents=12 + seed)
            set_setting(s, "branch_code", code)
            set_setting(s, "branch_name", name)
        # The demo locks its first two months and calculates the last (app/services/demo.py).
        with db.session_scope() as s:
            assert month_status(s, month) == "locked"
            assert month_status(s, open_month) == "calculated"
    finally:
        db.dispose()


BRANCHES = (("B01", "一号网点", 1), ("B02", "二号网点", 2), ("B03", "三号网点", 3))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from app.services.demo import demo_months

    months = demo_months()
    folder = tmp_path_factory.mktemp("branches")
    for code, name, seed in BRANCHES:
        _build_branch(folder / f"{code}.sqlite3", code, name, seed, months[1], months[2])
    return Built(folder, months[1], months[2])


@pytest.fixture
def branches(built: Built, tmp_path: Path) -> Iterator[Built]:
    """A private copy of the three branch databases (a test may change or watch them)."""
    folder = tmp_path / "branches"
    folder.mkdir()
    for code, _name, _seed in BRANCHES:
        shutil.copy2(built.folder / f"{code}.sqlite3", folder / f"{code}.sqlite3")
    yield Built(folder, built.month, built.open_month)


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--lang", "en", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def _show(capsys: pytest.CaptureFixture[str], db: Path, month: str) -> dict[str, Any]:
    code, out, err = cli(capsys, "--db", db, "payroll", "show", "--month", month, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


# --- the package ---------------------------------------------------------------------------------


def test_package_round_trips_the_typed_month(branches: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.reports.branch_package import Branch, read_package
    from app.services.payroll import show_month
    from db.session import Database

    db_file = branches.folder / "B01.sqlite3"
    out = tmp_path / "B01.zip"
    code, stdout, err = cli(capsys, "--db", db_file, "export", "package", "--month", branches.month, "--out", out)
    assert code == 0, err
    assert f"package written to {out}" in stdout
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "result.json"]
        manifest = json.loads(zf.read("manifest.json"))
        body = zf.read("result.json")
    assert manifest["files"] == [{"name": "result.json", "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}]
    data = json.loads(body)
    assert data["branch"] == {"name": "一号网点", "code": "B01"}
    assert data["status"] == "locked"
    assert all(isinstance(a["net"], str) and a["net"].count(".") == 1 for a in data["agents"])

    branch, result = read_package(out)
    db = Database(db_file)
    try:
        with db.session_scope() as s:
            stored = show_month(s, branches.month)
    finally:
        db.dispose()
    assert branch == Branch("一号网点", "B01")
    assert result == stored  # every agent, line, amount and fact, exactly

    # the same figures as the branch's own `payroll show --json`
    shown = _show(capsys, db_file, branches.month)
    assert data["totals"] == shown["totals"]
    assert [(a["code"], a["net"], a["columns"]) for a in data["agents"]] == [
        (a["code"], a["net"], a["columns"]) for a in shown["agents"]
    ]


def test_package_has_no_id_numbers_or_bank_accounts(branches: Built, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from db.models import Agent
    from db.session import Database

    db_file = branches.folder / "B02.sqlite3"
    db = Database(db_file)
    try:
        with db.session_scope(write=True) as s:
            agent = s.query(Agent).order_by(Agent.code).first()
            assert agent is not None
            agent.id_number = "11010519491231002X"
            agent.bank_account = "6222020200112233445"
    finally:
        db.dispose()
    out = tmp_path / "B02.zip"
    assert cli(capsys, "--db", db_file, "export", "package", "--month", branches.month, "--out", out)[0] == 0
    with zipfile.ZipFile(out) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8")
    assert "11010519491231002X" not in text and "6222020200112233445" not in text
    assert "password" not in text


def test_package_of_a_month_not_locked_is_refused(branches: Built, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "open.zip"
    code, stdout, err = cli(capsys, "--db", branches.folder / "B01.sqlite3", "export", "package",
                            "--month", branches.open_month, "--out", out)
    assert code == 1 and stdout == ""
    assert f"{branches.open_month} is not locked" in err
    assert f"payroll lock --month {branches.open_month}" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
    code, _, err = cli(capsys, "--db", branches.folder / "B01.sqlite3", "export", "package",
                       "--month", branches.month, "--out", tmp_path / "p.xlsx")
    assert code == 1 and "must end in .zip" in err


def _rezip(src: Path, dest: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        names = zin.namelist()
        for name in names:
            data = change.get(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
        for name, data in change.items():
            if name not in names and data is not None:
                zout.writestr(name, data)


def test_a_tampered_package_is_refused_naming_the_file(branches: Built, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "B01.zip"
    assert cli(capsys, "--db", branches.folder / "B01.sqlite3", "export", "package",
               "--month", branches.month, "--out", good)[0] == 0
    with zipfile.ZipFile(good) as zf:
        body = zf.read("result.json").decode("utf-8")
        manifest = json.loads(zf.read("manifest.json"))
    data = json.loads(body)
    old_net = data["agents"][0]["net"]
    raised = body.replace(f'"net": "{old_net}"', f'"net": "{Decimal(old_net) + 1000:.2f}"', 1).encode("utf-8")
    assert raised != body.encode("utf-8")

    cases: dict[str, tuple[dict[str, bytes | None], str]] = {
        "edited": ({"result.json": raised}, "result.json: its content does not match the SHA-256"),
        "extra": ({"notes.txt": b"hi"}, "notes.txt: this file is not in the manifest"),
        "missing": ({"result.json": None}, "result.json: the file is missing"),
    }
    # edited *and* re-hashed: the hash passes, but net no longer equals the lines
    manifest["files"][0]["sha256"] = hashlib.sha256(raised).hexdigest()
    cases["rehashed"] = ({"result.json": raised, "manifest.json": json.dumps(manifest).encode()},
                         "do not match its pay lines")
    out = tmp_path / "region.xlsx"
    for label, (change, message) in cases.items():
        bad = tmp_path / f"{label}.zip"
        _rezip(good, bad, change)
        code, stdout, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", out,
                                branches.folder / "B02.sqlite3", bad)
        assert code == 1, label
        assert str(bad) in err and message in err, (label, err)
        assert len(err.strip().splitlines()) == 1
        assert not out.exists()  # nothing written

    not_a_zip = tmp_path / "junk.zip"
    not_a_zip.write_bytes(b"PK\x03\x04 not really")
    code, _, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", out, not_a_zip)
    assert code == 1 and "not a valid zip package" in err


def test_an_unpacked_package_folder_is_read_too(branches: Built, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from app.reports.branch_package import read_package

    package = tmp_path / "B03.zip"
    assert cli(capsys, "--db", branches.folder / "B03.sqlite3", "export", "package",
               "--month", branches.month, "--out", package)[0] == 0
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(folder)
    assert read_package(folder) == read_package(package)
    (folder / "result.json").write_text((folder / "result.json").read_text(encoding="utf-8") + " ", encoding="utf-8")
    code, _, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", tmp_path / "r.xlsx", folder)
    assert code == 1 and "result.json: its content does not match the SHA-256" in err


# --- consolidation -------------------------------------------------------------------------------


def _sum_columns(agents: list[dict[str, Any]], key: str) -> Decimal:
    return sum((Decimal(a["columns"][key]) for a in agents), ZERO)


def test_consolidate_two_databases_and_a_package(branches: Built, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    month = branches.month
    package = tmp_path / "B03.zip"
    assert cli(capsys, "--db", branches.folder / "B03.sqlite3", "export", "package", "--month", month,
               "--out", package)[0] == 0
    shown = {code: _show(capsys, branches.folder / f"{code}.sqlite3", month) for code, _n, _s in BRANCHES}
    b1, b2 = branches.folder / "B01.sqlite3", branches.folder / "B02.sqlite3"
    before = {p: _fingerprint(p) for p in (b1, b2)}
    stamps = {p: Path(f"{p}.checked").read_bytes() if Path(f"{p}.checked").exists() else None for p in (b1, b2)}
    out = tmp_path / "region.xlsx"

    code, stdout, err = cli(capsys, "region", "consolidate", "--month", month, "--out", out, "--json", b1, b2, package)
    assert code == 0, err
    got = json.loads(stdout)

    # the branch databases were only read: same bytes, same modification time, no stamp, no backup
    assert {p: _fingerprint(p) for p in (b1, b2)} == before
    assert {p: Path(f"{p}.checked").read_bytes() if Path(f"{p}.checked").exists() else None for p in (b1, b2)} == stamps
    assert not (branches.folder / "backups").exists()

    assert [(b["code"], b["kind"]) for b in got["branches"]] == [("B01", "sqlite"), ("B02", "sqlite"),
                                                                  ("B03", "package")]
    total_net = ZERO
    total_heads = 0
    for b in got["branches"]:
        mine = shown[b["code"]]
        agents = mine["agents"]
        assert b["agents"] == len(agents)
        assert b["gross"] == mine["totals"]["gross"] and b["net"] == mine["totals"]["net"]
        assert b["deductions"] == mine["totals"]["deductions"]
        for key, value in b["columns"].items():
            assert value == fmt_money(_sum_columns(agents, key)), key
        net = Decimal(mine["totals"]["net"])
        assert b["average_net"] == fmt_money(round2(net / len(agents)))
        qa = [Decimal(a["facts"]["qa_avg"]) for a in agents if a["facts"].get("qa_avg") is not None]
        assert b["average_qa"] == fmt_money(round2(sum(qa, ZERO) / len(qa)))
        kpi = [Decimal(a["facts"]["kpi_score"]) for a in agents if a["facts"]["kpi_measured"]]
        assert b["average_kpi"] == (fmt_money(round2(sum(kpi, ZERO) / len(kpi))) if kpi else None)
        total_net += net
        total_heads += len(agents)
    assert got["total"]["net"] == fmt_money(total_net) and got["total"]["agents"] == total_heads
    assert len({b["net"] for b in got["branches"]}) == 3  # three different branches, not one thrice

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Region overview", "B01", "B02", "B03"]
    ws = wb["Region overview"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    net_col = header.index("Net pay")
    assert header[:4] == ("Branch code", "Branch", "Source", "Agents")
    assert [r[0] for r in rows[1:]] == ["B01", "B02", "B03", "Region total"]
    for row, b in zip(rows[1:4], got["branches"], strict=True):
        assert row[3] == b["agents"]
        assert Decimal(str(row[net_col])) == Decimal(b["net"])
    assert Decimal(str(rows[4][net_col])) == total_net and rows[4][3] == total_heads
    cell = ws.cell(row=2, column=net_col + 1)
    assert isinstance(cell.value, float | int) and cell.number_format == "#,##0.00"
    # each branch's sheet: its agents' rows as its own 汇总 sheet has them, and the same total
    for branch_code, _name, _seed in BRANCHES:
        sheet_rows = list(wb[branch_code].iter_rows(values_only=True))
        codes = {a["code"] for a in shown[branch_code]["agents"]}
        assert {r[0] for r in sheet_rows[1:]} - {"Subtotal", "Total"} == codes
        total_row = sheet_rows[-1]
        assert total_row[0] == "Total"
        assert Decimal(str(total_row[sheet_rows[0].index("Net pay")])) == Decimal(shown[branch_code]["totals"]["net"])


def test_consolidate_refuses_and_writes_nothing(branches: Built, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "region.xlsx"
    b1, b2 = branches.folder / "B01.sqlite3", branches.folder / "B02.sqlite3"

    def refused(*args: str | Path) -> str:
        code, stdout, err = cli(capsys, "region", "consolidate", "--out", out, *args)
        assert code == 1 and stdout == "" and not out.exists(), err
        assert len(err.strip().splitlines()) == 1
        return err

    err = refused("--month", branches.open_month, b1)
    assert f"{b1}: {branches.open_month} is not locked" in err
    err = refused("--month", branches.month, b1, b1)
    assert "are the same branch (B01 一号网点)" in err
    package = tmp_path / "B02.zip"
    assert cli(capsys, "--db", b2, "export", "package", "--month", branches.month, "--out", package)[0] == 0
    err = refused("--month", branches.month, b2, package)
    assert f"{b2} and {package} are the same branch" in err
    err = refused("--month", branches.open_month, package)
    assert f"{package}: the package holds {branches.month} of B02 二号网点, not {branches.open_month}" in err
    # every source is checked: one run names every branch to fix
    code, stdout, err = cli(capsys, "region", "consolidate", "--out", out, "--month", branches.open_month,
                            b1, package, b2)
    assert code == 1 and not out.exists()
    assert err.splitlines() == [
        "3 of 3 sources cannot be consolidated; nothing was written:",
        f"{b1}: {branches.open_month} is not locked. Lock (or approve) {branches.open_month} at that branch first, "
        f"then consolidate or export it (payroll lock --month {branches.open_month}).",
        f"{package}: the package holds {branches.month} of B02 二号网点, not {branches.open_month}.",
        f"{b2}: {branches.open_month} is not locked. Lock (or approve) {branches.open_month} at that branch first, "
        f"then consolidate or export it (payroll lock --month {branches.open_month}).",
    ]
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    err = refused("--month", branches.month, junk)
    assert f"{junk}: the database cannot be read (file is not a database)" in err
    err = refused("--month", branches.month, tmp_path)
    assert f"{tmp_path}: a folder, but not an unpacked package" in err
    err = refused("--month", branches.month, b1, tmp_path / "nowhere.sqlite3")
    assert "file not found" in err and not (tmp_path / "nowhere.sqlite3").exists()
    code, _, err = cli(capsys, "--db", b1, "region", "consolidate", "--month", branches.month, "--out", out, b2)
    assert code == 1 and "takes no --db" in err


def test_an_older_schema_is_named_not_upgraded(branches: Built, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    old = branches.folder / "B02.sqlite3"
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0007'")
    conn.close()
    before = _fingerprint(old)
    out = tmp_path / "region.xlsx"
    code, _, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", out,
                       branches.folder / "B01.sqlite3", old)
    assert code == 1 and not out.exists()
    assert f"{old}: the database is at schema revision 0007, this BranchPay at {HEAD_REVISION}" in err
    assert "never upgrades" in err
    assert _fingerprint(old) == before
    assert not (branches.folder / "backups").exists()
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0007",)
    conn.close()


def test_a_branch_with_users_is_read_by_one_of_them(branches: Built, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services.users import add_user
    from db.session import Database

    b1 = branches.folder / "B01.sqlite3"
    db = Database(b1)
    try:
        with db.session_scope(write=True) as s:
            add_user(s, "boss", "correct horse 1", ["admin"])
    finally:
        db.dispose()
    before = _fingerprint(b1)
    out = tmp_path / "region.xlsx"
    code, _, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", out, b1)
    assert code == 1 and f"{b1}: this branch has users: sign in with --user NAME" in err
    monkeypatch.setenv("BRANCHPAY_PASSWORD", "wrong")
    code, _, err = cli(capsys, "--user", "boss", "region", "consolidate", "--month", branches.month, "--out", out, b1)
    assert code == 1 and "wrong user name or password" in err
    monkeypatch.setenv("BRANCHPAY_PASSWORD", "correct horse 1")
    code, _, err = cli(capsys, "--user", "boss", "region", "consolidate", "--month", branches.month, "--out", out, b1,
                       branches.folder / "B02.sqlite3")
    assert code == 0, err
    assert _fingerprint(b1) == before  # no sign-in count, nothing written


def test_consolidate_reads_a_server_database(pg_server: Any, branches: Built, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_server.new_database()
    _build_branch(tmp_path / "unused", "B09", "九号网点", 9, branches.month, branches.open_month, location=url)
    out = tmp_path / "region.xlsx"
    code, stdout, err = cli(capsys, "region", "consolidate", "--month", branches.month, "--out", out, "--json",
                            url, branches.folder / "B01.sqlite3")
    assert code == 0, err
    got = json.loads(stdout)
    assert [(b["code"], b["kind"]) for b in got["branches"]] == [("B09", "server"), ("B01", "sqlite")]
    code, stdout, err = cli(capsys, "--db", url, "payroll", "show", "--month", branches.month, "--json")
    assert code == 0, err
    assert got["branches"][0]["net"] == json.loads(stdout)["totals"]["net"]
    # the server's transactions were read-only: nothing about the month changed
    code, _, err = cli(capsys, "region", "consolidate", "--month", branches.open_month, "--out", out, url)
    assert code == 1 and f"{branches.open_month} is not locked" in err


def test_the_command_in_a_subprocess(branches: Built, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.acceptance.conftest import ROOT

    out = tmp_path / "region.xlsx"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    args = [sys.executable, "-m", "app.cli", "--lang", "en", "region", "consolidate", "--month", branches.month,
            "--out", str(out), str(branches.folder / "B01.sqlite3"), str(branches.folder / "B02.sqlite3")]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"region workbook written to {out}: {branches.month}, 2 branches" in proc.stdout
    assert out.is_file()
    args[args.index(branches.month)] = branches.open_month
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "is not locked" in proc.stderr and "Traceback" not in proc.stderr
