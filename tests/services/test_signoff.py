"""Users, roles and the sign-off chain (docs/pay-rules.md §10), through the services on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services import payroll, signoff, users
from app.services.errors import ServiceError
from app.services.rewards import AdjustmentInput, add_adjustment
from app.services.settings import get_setting
from db.models import AuditLog, MonthStatus, Signoff, User
from db.session import Database

MONTH = "2026-10"
PW = "correct horse"


def as_user(db: Database, name: str | None) -> Database:
    db.acting_user = name
    return db


def set_up_branch(db: Database, *, steps: str = "review,check,approve") -> None:
    """admin (admin), clara (clerk), rita (reviewer), chen (checker), alan (approver)."""
    with db.session_scope(write=True) as s:
        users.add_user(s, "admin", PW, ["admin"])
    as_user(db, "admin")
    with db.session_scope(write=True) as s:
        for name, role in (("clara", "clerk"), ("rita", "reviewer"), ("chen", "checker"), ("alan", "approver")):
            users.add_user(s, name, PW, [role])
        signoff.set_chain_settings(s, tuple(steps.split(",")), same_person=False)


def calculate(db: Database, who: str = "clara") -> None:
    as_user(db, who)
    with db.session_scope(write=True) as s:
        payroll.calculate_month(s, MONTH)


def do(db: Database, who: str, step: str, comment: str = "") -> signoff.ChainState:
    as_user(db, who)
    with db.session_scope(write=True) as s:
        return signoff.sign(s, MONTH, step, comment)


def state(db: Database) -> signoff.ChainState:
    with db.session_scope() as s:
        return signoff.chain_state(s, MONTH)


@contextmanager
def refuses(words: str) -> Iterator[None]:
    """The block is refused with a ServiceError whose English text holds ``words``."""
    with pytest.raises(ServiceError) as exc:
        yield
    assert words in exc.value.text("en"), exc.value.text("en")


def refused(db: Database, who: str, step: str) -> str:
    with pytest.raises(ServiceError) as exc:
        do(db, who, step)
    return exc.value.text("en")


def test_without_users_the_month_locks_as_before(example: Database) -> None:
    calculate(example, who="")
    with example.session_scope(write=True) as s:
        payroll.lock_month(s, MONTH)
    assert state(example).status == "locked"


def test_the_first_user_must_be_an_admin_and_later_only_an_admin_adds(example: Database) -> None:
    with refuses("first user must be an admin"), example.session_scope(write=True) as s:
        users.add_user(s, "clara", PW, ["clerk"])
    set_up_branch(example)
    as_user(example, "clara")
    with refuses("needs the role admin"), example.session_scope(write=True) as s:
        users.add_user(s, "eve", PW, ["clerk"])


def test_passwords_are_salted_scrypt_hashes(example: Database) -> None:
    set_up_branch(example)
    with example.session_scope() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    assert all(h.startswith("scrypt$") and PW not in h for h in hashes)
    assert len(set(hashes)) == len(hashes)  # the same password, a different salt each time


def test_the_whole_chain_records_who_when_and_the_comment_and_approval_locks(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    assert state(example).status == "calculated" and state(example).next_step == "review"
    assert do(example, "rita", "review", "looks right").status == "reviewed"
    assert do(example, "chen", "check").status == "checked"
    final = do(example, "alan", "approve", "pay it")
    assert final.status == "locked"
    assert [(x.step, x.user, x.comment) for x in final.signoffs] == [
        ("review", "rita", "looks right"), ("check", "chen", ""), ("approve", "alan", "pay it")]
    assert all(isinstance(x.at, datetime) for x in final.signoffs)
    with example.session_scope() as s:
        assert s.get(MonthStatus, MONTH).status == "locked"  # type: ignore[union-attr]
        actions = [(a.user, a.action) for a in s.scalars(select(AuditLog).where(AuditLog.action.like("signoff.%")))]
    assert actions == [("rita", "signoff.review"), ("chen", "signoff.check"), ("alan", "signoff.approve")]


def test_each_step_needs_its_role_and_the_order(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    assert "needs the role reviewer" in refused(example, "chen", "review")
    assert "needs the review before the check" in refused(example, "chen", "check")
    assert "needs the review before the approval" in refused(example, "alan", "approve")
    do(example, "rita", "review")
    assert "already has its review" in refused(example, "rita", "review")


def test_a_branch_using_approval_only_goes_straight_to_approval(example: Database) -> None:
    set_up_branch(example, steps="approve")
    calculate(example)
    assert "does not use the review" in refused(example, "rita", "review")
    assert do(example, "alan", "approve").status == "locked"


def test_the_plain_lock_is_refused_once_users_exist(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    as_user(example, "alan")
    with refuses("locked by its approval"), example.session_scope(write=True) as s:
        payroll.lock_month(s, MONTH)


def test_nobody_signs_a_month_they_calculated_nor_two_steps_unless_allowed(example: Database) -> None:
    set_up_branch(example)
    as_user(example, "admin")
    with example.session_scope(write=True) as s:
        users.set_roles(s, "rita", ["reviewer", "checker", "clerk"])
    calculate(example, "rita")
    assert "rita calculated 2026-10" in refused(example, "rita", "review")
    calculate(example, "clara")
    do(example, "rita", "review")
    assert "rita already signed the review" in refused(example, "rita", "check")
    as_user(example, "admin")
    with example.session_scope(write=True) as s:
        signoff.set_chain_settings(s, ("review", "check", "approve"), same_person=True)
    assert do(example, "rita", "check").status == "checked"


def test_recalculating_voids_the_signoffs_and_the_log_says_so(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    do(example, "rita", "review")
    calculate(example)
    st = state(example)
    assert st.status == "calculated" and st.signoffs == () and st.next_step == "review"
    with example.session_scope() as s:
        void = s.scalars(select(AuditLog).where(AuditLog.action == "signoff.void")).one()
        row = s.scalars(select(Signoff).where(Signoff.step == "review")).one()
    assert void.user == "clara" and "recalculated" in void.reason and void.before == "reviewed"
    assert row.voided_at is not None and "recalculated" in row.void_reason


def test_a_record_change_voids_the_signoffs_naming_the_change(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    do(example, "rita", "review")
    do(example, "chen", "check")
    as_user(example, "clara")
    with example.session_scope(write=True) as s:
        add_adjustment(s, AdjustmentInput("A001", MONTH, Decimal("50"), "bonus", "late receipt"))
    assert state(example).status == "calculated" and state(example).signoffs == ()
    with example.session_scope() as s:
        void = s.scalars(select(AuditLog).where(AuditLog.action == "signoff.void")).one()
    assert "adjustment.add" in void.reason and void.before == "checked"
    # ... and the month must be recalculated before anyone signs again
    assert "recalculate it before signing off" in refused(example, "rita", "review")


def test_a_refused_record_change_voids_nothing(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    do(example, "rita", "review")
    as_user(example, "rita")  # not a clerk
    with refuses("needs the role clerk"), example.session_scope(write=True) as s:
        add_adjustment(s, AdjustmentInput("A001", MONTH, Decimal("50"), "bonus", "x"))
    assert state(example).status == "reviewed"


def test_a_change_of_another_month_leaves_the_signoffs(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    do(example, "rita", "review")
    as_user(example, "clara")
    with example.session_scope(write=True) as s:
        add_adjustment(s, AdjustmentInput("A001", "2026-11", Decimal("50"), "bonus", "next month"))
    assert state(example).status == "reviewed"


def test_reject_needs_a_reason_and_returns_to_calculated(example: Database) -> None:
    set_up_branch(example)
    calculate(example)
    do(example, "rita", "review")
    as_user(example, "chen")
    with refuses("a reason is required"), example.session_scope(write=True) as s:
        signoff.reject(s, MONTH, "   ")
    assert state(example).status == "reviewed"
    as_user(example, "alan")  # not the checker whose turn it is
    with refuses("needs the role checker"), example.session_scope(write=True) as s:
        signoff.reject(s, MONTH, "wrong")
    as_user(example, "chen")
    with example.session_scope(write=True) as s:
        st = signoff.reject(s, MONTH, "A002's attendance is missing")
    assert st.status == "calculated" and st.signoffs == () and st.next_step == "review"
    assert st.last_rejection is not None and st.last_rejection.user == "chen"
    assert st.last_rejection.comment == "A002's attendance is missing"


def test_roles_guard_calculation_settings_and_plans(example: Database) -> None:
    set_up_branch(example)
    as_user(example, "rita")
    with refuses("needs the role clerk"), example.session_scope(write=True) as s:
        payroll.calculate_month(s, MONTH)
    with refuses("needs the role admin"), example.session_scope(write=True) as s:
        signoff.set_chain_settings(s, ("approve",), same_person=True)
    as_user(example, None)
    with refuses("needs a signed-in user"), example.session_scope(write=True) as s:
        payroll.calculate_month(s, MONTH)
    with example.session_scope() as s:
        assert get_setting(s, "signoff_steps") == "review,check,approve"


def test_five_wrong_passwords_lock_the_user_for_a_minute(example: Database) -> None:
    set_up_branch(example)
    t0 = datetime(2026, 11, 2, 9, 0, 0)
    for i in range(4):
        with example.session_scope(write=True) as s:
            got = users.authenticate(s, "rita", "wrong", now=t0 + timedelta(seconds=i))
        assert not got.ok and got.reason is not None and "wrong user name or password" in got.reason.en
    with example.session_scope(write=True) as s:
        got = users.authenticate(s, "rita", "wrong", now=t0 + timedelta(seconds=5))
    assert got.reason is not None and "locked for 60 s" in got.reason.en
    with example.session_scope(write=True) as s:  # even the right password waits out the minute
        got = users.authenticate(s, "rita", PW, now=t0 + timedelta(seconds=30))
    assert not got.ok and got.reason is not None and "try again in 35 s" in got.reason.en
    with example.session_scope(write=True) as s:
        assert users.authenticate(s, "rita", PW, now=t0 + timedelta(seconds=66)).ok
    with example.session_scope() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.action == "user.lockout")).one().entity_key == "rita"


def test_an_unknown_user_and_a_wrong_password_read_the_same(example: Database) -> None:
    set_up_branch(example)
    with example.session_scope(write=True) as s:
        a = users.authenticate(s, "nobody", PW)
        b = users.authenticate(s, "rita", "not it")
    assert a.reason == b.reason


def test_unlock_needs_the_approver_and_voids_the_approval(example: Database) -> None:
    set_up_branch(example, steps="approve")
    calculate(example)
    do(example, "alan", "approve")
    as_user(example, "clara")
    with refuses("needs the role approver"), example.session_scope(write=True) as s:
        payroll.unlock_month(s, MONTH, "fix")
    as_user(example, "alan")
    with example.session_scope(write=True) as s:
        payroll.unlock_month(s, MONTH, "A001 missed a policy")
    st = state(example)
    assert st.status == "calculated" and st.signoffs == ()


def test_an_edit_that_changes_nothing_voids_nothing(example: Database) -> None:
    from app.services.rewards import edit_adjustment

    set_up_branch(example)
    as_user(example, "clara")
    data = AdjustmentInput("A001", MONTH, Decimal("50"), "bonus", "late receipt")
    with example.session_scope(write=True) as s:
        row_id = add_adjustment(s, data).id
    calculate(example)
    do(example, "rita", "review")
    as_user(example, "clara")
    with example.session_scope(write=True) as s:
        edit_adjustment(s, row_id, data)  # saved again as it was
    assert state(example).status == "reviewed"
    with example.session_scope(write=True) as s:
        edit_adjustment(s, row_id, AdjustmentInput("A001", MONTH, Decimal("60"), "bonus", "late receipt"))
    assert state(example).status == "calculated"


def test_the_last_admin_stays_and_a_disabled_user_cannot_sign_in(example: Database) -> None:
    set_up_branch(example)
    as_user(example, "admin")
    with refuses("at least one admin must remain"), example.session_scope(write=True) as s:
        users.set_roles(s, "admin", ["clerk"])
    with refuses("at least one admin must remain"), example.session_scope(write=True) as s:
        users.set_active(s, "admin", False)
    with example.session_scope(write=True) as s:
        users.set_active(s, "rita", False)
    with example.session_scope(write=True) as s:
        assert not users.authenticate(s, "rita", PW).ok
    as_user(example, "rita")  # a window still open as rita can no longer act
    with refuses("needs a signed-in user"), example.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "review")


def test_a_user_changes_their_own_password_but_only_an_admin_changes_anothers(example: Database) -> None:
    set_up_branch(example)
    as_user(example, "rita")
    with example.session_scope(write=True) as s:
        users.set_password(s, "rita", "a new secret")
    with refuses("needs the role admin"), example.session_scope(write=True) as s:
        users.set_password(s, "chen", "hijacked pw")
    with example.session_scope(write=True) as s:
        assert users.authenticate(s, "rita", "a new secret").ok
        assert users.authenticate(s, "chen", PW).ok
    with example.session_scope() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "user.password")).one()
    assert entry.before == entry.after == "***"  # the password is never written to the log


def test_signing_off_with_pending_appeals_needs_an_override_and_a_reason(example: Database) -> None:
    """docs/pay-rules.md §11 applied to each sign-off step (the approval through the lock's own rule)."""

    from app.services.appeals import AppealInput, file_appeal
    from db.models import QAEvaluation

    set_up_branch(example, steps="review,approve")
    calculate(example)
    with example.session_scope(write=True) as s:
        ev = s.scalars(select(QAEvaluation).order_by(QAEvaluation.date)).first()
        assert ev is not None
        file_appeal(s, AppealInput("qa", "A001", ev.date, ev.date, "不认可", record_id=ev.id))
    assert "1 appeal(s) against its records are pending" in refused(example, "rita", "review")
    as_user(example, "rita")
    with refuses("a reason is required"), example.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "review", with_pending_appeals=True, reason=" ")
    with example.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "review", with_pending_appeals=True, reason="decided after payday")
    with example.session_scope() as s:
        logged = s.scalars(select(AuditLog).where(AuditLog.action == "signoff.review_with_pending_appeals")).one()
    assert logged.reason == "decided after payday" and logged.user == "rita"
    assert "pending" in refused(example, "alan", "approve")
    as_user(example, "alan")
    with example.session_scope(write=True) as s:
        assert signoff.sign(s, MONTH, "approve", with_pending_appeals=True, reason="paid as is").status == "locked"


def test_filing_and_deciding_appeals_need_the_clerk_role_whoever_calls(example: Database) -> None:
    """§10 is enforced in the services: the command line cannot file or decide what the window refuses."""
    from app.services.appeals import AppealInput, decide_appeal, file_appeal
    from db.models import QAEvaluation

    set_up_branch(example)
    with example.session_scope() as s:
        ev = s.scalars(select(QAEvaluation).order_by(QAEvaluation.date)).first()
        assert ev is not None
        filing = AppealInput("qa", "A001", ev.date, ev.date, "不认可", record_id=ev.id)
    as_user(example, "rita")  # a reviewer, not a clerk
    with refuses("needs the role clerk"), example.session_scope(write=True) as s:
        file_appeal(s, filing)
    as_user(example, "clara")
    with example.session_scope(write=True) as s:
        appeal_id = file_appeal(s, filing).id
    as_user(example, "rita")
    with refuses("needs the role clerk"), example.session_scope(write=True) as s:
        decide_appeal(s, appeal_id, upheld=False, comment="录音无误")
    as_user(example, "clara")
    with example.session_scope(write=True) as s:
        decision = decide_appeal(s, appeal_id, upheld=False, comment="录音无误", decided_by="someone else")
    with example.session_scope() as s:
        from db.models import Appeal

        stored = s.get(Appeal, appeal_id)
        assert stored is not None and stored.status == "rejected" and stored.decided_by == "clara"
    assert decision is not None


def test_the_overview_names_the_next_signoff_instead_of_a_plain_lock(example: Database) -> None:
    from app.services.overview import month_overview, month_steps

    def lock_step() -> tuple[str, str]:
        with example.session_scope() as s:
            step = next(st for st in month_steps(month_overview(s, MONTH)) if st.key == "lock")
        return step.summary_zh, step.summary_en

    set_up_branch(example, steps="review,approve")
    calculate(example)
    zh, en = lock_step()
    assert "下一步 审核" in zh and "签批即锁定" in zh and "next the review" in en
    do(example, "rita", "review")
    zh, en = lock_step()
    assert "下一步 签批" in zh and "next the approval" in en
