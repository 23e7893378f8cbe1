"""The sign-off chain (审批, docs/pay-rules.md §10): calculated → reviewed → checked → approved (= locked).

A month's status in ``month_status`` stays ``calculated`` until its approval locks it; which of
the sign-offs it has is read from its given (not voided) sign-offs, so everything that asks
whether a month is open or locked works as before. The branch chooses in the settings which of
审核 and 复核 it uses (签批 always). Each rule is checked here, inside the transaction that
writes the sign-off: the right role, the next step in order, the result matching the records,
and — unless the branch allows it — not the person who calculated the month nor one who signed
another step of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.months import month_status
from app.services.record_changes import active_signoffs, void_signoffs
from app.services.settings import get_setting, set_setting
from app.services.users import ROLE_NAMES, acting_user, require_role, users_exist
from app.text import Text
from db.models import MonthStatus, Signoff
from db.session import claim_write_lock

STEPS: tuple[str, ...] = ("review", "check", "approve")
STEP_ROLE = {"review": "reviewer", "check": "checker", "approve": "approver"}
STEP_STATUS = {"review": "reviewed", "check": "checked", "approve": "locked"}
STEP_NAMES = {
    "review": Text("审核", "review"),
    "check": Text("复核", "check"),
    "approve": Text("签批", "approval"),
    "reject": Text("退回", "rejection"),
}
STATUS_NAMES = {
    "open": Text("未计算", "open"),
    "calculated": Text("已核算", "calculated"),
    "reviewed": Text("已审核", "reviewed"),
    "checked": Text("已复核", "checked"),
    "locked": Text("已签批锁定", "approved (locked)"),
}


@dataclass(frozen=True)
class SignoffView:
    step: str
    user: str
    at: datetime
    comment: str


@dataclass(frozen=True)
class ChainState:
    """Where a month stands in the chain (what the payroll page's strip and ``payroll show`` show)."""

    month: str
    status: str  # open | calculated | reviewed | checked | locked
    steps: tuple[str, ...]  # the sign-offs the branch uses, in order (always ends with approve)
    signoffs: tuple[SignoffView, ...]  # given and not voided, in order
    next_step: str | None  # the step to sign next; None when open or locked
    calculated_by: str
    last_rejection: SignoffView | None  # the latest rejection since the month was last calculated


def enabled_steps(session: Session) -> tuple[str, ...]:
    chosen = {p.strip().lower() for p in get_setting(session, "signoff_steps").replace("，", ",").split(",")}
    return tuple(s for s in STEPS if s in chosen or s == "approve")


def same_person_allowed(session: Session) -> bool:
    return get_setting(session, "signoff_same_person").strip().lower() in ("1", "true", "yes", "on")


def set_chain_settings(session: Session, steps: tuple[str, ...], same_person: bool) -> None:
    """The admin's choice in 设置: which sign-offs are used (签批 always) and the two-person exception."""
    bad = [s for s in steps if s not in STEPS]
    if bad:
        raise ServiceError(f"未知签核步骤：{', '.join(bad)}。", f"unknown sign-off step: {', '.join(bad)}.")
    wanted = ",".join(s for s in STEPS if s in steps or s == "approve")
    set_setting(session, "signoff_steps", wanted)
    set_setting(session, "signoff_same_person", "1" if same_person else "")


def _view(row: Signoff) -> SignoffView:
    return SignoffView(row.step, row.user_name, row.at, row.comment)


def chain_state(session: Session, month: str) -> ChainState:
    steps = enabled_steps(session)
    status = month_status(session, month)
    row = session.scalar(select(MonthStatus).where(MonthStatus.month == month))
    calculated_by = row.calculated_by if row is not None else ""
    given = tuple(_view(s) for s in active_signoffs(session, month))
    rejection = session.scalar(select(Signoff).where(Signoff.month == month, Signoff.step == "reject")
                               .order_by(Signoff.at.desc(), Signoff.id.desc()).limit(1))
    if rejection is not None and row is not None and row.calculated_at is not None \
            and rejection.at < row.calculated_at:
        rejection = None
    shown = status
    nxt: str | None = None
    if status == "calculated":
        done = {s.step for s in given}
        nxt = next((s for s in steps if s not in done), None)
        if given:
            shown = STEP_STATUS[given[-1].step]
    return ChainState(month, shown, steps, given, nxt, calculated_by,
                      _view(rejection) if rejection is not None else None)


def _acting(session: Session, what: Text) -> str:
    if not users_exist(session):
        raise ServiceError(
            f"{what.zh}需要先设置用户（users add）；没有用户时请直接锁定月份（payroll lock）。",
            f"{what.en} needs users (users add); without users, lock the month directly (payroll lock).",
        )
    user = acting_user(session)
    if user is None:
        raise ServiceError(f"{what.zh}需要先登录。", f"{what.en} needs a signed-in user.")
    return user.name


def _check_current(session: Session, month: str) -> None:
    from app.services.payroll import pending_changes

    if pending_changes(session, month):
        raise ServiceError(
            f"{month} 的记录在上次计算后已变化：请先重新计算，再签核。",
            f"the records of {month} changed since it was calculated: recalculate it before signing off.",
        )


def sign(
    session: Session, month: str, step: str, comment: str = "", *, with_pending_appeals: bool = False,
    reason: str = "",
) -> ChainState:
    """Sign ``step`` (review / check / approve) of ``month`` as the signed-in user; approval locks the month.

    While appeals against the month's records are pending the step is refused unless
    ``with_pending_appeals`` and a ``reason`` are given (docs/pay-rules.md §11); the reason goes to the
    audit log."""
    if step not in STEPS:
        raise ServiceError(f"未知签核步骤：{step}。", f"unknown sign-off step: {step}.")
    what = STEP_NAMES[step]
    claim_write_lock(session)
    name = _acting(session, Text(f"{what.zh} {month}", f"the {what.en} of {month}"))
    require_role(session, (STEP_ROLE[step],), Text(f"{what.zh} {month}", f"sign the {what.en} of {month}"))
    state = chain_state(session, month)
    if state.status == "locked":
        raise ServiceError(f"{month} 已签批锁定。", f"{month} is already approved and locked.")
    if state.status == "open":
        raise ServiceError(f"{month} 尚未计算，请先计算。", f"{month} has not been calculated; calculate it first.")
    if step not in state.steps:
        raise ServiceError(
            f"本网点不使用{what.zh}（设置 → 签核步骤）。",
            f"this branch does not use the {what.en} step (settings → sign-off steps).",
        )
    if state.next_step != step:
        assert state.next_step is not None
        nxt = STEP_NAMES[state.next_step]
        done = step in {s.step for s in state.signoffs}
        raise ServiceError(
            f"{month} 已{what.zh}；下一步是{nxt.zh}。" if done else f"{month} 须先{nxt.zh}，再{what.zh}。",
            f"{month} already has its {what.en}; next is the {nxt.en}." if done
            else f"{month} needs the {nxt.en} before the {what.en}.",
        )
    if not same_person_allowed(session):
        key = name.casefold()
        if state.calculated_by and state.calculated_by.casefold() == key:
            raise ServiceError(
                f"{name} 计算了 {month}，不能再签核它（两人网点可在设置中允许）。",
                f"{name} calculated {month} and cannot sign it off (a two-person branch may allow it in settings).",
            )
        signed = [s for s in state.signoffs if s.user.casefold() == key]
        if signed:
            other = STEP_NAMES[signed[0].step]
            raise ServiceError(
                f"{name} 已签过 {month} 的{other.zh}，同一人不能签两步（两人网点可在设置中允许）。",
                f"{name} already signed the {other.en} of {month}; one person cannot sign two steps "
                "(a two-person branch may allow it in settings).",
            )
    from app.services.payroll import check_pending_appeals, lock_month

    pending = 0
    if step != "approve":  # the approval's lock makes the same checks
        pending = check_pending_appeals(session, month, with_pending_appeals, reason, what.zh, f"signing the {what.en}")
        _check_current(session, month)
    before = state.status
    if step == "approve":
        lock_month(session, month, with_pending_appeals=with_pending_appeals, reason=reason, approved=True)
    session.add(Signoff(month=month, step=step, user_name=name, comment=comment.strip(),
                        at=datetime.now().replace(microsecond=0)))
    session.flush()
    audit(session, f"signoff.{step}", entity="month", key=month, before=before, after=STEP_STATUS[step],
          reason=comment.strip())
    if pending:
        audit(session, f"signoff.{step}_with_pending_appeals", entity="month", key=month,
              after={"pending_appeals": pending}, reason=reason.strip())
    return chain_state(session, month)


def reject(session: Session, month: str, reason: str) -> ChainState:
    """Send ``month`` back to ``calculated`` with a reason: the sign-offs given so far are voided.

    The one rejecting holds the role of the step that is next (the reviewer rejects before the review …)."""
    claim_write_lock(session)
    what = Text(f"退回 {month}", f"reject {month}")
    if not reason.strip():
        raise ServiceError("退回必须填写原因。", "a reason is required to reject a month.")
    name = _acting(session, what)
    state = chain_state(session, month)
    if state.status == "locked":
        raise ServiceError(
            f"{month} 已签批锁定，不能退回；如需更正请解锁（需填写原因）。",
            f"{month} is approved and locked and cannot be rejected; unlock it (with a reason) to correct it.",
        )
    if state.next_step is None:
        raise ServiceError(f"{month} 尚未计算，没有可退回的结果。", f"{month} has not been calculated; nothing to reject.")
    require_role(session, (STEP_ROLE[state.next_step],), what)
    void_signoffs(session, month, Text(f"退回：{reason.strip()}", f"rejected: {reason.strip()}"))
    now = datetime.now().replace(microsecond=0)
    session.add(Signoff(month=month, step="reject", user_name=name, comment=reason.strip(), at=now, voided_at=now,
                        void_reason="rejection"))
    session.flush()
    audit(session, "signoff.reject", entity="month", key=month, before=state.status, after="calculated",
          reason=reason.strip())
    return chain_state(session, month)


def step_role_text(step: str, lang: str) -> str:
    """"审核（reviewer）" — the role a step needs, for a disabled button's tooltip."""
    role = STEP_ROLE[step]
    return f"{ROLE_NAMES[role].in_(lang)}（{role}）" if lang != "en" else role
