"""Time 试算 and 趋势 (issue #18): simulating 12 months of 300 agents / 35,000 policies a month under
one draft (goal ≤ 10 s), and reading 24 months of results for the 趋势 page (goal ≤ 1 s).

The demo branch (``fill_demo`` with 300 agents) gets 35,000 made-up policies in each of 24 months,
every month is calculated and all but the latest locked, then the two are timed in-process.

Run: ``.venv/bin/python benchmarks/bench_history_simulate.py [--agents 300] [--policies 35000] [--months 24]``
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert, select, update  # noqa: E402

from app.calendar import month_bounds, shift_month  # noqa: E402
from app.plan.toml_io import load_plan  # noqa: E402
from app.services.demo import demo_months, fill_demo  # noqa: E402
from app.services.history import history, months_with_results  # noqa: E402
from app.services.payroll import calculate_month, lock_month  # noqa: E402
from app.services.plans import export_plan, plan_for_month  # noqa: E402
from app.services.simulate import simulate  # noqa: E402
from benchmarks._data import random_policy  # noqa: E402
from db.models import Agent, PlanVersion, Policy  # noqa: E402
from db.session import Database  # noqa: E402

SIMULATE_S = 10.0
HISTORY_S = 1.0


def build(db: Database, agents: int, policies: int, n_months: int) -> list[str]:
    last_demo = demo_months()[-1]
    months = [shift_month(last_demo, -i) for i in reversed(range(n_months))]
    with db.session_scope(write=True) as s:
        fill_demo(s, agents=agents)
        s.execute(update(PlanVersion).values(effective_from=months[0]))  # the one plan covers every month
        _, plan = plan_for_month(s, months[-1])
        products = [p.code for p in plan.products]
        ids = list(s.scalars(select(Agent.id).where(Agent.leave_date.is_(None))))
        start = month_bounds(months[0])[0]
        s.execute(update(Agent).values(hire_date=date(start.year - 1, 1, 1)))  # everyone paid every month
        rng = random.Random(7)
        n = 0
        for month in months:
            first, last = month_bounds(month)
            rows = [random_policy(n + i, rng, ids, products, first, last) for i in range(policies)]
            n += policies
            s.execute(insert(Policy), rows)
    for i, month in enumerate(months):
        with db.session_scope(write=True) as s:
            calculate_month(s, month)
            if i < n_months - 1:  # as a branch has them: every month locked but the latest
                lock_month(s, month)
    return months


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", type=int, default=300)
    ap.add_argument("--policies", type=int, default=35_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--db", type=Path, default=None,
                    help="keep the built database here, or reuse it when it exists (the build takes minutes)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.sqlite3"
        reuse = path.exists()
        db = Database(path)
        t0 = time.perf_counter()
        if reuse:
            with db.session_scope() as s:
                months = months_with_results(s)
        else:
            months = build(db, args.agents, args.policies, args.months)
        print(f"setup: {args.agents} agents, {args.policies} policies a month, {len(months)} months calculated "
              f"(all but the latest locked) in {time.perf_counter() - t0:.0f} s")
        twelve = months[-12:]
        with db.session_scope() as s:
            draft = load_plan(export_plan(s, twelve[-1]).replace("rate = 0.02", "rate = 0.025", 1))
        t0 = time.perf_counter()
        with db.session_scope() as s:
            sim = simulate(s, twelve, [draft])
        t_sim = time.perf_counter() - t0
        changed = sum(m.plans[0].gainers for m in sim.months)
        print(f"simulate {len(twelve)} months × 1 draft: {t_sim:.2f} s → ×{t_sim / SIMULATE_S:.2f} of the "
              f"{SIMULATE_S:.0f} s goal ({changed} agent-months gain)")
        t0 = time.perf_counter()
        with db.session_scope() as s:
            h = history(s, months[0], months[-1])
        t_hist = time.perf_counter() - t0
        print(f"history of {len(h.months)} months: {t_hist:.2f} s → ×{t_hist / HISTORY_S:.2f} of the "
              f"{HISTORY_S:.0f} s goal")
        db.dispose()
        return 0 if t_sim <= SIMULATE_S and t_hist <= HISTORY_S else 1


if __name__ == "__main__":
    sys.exit(main())
