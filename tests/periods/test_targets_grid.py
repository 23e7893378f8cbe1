"""The targets grid's service (issue #14): one period's values by agent and target, saved through the
``targets`` import's checks and writer, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.errors import ServiceError, ValidationFailed
from app.services.imports import commit_import
from app.services.targets import (
    TargetEntry,
    TargetsRefused,
    grid_periods,
    parse_target_value,
    save_targets,
    targets_grid,
)
from db.models import Agent, AuditLog, MonthStatus, TargetValue
from db.session import Database
from tests.periods.scenario import make_db, write


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_db(tmp_path)
    yield database
    database.dispose()


def _stored(db: Database) -> list[tuple[str, str, str, Decimal, Decimal | None]]:
    with db.session_scope() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Agent.code, TargetValue.target, TargetValue.period, TargetValue.value, TargetValue.bonus)
            .join(Agent, Agent.id == TargetValue.agent_id).order_by(Agent.code, TargetValue.target))]


def test_periods_offered_are_the_plan_kinds_of_the_year(db: Database) -> None:
    with db.session_scope() as s:
        periods = grid_periods(s, "2026-11")
    texts = [p.text for p in periods]
    assert texts[:4] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]  # q_premium, the plan's first: quarterly
    assert texts[4:] == [f"2026-{m:02d}" for m in range(1, 13)]  # m_policies is monthly
    assert [p.text for p in periods if p.current] == ["2026-Q4", "2026-11"]


def test_grid_lists_agents_by_targets_of_the_period_kind(db: Database, tmp_path: Path) -> None:
    with db.session_scope() as s:
        commit_import(s, "targets", write(tmp_path, "t.csv", "工号,目标,期间,目标值,奖金基数\n"
                                          "A001,q_premium,2026-Q4,100000,1500\nA003,q_answer,2026-Q4,95%,\n"))
        grid = targets_grid(s, "2026-q4")
    assert (grid.period, grid.kind, grid.pays_in, grid.locked) == ("2026-Q4", "quarter", "2026-12", False)
    assert [c.code for c in grid.columns] == ["q_premium", "q_answer"]
    assert [c.is_rate for c in grid.columns] == [False, True]
    assert [a.agent_code for a in grid.agents] == ["A001", "A002", "A003"]
    assert grid.value("A001", "q_premium") == Decimal(100000)
    assert grid.value("A003", "q_answer") == Decimal("0.95")
    assert grid.bonuses == {("A001", "q_premium"): Decimal(1500)}


def test_save_adds_updates_and_removes_in_one_go_keeping_the_imported_bonus(db: Database, tmp_path: Path) -> None:
    with db.session_scope() as s:
        commit_import(s, "targets", write(tmp_path, "t.csv", "工号,目标,期间,目标值,奖金基数\n"
                                          "A001,q_premium,2026-Q4,100000,1500\nA002,q_premium,2026-Q4,50000,\n"))
    with db.session_scope(write=True) as s:
        saved = save_targets(s, "2026-Q4", [
            TargetEntry("A001", "q_premium", "120,000"),
            TargetEntry("a003", "q_answer", "96%"),
            TargetEntry("A002", "q_premium", ""),
        ])
    assert (saved.adds, saved.updates, saved.removed) == (1, 1, 1)
    assert _stored(db) == [
        ("A001", "q_premium", "2026-Q4", Decimal(120000), Decimal(1500)),
        ("A003", "q_answer", "2026-Q4", Decimal("0.96"), None),
    ]
    with db.session_scope() as s:
        actions = list(s.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions[-3:] == ["target.update", "targets.grid", "target.delete"]


def test_a_bad_cell_refuses_everything_naming_agent_and_target(db: Database) -> None:
    with db.session_scope(write=True) as s, pytest.raises(TargetsRefused) as refused:
        save_targets(s, "2026-Q4", [
            TargetEntry("A001", "q_premium", "100000"),
            TargetEntry("A002", "q_premium", "abc"),
            TargetEntry("A003", "q_premium", "-5"),
        ])
    assert refused.value.cells == [("A002", "q_premium"), ("A003", "q_premium")]
    assert refused.value.problems[0].startswith("A002 李四 / 季度保费目标：不是数字 “abc”")
    assert refused.value.problems_en[1].startswith("A003 王五 / 季度保费目标: the target value must be greater than 0")
    assert _stored(db) == []


def test_a_target_of_another_kind_is_refused_like_the_import(db: Database) -> None:
    with db.session_scope(write=True) as s, pytest.raises(TargetsRefused) as refused:
        save_targets(s, "2026-Q4", [TargetEntry("A001", "m_policies", "3")])
    assert "目标 m_policies 是月度目标，期间 2026-Q4 不是月度期间" in refused.value.problems[0]
    assert _stored(db) == []


def test_a_locked_period_is_refused_and_nothing_written(db: Database, tmp_path: Path) -> None:
    with db.session_scope() as s:
        commit_import(s, "targets", write(tmp_path, "t.csv", "工号,目标,期间,目标值\nA002,q_premium,2026-Q4,50000\n"))
        s.add(MonthStatus(month="2026-12", status="locked"))
    with db.session_scope() as s:
        assert targets_grid(s, "2026-Q4").locked
    for entries in ([TargetEntry("A001", "q_premium", "100000")], [TargetEntry("A002", "q_premium", None)]):
        with db.session_scope(write=True) as s, pytest.raises(ServiceError) as refused:
            save_targets(s, "2026-Q4", entries)
        assert "2026-12 月已锁定" in refused.value.message
    assert _stored(db) == [("A002", "q_premium", "2026-Q4", Decimal(50000), None)]


def test_a_pasted_cell_is_read_as_the_import_reads_it() -> None:
    assert parse_target_value(" 1,200 ") == Decimal(1200)
    assert parse_target_value("95%") == Decimal("0.95")
    assert parse_target_value("") is None
    for bad in ("abc", "0", "-1"):
        with pytest.raises(ValidationFailed):
            parse_target_value(bad)
