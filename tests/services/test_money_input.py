"""Money has at most two decimals wherever it enters (issue #12): an import with an adjustment
of 10.005 is refused naming file, row and column and writes nothing; the services refuse a third
decimal from any caller instead of letting the payroll round it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.services.agents import AgentInput, add_agent
from app.services.errors import ValidationFailed
from app.services.imports import ImportRefused, commit_import
from app.services.rewards import AdjustmentInput, add_adjustment, check_adjustment, parse_amount
from app.services.sales import PolicyInput, check_policy, parse_premium
from db.models import Adjustment, Agent
from db.session import Database


def _count(db: Database, model: type) -> int:
    with db.session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _agent(db: Database) -> None:
    with db.session_scope() as s:
        add_agent(s, AgentInput(code="A001", name="张三", base_salary=Decimal(4000), hire_date=date(2026, 1, 5)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_adjustment_of_10_005_is_refused_naming_row_and_column(
    database: Database, tmp_path: Path, fmt: str
) -> None:
    _agent(database)
    header = ["工号", "月份", "金额", "类别", "原因"]
    rows: list[list[object]] = [["A001", "2026-03", 100, "补发", "漏发"], ["A001", "2026-03", 10.005, "补发", "尾差"]]
    path = tmp_path / f"adjustments.{fmt}"
    if fmt == "csv":
        table: list[list[object]] = [list(header), *rows]
        path.write_text("\n".join(",".join(str(v) for v in r) for r in table) + "\n", encoding="utf-8")
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        for r in [header, *rows]:
            ws.append(r)
        wb.save(path)
    with database.session_scope() as s, pytest.raises(ImportRefused) as refused:
        commit_import(s, "adjustments", path)
    problems = refused.value.result.problems
    assert [(p.file, p.row, p.column) for p in problems] == [(path.name, 3, "金额")]
    assert "金额最多两位小数：10.005" in problems[0].message("zh")
    assert "an amount has at most 2 decimals: 10.005" in problems[0].message("en")
    assert _count(database, Adjustment) == 0  # nothing written, not even the good row


def test_an_imported_base_salary_with_a_third_decimal_writes_no_agent(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text("工号,姓名,底薪,入职日期\nA001,张三,4000,2026-01-05\nA002,李四,3500.125,2026-01-05\n", "utf-8")
    with database.session_scope() as s, pytest.raises(ImportRefused) as refused:
        commit_import(s, "agents", path)
    assert [(p.row, p.column) for p in refused.value.result.problems] == [(3, "底薪")]
    assert _count(database, Agent) == 0


def test_the_services_refuse_a_third_decimal_from_any_caller(database: Database) -> None:
    with database.session_scope() as s, pytest.raises(ValidationFailed) as refused:
        add_agent(s, AgentInput(code="A001", name="张三", base_salary=Decimal("4000.125"), hire_date=date(2026, 1, 5)))
    assert refused.value.problems == ["底薪最多两位小数：4000.125"]
    assert refused.value.problems_en == ["the base salary has at most 2 decimals: 4000.125"]
    _agent(database)
    data = AdjustmentInput("A001", "2026-03", Decimal("10.005"), "补发", "尾差")
    assert check_adjustment(data) == (["金额最多两位小数：10.005"], ["an amount has at most 2 decimals: 10.005"])
    with database.session_scope() as s, pytest.raises(ValidationFailed):
        add_adjustment(s, data)
    assert _count(database, Adjustment) == 0
    policy = PolicyInput("P1", "A001", "L10", Decimal("1000.001"), date(2026, 3, 2))
    assert [(p.field, p.zh, p.en) for p in check_policy(policy)] == [
        ("premium", "保费最多两位小数：1000.001", "the premium has at most 2 decimals: 1000.001")
    ]


def test_form_text_is_read_like_an_import_cell() -> None:
    assert parse_amount("-1,200.50") == Decimal("-1200.50")
    assert parse_premium("¥12,000") == Decimal(12000)
    assert parse_amount("10.005") is None  # not money: the form says why (app.money.MoneyError)
    assert parse_premium("95%") is None
