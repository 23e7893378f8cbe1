"""Time a branch-sized month on a local PostgreSQL (issue #19): import rate and calculation.

Goals: a 300-agent / 35,000-policy month imports at ≥ 20,000 rows/s and calculates in ≤ 3 s.
Starts a throwaway server as the tests do (tests/pg_server.py: PostgreSQL's binaries must be
installed), times the services in this process (not the whole command), then stops it.

Run: ``.venv/bin/python benchmarks/bench_server.py [--agents 300] [--policies 35000]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_payroll_cli import MONTH, write_files  # noqa: E402
from tests.pg_server import PgServer, find_bin_dir  # noqa: E402

IMPORT_GOAL = 20_000  # rows/s
CALC_GOAL_S = 3.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=300)
    ap.add_argument("--policies", type=int, default=35_000)
    args = ap.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("no PostgreSQL binaries (initdb, pg_ctl) found")
        return 2
    from app.services.imports import commit_import
    from app.services.payroll import calculate_month
    from app.services.setup import initialise
    from db.session import Database

    rate, calc = 0.0, float("inf")
    server = PgServer(bin_dir)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = write_files(Path(tmp), args.agents, args.policies)
            db = Database(server.new_database(template=None))
            with db.session_scope(write=True) as s:
                initialise(s)
            for kind in ("agents", "sales", "qa", "metrics", "attendance"):
                start = time.perf_counter()
                with db.session_scope(write=True) as s:
                    commit_import(s, kind, files[kind])
                took = time.perf_counter() - start
                rows = sum(1 for _ in files[kind].open(encoding="utf-8")) - 1
                print(f"import {kind:<10} {rows:7d} rows {took:6.2f} s  {rows / took:9.0f} rows/s")
                if kind == "sales":
                    rate = rows / took
            times = []
            for _ in range(3):
                start = time.perf_counter()
                with db.session_scope(write=True) as s:
                    calculate_month(s, MONTH)
                times.append(time.perf_counter() - start)
            calc = sorted(times)[1]
            print(f"calculate {MONTH} ({args.agents} agents, {args.policies} policies), median of 3: {calc:.2f} s")
            db.dispose()
    finally:
        server.stop()
    ok = rate >= IMPORT_GOAL and calc <= CALC_GOAL_S
    print(f"sales import {rate:.0f} rows/s (goal ≥ {IMPORT_GOAL}), calculation {calc:.2f} s (goal ≤ {CALC_GOAL_S} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
