"""Time the pay engine on a branch-sized month: 300 agents, ~35,000 policies (target ≤ 0.5 s).

Run: ``.venv/bin/python benchmarks/bench_engine.py [--agents 300] [--policies 35000] [--repeat 5]``
The facts are synthetic but shaped like a real month (QA, attendance, metrics, complaints).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine import compute_month  # noqa: E402
from app.engine.facts import (  # noqa: E402
    AgentMonth,
    AttendanceFact,
    ComplaintFact,
    MonthFacts,
    PolicyFact,
    QAFact,
)
from app.plan.toml_io import default_plan  # noqa: E402

TARGET_S = 0.5
MONTH = "2026-10"
FIRST = date(2026, 10, 1)


def build_facts(n_agents: int, n_policies: int, seed: int = 20261001) -> MonthFacts:
    rng = random.Random(seed)
    workdays = tuple(
        d for d in (FIRST + timedelta(days=i) for i in range(31)) if d.weekday() < 5 and d.day > 7
    )
    per_agent = n_policies // n_agents
    extra = n_policies - per_agent * n_agents
    agents = []
    for i in range(n_agents):
        count = per_agent + (1 if i < extra else 0)
        policies = tuple(
            PolicyFact(
                policy_no=f"P{i:04d}-{j:04d}",
                product_code=rng.choice(("L10", "L10", "ACC1")),
                premium=Decimal(rng.randint(50_000, 5_000_000)) / 100,
                customer_level=rng.choice(("", "", "A", "VIP")),
                new_customer=rng.random() < 0.2,
                sign_date=FIRST + timedelta(days=rng.randint(0, 30)),
                cancel_date=FIRST + timedelta(days=30) if rng.random() < 0.03 else None,
            )
            for j in range(count)
        )
        qa = tuple(
            QAFact(
                date=rng.choice(workdays),
                score=Decimal(rng.randint(55, 100)),
                fatal=rng.random() < 0.02,
                status="valid" if rng.random() < 0.95 else "overturned",
            )
            for _ in range(rng.randint(0, 6))
        )
        attendance = tuple(
            AttendanceFact(
                date=rng.choice(workdays),
                kind=kind,
                minutes=rng.randint(1, 90) if kind in ("late", "early_leave") else None,
                days=Decimal(rng.choice((1, 1, 2))) / (2 if rng.random() < 0.3 else 1)
                if kind in ("absence", "personal", "sick", "annual")
                else None,
            )
            for kind in rng.choices(
                ("late", "early_leave", "away", "personal", "sick", "annual", "absence"), k=rng.randint(0, 4)
            )
        )
        agents.append(
            AgentMonth(
                code=f"A{i:04d}",
                name=f"坐席{i}",
                base_salary=Decimal(rng.choice((3500, 4000, 4200, 4500))),
                hire_date=date(2024, 1, 1)
                if rng.random() < 0.95
                else FIRST + timedelta(days=rng.randint(0, 30)),
                attendance=attendance,
                policies=policies,
                qa=qa,
                metrics={
                    "answer_rate": Decimal(rng.randint(880, 999)) / 1000,
                    "satisfaction": Decimal(rng.randint(950, 1000)) / 1000,
                    "response_s": Decimal(rng.randint(4, 14)),
                },
                complaints=(ComplaintFact(rng.choice(workdays), "hotline"),) if rng.random() < 0.05 else (),
                praise_count=rng.randint(0, 2),
            )
        )
    return MonthFacts(month=MONTH, workdays=workdays, agents=tuple(agents))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agents", type=int, default=300)
    ap.add_argument("--policies", type=int, default=35_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    plan = default_plan()
    facts = build_facts(args.agents, args.policies)
    compute_month(plan, facts)  # warm-up (caches, imports)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = compute_month(plan, facts)
        times.append(time.perf_counter() - start)
    best, worst = min(times), max(times)
    lines = sum(len(a.lines) for a in result.agents)
    print(f"agents={len(facts.agents)} policies={sum(len(a.policies) for a in facts.agents)} lines={lines}")
    print(f"compute_month: best {best:.3f} s, worst {worst:.3f} s over {args.repeat} runs")
    print(
        f"target {TARGET_S:.3f} s: best is {best / TARGET_S:.2f}× the target, worst {worst / TARGET_S:.2f}×"
    )
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
