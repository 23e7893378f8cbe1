"""A locked month's pay cannot change through the roster (issue #10): an agent employed in a locked
month cannot be added, nor a hire or leave date moved into or out of one — by the agent form
(services) or by an agents import. Changes that leave the locked months' pay alone pass."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.agents import AgentInput, add_agent, deactivate_agent, edit_agent, get_agent
from app.services.errors import EmploymentInLockedMonth
from app.services.imports import ImportRefused, commit_import
from app.services.months import changed_days, locked_months_between, next_month
from app.services.payroll import lock_month
from db.models import Agent
from db.session import Database
from tests.reports.conftest import build_example

D = date


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Database]:
    """The worked example with 2026-10 calculated and locked. A002 was hired on 2026-10-16."""
    db = build_example(tmp_path / "example", calculate=True)
    with db.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    yield db
    db.dispose()


def _new(code: str, hire: date, leave: date | None = None) -> AgentInput:
    return AgentInput(code=code, name="新人", base_salary=Decimal("3000"), hire_date=hire, leave_date=leave)


def _as_input(agent: Agent, **changes: object) -> AgentInput:
    values: dict[str, object] = {
        "code": agent.code, "name": agent.name, "base_salary": agent.base_salary, "hire_date": agent.hire_date,
        "role": agent.role, "team": agent.team, "leave_date": agent.leave_date,
    }
    values.update(changes)
    return AgentInput(**values)  # type: ignore[arg-type]


def _codes(db: Database) -> set[str]:
    with db.session_scope() as s:
        return set(s.scalars(select(Agent.code)))


# --- the month arithmetic -------------------------------------------------------------------------


def test_changed_days_are_the_days_employed_under_one_period_only() -> None:
    assert changed_days((D(2026, 1, 1), None), (D(2026, 1, 1), None)) == []
    assert changed_days(None, (D(2026, 11, 3), D(2026, 11, 12))) == [("hire_date", D(2026, 11, 3), D(2026, 11, 12))]
    assert changed_days((D(2026, 10, 16), None), (D(2026, 10, 10), None)) == [
        ("hire_date", D(2026, 10, 10), D(2026, 10, 15))]
    assert changed_days((D(2025, 3, 1), None), (D(2025, 3, 1), D(2026, 10, 20))) == [
        ("leave_date", D(2026, 10, 21), None)]
    assert changed_days((D(2025, 3, 1), D(2026, 11, 15)), (D(2025, 3, 1), D(2026, 12, 1))) == [
        ("leave_date", D(2026, 11, 16), D(2026, 12, 1))]
    # Two periods that do not overlap: every day of both changed, not the gap between them.
    assert changed_days((D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 5, 1), None)) == [
        ("hire_date", D(2026, 1, 1), D(2026, 1, 31)), ("hire_date", D(2026, 5, 1), None)]


def test_next_month_and_locked_months_between(locked: Database) -> None:
    assert next_month("2026-10") == "2026-11" and next_month("2026-12") == "2027-01"
    with locked.session_scope() as s:
        assert locked_months_between(s, D(2026, 9, 1), None) == ["2026-10"]
        assert locked_months_between(s, D(2026, 9, 1), D(2026, 9, 30)) == []
        assert locked_months_between(s, D(2026, 10, 31), D(2026, 10, 31)) == ["2026-10"]
        assert locked_months_between(s, D(2026, 11, 1), None) == []


# --- the agent form ------------------------------------------------------------------------------


def test_adding_an_agent_employed_in_a_locked_month_is_refused(locked: Database) -> None:
    with pytest.raises(EmploymentInLockedMonth) as caught, locked.session_scope(write=True) as s:
        add_agent(s, _new("B001", D(2026, 10, 3), D(2026, 10, 12)))
    zh, en = caught.value.text("zh"), caught.value.text("en")
    assert "B001" in zh and "2026-10" in zh and "调整项" in zh and "解锁" in zh
    assert "B001" in en and "locked month(s) 2026-10" in en
    assert "adjustment in 2026-11" in en and "unlock the latest locked month 2026-10" in en
    assert "B001" not in _codes(locked)

    # Hired before the locked month and still employed: it reaches into the locked month too.
    with pytest.raises(EmploymentInLockedMonth), locked.session_scope(write=True) as s:
        add_agent(s, _new("B002", D(2026, 9, 1)))


def test_adding_an_agent_outside_the_locked_months_is_fine(locked: Database) -> None:
    with locked.session_scope(write=True) as s:
        add_agent(s, _new("B001", D(2026, 11, 3)))
        add_agent(s, _new("B002", D(2026, 9, 1), D(2026, 9, 30)))
    assert {"B001", "B002"} <= _codes(locked)


def test_moving_a_hire_date_into_or_within_a_locked_month_is_refused(locked: Database) -> None:
    for hire in (D(2026, 10, 10), D(2026, 10, 20), D(2026, 11, 2), D(2026, 9, 1)):
        with pytest.raises(EmploymentInLockedMonth, match="A002"), locked.session_scope(write=True) as s:
            edit_agent(s, "A002", _as_input(get_agent(s, "A002"), hire_date=hire))
    with locked.session_scope() as s:
        assert get_agent(s, "A002").hire_date == D(2026, 10, 16)


def test_changes_that_leave_the_locked_pay_alone_are_fine(locked: Database) -> None:
    with locked.session_scope(write=True) as s:
        edit_agent(s, "A002", _as_input(get_agent(s, "A002"), name="李四四", team="回访二组"))
    with locked.session_scope(write=True) as s:
        deactivate_agent(s, "A001", D(2026, 11, 15))  # a leave date after every locked month
    with locked.session_scope(write=True) as s:
        edit_agent(s, "A001", _as_input(get_agent(s, "A001"), leave_date=D(2026, 12, 1)))
    with locked.session_scope() as s:
        assert get_agent(s, "A002").name == "李四四"
        assert get_agent(s, "A001").leave_date == D(2026, 12, 1)


def test_a_leave_date_inside_a_locked_month_is_refused(locked: Database) -> None:
    with pytest.raises(EmploymentInLockedMonth, match="A001"), locked.session_scope(write=True) as s:
        deactivate_agent(s, "A001", D(2026, 10, 20))
    with locked.session_scope(write=True) as s:
        deactivate_agent(s, "A001", D(2026, 11, 15))
    # Moving it back into the locked month is refused too; to its last day changes nothing there.
    with pytest.raises(EmploymentInLockedMonth, match="离职日期"), locked.session_scope(write=True) as s:
        edit_agent(s, "A001", _as_input(get_agent(s, "A001"), leave_date=D(2026, 10, 30)))
    with locked.session_scope() as s:
        assert get_agent(s, "A001").leave_date == D(2026, 11, 15)
    with locked.session_scope(write=True) as s:
        edit_agent(s, "A001", _as_input(get_agent(s, "A001"), leave_date=D(2026, 10, 31)))


# --- the agents import ---------------------------------------------------------------------------


def _agents_file(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "agents.csv"
    path.write_text("工号,姓名,岗位,团队,底薪,入职日期,离职日期\n" + rows, encoding="utf-8")
    return path


def test_importing_agents_that_change_a_locked_month_is_refused_row_by_row(locked: Database, tmp_path: Path) -> None:
    path = _agents_file(tmp_path, (
        "A001,张三三,电话接听岗,接听二组,4000,2025-03-01,\n"  # a new name: fine
        "B001,赵六,电话回访岗,回访一组,3500,2026-11-03,2026-11-12\n"  # after the locked month: fine
        "B002,钱七,电话回访岗,回访一组,3500,2026-10-03,2026-10-12\n"  # hired inside locked 2026-10
        "A002,李四,电话回访岗,回访一组,3500,2026-10-10,\n"  # hire date moved within locked 2026-10
        "A003,王五,电话咨诉岗,咨诉三组,4200,2024-01-01,2026-10-25\n"  # leave date inside locked 2026-10
    ))
    with pytest.raises(ImportRefused) as caught, locked.session_scope(write=True) as s:
        commit_import(s, "agents", path)
    problems = caught.value.result.problems
    assert [(p.row, p.column) for p in problems] == [(4, "入职日期"), (5, "入职日期"), (6, "离职日期")]
    messages = [p.message("en") for p in problems]
    for code, message in zip(("B002", "A002", "A003"), messages, strict=True):
        assert code in message and "2026-10" in message
        assert "adjustment in 2026-11" in message and "unlock the latest locked month 2026-10" in message
    assert "B001" not in _codes(locked) and "B002" not in _codes(locked)
    with locked.session_scope() as s:
        assert get_agent(s, "A001").name == "张三"


def test_importing_agents_that_leave_the_locked_months_alone_is_fine(locked: Database, tmp_path: Path) -> None:
    path = _agents_file(tmp_path, (
        "a001,张三三,电话接听岗,接听一组,4000,2025-03-01,2026-11-20\n"  # A001 (codes ignore case)
        "B001,赵六,电话回访岗,回访一组,3500,2026-11-03,2026-11-12\n"
    ))
    with locked.session_scope(write=True) as s:
        commit_import(s, "agents", path)
    with locked.session_scope() as s:
        assert get_agent(s, "A001").leave_date == D(2026, 11, 20)
        assert get_agent(s, "B001").hire_date == D(2026, 11, 3)
