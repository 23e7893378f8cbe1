"""Policies by hand follow the same rules as the sales import (docs/pay-rules.md §3.2–3.3, §4). No Qt here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.agents import AgentInput, add_agent
from app.services.errors import MonthLocked, ServiceError, ValidationFailed
from app.services.sales import (
    PolicyInput,
    add_policy,
    cancel_policy,
    check_policy,
    customer_levels,
    delete_policy,
    edit_policy,
    list_policies,
    month_totals,
    plan_products,
)
from app.services.setup import initialise
from db.models import AuditLog, MonthStatus, Policy
from db.session import Database

MONTH = "2026-03"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "s.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), date(2024, 1, 1)))
        add_agent(s, AgentInput("A002", "李四", Decimal(3500), date(2026, 3, 10)))
        add_agent(
            s, AgentInput("B001", "王五", Decimal(5000), date(2023, 1, 1), leave_date=date(2026, 2, 28))
        )
        s.flush()
        yield s
    db.dispose()


def policy(
    no: str = "P1",
    *,
    agent: str = "A001",
    product: str = "L10",
    premium: str = "10000",
    sign: date = date(2026, 3, 5),
    cancel: date | None = None,
    level: str = "",
    new: bool = False,
) -> PolicyInput:
    return PolicyInput(no, agent, product, Decimal(premium), sign, level, new, cancel)


def lock(session: Session, month: str = MONTH) -> None:
    session.add(MonthStatus(month=month, status="locked"))
    session.flush()


def audits(session: Session, action: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_plan_products_and_levels(session: Session) -> None:
    products = {p.code: p for p in plan_products(session, MONTH)}
    assert set(products) == {"L10", "ACC1"}
    assert products["ACC1"].factor == Decimal("0.1")
    assert set(customer_levels(session, MONTH)) == {"VIP", "A"}


def test_add_lists_with_standard_premium_and_audits(session: Session) -> None:
    view = add_policy(session, policy("P1", product="ACC1", premium="2000", level="VIP", new=True))
    assert view.std_premium == Decimal("200.0")
    assert view.product_name == "一年期意外险"
    assert view.counted and view.agent_name == "张三"
    add_policy(session, policy("P2", premium="10000.50"))
    add_policy(session, policy("P3", premium="500", cancel=date(2026, 3, 20)))
    listed = list_policies(session, MONTH)
    assert [v.policy_no for v in listed] == ["P1", "P2", "P3"]
    assert [v.policy_no for v in list_policies(session, MONTH, status="cancelled")] == ["P3"]
    assert [v.policy_no for v in list_policies(session, MONTH, status="counted", product_code="L10")] == [
        "P2"
    ]
    assert [v.policy_no for v in list_policies(session, MONTH, search="张")] == ["P1", "P2", "P3"]
    assert list_policies(session, MONTH, agent_code="A002") == []
    assert list_policies(session, "2026-04") == []

    (total,) = month_totals(session, MONTH)
    assert (total.agent_code, total.policies) == ("A001", 2)  # the cancelled one does not count
    assert total.premium == Decimal("12000.50")
    assert total.std_premium == Decimal("10200.50")

    (row,) = audits(session, "policy.add")[:1]
    after = json.loads(row.after)
    assert after["policy_no"] == "P1" and after["premium"] == "2000" and after["new_customer"] is True


def test_add_refuses_bad_input(session: Session) -> None:
    add_policy(session, policy("P1"))
    with pytest.raises(ValidationFailed, match="已存在"):
        add_policy(session, policy("P1"))
    with pytest.raises(ValidationFailed, match="不在 2026-03 适用的方案中"):
        add_policy(session, policy("P2", product="NOPE"))
    with pytest.raises(ValidationFailed, match="保费必须大于 0"):
        add_policy(session, policy("P2", premium="0"))
    with pytest.raises(ValidationFailed, match="保费必须大于 0"):
        add_policy(session, policy("P2", premium="-5"))
    with pytest.raises(ValidationFailed, match="不在职"):
        add_policy(session, policy("P2", agent="A002", sign=date(2026, 3, 9)))  # hired on the 10th
    with pytest.raises(ValidationFailed, match="不在职"):
        add_policy(session, policy("P2", agent="B001"))  # left in February
    with pytest.raises(ValidationFailed, match="不存在"):
        add_policy(session, policy("P2", agent="X999"))
    with pytest.raises(ValidationFailed, match="早于签单日期"):
        add_policy(session, policy("P2", cancel=date(2026, 3, 1)))
    assert len(list_policies(session, MONTH)) == 1


def test_check_policy_names_each_field() -> None:
    problems = check_policy(PolicyInput(" ", "", "", None, date(2026, 3, 1)))
    assert {p.field for p in problems} == {"policy_no", "agent_code", "product_code", "premium"}
    assert check_policy(policy(), products={"L10"}, agents={"A001": (date(2020, 1, 1), None)}) == []


def test_edit_changes_fields_and_audits_before_and_after(session: Session) -> None:
    add_policy(session, policy("P1"))
    view = edit_policy(
        session, "P1", policy("P1-X", agent="A002", product="ACC1", premium="3000", sign=date(2026, 3, 12))
    )
    assert (view.policy_no, view.agent_code, view.std_premium) == ("P1-X", "A002", Decimal("300.0"))
    (row,) = audits(session, "policy.edit")
    assert json.loads(row.before)["policy_no"] == "P1"
    assert json.loads(row.after)["agent"] == "A002"
    add_policy(session, policy("P2"))
    with pytest.raises(ValidationFailed, match="已存在"):
        edit_policy(session, "P2", policy("P1-X"))


def test_locked_month_refuses_add_edit_delete_but_allows_cancel(session: Session) -> None:
    add_policy(session, policy("P1"))
    lock(session)
    with pytest.raises(MonthLocked):
        add_policy(session, policy("P2"))
    with pytest.raises(ServiceError, match="只能修改撤单日期"):
        edit_policy(session, "P1", policy("P1", premium="20000"))
    with pytest.raises(MonthLocked):
        delete_policy(session, "P1")

    view = cancel_policy(session, "P1", date(2026, 5, 2))
    assert view.cancel_date == date(2026, 5, 2) and not view.counted and view.locked
    (row,) = audits(session, "policy.cancel")
    assert json.loads(row.before)["cancel_date"] is None
    assert json.loads(row.after)["cancel_date"] == "2026-05-02"
    # The edit form may carry only a new cancel date in a locked month.
    view = edit_policy(session, "P1", policy("P1", cancel=date(2026, 5, 3)))
    assert view.cancel_date == date(2026, 5, 3)
    with pytest.raises(ValidationFailed, match="早于签单日期"):
        cancel_policy(session, "P1", date(2026, 3, 1))


def test_policy_cannot_move_into_a_locked_month(session: Session) -> None:
    add_policy(session, policy("P1", sign=date(2026, 4, 2)))
    lock(session)
    with pytest.raises(MonthLocked):
        edit_policy(session, "P1", policy("P1", sign=date(2026, 3, 30)))


def test_clawed_policy_has_a_final_cancel_date(session: Session) -> None:
    add_policy(session, policy("P1", cancel=date(2026, 4, 3)))
    row = session.scalar(select(Policy).where(Policy.policy_no == "P1"))
    assert row is not None
    row.paid_amount, row.paid_month, row.clawed_month = Decimal("200.00"), MONTH, "2026-04"
    lock(session)
    lock(session, "2026-04")
    with pytest.raises(ServiceError, match="已在 2026-04 追回提成"):
        cancel_policy(session, "P1", date(2026, 4, 10))
    with pytest.raises(ServiceError, match="已在 2026-04 追回提成"):
        cancel_policy(session, "P1", None)
    assert cancel_policy(session, "P1", date(2026, 4, 3)).clawed_month == "2026-04"  # no change is fine


def test_paid_policy_cannot_be_deleted(session: Session) -> None:
    add_policy(session, policy("P1"))
    row = session.scalar(select(Policy).where(Policy.policy_no == "P1"))
    assert row is not None
    row.paid_amount, row.paid_month = Decimal("200.00"), MONTH
    with pytest.raises(ServiceError, match="已在 2026-03 发放提成"):
        delete_policy(session, "P1")


def test_delete_audits_the_record(session: Session) -> None:
    add_policy(session, policy("P1"))
    delete_policy(session, "P1")
    assert list_policies(session, MONTH) == []
    (row,) = audits(session, "policy.delete")
    assert json.loads(row.before)["policy_no"] == "P1"
    with pytest.raises(ServiceError, match="没有保单号"):
        delete_policy(session, "P1")


def test_uncancel_in_an_open_month(session: Session) -> None:
    add_policy(session, policy("P1", cancel=date(2026, 3, 9)))
    assert cancel_policy(session, "P1", None).counted
    assert len(audits(session, "policy.uncancel")) == 1
