"""``pending_changes``: what recalculating a calculated month now would change in its stored result.

Every expectation is checked against what a real recalculation then stores, on the docs/pay-rules.md §6
worked example imported through the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.cli import month_json
from app.money import D
from app.services.agents import AgentInput, add_agent, edit_agent, get_agent
from app.services.attendance import Entry, set_cell
from app.services.errors import ServiceError
from app.services.overview import ATTENTION, TODO, month_overview
from app.services.payroll import calculate_month, lock_month, pending_changes, show_month
from app.services.payroll_view import AgentChange
from app.services.rewards import AdjustmentInput, add_adjustment
from app.services.sales import PolicyInput, add_policy
from db.models import AuditLog, MonthStatus
from db.session import Database
from tests.reports.conftest import MONTH, build_example


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The worked example, calculated for 2026-10 (not locked)."""
    database = build_example(tmp_path / "example")
    yield database
    database.dispose()


def pending(db: Database, month: str = MONTH, lang: str = "zh") -> list[AgentChange]:
    with db.session_scope() as session:
        return pending_changes(session, month, lang=lang)


def stored(db: Database) -> dict[str, Any]:
    """The stored result as ``payroll show --json`` prints it."""
    with db.session_scope() as session:
        return month_json(show_month(session, MONTH), "zh")


def recalculate(db: Database) -> dict[str, Any]:
    with db.session_scope() as session:
        calculate_month(session, MONTH)
    return stored(db)


def line_sums(agent: dict[str, Any]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for line in agent["lines"]:
        sums[line["code"]] = sums.get(line["code"], D(0)) + D(line["amount"])
    return sums


def payslip(agent: dict[str, Any] | None) -> tuple[list[tuple[str, str, str]], Any] | None:
    """What "changed" means: what the payslip shows — each line's code, amount and explanation, and
    the facts behind the pay (an explanation's wording alone is a change: the payslip would differ)."""
    if agent is None:
        return None
    return [(line["code"], line["amount"], line["detail"]) for line in agent["lines"]], agent["facts"]


def assert_matches_recalculation(
    changes: list[AgentChange], before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Each listed agent and line has the stored amount as ``old`` and the recalculated one as ``new``,
    and every agent whose result the recalculation changed is listed."""
    old = {a["code"]: a for a in before["agents"]}
    new = {a["code"]: a for a in after["agents"]}
    for change in changes:
        assert change.old_net == (D(old[change.code]["net"]) if change.code in old else None)
        assert change.new_net == (D(new[change.code]["net"]) if change.code in new else None)
        old_lines = line_sums(old[change.code]) if change.code in old else {}
        new_lines = line_sums(new[change.code]) if change.code in new else {}
        for line in change.lines:
            assert line.old == old_lines.get(line.code, D(0)), line
            assert line.new == new_lines.get(line.code, D(0)), line
        assert {line.code for line in change.lines} == {
            code for code in old_lines.keys() | new_lines.keys() if old_lines.get(code) != new_lines.get(code)
        }
    moved = {code for code in old.keys() | new.keys() if payslip(old.get(code)) != payslip(new.get(code))}
    assert {c.code for c in changes} == moved


def test_a_freshly_calculated_month_has_no_pending_changes(db: Database) -> None:
    assert pending(db) == []


def test_an_attendance_record_shows_the_agent_and_lines_it_changes(db: Database) -> None:
    with db.session_scope() as session:
        set_cell(session, MONTH, "A001", date(2026, 10, 20), [Entry("absence", days=Decimal(1))])
    before = stored(db)
    changes = pending(db)
    assert [c.code for c in changes] == ["A001"]
    change = changes[0]
    assert change.kind == "changed" and change.name == "张三"
    assert change.old_net == Decimal("7502.04") and change.net_delta < 0
    absence = next(line for line in change.lines if line.code == "absence")
    assert absence.old == 0 and absence.new < 0 and absence.label == "旷工扣款"
    after = recalculate(db)
    assert_matches_recalculation(changes, before, after)
    assert pending(db) == []


def test_a_new_policy_changes_the_commission(db: Database) -> None:
    with db.session_scope() as session:
        add_policy(
            session,
            PolicyInput("P-9001", "A001", "L10", Decimal("10000"), date(2026, 10, 20)),
        )
    before = stored(db)
    changes = pending(db)
    assert [c.code for c in changes] == ["A001"]
    commission = next(line for line in changes[0].lines if line.code == "commission")
    assert commission.new > commission.old
    assert changes[0].net_delta > 0
    after = recalculate(db)
    assert_matches_recalculation(changes, before, after)


def test_a_new_base_salary_changes_the_base_line(db: Database) -> None:
    with db.session_scope() as session:
        agent = get_agent(session, "A003")
        edit_agent(
            session,
            "A003",
            AgentInput(
                agent.code,
                agent.name,
                Decimal("4500"),
                agent.hire_date,
                role=agent.role,
                team=agent.team,
                leave_date=agent.leave_date,
            ),
        )
    before = stored(db)
    changes = pending(db)
    assert [c.code for c in changes] == ["A003"]
    base = next(line for line in changes[0].lines if line.code == "base")
    assert (base.old, base.new) == (Decimal("4200.00"), Decimal("4500.00"))
    after = recalculate(db)
    assert_matches_recalculation(changes, before, after)


def test_a_new_agent_is_listed_as_added_and_several_changes_add_up(db: Database) -> None:
    with db.session_scope() as session:
        add_agent(session, AgentInput("A004", "赵六", Decimal("3800"), date(2026, 10, 1), team="接听二组"))
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal("100"), "补发", "补发交通费"))
    before = stored(db)
    changes = pending(db)
    # A001's pay is the same, but its 月度优秀奖 explanation now counts one more agent in the
    # ranking: the payslip would read differently, so A001 is listed with no amount changed.
    assert [(c.code, c.kind) for c in changes] == [
        ("A001", "changed"),
        ("A002", "changed"),
        ("A004", "added"),
    ]
    assert changes[0].lines == () and changes[0].net_delta == 0
    assert changes[1].net_delta == Decimal("100.00")
    assert [(line.code, line.old, line.new) for line in changes[1].lines] == [
        ("adjustment", Decimal(0), Decimal("100.00"))
    ]
    assert changes[2].old_net is None and changes[2].new_net is not None
    after = recalculate(db)
    assert_matches_recalculation(changes, before, after)


def test_the_same_amounts_split_differently_are_still_a_change(db: Database) -> None:
    """+100 and -100 leave every sum as it was, but the stored lines are not what a recalculation stores."""
    with db.session_scope() as session:
        add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("100"), "补发", "补发"))
        add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("-100"), "追回", "冲回"))
    changes = pending(db)
    assert [(c.code, c.net_delta, c.lines) for c in changes] == [("A001", Decimal(0), ())]
    with db.session_scope() as session, pytest.raises(ServiceError, match="已变化"):
        lock_month(session, MONTH)


def test_labels_follow_the_language(db: Database) -> None:
    with db.session_scope() as session:
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal("50"), "补发", "补发"))
    (change,) = pending(db, lang="en")
    assert [line.label for line in change.lines] == ["Adjustment"]
    (change,) = pending(db)
    assert [line.label for line in change.lines] == ["其他调整"]


def test_checking_writes_nothing(db: Database) -> None:
    with db.session_scope() as session:
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal("100"), "补发", "补发"))
    with db.session_scope() as session:
        audits = session.scalar(select(func.count(AuditLog.id)))
        status = session.get(MonthStatus, MONTH)
        assert status is not None
        calculated_at = status.calculated_at
    before = stored(db)
    assert pending(db)
    assert stored(db) == before
    with db.session_scope() as session:
        assert session.scalar(select(func.count(AuditLog.id))) == audits
        status = session.get(MonthStatus, MONTH)
        assert status is not None and status.calculated_at == calculated_at


def test_an_open_month_has_nothing_to_compare_with(db: Database) -> None:
    with pytest.raises(ServiceError, match="尚未计算"):
        pending(db, "2026-11")


def test_a_locked_month_is_final(db: Database) -> None:
    with db.session_scope() as session:
        lock_month(session, MONTH)
    with pytest.raises(ServiceError, match="已锁定") as info:
        pending(db)
    assert "locked" in info.value.text("en")


def test_lock_refuses_a_stale_result_and_locks_a_current_one(db: Database) -> None:
    with db.session_scope() as session:
        set_cell(session, MONTH, "A003", date(2026, 10, 21), [Entry("late", minutes=40)])
    with db.session_scope() as session, pytest.raises(ServiceError, match="数据在上次计算后已变化"):
        lock_month(session, MONTH)
    with db.session_scope() as session:
        assert session.get(MonthStatus, MONTH).status == "calculated"  # type: ignore[union-attr]
    recalculate(db)
    with db.session_scope() as session:
        lock_month(session, MONTH)
    with db.session_scope() as session:
        assert session.get(MonthStatus, MONTH).status == "locked"  # type: ignore[union-attr]


def test_the_overview_steps_say_when_the_result_is_stale(db: Database) -> None:
    with db.session_scope() as session:
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal("100"), "补发", "补发"))
    with db.session_scope() as session:
        overview = month_overview(session, MONTH)
        assert overview.pending is None  # a whole calculation: the overview page asks in the background
        stale = replace(overview, pending=tuple(pending_changes(session, MONTH)))
    steps = {step.key: step for step in stale.steps}
    assert steps["calculate"].mark == ATTENTION
    assert "计算后数据有变动，重新计算后 1 人的结果将改变" in steps["calculate"].summary_zh
    assert "recalculating changes the pay of 1 agent" in steps["calculate"].summary_en
    assert steps["lock"].mark == TODO and "先重新计算" in steps["lock"].summary_zh
    # recalculating is what to do next, and the calculation no longer counts as done
    assert stale.next_step == "calculate" and steps["calculate"].open
    current_overview = replace(overview, pending=())
    assert current_overview.next_step == "lock"
    current = {step.key: step for step in current_overview.steps}
    assert not current["calculate"].open
    assert "计算后数据有变动" not in current["calculate"].summary_zh + current["lock"].summary_zh


def test_a_month_with_nobody_to_pay_says_so_and_cannot_be_locked(tmp_path: Path) -> None:
    from app.services.setup import initialise

    db = Database(tmp_path / "empty.sqlite3")
    with db.session_scope(write=True) as session:
        initialise(session)
        pay = calculate_month(session, "2026-10")
    assert pay.agents == () and any("nobody was employed" in w.en and "没有在职人员" in w.zh for w in pay.warnings)
    with db.session_scope(write=True) as session, pytest.raises(ServiceError) as refused:
        lock_month(session, "2026-10")
    assert "cannot be locked" in refused.value.text("en")
    with db.session_scope() as session:
        assert show_month(session, "2026-10").status == "calculated"
    db.dispose()
