"""Time the 18-item scheme with three posts through the whole command line (issue #14).

300 agents, ~35,000 policies a month (October–December 2026), three scopes (电话回访岗, 电话接听岗,
电话咨诉岗, by role), each with its own commission tiers and the 18 indicators of
``resources/plans/call_centre_18.toml`` (16 imported metrics a month for everyone, complaints, absences,
four QA evaluations each), two targets (a monthly answer-rate target paid every month and a quarterly
standard-premium target) and a quarterly award.

Timed as fresh processes, the way the user waits for them:

1. ``branchpay payroll run --month 2026-10`` — one month with every indicator and the monthly target
   (goal ≤ 2 s on 2 cores);
2. October and November are locked through the CLI, then ``payroll run --month 2026-12`` — the
   quarter's last month, reading the two locked months for the quarterly award and the quarter's
   policies for the quarterly target (goal ≤ 2.5 s).

Run: ``.venv/bin/python benchmarks/bench_scheme18.py [--agents 300] [--policies 35000] [--repeat 3]``
"""

from __future__ import annotations

import copy
import json
import random
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert, select  # noqa: E402

from app.calendar import month_bounds  # noqa: E402
from app.plan.examples import example_plan  # noqa: E402
from app.plan.toml_io import dump_plan, plan_from_dict, plan_to_dict  # noqa: E402
from app.services.plans import save_plan  # noqa: E402
from app.services.setup import initialise  # noqa: E402
from benchmarks._data import random_policy  # noqa: E402
from benchmarks._whole_command import branch_size_args, cli, timed  # noqa: E402
from db.models import Agent, AttendanceRecord, Complaint, KpiMetric, Policy, QAEvaluation, TargetValue  # noqa: E402
from db.session import Database  # noqa: E402

MONTH_TARGET_S = 2.0
QUARTER_TARGET_S = 2.5
MONTHS = ("2026-10", "2026-11", "2026-12")
POSTS = (("callback", "电话回访岗", "0.015"), ("answer", "电话接听岗", "0.02"), ("complaint_desk", "电话咨诉岗", "0.025"))


def plan_text() -> str:
    """The 18-item example with three scopes (each its own tiers and a copy of the 18 indicators),
    a monthly and a quarterly target, and a quarterly award."""
    doc = plan_to_dict(example_plan("call_centre_18.toml").plan())
    doc["effective_from"] = "2026-10"
    doc["scopes"] = [
        {"code": code, "name": name, "roles": [name],
         "commission": {"mode": "marginal", "tiers": [{"from": Decimal(0), "rate": Decimal(rate)},
                                                      {"from": Decimal(50000), "rate": Decimal("0.03")}]},
         "kpi": copy.deepcopy(doc["kpi"])}
        for code, name, rate in POSTS
    ]
    doc["targets"] = [
        {"code": "m_answer", "name": "月度接通率目标", "measure": "answer_rate", "period": "month",
         "bonus": Decimal(200), "payout": [{"from": Decimal(1), "rate": Decimal(1)}]},
        {"code": "q_premium", "name": "季度保费目标", "measure": "standard_premium", "period": "quarter",
         "bonus": Decimal(1000), "payout": [{"from": Decimal("0.8"), "rate": Decimal("0.5")},
                                            {"from": Decimal(1), "rate": Decimal(1)},
                                            {"from": Decimal("1.2"), "rate": Decimal("1.2")}]},
    ]
    doc["period_awards"] = [{"code": "q_top", "name": "季度优胜", "period": "quarter",
                             "top_share": Decimal("0.1"), "amount": Decimal(800)}]
    return dump_plan(plan_from_dict(doc, source="bench"))


def metric_values(rng: random.Random) -> dict[str, Decimal]:
    pct = lambda lo, hi: Decimal(rng.randrange(lo, hi)) / 1000  # noqa: E731
    return {
        "calls": Decimal(rng.randrange(800, 1800)), "answer_rate": pct(900, 1000), "rating_sample": pct(500, 700),
        "valid_rating": pct(200, 400), "satisfaction": pct(950, 1000), "response_s": Decimal(rng.randrange(5, 12)),
        "repair_callback": pct(960, 1001), "repair_callback_ok": pct(700, 950), "qa_done": pct(900, 1000),
        "complaint_on_time": pct(900, 1000), "report_errors": Decimal(rng.randrange(0, 4)),
        "suggestions": Decimal(rng.randrange(0, 3)), "training": pct(400, 1001), "exam": Decimal(rng.randrange(50, 100)),
        "execution": Decimal(rng.randrange(75, 101)), "marketing": pct(400, 1001),
    }


def build(path: Path, agents: int, policies: int) -> None:
    db = Database(path)
    rng = random.Random(18)
    with db.session_scope() as s:
        initialise(s)
        save_plan(s, plan_text(), source="bench_scheme18")
        s.execute(insert(Agent), [{"code": f"C{i:04d}", "name": f"坐席{i}", "role": POSTS[i % 3][1],
                                   "team": f"{i % 12}组", "base_salary": Decimal(4000), "hire_date": date(2025, 1, 1)}
                                  for i in range(agents)])
        ids = list(s.scalars(select(Agent.id)))
        for n, month in enumerate(MONTHS):
            first, last = month_bounds(month)
            days = [first + timedelta(days=d) for d in range((last - first).days + 1)]
            s.execute(insert(Policy), [random_policy(n * policies + i, rng, ids, ["L10", "ACC1"], first, last)
                                       for i in range(policies)])
            s.execute(insert(KpiMetric), [{"agent_id": a, "month": month, "indicator": k, "value": v}
                                          for a in ids for k, v in metric_values(rng).items()])
            s.execute(insert(QAEvaluation), [{"agent_id": a, "date": rng.choice(days),
                                              "score": Decimal(rng.randrange(60, 101)), "fatal": rng.random() < 0.01}
                                             for a in ids for _ in range(4)])
            s.execute(insert(Complaint), [{"agent_id": a, "date": rng.choice(days),
                                           "level": rng.choice(["hotline", "city", "province"]), "status": "upheld"}
                                          for a in ids if rng.random() < 0.05])
            s.execute(insert(AttendanceRecord), [{"agent_id": a, "date": rng.choice(days), "kind": "absence",
                                                  "days": Decimal(1)} for a in ids if rng.random() < 0.05])
            s.execute(insert(TargetValue), [{"agent_id": a, "target": "m_answer", "period": month,
                                             "value": Decimal("0.95"), "bonus": None} for a in ids])
        s.execute(insert(TargetValue), [{"agent_id": a, "target": "q_premium", "period": "2026-Q4",
                                         "value": Decimal(300000), "bonus": None} for a in ids])
    db.dispose()


def _json_out(path: Path) -> str:
    """``payroll show --json`` alone on stdout (the child's stderr warnings are not wanted here)."""
    import subprocess

    from benchmarks._whole_command import ROOT, child_env

    return subprocess.run([sys.executable, "-m", "app.cli", "--db", str(path), "payroll", "show", "--month", "2026-12",
                           "--json"], cwd=ROOT, env=child_env(), capture_output=True, text=True, check=True).stdout


def describe(data: dict) -> None:  # type: ignore[type-arg]
    """What December paid, to show the benchmark computed what it says it did."""
    agents = data["agents"]
    codes = Counter(line["code"] for a in agents for line in a["lines"])
    scopes = Counter(a["scope"] for a in agents)
    indicators = {len(a["facts"]["indicator_scores"]) for a in agents}
    print(f"  December: {len(agents)} agents in scopes {dict(scopes)}; indicators scored per agent {sorted(indicators)}; "
          f"target_bonus lines {codes['target_bonus']}, period_award {codes['period_award']}, net {data['totals']['net']}")


def main() -> int:
    args = branch_size_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scheme18.sqlite3"
        build(path, args.agents, args.policies)
        print(f"{args.agents} agents, {args.policies} policies a month, 3 scopes × 18 indicators, 2 targets, "
              f"a quarterly award")
        month = timed(path, args.repeat, "payroll", "run", "--month", "2026-10")
        print(f"  one month: goal ≤ {MONTH_TARGET_S} s → ×{month / MONTH_TARGET_S:.2f}")
        cli(path, "payroll", "lock", "--month", "2026-10")
        cli(path, "payroll", "run", "--month", "2026-11")
        cli(path, "payroll", "lock", "--month", "2026-11")
        last = timed(path, args.repeat, "payroll", "run", "--month", "2026-12")
        print(f"  the quarter's last month (reads 2 locked months): goal ≤ {QUARTER_TARGET_S} s "
              f"→ ×{last / QUARTER_TARGET_S:.2f}")
        describe(json.loads(_json_out(path)))
        return 0 if month <= MONTH_TARGET_S and last <= QUARTER_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
