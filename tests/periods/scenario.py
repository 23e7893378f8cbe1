"""A schema-2 plan with targets and period awards on the default plan, and a database to try it in."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from app.plan.toml_io import default_plan_text
from app.services.imports import commit_import
from app.services.plans import save_plan
from app.services.setup import initialise
from db.session import Database

# The plan sections the scenarios combine (also built into benchmarks/bench_quarter.py).
Q_PREMIUM = """
[[targets]]
code = "q_premium"
name = "季度保费目标"
measure = "standard_premium"
period = "quarter"
bonus = 1000
payout = [ { from = 0.8, rate = 0.5 }, { from = 1.0, rate = 1.0 }, { from = 1.2, rate = 1.2 } ]
"""

M_POLICIES = """
[[targets]]
code = "m_policies"
name = "月度件数目标"
measure = "policies"
period = "month"
bonus = 200
payout = [ { from = 1, rate = 1 } ]
"""

Q_ANSWER = """
[[targets]]
code = "q_answer"
name = "季度接通率目标"
measure = "answer_rate"
period = "quarter"
bonus = 300
payout = [ { from = 1, rate = 1 } ]
"""

Q_TOP_AWARD = """
[[period_awards]]
code = "q_top"
name = "季度优胜"
period = "quarter"
top_share = 0.1
amount = 800
"""

SECTIONS = Q_PREMIUM + M_POLICIES + Q_ANSWER


def team_award(amount: int) -> str:
    return f"""
[team_award]
amount = {amount}
"""


def plan_text(sections: str = SECTIONS, *, effective_from: str = "2026-01") -> str:
    text = default_plan_text().replace("schema = 1", "schema = 2", 1)
    text = text.replace('effective_from = "2026-01"', f'effective_from = "{effective_from}"', 1)
    return text + "\n" + sections


AGENTS = """工号,姓名,岗位,团队,底薪,入职日期,离职日期
A001,张三,电话接听岗,一组,4000,2025-03-01,
A002,李四,电话回访岗,一组,3500,2025-03-01,
A003,王五,电话咨诉岗,二组,4200,2024-01-01,
"""


def make_db(
    folder: Path, *, sections: str = SECTIONS, agents: str = AGENTS, imports: Mapping[str, str] | None = None
) -> Database:
    """The plan with ``sections`` and the ``agents``; then each of ``imports`` (kind → CSV text) imported."""
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(folder / "branchpay.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        save_plan(s, plan_text(sections), source="plan2.toml")
        path = folder / "agents.csv"
        path.write_text(agents, encoding="utf-8")
        commit_import(s, "agents", path)
    if imports:
        with db.session_scope() as s:
            for kind, text in imports.items():
                commit_import(s, kind, write(folder, f"{kind}.csv", text))
    return db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
