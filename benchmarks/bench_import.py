"""Measure import speed against the target: at least 20,000 rows/s for a CSV file.

Generates 50,000 sales rows as CSV (UTF-8 with BOM, as Excel saves it) and as
xlsx, then times ``parse_file`` (read + validate) for both, and the bare xlsx
read with each installed engine (python-calamine, openpyxl read-only), so the
choice of reader stays justified by numbers.

Run: ``.venv/bin/python benchmarks/bench_import.py [rows]``
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from app.importers import COLUMNS, ImportContext, parse_file, read_table  # noqa: E402
from app.importers import table as table_module  # noqa: E402

TARGET = 20_000  # rows/s for CSV (the speed promise)


def make_rows(n: int) -> list[list[object]]:
    start = date(2026, 10, 1)
    rows: list[list[object]] = []
    for i in range(n):
        sign = start + timedelta(days=i % 28)
        cancel = sign + timedelta(days=3) if i % 17 == 0 else None
        rows.append(
            [
                f"P{i:08d}",
                f"A{i % 300:03d}",
                ("L10", "ACC1", "H20")[i % 3],
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


def timed(label: str, n: int, fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn()
    dt = time.perf_counter() - t0
    rate = n / dt
    extra = ""
    if hasattr(result, "ok"):
        extra = f"  ok={result.ok} rows={len(result.rows)} problems={len(result.problems)}"
    print(f"{label:<34} {dt:7.2f} s  {rate:>10,.0f} rows/s  ×{rate / TARGET:6.1f} of 20k target{extra}")
    return rate


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rows = make_rows(n)
    ctx = ImportContext(
        agents={f"A{i:03d}": (date(2020, 1, 1), None) for i in range(300)},
        products={"L10", "ACC1", "H20"},
        locked_months={"2026-09"},
    )
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "sales.csv"
        xlsx_path = Path(tmp) / "sales.xlsx"
        write_csv(csv_path, rows)
        write_xlsx(xlsx_path, rows)
        print(
            f"{n} sales rows; csv {csv_path.stat().st_size / 1e6:.1f} MB, xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB"
        )
        timed("parse_file csv", n, lambda: parse_file("sales", csv_path, ctx))
        timed("parse_file xlsx (default engine)", n, lambda: parse_file("sales", xlsx_path, ctx))
        engines = ["openpyxl"] + (["calamine"] if table_module._CalamineWorkbook is not None else [])
        for engine in engines:
            timed(f"read_table xlsx [{engine}]", n, lambda e=engine: read_table(xlsx_path, engine=e))
        timed("read_table csv", n, lambda: read_table(csv_path))


if __name__ == "__main__":
    main()
