"""The ``targets`` import (docs/formats.md): all or nothing, key (code, target, period), checked against the plan."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.services.imports import ImportRefused, commit_import
from db.models import Agent, AuditLog, MonthStatus, TargetValue
from tests.periods.scenario import make_db, write


def _stored(db) -> list[tuple[str, str, str, Decimal, Decimal | None]]:  # type: ignore[no-untyped-def]
    with db.session_scope() as s:
        rows = s.execute(select(Agent.code, TargetValue.target, TargetValue.period, TargetValue.value,
                                TargetValue.bonus).join(Agent, Agent.id == TargetValue.agent_id)
                         .order_by(Agent.code, TargetValue.target, TargetValue.period)).all()
        return list(rows)


def test_csv_import_stores_and_a_reimport_updates(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        path = write(tmp_path, "targets.csv", "工号,目标,期间,目标值,奖金基数\n"
                     "A001,q_premium,2026-Q4,100000,1500\nA002,q_premium,2026-q4,80000,\n"
                     "A001,m_policies,2026-10,3,\n")
        with db.session_scope() as s:
            result = commit_import(s, "targets", path)
            assert (result.adds, result.updates) == (3, 0)
        assert _stored(db) == [
            ("A001", "m_policies", "2026-10", Decimal(3), None),
            ("A001", "q_premium", "2026-Q4", Decimal(100000), Decimal(1500)),
            ("A002", "q_premium", "2026-Q4", Decimal(80000), None),
        ]
        again = write(tmp_path, "targets2.csv", "code,target,period,value,bonus\nA002,q_premium,2026-Q4,90000,800\n")
        with db.session_scope() as s:
            result = commit_import(s, "targets", again)
            assert (result.adds, result.updates) == (0, 1)
            audit = s.scalar(select(AuditLog).where(AuditLog.action == "target.update"))
            assert audit is not None and audit.entity_key == "A002/q_premium/2026-Q4"
        assert _stored(db)[2] == ("A002", "q_premium", "2026-Q4", Decimal(90000), Decimal(800))
    finally:
        db.dispose()


def test_xlsx_with_english_headers_and_a_date_cell_as_month(tmp_path: Path) -> None:
    from datetime import date

    db = make_db(tmp_path)
    try:
        path = tmp_path / "targets.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["Period", "Code", "Target", "Value"])
        ws.append(["2026-Q4", "A003", "q_answer", "96%"])
        ws.append([date(2026, 11, 1), "A003", "m_policies", 4])  # Excel turned 2026-11 into a date
        wb.save(path)
        with db.session_scope() as s:
            commit_import(s, "targets", path)
        assert _stored(db) == [
            ("A003", "m_policies", "2026-11", Decimal(4), None),
            ("A003", "q_answer", "2026-Q4", Decimal("0.96"), None),
        ]
    finally:
        db.dispose()


def test_problems_name_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        path = write(tmp_path, "targets.csv", "工号,目标,期间,目标值\n"
                     "A001,q_premium,2026-Q4,100000\n"      # fine
                     "A001,q_premuim,2026-Q4,100000\n"      # unknown target (typo)
                     "A002,q_premium,2026-11,100000\n"      # a quarterly target given a month
                     "A003,m_policies,2025-12,3\n")         # no plan in force in 2025-12
        with db.session_scope() as s, pytest.raises(ImportRefused) as caught:
            commit_import(s, "targets", path)
        messages = [p.message("en") for p in caught.value.result.problems]
        assert len(messages) == 3, messages
        assert messages[0].startswith("targets.csv row 3, 目标 (target): target q_premuim is not in the plan in "
                                      "force for 2026-12 (the plan's targets: q_premium, m_policies, q_answer)")
        assert messages[1].startswith("targets.csv row 4, 期间 (period): target q_premium is quarterly: 2026-11 is "
                                      "not a quarter period")
        assert messages[2].startswith("targets.csv row 5, 期间 (period): no plan is in force for 2025-12")
        zh = caught.value.result.problems[0].message("zh")
        assert "第3行" in zh and "目标 q_premuim 不在 2026-12 适用的方案中" in zh
        assert _stored(db) == []
    finally:
        db.dispose()


def test_a_period_whose_paying_month_is_locked_is_refused(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        with db.session_scope() as s:
            s.add(MonthStatus(month="2026-12", status="locked"))
        path = write(tmp_path, "targets.csv", "工号,目标,期间,目标值\nA001,q_premium,2026-Q4,100000\n"
                     "A001,m_policies,2026-11,3\n")
        with db.session_scope() as s, pytest.raises(ImportRefused) as caught:
            commit_import(s, "targets", path)
        problems = caught.value.result.problems
        assert [(p.row, p.column) for p in problems] == [(2, "期间")]
        assert "month 2026-12 is locked" in problems[0].reason_en
        assert _stored(db) == []
    finally:
        db.dispose()
