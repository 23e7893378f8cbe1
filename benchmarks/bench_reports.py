"""Measure month-close speed against the targets: ≥ 50 payslips/s and an Excel export ≤ 5 s.

Builds a database with the demo branch grown to 300 agents, adds about 35,000 policies
to the last demo month (a very busy sales month), calculates it, then times

- ``write_payslips`` (one PDF per agent, and encrypted), in payslips per second;
- ``export_summary`` (six sheets, the sales sheet with every policy), in seconds.

Run: ``.venv/bin/python benchmarks/bench_reports.py [agents] [policies]``
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert, select  # noqa: E402

from app.calendar import month_bounds  # noqa: E402
from app.services.demo import demo_months, fill_demo  # noqa: E402
from app.services.payroll import calculate_month  # noqa: E402
from app.services.plans import plan_for_month  # noqa: E402
from app.services.reports import export_summary, write_payslips  # noqa: E402
from db.models import Agent, PayrollResult, Policy  # noqa: E402
from db.session import Database  # noqa: E402

PAYSLIPS_PER_SECOND = 50
EXPORT_SECONDS = 5.0


def build(db: Database, agents: int, policies: int) -> str:
    month = demo_months()[-1]
    with db.session_scope() as s:
        fill_demo(s, agents=agents)
        _, plan = plan_for_month(s, month)
        products = [p.code for p in plan.products]
        first, last = month_bounds(month)
        ids = list(s.scalars(select(Agent.id).where(Agent.hire_date <= first, Agent.leave_date.is_(None))))
        rng = random.Random(7)
        rows = []
        for i in range(policies):
            sign = first + timedelta(days=rng.randrange((last - first).days + 1))
            rows.append(
                {
                    "policy_no": f"BENCH{i:07d}",
                    "agent_id": rng.choice(ids),
                    "product_code": rng.choice(products),
                    "premium": Decimal(rng.choice([800, 1500, 2000, 3600, 6000, 12000])),
                    "customer_level": rng.choice(["", "A", "VIP"]),
                    "new_customer": rng.random() < 0.2,
                    "sign_date": sign,
                    "cancel_date": sign + timedelta(days=5) if rng.random() < 0.03 else None,
                }
            )
        s.execute(insert(Policy), rows)
    with db.session_scope() as s:
        calculate_month(s, month)
    return month


def main() -> None:
    agents = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    policies = int(sys.argv[2]) if len(sys.argv) > 2 else 35_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(folder / "bench.sqlite3")
        t0 = time.perf_counter()
        month = build(db, agents, policies)
        print(
            f"setup: {agents} agents, {policies} extra policies in {month}, calculated in "
            f"{time.perf_counter() - t0:.1f} s"
        )

        with db.session_scope() as s:
            paid = len(s.scalars(select(PayrollResult.id).where(PayrollResult.month == month)).all())
        try:
            import _rl_accel  # noqa: F401

            accel = "with rl_accel"
        except ImportError:
            accel = "without rl_accel (pip install 'reportlab[accel]' makes reportlab faster)"
        print(f"reportlab {accel}; cpu = this process's CPU time, immune to other load on the machine")
        runs: tuple[tuple[str, dict[str, Any]], ...] = (
            ("payslips", {}),
            ("payslips --encrypt", {"encrypt": True}),
            ("payslips --combined", {"combined": True}),
        )
        for label, kwargs in runs:
            with db.session_scope() as s:
                t, c = time.perf_counter(), time.process_time()
                paths = write_payslips(s, month, folder / label.replace(" ", "_"), **kwargs)
                elapsed, cpu = time.perf_counter() - t, time.process_time() - c
            rate = paid / elapsed  # payslips (pages) per second, whether one file or many
            size = sum(p.stat().st_size for p in paths) / 1024
            print(
                f"{label:<20} {len(paths):>4} files {size:7.0f} KiB  wall {elapsed:5.2f} s = {rate:5.1f}/s  "
                f"cpu {cpu:5.2f} s = {paid / cpu:5.1f}/s  (target {PAYSLIPS_PER_SECOND}/s: wall ratio "
                f"{rate / PAYSLIPS_PER_SECOND:.2f}×)"
            )

        with db.session_scope() as s:
            t, c = time.perf_counter(), time.process_time()
            out = export_summary(s, month, folder / "summary.xlsx")
            elapsed, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"{'export':<20} {out.stat().st_size / 1024:13.0f} KiB  wall {elapsed:5.2f} s  cpu {cpu:5.2f} s  "
            f"(target ≤ {EXPORT_SECONDS:.0f} s: wall ratio {EXPORT_SECONDS / elapsed:.2f}× headroom)"
        )
        db.dispose()


if __name__ == "__main__":
    main()
