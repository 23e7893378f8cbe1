"""Time the last month of a quarter with two targets and a quarterly award (issue #14: ≤ 2.5 s through the CLI).

300 agents, ~35,000 policies a month for October–December 2026, an answer-rate metric for everyone, two
targets per agent (a quarterly standard premium and a quarterly answer rate) and a quarterly award; October
and November are calculated and locked, then ``branchpay payroll run --month 2026-12`` (which reads the two
locked months' results and the quarter's policies) is timed as a fresh process, and ``payroll verify`` of
December (the same computation compared with the stored result).

Run: ``.venv/bin/python benchmarks/bench_quarter.py [--agents 300] [--policies 35000] [--repeat 3]``
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert, select  # noqa: E402

from app.calendar import month_bounds  # noqa: E402
from app.services.payroll import calculate_month, lock_month  # noqa: E402
from app.services.plans import save_plan  # noqa: E402
from app.services.setup import initialise  # noqa: E402
from benchmarks._data import random_policy  # noqa: E402
from benchmarks._whole_command import branch_size_args, timed  # noqa: E402
from db.models import Agent, KpiMetric, Policy, TargetValue  # noqa: E402
from db.session import Database  # noqa: E402
from tests.periods.scenario import Q_ANSWER, Q_PREMIUM, Q_TOP_AWARD, plan_text, team_award  # noqa: E402

TARGET_S = 2.5
SECTIONS = Q_PREMIUM + Q_ANSWER + Q_TOP_AWARD + team_award(300)


def build(path: Path, agents: int, policies: int) -> None:
    db = Database(path)
    rng = random.Random(7)
    with db.session_scope() as s:
        initialise(s)
        save_plan(s, plan_text(SECTIONS))
        s.execute(insert(Agent), [{"code": f"B{i:04d}", "name": f"坐席{i}", "team": f"{i % 12}组",
                                   "base_salary": Decimal(4000), "hire_date": date(2025, 1, 1)}
                                  for i in range(agents)])
        ids = list(s.scalars(select(Agent.id)))
        for n, month in enumerate(("2026-10", "2026-11", "2026-12")):
            first, last = month_bounds(month)
            rows = [random_policy(n * policies + i, rng, ids, ["L10", "ACC1"], first, last) for i in range(policies)]
            s.execute(insert(Policy), rows)
            s.execute(insert(KpiMetric), [{"agent_id": a, "month": month, "indicator": "answer_rate",
                                           "value": Decimal(rng.randrange(90, 100)) / 100} for a in ids])
        s.execute(insert(TargetValue), [{"agent_id": a, "target": t, "period": "2026-Q4", "value": v, "bonus": None}
                                        for a in ids for t, v in (("q_premium", Decimal(300000)),
                                                                  ("q_answer", Decimal("0.95")))])
    for month in ("2026-10", "2026-11"):
        with db.session_scope() as s:
            calculate_month(s, month)
        with db.session_scope() as s:
            lock_month(s, month)
    db.dispose()


def main() -> None:
    args = branch_size_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quarter.sqlite3"
        build(path, args.agents, args.policies)
        for cmd in (("payroll", "run", "--month", "2026-12"), ("payroll", "verify", "--month", "2026-12")):
            timed(path, args.repeat, *cmd)
        print(f"target for the quarter's last month: ≤ {TARGET_S} s")


if __name__ == "__main__":
    main()
