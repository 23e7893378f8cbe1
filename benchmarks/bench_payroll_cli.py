"""Time ``branchpay payroll run`` as the user waits for it (goal ≤ 0.8 s for the whole command).

300 agents and ~35,000 policies (plus QA, metrics and attendance) are written as CSV files and
imported through the real command line; then ``payroll run`` is timed as a fresh process each time
(process start, imports, reading the facts, computing, writing the result), with its peak memory.
Side by side, in the same run, the *floor* does the bare database work with nothing of BranchPay:
a sqlite3 process that selects the month's facts, converts them (Decimal, dates) and inserts one
result row and a dozen lines per agent. ``--scale 10`` gives the 10× branch (3,000 agents,
350,000 policies): its costs should grow no faster than linearly.

``--before DIR`` also times the code of another checkout (e.g. ``git worktree add DIR main``) on the same
database, alternating run by run with this one, so that both meet the same load on a shared machine.

Run: ``.venv/bin/python benchmarks/bench_payroll_cli.py [--agents 300] [--policies 35000] [--repeat 5] [--scale 10]
[--before DIR]``
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks._whole_command import cli as run_cli  # noqa: E402
from benchmarks._whole_command import median, python, warm_up  # noqa: E402

TARGET_RUN_S = 0.8
MONTH = "2026-10"

FLOOR = """
import sqlite3, sys
from datetime import date
from decimal import Decimal
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
conn.execute("BEGIN IMMEDIATE")
first, last = "2026-10-01", "2026-10-31"
agents = conn.execute("SELECT id, code, base_salary, hire_date FROM agents").fetchall()
facts = [(a, Decimal(b), date.fromisoformat(h)) for a, _, b, h in agents]
policies = [(a, p, c, Decimal(m), lvl, bool(n), date.fromisoformat(s), c2 and date.fromisoformat(c2))
            for a, p, c, m, lvl, n, s, c2 in conn.execute(
    "SELECT agent_id, policy_no, product_code, premium, customer_level, new_customer, sign_date, cancel_date "
    "FROM policies WHERE sign_date BETWEEN ? AND ? ORDER BY sign_date, policy_no", (first, last))]
qa = [(a, date.fromisoformat(d), Decimal(s)) for a, d, s in conn.execute(
    "SELECT agent_id, date, score FROM qa_evaluations WHERE date BETWEEN ? AND ?", (first, last))]
att = conn.execute("SELECT agent_id, date, kind, minutes, days FROM attendance WHERE date BETWEEN ? AND ?",
                   (first, last)).fetchall()
met = conn.execute("SELECT agent_id, indicator, value FROM kpi_metrics WHERE month = ?", ("2026-10",)).fetchall()
conn.execute("CREATE TEMP TABLE r (agent_id, month, gross, net)")
conn.execute("CREATE TEMP TABLE l (agent_id, code, amount, detail)")
conn.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", [(a, "2026-10", "1000.00", "900.00") for a, _, _ in facts])
conn.executemany("INSERT INTO l VALUES (?, ?, ?, ?)",
                 [(a, f"L{i}", "100.00", "explanation") for a, _, _ in facts for i in range(12)])
conn.execute("COMMIT")
"""


def cli(db: Path, *args: str) -> float:
    return run_cli(db, *args).seconds


def write_files(folder: Path, n_agents: int, n_policies: int) -> dict[str, Path]:
    rng = random.Random(7)
    days = [f"2026-10-{d:02d}" for d in range(8, 32) if d not in (11, 17, 18, 24, 25, 31)]
    files = {k: folder / f"{k}.csv" for k in ("agents", "sales", "qa", "metrics", "attendance")}
    with files["agents"].open("w", encoding="utf-8") as fh:
        fh.write("code,name,team,base_salary,hire_date\n")
        for i in range(n_agents):
            fh.write(f"A{i:04d},坐席{i},T{i % 5},{rng.choice([3500, 4000, 4500])},2024-01-01\n")
    with files["sales"].open("w", encoding="utf-8") as fh:
        fh.write("policy_no,code,product,premium,customer_level,new_customer,sign_date\n")
        for i in range(n_policies):
            fh.write(f"P{i:07d},A{rng.randrange(n_agents):04d},{rng.choice(['L10', 'ACC1'])},"
                     f"{rng.randint(500, 30000)},{rng.choice(['', 'A', 'VIP'])},{rng.choice(['是', '否'])},"
                     f"{rng.choice(days)}\n")
    with files["qa"].open("w", encoding="utf-8") as fh:
        fh.write("code,date,score,fatal\n")
        for i in range(n_agents):
            for _ in range(4):
                fh.write(f"A{i:04d},{rng.choice(days)},{rng.randint(60, 100)},{'是' if rng.random() < 0.02 else '否'}\n")
    with files["metrics"].open("w", encoding="utf-8") as fh:
        fh.write("code,month,indicator,value\n")
        for i in range(n_agents):
            fh.write(f"A{i:04d},{MONTH},answer_rate,{rng.randint(88, 99)}%\n")
            fh.write(f"A{i:04d},{MONTH},satisfaction,0.{rng.randint(950, 999)}\n")
            fh.write(f"A{i:04d},{MONTH},response_s,{rng.randint(5, 12)}\n")
    with files["attendance"].open("w", encoding="utf-8") as fh:
        fh.write("code,date,type,minutes,days\n")
        for i in range(n_agents):
            if rng.random() < 0.3:
                fh.write(f"A{i:04d},{rng.choice(days)},late,{rng.randint(1, 60)},\n")
            if rng.random() < 0.1:
                fh.write(f"A{i:04d},{rng.choice(days)},personal,,1\n")
    return files


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=300)
    ap.add_argument("--policies", type=int, default=35000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=int, default=1, help="multiply agents and policies (10 for the 10× branch)")
    ap.add_argument("--before", type=Path, default=None,
                    help="a checkout of the code before: timed side by side on the same database")
    args = ap.parse_args()
    agents, policies = args.agents * args.scale, args.policies * args.scale
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        files = write_files(folder, agents, policies)
        cli(db, "init")
        for kind in ("agents", "sales", "qa", "metrics", "attendance"):
            t = cli(db, "import", kind, str(files[kind]))
            print(f"import {kind:<10} {t:6.2f} s (whole command)")
        warm_up(db, "payroll", "run", "--month", MONTH)  # compiles every module the timed runs load
        if args.before is not None:
            warm_up(db, "payroll", "run", "--month", MONTH, code=args.before)
        runs, floors, befores = [], [], []
        for _ in range(args.repeat):
            runs.append(run_cli(db, "payroll", "run", "--month", MONTH))
            floors.append(python(FLOOR, str(db)))
            if args.before is not None:
                befores.append(run_cli(db, "payroll", "run", "--month", MONTH, code=args.before))
        t = median([r.seconds for r in runs])
        f = median([r.seconds for r in floors])
        peak = max(r.peak_mb for r in runs)
        print(f"payroll run ({agents} agents, {policies} policies), whole command, median of {args.repeat}: "
              f"{t:.2f} s (best {min(r.seconds for r in runs):.2f} s) → ×{t / TARGET_RUN_S:.2f} of the "
              f"{TARGET_RUN_S} s goal")
        print(f"floor (sqlite3: select + convert the facts, insert results), whole process: {f:.2f} s "
              f"→ payroll run is ×{t / f:.1f} the floor; peak memory {peak:.0f} MB "
              f"(floor {max(r.peak_mb for r in floors):.0f} MB)")
        if befores:
            b = median([r.seconds for r in befores])
            print(f"the code before ({args.before}), side by side: {b:.2f} s (best "
                  f"{min(r.seconds for r in befores):.2f} s) → this code takes ×{t / b:.2f} of its time")
        print(f"load average {os.getloadavg()[0]:.1f}")
        show = cli(db, "payroll", "show", "--month", MONTH, "--json")
        print(f"payroll show --json: {show:.2f} s")
        return 0 if t <= TARGET_RUN_S * args.scale else 1


if __name__ == "__main__":
    sys.exit(main())
