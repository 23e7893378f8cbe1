"""Stale edits are refused (issue #19): two clerks open the same record, the first saves, the second's save
is refused with "changed by NAME at TIME, reload" and writes nothing; after reloading, the edit goes through.

Each clerk is a separate :class:`Database` (its own connections, as two programs have), on a SQLite file and
on the test PostgreSQL server (``db_location``). One variant makes the first change in another process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.agents import AgentInput, AgentView, add_agent, edit_agent, list_agents
from app.services.errors import StaleRecord
from app.services.imports import commit_import
from app.services.quality import add_evaluation, edit_evaluation, get_evaluation
from app.services.rewards import (
    AdjustmentInput,
    ComplaintInput,
    add_adjustment,
    add_complaint,
    edit_adjustment,
    edit_complaint,
    list_adjustments,
    list_complaints,
)
from app.services.sales import PolicyInput, add_policy, edit_policy, get_policy_view
from app.services.setup import initialise
from db.models import Agent, AuditLog, Policy
from db.session import Database

ROOT = Path(__file__).resolve().parents[2]


def get_agent_view(session: Session, code: str) -> AgentView:
    """The agent as the agents page lists it (what the form opens with)."""
    return next(a for a in list_agents(session) if a.code == code)


def _agent(code: str = "A001", name: str = "张三", base: str = "4000") -> AgentInput:
    return AgentInput(code=code, name=name, base_salary=Decimal(base), hire_date=date(2025, 1, 1))


@pytest.fixture
def clerks(db_location: str) -> Iterator[tuple[Database, Database]]:
    """Two clerks (two programs) on one database holding agent A001."""
    first = Database(db_location)
    with first.session_scope(write=True) as s:
        initialise(s)
        add_agent(s, _agent())
    first.acting_user = "rita"
    second = Database(db_location)
    second.acting_user = "bob"
    yield first, second
    first.dispose()
    second.dispose()


def test_second_agent_edit_from_a_stale_form_is_refused_naming_who_and_when(clerks: tuple[Database, Database]) -> None:
    rita, bob = clerks
    with rita.session() as s:
        rita_form = get_agent_view(s, "A001")
    with bob.session() as s:
        bob_form = get_agent_view(s, "A001")
    assert rita_form.version == bob_form.version == 1

    with rita.session_scope(write=True) as s:
        saved = edit_agent(s, "A001", _agent(base="4500"), expected_version=rita_form.version)
    assert saved.version == 2

    with pytest.raises(StaleRecord) as refused, bob.session_scope(write=True) as s:
        edit_agent(s, "A001", _agent(name="张三丰"), expected_version=bob_form.version)
    assert refused.value.by == "rita"
    message = refused.value.text("zh")
    assert "人员 A001" in message and "rita" in message and refused.value.at in message and "重新载入" in message
    assert "changed by rita at" in refused.value.text("en") and "reload" in refused.value.text("en")

    with bob.session() as s:  # nothing of bob's edit was written: rita's stands
        agent = s.scalar(select(Agent).where(Agent.code == "A001"))
        assert agent is not None
        assert (agent.name, agent.base_salary, agent.version, agent.changed_by) == ("张三", Decimal("4500"), 2, "rita")
        assert [r.action for r in s.scalars(select(AuditLog).where(AuditLog.action == "agent.edit"))] == ["agent.edit"]

    with bob.session() as s:  # reload, edit again: it goes through
        reloaded = get_agent_view(s, "A001")
    with bob.session_scope(write=True) as s:
        again = edit_agent(s, "A001", _agent(name="张三丰", base="4500"), expected_version=reloaded.version)
    assert (again.name, again.version) == ("张三丰", 3)


def test_records_of_every_form_carry_versions_and_refuse_stale_saves(clerks: tuple[Database, Database]) -> None:
    rita, bob = clerks
    with rita.session_scope(write=True) as s:
        complaint = add_complaint(s, ComplaintInput("A001", date(2026, 10, 5), "hotline"))
        adjustment = add_adjustment(s, AdjustmentInput("A001", "2026-10", Decimal("100"), "补发", "加班"))
        evaluation = add_evaluation(s, "A001", date(2026, 10, 6), None, score=Decimal("90"))
        policy = add_policy(s, PolicyInput("P1", "A001", "L10", Decimal("1000"), date(2026, 10, 7)))
    assert complaint.version == adjustment.version == evaluation.version == policy.version == 1

    with rita.session_scope(write=True) as s:
        edit_complaint(s, complaint.id, ComplaintInput("A001", date(2026, 10, 5), "city"),
                       expected_version=complaint.version)
        edit_adjustment(s, adjustment.id, AdjustmentInput("A001", "2026-10", Decimal("120"), "补发", "加班"),
                        expected_version=adjustment.version)
        edit_evaluation(s, evaluation.id, "A001", date(2026, 10, 6), None, score=Decimal("85"),
                        expected_version=evaluation.version)
        edit_policy(s, "P1", PolicyInput("P1", "A001", "L10", Decimal("1200"), date(2026, 10, 7)),
                    expected_version=policy.version)

    stale_saves = [
        lambda s: edit_complaint(s, complaint.id, ComplaintInput("A001", date(2026, 10, 5), "province"),
                                 expected_version=complaint.version),
        lambda s: edit_adjustment(s, adjustment.id, AdjustmentInput("A001", "2026-10", Decimal("1"), "补发", "x"),
                                  expected_version=adjustment.version),
        lambda s: edit_evaluation(s, evaluation.id, "A001", date(2026, 10, 6), None, score=Decimal("60"),
                                  expected_version=evaluation.version),
        lambda s: edit_policy(s, "P1", PolicyInput("P1", "A001", "L10", Decimal("1"), date(2026, 10, 7)),
                              expected_version=policy.version),
    ]
    for save in stale_saves:
        with pytest.raises(StaleRecord, match="rita"), bob.session_scope(write=True) as s:
            save(s)

    with bob.session() as s:  # rita's values stand, each at version 2
        (c,) = list_complaints(s, "2026-10")
        (a,) = list_adjustments(s, "2026-10")
        e = get_evaluation(s, evaluation.id)
        p = get_policy_view(s, "P1")
    assert (c.level, c.version) == ("city", 2)
    assert (a.amount, a.version) == (Decimal("120"), 2)
    assert (e.score, e.version) == (Decimal("85"), 2)
    assert (p.premium, p.version) == (Decimal("1200"), 2)


def test_an_import_that_changes_a_policy_makes_an_open_policy_form_stale(
    clerks: tuple[Database, Database], tmp_path: Path
) -> None:
    rita, bob = clerks
    with rita.session_scope(write=True) as s:
        add_policy(s, PolicyInput("P1", "A001", "L10", Decimal("1000"), date(2026, 10, 7)))
    with bob.session() as s:
        form = get_policy_view(s, "P1")
    sales = tmp_path / "sales.csv"
    sales.write_text("保单号,工号,产品,保费,客户等级,新客户,签单日期,撤单日期\n"
                     "P1,A001,L10,1000,,否,2026-10-07,2026-10-20\n", encoding="utf-8")
    with rita.session_scope(write=True) as s:
        commit_import(s, "sales", sales)
    with rita.session() as s:
        stored = s.scalar(select(Policy).where(Policy.policy_no == "P1"))
        assert stored is not None and stored.version == 2 and stored.changed_by == "rita"
    with pytest.raises(StaleRecord), bob.session_scope(write=True) as s:
        edit_policy(s, "P1", PolicyInput("P1", "A001", "L10", Decimal("900"), date(2026, 10, 7)),
                    expected_version=form.version)
    with bob.session() as s:
        assert get_policy_view(s, "P1").cancel_date == date(2026, 10, 20)


def test_a_change_made_by_another_process_makes_the_form_stale(clerks: tuple[Database, Database]) -> None:
    rita, bob = clerks
    with bob.session() as s:
        form = get_agent_view(s, "A001")
    location = rita.location if rita.is_server else str(rita.path)
    if rita.is_server:
        location = rita.engine.url.render_as_string(hide_password=False)
    script = textwrap.dedent(f"""
        from datetime import date
        from decimal import Decimal
        from app.services.agents import AgentInput, edit_agent
        from db.session import Database
        db = Database({location!r})
        db.acting_user = "carol"
        with db.session_scope(write=True) as s:
            edit_agent(s, "A001", AgentInput(code="A001", name="张三", base_salary=Decimal("5000"),
                                             hire_date=date(2025, 1, 1)))
        db.dispose()
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    with pytest.raises(StaleRecord) as refused, bob.session_scope(write=True) as s:
        edit_agent(s, "A001", _agent(name="李四"), expected_version=form.version)
    assert refused.value.by == "carol"
    with bob.session() as s:
        assert get_agent_view(s, "A001").base_salary == Decimal("5000")


def test_the_change_counter_counts_committed_writes_and_knows_its_own(clerks: tuple[Database, Database]) -> None:
    rita, bob = clerks
    start = bob.data_change_counter()
    with rita.session() as s:  # reading writes nothing
        get_agent_view(s, "A001")
    with pytest.raises(StaleRecord), rita.session_scope(write=True) as s:  # a refused save writes nothing
        edit_agent(s, "A001", _agent(name="x"), expected_version=99)
    assert bob.data_change_counter() == start
    with rita.session_scope(write=True) as s:
        edit_agent(s, "A001", _agent(name="王五"))
    assert bob.data_change_counter() == start + 1
    assert start + 1 in rita.own_changes and start + 1 not in bob.own_changes


def test_a_write_made_with_core_statements_alone_is_counted(clerks: tuple[Database, Database]) -> None:
    """An import's bulk insert flushes no ORM object; the write transaction still counts once."""
    from sqlalchemy import update

    rita, bob = clerks
    start = bob.data_change_counter()
    with rita.session_scope(write=True) as s:
        s.execute(update(Agent).where(Agent.code == "A001").values(name="赵六"))
        s.execute(update(Agent).where(Agent.code == "A001").values(name="钱七"))
    assert bob.data_change_counter() == start + 1
    assert start + 1 in rita.own_changes


def test_locking_a_month_stamps_its_paid_policies_as_changed(clerks: tuple[Database, Database]) -> None:
    """The lock writes each paid policy's amount and month through the driver (no ORM object per policy):
    the policy counts as changed (version, who, when) and reads back with the model's own types."""
    from app.services.payroll import calculate_month, lock_month

    rita, bob = clerks
    with rita.session_scope(write=True) as s:
        add_policy(s, PolicyInput("P1", "A001", "L10", Decimal("1000"), date(2026, 10, 7)))
        add_policy(s, PolicyInput("P2", "A001", "L10", Decimal("2500.50"), date(2026, 10, 8)))
    with bob.session() as s:
        form = get_policy_view(s, "P1")
    with rita.session_scope(write=True) as s:
        calculate_month(s, "2026-10")
    with rita.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    with bob.session() as s:
        stored = {p.policy_no: p for p in s.scalars(select(Policy))}
    for policy in stored.values():
        assert policy.paid_month == "2026-10" and policy.clawed_month is None
        assert isinstance(policy.paid_amount, Decimal) and policy.paid_amount > 0
        assert (policy.version, policy.changed_by) == (2, "rita")
        assert policy.changed_at is not None and policy.changed_at.year >= 2026
    p1, p2 = stored["P1"].paid_amount, stored["P2"].paid_amount
    assert p1 is not None and p2 is not None and p2 > p1
    with pytest.raises(StaleRecord, match="rita"), bob.session_scope(write=True) as s:
        edit_policy(s, "P1", PolicyInput("P1", "A001", "L10", Decimal("900"), date(2026, 10, 7)),
                    expected_version=form.version)


def test_unlocking_clears_the_paid_policies_and_counts_as_their_change(clerks: tuple[Database, Database]) -> None:
    from app.services.payroll import calculate_month, lock_month, unlock_month

    rita, bob = clerks
    with rita.session_scope(write=True) as s:
        add_policy(s, PolicyInput("P1", "A001", "L10", Decimal("1000"), date(2026, 10, 7)))
        calculate_month(s, "2026-10")
    with rita.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    with bob.session_scope(write=True) as s:
        unlock_month(s, "2026-10", reason="补录一张保单")
    with rita.session() as s:
        policy = s.scalar(select(Policy).where(Policy.policy_no == "P1"))
    assert policy is not None
    assert (policy.paid_amount, policy.paid_month, policy.version, policy.changed_by) == (None, None, 3, "bob")


def test_a_statement_run_through_the_session_counts_in_any_unit_of_work(clerks: tuple[Database, Database]) -> None:
    """A Core UPDATE run by ``session.execute`` in a plain unit of work (not ``write=True``) still counts."""
    from sqlalchemy import update

    rita, bob = clerks
    start = bob.data_change_counter()
    with rita.session_scope() as s:
        s.execute(update(Agent).where(Agent.code == "A001").values(name="孙八"))
    assert bob.data_change_counter() == start + 1
