"""gather_facts reads the month's policies with the driver's cursor and converts them itself: the
facts are exactly those of the typed ORM columns (Decimal premiums, bool flags, dates, None)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, update

from app.calendar import month_bounds
from app.engine.facts import PolicyFact
from app.services.demo import demo_months, fill_demo
from app.services.payroll import gather_facts
from db.models import Agent, Policy
from db.session import Database

TODAY = date(2026, 5, 10)


def test_policy_facts_are_the_typed_columns(tmp_path: Path) -> None:
    db = Database(tmp_path / "demo.sqlite3")
    month = demo_months(TODAY)[-1]
    first, last = month_bounds(month)
    with db.session_scope() as session:
        fill_demo(session, today=TODAY, agents=12)
        some = session.scalars(select(Policy.id).where(Policy.sign_date >= first, Policy.sign_date <= last)).all()
        assert len(some) > 10
        session.execute(update(Policy).where(Policy.id == some[0]).values(cancel_date=last))
        session.execute(update(Policy).where(Policy.id == some[1]).values(new_customer=True))
    with db.session_scope() as session:
        _, _, facts, _ = gather_facts(session, month)
        got = {a.code: a.policies for a in facts.agents}
        expected: dict[str, list[PolicyFact]] = {}
        for p, code in session.execute(
            select(Policy, Agent.code)
            .join(Agent, Agent.id == Policy.agent_id)
            .where(Policy.sign_date >= first, Policy.sign_date <= last)
            .order_by(Policy.sign_date, Policy.policy_no)
        ).all():
            expected.setdefault(code, []).append(
                PolicyFact(p.policy_no, p.product_code, p.premium, p.customer_level, p.new_customer,
                           p.sign_date, p.cancel_date)
            )
    assert {code: list(ps) for code, ps in got.items() if ps} == expected
    flat = [f for ps in got.values() for f in ps]
    assert any(f.cancel_date == last for f in flat) and any(f.new_customer is True for f in flat)
    assert all(type(f.new_customer) is bool and type(f.sign_date) is date for f in flat)
    assert last - first < timedelta(days=31)
    db.dispose()
