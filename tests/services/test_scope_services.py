"""Schema 2 (docs/pay-rules.md §7.3) in the services: an indicator that only a scope has is a metric
like any other (the metrics import accepts it, the metrics grid shows its column), and the QA page
counts each agent with the QA settings of the agent's scope, as the payslip does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.resources import read_text
from app.services.agents import AgentInput, add_agent
from app.services.imports import commit_import
from app.services.payroll import calculate_month
from app.services.plans import save_plan
from app.services.quality import month_summary
from app.services.rewards import metrics_grid
from app.services.sales import customer_levels
from app.services.setup import initialise
from db.session import Database

MONTH = "2026-10"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "s.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        save_plan(s, read_text("plans/posts_schema2.toml"), source="posts_schema2.toml")
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), date(2024, 1, 1), role="电话回访岗"))
        add_agent(s, AgentInput("C001", "赵六", Decimal(4000), date(2024, 1, 1), role="电话咨诉岗"))
        s.flush()
        yield s
    db.dispose()


def test_scope_indicators_are_metrics_of_the_month(session: Session, tmp_path: Path) -> None:
    codes = [c.code for c in metrics_grid(session, MONTH).indicators]
    # the top level has only the QA indicator; the posts' indicators come from their scopes, once each
    assert codes == [
        "callback_volume",
        "callback_success",
        "exam",
        "answer_rate",
        "satisfaction",
        "response_s",
        "calls",
        "report_errors",
        "closed_on_time",
        "execution",
    ]
    path = tmp_path / "metrics.csv"
    path.write_text("code,month,indicator,value\nA001,2026-10,callback_volume,412\n", encoding="utf-8")
    commit_import(session, "metrics", path)
    assert metrics_grid(session, MONTH).values == {("A001", "callback_volume"): Decimal(412)}


def test_the_qa_summary_uses_the_scope_quality_table(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    path.write_text(
        "工号,日期,评分表,得分,致命,状态,质检员,备注\n"
        "A001,2026-10-09,电话回访岗,75,否,有效,甲,\n"
        "C001,2026-10-09,电话咨诉岗,75,否,有效,甲,\n",
        encoding="utf-8",
    )
    commit_import(session, "qa", path)
    summary = {s.agent_code: s.coefficient for s in month_summary(session, MONTH)}
    # 75: top-level bands (A001's scope keeps them) → 0.8; 电话咨诉岗's own bands → 1.0
    assert summary == {"A001": Decimal("0.8"), "C001": Decimal("1.0")}
    pay = {a.code: a.facts.qa_coefficient for a in calculate_month(session, MONTH).agents}
    assert pay == summary  # the page and the payslip agree


def test_customer_levels_include_a_scope_commission_s(session: Session) -> None:
    text = read_text("plans/posts_schema2.toml").replace(
        '[[scopes]]\ncode = "callback"',
        '[[scopes]]\ncode = "vip_desk"\nroles = ["大客户岗"]\n[scopes.commission]\n'
        "tiers = [ { from = 0, rate = 0.01 } ]\nlevel_bonus_rate = { SVIP = 0.01, VIP = 0.004 }\n\n"
        '[[scopes]]\ncode = "callback"',
        1,
    )
    save_plan(
        session, text.replace('effective_from = "2026-01"', 'effective_from = "2026-09"'), source="x.toml"
    )
    assert customer_levels(session, MONTH) == ["VIP", "A", "SVIP"]
