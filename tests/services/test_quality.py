"""质检 services without Qt: scoring from items, refusals, appeals as the engine sees them, versions, audit."""

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
from app.services.payroll import calculate_month, lock_month
from app.services.quality import (
    ScorecardItemInput,
    ScorecardView,
    add_evaluation,
    delete_evaluation,
    edit_evaluation,
    edit_scorecard,
    get_scorecard,
    list_evaluations,
    list_scorecards,
    month_summary,
    overturn_evaluation,
    reinstate_evaluation,
    validate_scorecard,
)
from app.services.setup import initialise
from db.models import AuditLog, QAEvaluation, QAItemScore, Scorecard
from db.session import Database

MONTH = "2026-03"
DAY = date(2026, 3, 10)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "qa.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal("4000"), date(2025, 1, 1), role="电话接听岗"))
        add_agent(s, AgentInput("A002", "李四", Decimal("3800"), date(2026, 3, 16)))  # joins mid-month
        add_agent(
            s, AgentInput("A003", "王五", Decimal("3600"), date(2024, 1, 1), leave_date=date(2026, 3, 5))
        )
        yield s
    db.dispose()


def card(session: Session, code: str = "JT") -> ScorecardView:
    return next(c for c in list_scorecards(session) if c.code == code)


def full_marks(c: ScorecardView, **lost: Decimal) -> dict[int, Decimal]:
    """Every item at its maximum, minus ``lost`` by item position (p1, p2 …)."""
    return {i.id: i.max_points - lost.get(f"p{i.position}", Decimal(0)) for i in c.items}


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def qa_avg_of_engine(session: Session, code: str) -> Decimal | None:
    pay = calculate_month(session, MONTH)
    avg = next(a for a in pay.agents if a.code == code).facts.qa_avg
    assert avg is None or isinstance(avg, Decimal)
    return avg


# --- scorecards --------------------------------------------------------------------------


def test_seed_cards_are_listed_with_items_totalling_100(session: Session) -> None:
    cards = list_scorecards(session)
    assert [c.code for c in cards] == ["HF", "JT", "ZS"]
    assert all(c.total == 100 and c.version == 1 and c.active for c in cards)
    jt = card(session)
    assert jt.name == "电话接听岗" and len(jt.items) == 22
    assert jt.items[-1].max_points == Decimal("2.5")


def test_add_evaluation_from_items_sums_the_points(session: Session) -> None:
    jt = card(session)
    points = full_marks(jt, p1=Decimal(2), p19=Decimal("1.5"), p3=Decimal(5))
    ev = add_evaluation(session, "A001", DAY, jt.id, points, None, False, "质检员周杰", "来电 0310-01")
    assert ev.score == Decimal("91.5")
    assert ev.status == "valid" and not ev.fatal and ev.scorecard_code == "JT"
    rows = session.scalars(select(QAItemScore).where(QAItemScore.evaluation_id == ev.id)).all()
    assert len(rows) == 22
    assert sum((r.points for r in rows), Decimal(0)) == Decimal("91.5")
    assert dict(ev.item_points) == points
    assert actions(session)[-1] == "qa.add"


def test_direct_score_without_items(session: Session) -> None:
    ev = add_evaluation(session, "A001", DAY, card(session).id, None, Decimal("88.5"))
    assert ev.score == Decimal("88.5") and ev.item_points == {}
    ev2 = add_evaluation(session, "A001", DAY, None, None, Decimal(70))
    assert ev2.scorecard_id is None and ev2.scorecard_label == ""
    with pytest.raises(ValidationFailed, match="0–100"):
        add_evaluation(session, "A001", DAY, None, None, Decimal("100.5"))
    with pytest.raises(ValidationFailed, match="请填写得分"):
        add_evaluation(session, "A001", DAY, None, None, None)


def test_item_over_its_maximum_is_refused(session: Session) -> None:
    jt = card(session)
    points = full_marks(jt)
    points[jt.items[-1].id] = Decimal(3)  # max 2.5
    with pytest.raises(ValidationFailed) as err:
        add_evaluation(session, "A001", DAY, jt.id, points, None)
    assert "超出 0–2.5" in err.value.message and "outside 0–2.5" in err.value.message_en
    points[jt.items[-1].id] = Decimal(-1)
    with pytest.raises(ValidationFailed):
        add_evaluation(session, "A001", DAY, jt.id, points, None)
    missing = full_marks(jt)
    del missing[jt.items[0].id]
    with pytest.raises(ValidationFailed, match="未评分"):
        add_evaluation(session, "A001", DAY, jt.id, missing, None)
    foreign = full_marks(jt) | {card(session, "HF").items[0].id: Decimal(1)}
    with pytest.raises(ValidationFailed, match="不属于"):
        add_evaluation(session, "A001", DAY, jt.id, foreign, None)
    assert session.scalars(select(QAEvaluation)).all() == []


def test_locked_month_is_refused(session: Session) -> None:
    jt = card(session)
    ev = add_evaluation(session, "A001", DAY, jt.id, full_marks(jt), None)
    calculate_month(session, MONTH)
    lock_month(session, MONTH)
    with pytest.raises(MonthLocked):
        add_evaluation(session, "A001", date(2026, 3, 20), jt.id, full_marks(jt), None)
    with pytest.raises(MonthLocked):
        edit_evaluation(session, ev.id, "A001", DAY, None, None, Decimal(50))
    with pytest.raises(MonthLocked):
        delete_evaluation(session, ev.id)
    with pytest.raises(MonthLocked):
        overturn_evaluation(session, ev.id, "申诉成立")
    # Moving an evaluation of an open month into a locked one is refused as well.
    other = add_evaluation(session, "A001", date(2026, 4, 2), jt.id, full_marks(jt), None)
    with pytest.raises(MonthLocked):
        edit_evaluation(session, other.id, "A001", DAY, jt.id, full_marks(jt), None)


def test_dates_outside_employment_are_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="在职期间") as err:
        add_evaluation(session, "A002", date(2026, 3, 15), None, None, Decimal(80))  # day before hire
    assert "outside the employment" in err.value.message_en
    with pytest.raises(ValidationFailed, match="在职期间"):
        add_evaluation(session, "A003", date(2026, 3, 6), None, None, Decimal(80))  # day after leaving
    add_evaluation(session, "A002", date(2026, 3, 16), None, None, Decimal(80))
    add_evaluation(session, "A003", date(2026, 3, 5), None, None, Decimal(80))
    with pytest.raises(ServiceError, match="没有工号"):
        add_evaluation(session, "Z999", DAY, None, None, Decimal(80))


def test_fatal_is_stored_with_its_sheet_score_and_counts_zero(session: Session) -> None:
    jt = card(session)
    fatal = add_evaluation(session, "A001", DAY, jt.id, full_marks(jt, p1=Decimal(1)), None, True, "王敏")
    assert fatal.fatal and fatal.score == Decimal(99)
    add_evaluation(session, "A001", date(2026, 3, 11), jt.id, full_marks(jt, p2=Decimal("0.5")), None)
    row = next(r for r in month_summary(session, MONTH) if r.agent_code == "A001")
    assert (row.count, row.fatal_count) == (2, 1)
    assert row.average == Decimal("49.75")  # (0 + 99.5) / 2
    assert row.average == qa_avg_of_engine(session, "A001")
    assert row.grade == "E" and row.coefficient == Decimal(0)


def test_overturn_requires_a_reason_and_changes_the_average_the_engine_sees(session: Session) -> None:
    jt = card(session)
    low = add_evaluation(session, "A001", DAY, jt.id, full_marks(jt, p1=Decimal(5), p2=Decimal(5)), None)
    add_evaluation(session, "A001", date(2026, 3, 12), None, None, Decimal("95.5"))
    add_evaluation(session, "A001", date(2026, 3, 13), None, None, Decimal("87"))
    before = next(r for r in month_summary(session, MONTH) if r.agent_code == "A001")
    assert before.average == Decimal("90.83")  # (90 + 95.5 + 87) / 3 = 90.833… half up
    assert before.average == qa_avg_of_engine(session, "A001")
    assert before.grade == "A" and before.coefficient == Decimal("1.1")

    with pytest.raises(ValidationFailed, match="改判原因"):
        overturn_evaluation(session, low.id, "   ")
    done = overturn_evaluation(session, low.id, " 申诉成立：录音不完整 ")
    assert done.status == "overturned" and done.overturn_reason == "申诉成立：录音不完整"
    with pytest.raises(ServiceError, match="已经改判"):
        overturn_evaluation(session, low.id, "again")

    after = next(r for r in month_summary(session, MONTH) if r.agent_code == "A001")
    assert after.average == Decimal("91.25")  # (95.5 + 87) / 2
    assert after.average == qa_avg_of_engine(session, "A001")
    assert (after.count, after.overturned_count) == (2, 1)
    log = session.scalars(select(AuditLog).where(AuditLog.action == "qa.overturn")).one()
    assert log.reason == "申诉成立：录音不完整"
    assert json.loads(log.before)["status"] == "valid" and json.loads(log.after)["status"] == "overturned"

    back = reinstate_evaluation(session, low.id)
    assert back.status == "valid" and back.overturn_reason == ""
    assert next(r for r in month_summary(session, MONTH) if r.agent_code == "A001").average == Decimal(
        "90.83"
    )
    assert [e.id for e in list_evaluations(session, MONTH, status="overturned")] == []


def test_summary_lists_the_payroll_agents_and_missing_qa(session: Session) -> None:
    rows = {r.agent_code: r for r in month_summary(session, MONTH)}
    assert set(rows) == {"A001", "A002", "A003"}
    assert rows["A002"].count == 0 and rows["A002"].average is None and rows["A002"].grade is None
    assert rows["A002"].coefficient == Decimal(1)  # the plan's no-data coefficient
    assert month_summary(session, "2025-06") == [] or all(
        r.count == 0 for r in month_summary(session, "2025-06")
    )


def test_list_evaluations_filters(session: Session) -> None:
    jt, hf = card(session), card(session, "HF")
    a = add_evaluation(session, "A001", DAY, jt.id, full_marks(jt), None)
    b = add_evaluation(session, "A001", date(2026, 3, 2), hf.id, None, Decimal(80))
    c = add_evaluation(session, "A002", date(2026, 3, 20), hf.id, None, Decimal(70))
    add_evaluation(session, "A001", date(2026, 4, 1), jt.id, None, Decimal(70))
    overturn_evaluation(session, c.id, "申诉成立")
    assert [e.id for e in list_evaluations(session, MONTH)] == [b.id, a.id, c.id]
    assert [e.id for e in list_evaluations(session, MONTH, agent_code="A001")] == [b.id, a.id]
    assert [e.id for e in list_evaluations(session, MONTH, scorecard_code="HF")] == [b.id, c.id]
    assert [e.id for e in list_evaluations(session, MONTH, status="overturned")] == [c.id]
    assert list_evaluations(session, MONTH)[2].agent_name == "李四"


def test_edit_and_delete_are_audited_with_before_and_after(session: Session) -> None:
    jt = card(session)
    ev = add_evaluation(session, "A001", DAY, jt.id, full_marks(jt), None, False, "周杰", "")
    edited = edit_evaluation(
        session,
        ev.id,
        "A001",
        date(2026, 3, 11),
        jt.id,
        full_marks(jt, p4=Decimal(3)),
        None,
        True,
        "周杰",
        "复核",
    )
    assert edited.score == Decimal(97) and edited.fatal and edited.note == "复核"
    assert len(session.scalars(select(QAItemScore).where(QAItemScore.evaluation_id == ev.id)).all()) == 22
    to_direct = edit_evaluation(session, ev.id, "A001", date(2026, 3, 11), jt.id, None, Decimal(60))
    assert to_direct.item_points == {} and to_direct.score == Decimal(60)
    log = session.scalars(select(AuditLog).where(AuditLog.action == "qa.edit")).first()
    assert log is not None
    assert json.loads(log.before)["score"] == "100" and json.loads(log.after)["score"] == "97"
    assert json.loads(log.after)["fatal"] is True
    delete_evaluation(session, ev.id)
    assert session.get(QAEvaluation, ev.id) is None
    assert session.scalars(select(QAItemScore)).all() == []
    assert actions(session)[-4:] == ["qa.add", "qa.edit", "qa.edit", "qa.delete"]
    gone = session.scalars(select(AuditLog).where(AuditLog.action == "qa.delete")).one()
    assert json.loads(gone.before)["date"] == "2026-03-11" and gone.after == ""


def test_scorecard_edit_in_place_until_used(session: Session) -> None:
    zs = card(session, "ZS")
    items = [ScorecardItemInput(i.section, i.name, i.max_points) for i in zs.items]
    items[0] = ScorecardItemInput("案件处理质量", "受理单填写完整", Decimal(4))
    items[1] = ScorecardItemInput("案件处理质量", "调查报告及时", Decimal(6))
    saved = edit_scorecard(session, "ZS", "电话咨诉岗", items)
    assert not saved.new_version and saved.card.version == 1 and saved.card.id == zs.id
    assert get_scorecard(session, zs.id).items[0].name == "受理单填写完整"
    assert actions(session)[-1] == "scorecard.edit"


def test_scorecard_edit_after_use_creates_version_2_and_keeps_old_evaluations(session: Session) -> None:
    jt = card(session)
    old_points = full_marks(jt, p1=Decimal(1))
    ev = add_evaluation(session, "A001", DAY, jt.id, old_points, None)
    items = [ScorecardItemInput(i.section, i.name, i.max_points) for i in jt.items[:-2]]
    items.append(ScorecardItemInput("纪律性与计划性", "遵守规章并按时提交计划", Decimal(5)))

    # Pressing OK without a change retires nothing.
    same = edit_scorecard(
        session, "JT", jt.name, [ScorecardItemInput(i.section, i.name, i.max_points) for i in jt.items]
    )
    assert not same.new_version and same.card.id == jt.id

    saved = edit_scorecard(session, "JT", "电话接听岗（2026版）", items)
    assert saved.new_version and saved.previous_version == 1
    assert saved.card.version == 2 and saved.card.code == "JT" and len(saved.card.items) == 21
    assert card(session).id == saved.card.id  # the list shows the newest version
    old = get_scorecard(session, jt.id)
    assert not old.active and old.version == 1 and len(old.items) == 22 and old.used == 1
    kept = list_evaluations(session, MONTH)[0]
    assert kept.id == ev.id and kept.scorecard_id == jt.id and dict(kept.item_points) == old_points
    assert session.scalars(select(Scorecard).where(Scorecard.code == "JT")).all().__len__() == 2
    log = session.scalars(select(AuditLog).where(AuditLog.action == "scorecard.new_version")).one()
    assert json.loads(log.before)["version"] == 1 and json.loads(log.after)["version"] == 2

    # New evaluations must use the current version; the old one may still be kept on edit.
    with pytest.raises(ValidationFailed, match="已停用"):
        add_evaluation(session, "A001", DAY, jt.id, None, Decimal(80))
    edit_evaluation(session, ev.id, "A001", DAY, jt.id, old_points, None, False, "", "补备注")


def test_scorecard_totals_other_than_100_are_refused(session: Session) -> None:
    jt = card(session)
    items = [ScorecardItemInput(i.section, i.name, i.max_points) for i in jt.items[:-1]]  # 97.5
    with pytest.raises(ValidationFailed) as err:
        edit_scorecard(session, "JT", jt.name, items)
    assert "97.5" in err.value.message and "必须正好是 100" in err.value.message
    assert "exactly 100" in err.value.message_en
    bad = [ScorecardItemInput("", "零分项", Decimal(0)), ScorecardItemInput("", "", Decimal(100))]
    zh, en = validate_scorecard("", bad)
    assert any("大于 0" in p for p in zh) and any("名称不能为空" in p for p in zh)
    assert any("greater than 0" in p for p in en)
    assert validate_scorecard("x", [])[0] == ["评分表至少要有一个评分项"]
    assert card(session).version == 1 and "scorecard.edit" not in actions(session)
