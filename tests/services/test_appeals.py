"""Appeals (申诉, docs/pay-rules.md §11): filing within and after the window, each record kind upheld and
rejected, and the correction of a locked month. Real SQLite files, the worked example's records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.plan.toml_io import PlanError, appeal_settings, default_plan_text, load_plan
from app.services.appeals import (
    AppealInput,
    deadline,
    decide_appeal,
    file_appeal,
    list_appeals,
    pending_count,
)
from app.services.errors import ServiceError, ValidationFailed
from app.services.payroll import calculate_month, lock_month, show_month
from app.services.rewards import AdjustmentInput, add_adjustment, delete_adjustment, edit_adjustment
from db.models import (
    Adjustment,
    AttendanceRecord,
    AuditLog,
    Complaint,
    KpiMetric,
    PayrollResult,
    PlanVersion,
    QAEvaluation,
)
from db.session import Database

MONTH = "2026-10"


@contextmanager
def refused(fragment: str) -> Iterator[None]:
    """A ServiceError whose English text contains ``fragment``."""
    with pytest.raises(ServiceError) as caught:
        yield
    assert fragment in caught.value.text("en"), caught.value.text("en")


def _qa(s: Session, day: date) -> QAEvaluation:
    ev = s.scalar(select(QAEvaluation).where(QAEvaluation.date == day))
    assert ev is not None
    return ev


def _file(s: Session, kind: str, code: str, day: date, filed: date, **kw: object) -> int:
    return file_appeal(s, AppealInput(kind, code, day, filed, "不认可", **kw)).id  # type: ignore[arg-type]


# --- each record kind, upheld and rejected (open month) ---------------------------------------


@pytest.mark.parametrize("upheld", [True, False])
def test_qa_appeal(example: Database, upheld: bool) -> None:
    with example.session_scope(write=True) as s:
        aid = _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 22))
        assert pending_count(s, MONTH) == 1
        decision = decide_appeal(s, aid, upheld=upheld, comment="复核录音", decided_by="经理")
        assert decision.appeal.status == ("upheld" if upheld else "rejected")
        assert decision.appeal.decided_by == "经理" and decision.corrections == ()
        assert pending_count(s, MONTH) == 0
    with example.session_scope() as s:
        ev = _qa(s, date(2026, 10, 19))
        assert ev.status == ("overturned" if upheld else "valid")
        if upheld:
            assert f"申诉 #{aid} 成立" in ev.overturn_reason
        actions = [a.action for a in s.scalars(select(AuditLog))]
        assert ("qa.overturn" in actions) is upheld and "appeal.decide" in actions


@pytest.mark.parametrize("upheld", [True, False])
def test_complaint_appeal(example: Database, upheld: bool) -> None:
    with example.session_scope(write=True) as s:
        aid = _file(s, "complaint", "A003", date(2026, 10, 20), date(2026, 10, 21))
        decide_appeal(s, aid, upheld=upheld, comment="录音显示已解释清楚")
    with example.session_scope() as s:
        c = s.scalar(select(Complaint).where(Complaint.date == date(2026, 10, 20)))
        assert c is not None and c.status == ("overturned" if upheld else "upheld")


@pytest.mark.parametrize("upheld", [True, False])
def test_attendance_appeal_voids_only_that_record(example: Database, upheld: bool) -> None:
    with example.session_scope(write=True) as s:
        # Two records on one day: the appeal names the away mark, the late one stays.
        rec = s.scalar(select(AttendanceRecord).where(AttendanceRecord.date == date(2026, 10, 15)))
        assert rec is not None
        s.add(AttendanceRecord(agent_id=rec.agent_id, date=rec.date, kind="late", minutes=12))
        s.flush()
        aid = file_appeal(s, AppealInput("attendance", "A003", rec.date, date(2026, 10, 16), "系统故障",
                                         record_id=rec.id)).id
        decide_appeal(s, aid, upheld=upheld, comment="查明为系统故障")
    with example.session_scope() as s:
        kinds = sorted(r.kind for r in s.scalars(select(AttendanceRecord).where(
            AttendanceRecord.date == date(2026, 10, 15))))
        assert kinds == (["late"] if upheld else ["away", "late"])
        voids = list(s.scalars(select(AuditLog).where(AuditLog.action == "attendance.void")))
        assert len(voids) == int(upheld)
        if upheld:
            assert voids[0].before != voids[0].after  # the log keeps what the cell said


@pytest.mark.parametrize("upheld", [True, False])
def test_metric_appeal_takes_the_decided_value(example: Database, upheld: bool) -> None:
    with example.session_scope(write=True) as s:
        aid = _file(s, "metric", "A002", date(2026, 10, 31), date(2026, 11, 2), indicator="answer_rate")
        view = decide_appeal(s, aid, upheld=upheld, comment="话务系统漏计", value="96%" if upheld else None).appeal
        assert view.decided_value == (Decimal("0.96") if upheld else None)
    with example.session_scope() as s:
        value = s.scalar(select(KpiMetric.value).where(KpiMetric.month == MONTH, KpiMetric.indicator == "answer_rate",
                                                       KpiMetric.value < Decimal("0.97"), KpiMetric.value > Decimal("0.92"))
                         .order_by(KpiMetric.value))
        assert value == (Decimal("0.95") if upheld else Decimal("0.93"))  # A003's 0.95 is the lowest left


def test_upheld_metric_needs_a_value_and_decided_once(example: Database) -> None:
    with example.session_scope(write=True) as s:
        aid = _file(s, "metric", "A002", date(2026, 10, 31), date(2026, 11, 2), indicator="answer_rate")
        with pytest.raises(ValidationFailed):
            decide_appeal(s, aid, upheld=True, comment="x")
        with pytest.raises(ValidationFailed):
            decide_appeal(s, aid, upheld=False, comment="  ")
        decide_appeal(s, aid, upheld=False, comment="数据无误")
        with refused("already decided"):
            decide_appeal(s, aid, upheld=True, comment="again", value="1")


# --- the window ------------------------------------------------------------------------------


def test_filing_after_the_window_needs_an_override(example: Database) -> None:
    day = date(2026, 10, 20)
    with example.session_scope(write=True) as s:
        assert deadline(s, day) == date(2026, 10, 27)
        _file(s, "complaint", "A003", day, date(2026, 10, 27))  # the last day is still inside
    with example.session_scope(write=True) as s:
        s.execute(update(Complaint).values(status="upheld"))
        with refused("closed on 2026-10-26. To accept it anyway, give an override reason"):
            _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 27))
        aid = _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 27), override_reason="本人出差，经理同意受理")
    with example.session_scope() as s:
        late = s.scalar(select(AuditLog).where(AuditLog.action == "appeal.late"))
        assert late is not None and late.entity_key == str(aid) and late.reason == "本人出差，经理同意受理"
        assert list_appeals(s, MONTH)[-1].override_reason == "本人出差，经理同意受理"


def test_window_days_come_from_the_plan(example: Database) -> None:
    schema2 = default_plan_text().replace("schema = 1", "schema = 2", 1)
    text = schema2 + "\n[appeals]\nwindow_days = 14\n\n[publication]\nshow_amounts = true\n"
    load_plan(text)  # a valid plan
    with pytest.raises(PlanError, match="schema = 2"):  # a part-two section, like the others
        load_plan(default_plan_text() + "\n[appeals]\nwindow_days = 14\n")
    assert appeal_settings(text) == (14, True)
    assert appeal_settings(default_plan_text()) == (7, False)
    with pytest.raises(PlanError, match="window_days"):
        load_plan(schema2 + "\n[appeals]\nwindow_days = -1\n")
    with example.session_scope(write=True) as s:
        s.execute(update(PlanVersion).values(toml_text=text))
        assert deadline(s, date(2026, 10, 19)) == date(2026, 11, 2)
        _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 11, 2))


def test_a_record_named_by_none_or_two_is_refused(example: Database) -> None:
    with example.session_scope(write=True) as s:
        with refused("no qa evaluation record"):
            _file(s, "qa", "A003", date(2026, 10, 13), date(2026, 10, 14))
        rec = s.scalar(select(AttendanceRecord).where(AttendanceRecord.date == date(2026, 10, 15)))
        assert rec is not None
        s.add(AttendanceRecord(agent_id=rec.agent_id, date=rec.date, kind="late", minutes=12))
        s.flush()
        with refused("2 attendance records match"):
            _file(s, "attendance", "A003", date(2026, 10, 15), date(2026, 10, 16))
        _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 20))
        with refused("already has a pending appeal"):
            _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 21))


# --- a locked month ---------------------------------------------------------------------------


def test_upheld_complaint_of_a_locked_month_corrects_the_next_month(example: Database) -> None:
    """Hand-derived: A003's upheld city complaint cost −100.00 (docs/pay-rules.md §6); A003 stays out of the
    monthly award (a fatal evaluation too), and the penalty cap did not bite, so overturning it is worth
    exactly +100.00 — one appeal_correction line of 2026-11, nobody else changes."""
    with example.session_scope(write=True) as s:
        calculate_month(s, MONTH)
        lock_month(s, MONTH)
    with example.session_scope() as s:
        locked_before = [(r.agent_code, r.net) for r in s.scalars(select(PayrollResult).order_by(PayrollResult.agent_code))]
    with example.session_scope(write=True) as s:
        aid = _file(s, "complaint", "A003", date(2026, 10, 20), date(2026, 10, 23))
        decision = decide_appeal(s, aid, upheld=True, comment="录音证明已解释")
    assert [(c.agent_code, c.month, c.amount) for c in decision.corrections] == [("A003", "2026-11", Decimal("100.00"))]
    assert decision.appeal.correction_month == "2026-11"
    reason = decision.corrections[0].reason
    assert "2026-10" in reason and f"#{aid}" in reason and "投诉扣款 -100.00 → 0.00" in reason
    with example.session_scope() as s:
        # The locked month and its records are untouched.
        assert [(r.agent_code, r.net) for r in s.scalars(select(PayrollResult).order_by(PayrollResult.agent_code))] \
            == locked_before
        c = s.scalar(select(Complaint).where(Complaint.date == date(2026, 10, 20)))
        assert c is not None and c.status == "upheld"
        adj = s.scalar(select(Adjustment))
        assert adj is not None and adj.category == "申诉更正" and adj.month == "2026-11"
    with example.session_scope(write=True) as s:
        calculate_month(s, "2026-11")
        a003 = next(a for a in show_month(s, "2026-11").agents if a.code == "A003")
        lines = [(line.code, line.amount) for line in a003.lines if line.code == "appeal_correction"]
        assert lines == [("appeal_correction", Decimal("100.00"))]
        assert next(x for x in a003.lines if x.code == "appeal_correction").label == "申诉更正"
        # The correction cannot be changed by hand.
        assert adj is not None
        with refused("appeal correction"):
            delete_adjustment(s, adj.id)
        with refused("appeal correction"):
            edit_adjustment(s, adj.id, AdjustmentInput("A003", "2026-11", Decimal(1), "其他", "x"))
        with refused("appeal correction"):
            add_adjustment(s, AdjustmentInput("A003", "2026-11", Decimal(1), "申诉更正", "x"))


def test_rejected_appeal_of_a_locked_month_writes_nothing(example: Database) -> None:
    with example.session_scope(write=True) as s:
        calculate_month(s, MONTH)
        lock_month(s, MONTH)
        aid = _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 20))
        decision = decide_appeal(s, aid, upheld=False, comment="维持")
        assert decision.corrections == () and decision.appeal.correction_month is None
        assert s.scalar(select(Adjustment)) is None


def test_pending_appeals_block_the_lock_until_overridden_with_a_reason(example: Database) -> None:
    from app.services.payroll_view import month_notices

    with example.session_scope(write=True) as s:
        calculate_month(s, MONTH)
        _file(s, "qa", "A003", date(2026, 10, 19), date(2026, 10, 20))
        notices = month_notices(s, MONTH, show_month(s, MONTH))
        assert notices[0].agent is None and "1 appeal(s) against this month's records" in notices[0].warning.en
        with refused("1 appeal(s) against its records are pending"):
            lock_month(s, MONTH)
        with refused("a reason is required"):
            lock_month(s, MONTH, with_pending_appeals=True, reason="  ")
        lock_month(s, MONTH, with_pending_appeals=True, reason="质检复核需两周")
        log = s.scalar(select(AuditLog).where(AuditLog.action == "payroll.lock_with_pending_appeals"))
        assert log is not None and log.reason == "质检复核需两周"
        # Locked: the appeal is now decided as a correction of a later month, not a reason to wait.
        assert not any("appeal" in n.warning.en for n in month_notices(s, MONTH, show_month(s, MONTH)))
