"""Time ``branchpay import sales`` as the user waits for it: the whole command in a fresh process.

Cases (issue #13 goals):

* a 50,000-row CSV (UTF-8 with BOM, as Excel saves it): ≥ 40,000 rows/s for the whole command;
* the same rows as an xlsx (numbers and dates as real cells): ≥ 25,000 rows/s;
* 10×: a 350,000-row CSV: it must import, with a peak memory ≤ 512 MB;
* the 50,000-row CSV into a database that already holds 350,000 policies (a branch with history),
  against the same goal: the file's numbers are looked up, not every stored policy read.

Each case runs against a copy of the same database (initialised, 300 agents). Side by side, in the
same run, the *library floor* does the same work with nothing of BranchPay: ``csv.reader`` (or
python-calamine for the xlsx) and the driver's ``executemany`` into the same schema and indexes, also
as a whole process. The figures printed are the medians of ``--repeat`` runs; peak memory is the
child's own (``os.wait4``). A last, separate section times ``parse_file`` in-process: that
**parse-only** figure is not what the user waits for.

Run: ``.venv/bin/python benchmarks/bench_import.py [--rows 50000] [--repeat 3] [--no-10x]``
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from app.importers import COLUMNS, ImportContext, parse_file  # noqa: E402
from benchmarks._whole_command import cli, median, python, warm_up  # noqa: E402

CSV_GOAL = 40_000  # rows/s, whole command
XLSX_GOAL = 25_000  # rows/s, whole command
MEMORY_GOAL_MB = 512  # peak, 350,000-row file
AGENTS = 300

_INSERT = ("INSERT INTO policies (policy_no, agent_id, product_code, premium, customer_level, new_customer, "
           "sign_date, cancel_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")

# The floor: the same rows into the same schema with the standard library and the driver only.
FLOOR_CSV = f"""
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
ids = dict(conn.execute("SELECT code, id FROM agents"))
conn.execute("BEGIN IMMEDIATE")
with open(sys.argv[2], encoding="utf-8-sig", newline="") as fh:
    rows = csv.reader(fh)
    next(rows)
    conn.executemany({_INSERT!r}, ((p, ids[c], prod, prem, lvl, 1 if new == "是" else 0, sign, cancel or None)
                                   for p, c, prod, prem, lvl, new, sign, cancel in rows))
conn.execute("COMMIT")
"""
FLOOR_XLSX = f"""
import sqlite3, sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[2]).get_sheet_by_index(0).to_python()
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
ids = dict(conn.execute("SELECT code, id FROM agents"))
conn.execute("BEGIN IMMEDIATE")
conn.executemany({_INSERT!r}, ((p, ids[c], prod, repr(prem), lvl, 1 if new == "是" else 0, sign.isoformat(),
                                cancel.isoformat() if cancel else None)
                               for p, c, prod, prem, lvl, new, sign, cancel in rows[1:]))
conn.execute("COMMIT")
"""


def make_rows(n: int) -> list[list[object]]:
    start = date(2026, 10, 1)
    rows: list[list[object]] = []
    for i in range(n):
        sign = start + timedelta(days=i % 28)
        cancel = sign + timedelta(days=3) if i % 17 == 0 else None
        rows.append(
            [
                f"P{i:08d}",
                f"A{i % AGENTS:03d}",
                ("L10", "ACC1")[i % 2],  # the products of the default plan
                f"{1000 + (i * 37) % 90000}.{i % 100:02d}",
                ("VIP", "A", "")[i % 3],
                "是" if i % 5 == 0 else "否",
                sign,
                cancel,
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.zh for c in COLUMNS["sales"]])
        for r in rows:
            w.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in r])


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("保单")
    ws.append([c.zh for c in COLUMNS["sales"]])
    for r in rows:
        # premium as a real number cell, dates as real dates: what a user's sheet holds
        ws.append([r[0], r[1], r[2], float(str(r[3])), r[4], r[5], r[6], r[7]])
    wb.save(path)


def base_database(folder: Path) -> Path:
    """An initialised database with the agents the files name (made through the real command line)."""
    db = folder / "base.sqlite3"
    agents = folder / "agents.csv"
    agents.write_text("code,name,base_salary,hire_date\n" + "".join(
        f"A{i:03d},坐席{i},4000,2020-01-01\n" for i in range(AGENTS)), encoding="utf-8")
    cli(db, "init")
    cli(db, "import", "agents", str(agents))
    return db


def history_database(folder: Path, base: Path, stored: int) -> Path:
    """``base`` with ``stored`` policies already on file (other numbers than the files', months before
    theirs): a branch with history, into which a month's file is imported."""
    import sqlite3

    db = fresh_copy(base, folder / "history.sqlite3")
    conn = sqlite3.connect(db, isolation_level=None)
    ids = [agent_id for (agent_id,) in conn.execute("SELECT id FROM agents")]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(_INSERT, ((f"H{i:08d}", ids[i % len(ids)], ("L10", "ACC1")[i % 2], f"{1000 + i % 9000}.00", "",
                                0, (date(2025, 10, 1) + timedelta(days=i % 360)).isoformat(), None)
                               for i in range(stored)))
    conn.execute("COMMIT")
    conn.close()
    return db


def fresh_copy(base: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, target)
    return target


def case(label: str, base: Path, folder: Path, data: Path, n: int, floor_code: str, repeat: int,
         goal_rate: float | None) -> None:
    runs, floors = [], []
    for _ in range(repeat):
        db = fresh_copy(base, folder / "run.sqlite3")
        result = cli(db, "import", "sales", str(data))
        assert f"{n}" in result.out, result.out
        runs.append(result)
        floor_db = fresh_copy(base, folder / "floor.sqlite3")
        floors.append(python(floor_code, str(floor_db), str(data)))
    t = median([r.seconds for r in runs])
    f = median([r.seconds for r in floors])
    peak = max(r.peak_mb for r in runs)
    rate = n / t
    goal = (f"goal ≥ {goal_rate:,.0f} rows/s → ×{rate / goal_rate:.2f} of goal" if goal_rate
            else f"goal: imports within {MEMORY_GOAL_MB} MB → peak ×{peak / MEMORY_GOAL_MB:.2f} of goal")
    print(f"{label:<26} {t:6.2f} s  {rate:>8,.0f} rows/s  {goal}")
    print(f"{'':<26} floor {f:5.2f} s  {n / f:>8,.0f} rows/s  → ×{t / f:.1f} the floor; "
          f"peak memory {peak:.0f} MB (floor {max(r.peak_mb for r in floors):.0f} MB)")


def parse_only(n: int, csv_path: Path, xlsx_path: Path) -> None:
    ctx = ImportContext(
        agents={f"A{i:03d}": (date(2020, 1, 1), None) for i in range(AGENTS)},
        products={"L10", "ACC1"},
    )
    for label, path in (("csv", csv_path), ("xlsx", xlsx_path)):
        t0 = time.perf_counter()
        result = parse_file("sales", path, ctx)
        dt = time.perf_counter() - t0
        assert result.ok and len(result.rows) == n
        print(f"parse only (in-process) {label:<5} {dt:6.2f} s  {n / dt:>8,.0f} rows/s  (not the whole command)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-10x", action="store_true", help="skip the 350,000-row case")
    ap.add_argument("--no-history", action="store_true",
                    help="skip the case of a database that already holds 350,000 policies")
    args = ap.parse_args()
    n, big = args.rows, args.rows * 7
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = make_rows(n)
        csv_path, xlsx_path, big_path = folder / "sales.csv", folder / "sales.xlsx", folder / "sales-10x.csv"
        write_csv(csv_path, rows)
        write_xlsx(xlsx_path, rows)
        base = base_database(folder)
        warm_up(base, "import", "sales", "--dry-run", str(xlsx_path))  # compiles every module the runs load
        print(f"whole command `branchpay import sales`, median of {args.repeat}; database: {AGENTS} agents")
        case(f"csv {n:,} rows", base, folder, csv_path, n, FLOOR_CSV, args.repeat, CSV_GOAL)
        case(f"xlsx {n:,} rows", base, folder, xlsx_path, n, FLOOR_XLSX, args.repeat, XLSX_GOAL)
        if not args.no_history:
            history = history_database(folder, base, big)
            case(f"csv {n:,} rows into {big:,} stored", history, folder, csv_path, n, FLOOR_CSV, args.repeat, CSV_GOAL)
        if not args.no_10x:
            write_csv(big_path, make_rows(big))
            case(f"csv {big:,} rows (10×)", base, folder, big_path, big, FLOOR_CSV, 1, None)
        parse_only(n, csv_path, xlsx_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
