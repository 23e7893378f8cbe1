"""Appeals (申诉, docs/pay-rules.md §11): file one against a record, decide it, list them.

An appeal names one record: a QA evaluation, a complaint, an attendance record or a month's
metric value. Filing is refused after the plan's ``appeals.window_days`` calendar days from the
record's date unless the filer gives an override reason (written to the audit log).

Deciding it *upheld* applies the decision through the same services a manual edit uses, with
their checks (:func:`app.services.quality.overturn_evaluation`,
:func:`app.services.rewards.set_complaint_status`, the attendance grid's write path,
:func:`app.services.rewards.set_metric`). When the record's month is locked the month is not
touched: it is computed again with the decision applied, inside a savepoint that is rolled back
(nothing written), and each agent's difference in net becomes a 申诉更正 adjustment of the next
open month (:func:`_correct_locked_month`). *Rejected* changes nothing but the appeal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.engine.adjustments import APPEAL_CORRECTION_CATEGORY
from app.engine.lines import LINE_LABELS
from app.fields import TEXT_MAX
from app.importers.kinds import AppealRow
from app.money import ZERO, fmt_money, fmt_num
from app.plan.toml_io import DEFAULT_APPEAL_WINDOW_DAYS, appeal_settings
from app.services.agents import get_agent
from app.services.appeal_count import pending_count as pending_count  # re-exported
from app.services.attendance import set_cells
from app.services.attendance_cells import Entry, format_cell
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.months import month_of, month_status, next_month
from app.services.plans import plan_version_for_month
from app.services.quality import overturn_evaluation
from app.services.record_changes import note_months
from app.services.rewards import LEVEL_NAMES, parse_metric, set_complaint_status, set_metric
from app.services.users import require_role
from app.text import Text
from db.models import Adjustment, Agent, Appeal, AttendanceRecord, Complaint, KpiMetric, Policy, QAEvaluation
from db.session import claim_write_lock

KINDS: tuple[str, ...] = ("qa", "complaint", "attendance", "metric")
STATUSES: tuple[str, ...] = ("pending", "upheld", "rejected")
KIND_NAMES: dict[str, tuple[str, str]] = {
    "qa": ("质检", "QA evaluation"),
    "complaint": ("投诉", "Complaint"),
    "attendance": ("考勤", "Attendance"),
    "metric": ("指标", "Metric"),
}
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "pending": ("待处理", "Pending"),
    "upheld": ("成立", "Upheld"),
    "rejected": ("驳回", "Rejected"),
}


@dataclass(frozen=True)
class AppealInput:
    """What the filer gives. ``record_id`` picks the record directly (a page's 申诉 action); without it
    the record is found by agent, kind and ``record_date`` (and ``indicator`` for a metric)."""

    kind: str
    agent_code: str
    record_date: date
    filed: date
    reason: str
    record_id: int | None = None
    indicator: str = ""
    override_reason: str = ""


@dataclass(frozen=True)
class AppealView:
    id: int
    kind: str
    agent_code: str
    agent_name: str
    record_id: int | None
    indicator: str
    month: str
    record_date: date
    record_text: str
    filed: date
    reason: str
    override_reason: str
    status: str
    decided_by: str
    decided_on: date | None
    comment: str
    decided_value: Decimal | None
    correction_month: str | None


@dataclass(frozen=True)
class Correction:
    """One 申诉更正 adjustment written for an agent when a locked month's appeal was upheld."""

    agent_code: str
    month: str  # the open month that pays or recovers it
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Decision:
    appeal: AppealView
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class FoundRecord:
    """A record an appeal can name: its id (None for a metric), date, month and a short text."""

    record_id: int | None
    record_date: date
    month: str
    text: str
    indicator: str = ""


# --- reading -----------------------------------------------------------------------------


def window_days(session: Session, month: str) -> int:
    """``appeals.window_days`` of the plan in force for ``month`` (7 without a plan or the section)."""
    try:
        version = plan_version_for_month(session, month)
    except ServiceError:
        return DEFAULT_APPEAL_WINDOW_DAYS
    return appeal_settings(version.toml_text)[0]


def deadline(session: Session, record_date: date) -> date:
    """The last day an appeal against a record of ``record_date`` may be filed without an override."""
    return record_date + timedelta(days=window_days(session, month_of(record_date)))


def _view(a: Appeal, agent: Agent | None) -> AppealView:
    return AppealView(
        a.id, a.kind, agent.code if agent else "", agent.name if agent else "", a.record_id, a.indicator,
        a.month, a.record_date, a.record_text, a.filed, a.reason, a.override_reason, a.status, a.decided_by,
        a.decided_on, a.comment, a.decided_value, a.correction_month,
    )


def get_appeal(session: Session, appeal_id: int) -> AppealView:
    row = _get(session, appeal_id)
    return _view(row, session.get(Agent, row.agent_id))


def list_appeals(
    session: Session,
    month: str | None = None,
    *,
    status: str | None = None,
    agent_code: str | None = None,
    kind: str | None = None,
) -> list[AppealView]:
    """Appeals whose record belongs to ``month`` (all months when None), filtered, oldest first."""
    stmt = select(Appeal, Agent).join(Agent, Agent.id == Appeal.agent_id).order_by(Appeal.id)
    if month:
        stmt = stmt.where(Appeal.month == month)
    if status:
        stmt = stmt.where(Appeal.status == status)
    if kind:
        stmt = stmt.where(Appeal.kind == kind)
    if agent_code:
        stmt = stmt.where(func.lower(Agent.code) == agent_code.strip().lower())
    return [_view(a, agent) for a, agent in session.execute(stmt).all()]


def record_states(session: Session, kind: str, month: str) -> dict[int | tuple[str, str], str]:
    """The latest appeal status of each appealed record of ``month``: by record id, or for metrics
    by (agent code, indicator). The pages show it beside the record."""
    out: dict[int | tuple[str, str], str] = {}
    stmt = (select(Appeal, Agent.code).join(Agent, Agent.id == Appeal.agent_id)
            .where(Appeal.kind == kind, Appeal.month == month).order_by(Appeal.id))
    for a, code in session.execute(stmt).all():
        if kind == "metric":
            out[(code, a.indicator)] = a.status
        elif a.record_id is not None:
            out[a.record_id] = a.status
    return out


def appeal_state(session: Session, kind: str, record_id: int) -> str | None:
    """The status of the latest appeal against one record (``None``: never appealed); pages show it."""
    return session.scalar(select(Appeal.status).where(Appeal.kind == kind, Appeal.record_id == record_id)
                          .order_by(Appeal.id.desc()).limit(1))


# --- finding the record --------------------------------------------------------------------


def _entry(r: AttendanceRecord) -> Entry:
    return Entry(r.kind, r.minutes, r.days, r.note or "")


def _qa_text(e: QAEvaluation) -> str:
    return f"质检 {fmt_num(e.score)} 分{'（致命）' if e.fatal else ''}"


def _complaint_text(c: Complaint) -> str:
    return f"{LEVEL_NAMES.get(c.level, (c.level, c.level))[0]}（{c.description}）" if c.description else \
        LEVEL_NAMES.get(c.level, (c.level, c.level))[0]


def find_records(
    session: Session, kind: str, agent: Agent, record_date: date, indicator: str = ""
) -> list[FoundRecord]:
    """The records of ``agent`` an appeal of ``kind`` dated ``record_date`` can mean (none, one or more).

    A metric belongs to a month: ``record_date`` may be any day of it, and the record's date is the
    month's last day (when the month's figures are final). Overturned evaluations and complaints
    are left out: there is nothing left to appeal.
    """
    if kind == "qa":
        rows = session.scalars(select(QAEvaluation).where(
            QAEvaluation.agent_id == agent.id, QAEvaluation.date == record_date,
            QAEvaluation.status != "overturned").order_by(QAEvaluation.id))
        return [FoundRecord(e.id, e.date, month_of(e.date), _qa_text(e)) for e in rows]
    if kind == "complaint":
        rows2 = session.scalars(select(Complaint).where(
            Complaint.agent_id == agent.id, Complaint.date == record_date,
            Complaint.status != "overturned").order_by(Complaint.id))
        return [FoundRecord(c.id, c.date, month_of(c.date), _complaint_text(c)) for c in rows2]
    if kind == "attendance":
        rows3 = session.scalars(select(AttendanceRecord).where(
            AttendanceRecord.agent_id == agent.id, AttendanceRecord.date == record_date)
            .order_by(AttendanceRecord.id))
        return [FoundRecord(r.id, r.date, month_of(r.date), format_cell([_entry(r)])) for r in rows3]
    if kind == "metric":
        month = month_of(record_date)
        rows4 = session.scalars(select(KpiMetric).where(
            KpiMetric.agent_id == agent.id, KpiMetric.month == month,
            func.lower(KpiMetric.indicator) == indicator.strip().lower()))
        last = month_bounds(month)[1]
        return [FoundRecord(None, last, month, f"{m.indicator} = {fmt_num(m.value)}", m.indicator) for m in rows4]
    return []


def _record_by_id(session: Session, kind: str, agent: Agent, record_id: int) -> FoundRecord:
    found: FoundRecord | None = None
    if kind == "qa":
        e = session.get(QAEvaluation, record_id)
        if e is not None and e.agent_id == agent.id:
            found = FoundRecord(e.id, e.date, month_of(e.date), _qa_text(e))
            if e.status == "overturned":
                raise ServiceError("这条质检记录已经改判撤销，无需申诉", "this evaluation is already overturned")
    elif kind == "complaint":
        c = session.get(Complaint, record_id)
        if c is not None and c.agent_id == agent.id:
            found = FoundRecord(c.id, c.date, month_of(c.date), _complaint_text(c))
            if c.status == "overturned":
                raise ServiceError("这条投诉已是不成立，无需申诉", "this complaint is already overturned")
    elif kind == "attendance":
        r = session.get(AttendanceRecord, record_id)
        if r is not None and r.agent_id == agent.id:
            found = FoundRecord(r.id, r.date, month_of(r.date), format_cell([_entry(r)]))
    if found is None:
        raise ServiceError(
            f"{agent.code} 没有编号为 {record_id} 的{KIND_NAMES[kind][0]}记录（可能已被删除）",
            f"{agent.code} has no {KIND_NAMES[kind][1].lower()} record {record_id} (it may have been deleted)",
        )
    return found


def _check(data: AppealInput) -> None:
    zh: list[str] = []
    en: list[str] = []
    if data.kind not in KINDS:
        zh.append("请选择申诉对象（质检、投诉、考勤或指标）")
        en.append("choose what is appealed (qa, complaint, attendance or metric)")
    if not data.agent_code.strip():
        zh.append("请选择业务员（工号）")
        en.append("choose the agent")
    if data.kind == "metric" and not data.indicator.strip():
        zh.append("指标申诉须填写指标代码")
        en.append("an appeal against a metric needs the indicator")
    if not data.reason.strip():
        zh.append("请填写申诉理由")
        en.append("enter the reason for the appeal")
    for text in (data.reason, data.override_reason):
        if len(text) > TEXT_MAX:
            zh.append(f"理由最长 {TEXT_MAX} 个字符")
            en.append(f"a reason is at most {TEXT_MAX} characters")
    if zh:
        raise ValidationFailed(zh, en)


def resolve_record(session: Session, data: AppealInput) -> tuple[Agent, FoundRecord]:
    """The agent and the one record ``data`` names; refused when it names none or several."""
    _check(data)
    agent = get_agent(session, data.agent_code)
    if data.record_id is not None and data.kind != "metric":
        return agent, _record_by_id(session, data.kind, agent, data.record_id)
    found = find_records(session, data.kind, agent, data.record_date, data.indicator)
    what_zh, what_en = KIND_NAMES[data.kind]
    where_zh = f"{agent.code} {data.record_date.isoformat()}" + (f" {data.indicator}" if data.kind == "metric" else "")
    if not found:
        raise ServiceError(
            f"{where_zh} 没有可申诉的{what_zh}记录", f"{where_zh}: no {what_en.lower()} record to appeal"
        )
    if len(found) > 1:
        raise ServiceError(
            f"{where_zh} 有 {len(found)} 条{what_zh}记录，请在页面上选中要申诉的那一条",
            f"{where_zh}: {len(found)} {what_en.lower()} records match; pick the one to appeal on its page",
        )
    return agent, found[0]


# --- filing --------------------------------------------------------------------------------


class FilingRefused(ServiceError):
    """An appeal that cannot be filed; ``field`` is the input it is about (``record_date`` or ``filed``),
    so an import can name the column."""

    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__(message, message_en)
        self.field = field


def record_key(appeal_kind: str, agent_id: int, record: FoundRecord) -> tuple[object, ...]:
    """What identifies the appealed record: one pending appeal per record."""
    if appeal_kind == "metric":
        return (appeal_kind, agent_id, record.month, record.indicator)
    return (appeal_kind, agent_id, record.record_id)


def check_filing(session: Session, data: AppealInput) -> tuple[Agent, FoundRecord, date]:
    """The agent, the record and the window's last day of an appeal that may be filed; refused
    (:class:`FilingRefused`) when it names no record or several, the record already has a pending
    appeal, or the window has closed and no override reason is given."""
    try:
        agent, record = resolve_record(session, data)
    except (ValidationFailed, FilingRefused):
        raise
    except ServiceError as exc:
        raise FilingRefused("record_date", exc.text("zh"), exc.text("en")) from None
    if data.filed < record.record_date:
        raise FilingRefused(
            "filed",
            f"申诉日期 {data.filed.isoformat()} 早于记录日期 {record.record_date.isoformat()}",
            f"the filing date {data.filed.isoformat()} is before the record's date {record.record_date.isoformat()}",
        )
    same = select(Appeal.id).where(Appeal.kind == data.kind, Appeal.agent_id == agent.id, Appeal.status == "pending")
    same = (same.where(Appeal.month == record.month, Appeal.indicator == record.indicator)
            if data.kind == "metric" else same.where(Appeal.record_id == record.record_id))
    other = session.scalar(same)
    if other is not None:
        raise FilingRefused("record_date", f"这条记录已有待处理的申诉 #{other}",
                            f"this record already has a pending appeal #{other}")
    last_day = deadline(session, record.record_date)
    if data.filed > last_day and not data.override_reason.strip():
        raise FilingRefused(
            "filed",
            f"申诉期已过：记录日期 {record.record_date.isoformat()}，申诉截止 {last_day.isoformat()}。"
            "如确需受理，请填写超期受理原因（会记入操作日志）。",
            f"the appeal window has closed: the record is dated {record.record_date.isoformat()} and appeals "
            f"closed on {last_day.isoformat()}. To accept it anyway, give an override reason (kept in the audit log).",
        )
    return agent, record, last_day


def file_appeal(session: Session, data: AppealInput) -> AppealView:
    """File an appeal (申诉). A locked month's record may be appealed too (§11: a correction follows)."""
    claim_write_lock(session)
    require_role(session, ("clerk",), Text("登记申诉", "file an appeal"))  # §10: records are the clerk's
    agent, record, last_day = check_filing(session, data)
    late = data.filed > last_day
    row = Appeal(
        kind=data.kind, record_id=record.record_id, agent_id=agent.id, month=record.month,
        indicator=record.indicator, record_date=record.record_date, record_text=record.text, filed=data.filed,
        reason=data.reason.strip(), override_reason=data.override_reason.strip() if late else "", status="pending",
    )
    session.add(row)
    session.flush()
    snapshot = {"kind": row.kind, "agent": agent.code, "record": row.record_text,
                "record_date": row.record_date.isoformat(), "filed": row.filed.isoformat(), "reason": row.reason}
    audit(session, "appeal.file", entity="appeal", key=str(row.id), after=snapshot)
    if late:
        audit(session, "appeal.late", entity="appeal", key=str(row.id),
              after={"deadline": last_day.isoformat(), "filed": row.filed.isoformat()}, reason=row.override_reason)
    return _view(row, agent)


def _input_of(row: AppealRow) -> AppealInput:
    return AppealInput(row.record, row.code, row.record_date, row.filed, row.reason, indicator=row.indicator,
                       override_reason=row.override_reason)


def appeal_import_problems(session: Session, rows: Sequence[AppealRow]) -> list[tuple[int, str, str, str]]:
    """Each import row that cannot be filed: (row, column key, reason zh, reason en). A row matching no
    record or two, one whose record already has a pending appeal (here or earlier in the file), or one
    filed late without an override reason."""
    problems: list[tuple[int, str, str, str]] = []
    seen: dict[tuple[object, ...], int] = {}
    for row in rows:
        try:
            agent, record, _last = check_filing(session, _input_of(row))
        except FilingRefused as exc:
            problems.append((row.row, exc.field, exc.text("zh"), exc.text("en")))
            continue
        except ServiceError as exc:
            problems.append((row.row, "record", exc.text("zh"), exc.text("en")))
            continue
        key = record_key(row.record, agent.id, record)
        if key in seen:
            problems.append((row.row, "record_date", f"与第 {seen[key]} 行申诉的是同一条记录",
                             f"appeals the same record as row {seen[key]}"))
        else:
            seen[key] = row.row
    return problems


def file_imported(session: Session, rows: Sequence[AppealRow]) -> None:
    """File every row of a checked ``appeals`` import (:func:`appeal_import_problems` found none)."""
    for row in rows:
        file_appeal(session, _input_of(row))


# --- deciding ------------------------------------------------------------------------------


def _get(session: Session, appeal_id: int) -> Appeal:
    row = session.get(Appeal, appeal_id, populate_existing=True)
    if row is None:
        raise ServiceError(f"没有编号为 {appeal_id} 的申诉", f"there is no appeal {appeal_id}")
    return row


def _attendance_record(session: Session, appeal: Appeal) -> AttendanceRecord | None:
    """The appealed attendance record. Rewriting a grid cell gives its records new ids, so when the id is
    gone the record is found again by agent, day and what it said."""
    if appeal.record_id is not None:
        rec = session.get(AttendanceRecord, appeal.record_id)
        if rec is not None and rec.agent_id == appeal.agent_id:
            return rec
    for rec in session.scalars(select(AttendanceRecord).where(
            AttendanceRecord.agent_id == appeal.agent_id, AttendanceRecord.date == appeal.record_date)
            .order_by(AttendanceRecord.id)):
        if format_cell([_entry(rec)]) == appeal.record_text:
            return rec
    return None


def _gone(appeal: Appeal) -> ServiceError:
    return ServiceError(
        f"申诉 #{appeal.id} 所针对的记录（{appeal.record_text}）已不存在，不能判为成立；可驳回并在备注中说明",
        f"the record appeal #{appeal.id} names ({appeal.record_text}) no longer exists; it cannot be upheld "
        "(reject it and say why in the comment)",
    )


def _apply_open(session: Session, appeal: Appeal, agent: Agent, value: Decimal | None, comment: str) -> None:
    """Upheld in an open month: the same service calls (and checks) as a manual edit."""
    if appeal.kind == "qa":
        assert appeal.record_id is not None
        overturn_evaluation(session, appeal.record_id, f"申诉 #{appeal.id} 成立：{comment}")
    elif appeal.kind == "complaint":
        assert appeal.record_id is not None
        set_complaint_status(session, appeal.record_id, "overturned")
    elif appeal.kind == "attendance":
        rec = _attendance_record(session, appeal)
        if rec is None:
            raise _gone(appeal)
        others = [_entry(r) for r in session.scalars(select(AttendanceRecord).where(
            AttendanceRecord.agent_id == agent.id, AttendanceRecord.date == rec.date,
            AttendanceRecord.id != rec.id).order_by(AttendanceRecord.id))]
        appeal.record_id = None  # the cell's records are written again: the voided one is gone
        set_cells(session, appeal.month, {(agent.code, rec.date): tuple(others)}, action="attendance.void")
    else:
        set_metric(session, appeal.month, agent.code, appeal.indicator, value)


def _apply_directly(session: Session, appeal: Appeal, value: Decimal | None) -> None:
    """The decision written straight into a locked month's records — only inside a savepoint that is
    rolled back (:func:`_correct_locked_month`): the locked month itself never changes."""
    if appeal.kind == "qa":
        session.execute(update(QAEvaluation).where(QAEvaluation.id == appeal.record_id).values(status="overturned"))
    elif appeal.kind == "complaint":
        session.execute(update(Complaint).where(Complaint.id == appeal.record_id).values(status="overturned"))
    elif appeal.kind == "attendance":
        rec = _attendance_record(session, appeal)
        if rec is None:
            raise _gone(appeal)
        session.delete(rec)
    else:
        metric = session.scalar(select(KpiMetric).where(
            KpiMetric.agent_id == appeal.agent_id, KpiMetric.month == appeal.month,
            KpiMetric.indicator == appeal.indicator))
        if metric is None:
            raise _gone(appeal)
        if value is None:
            session.delete(metric)
        else:
            metric.value = value
    session.flush()


def next_open_month(session: Session, month: str) -> str:
    """The first month after ``month`` that is not locked."""
    later = next_month(month)
    while month_status(session, later) == "locked":
        later = next_month(later)
    return later


def _line_sums(lines: Sequence[tuple[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for code, amount in lines:
        out[code] = out.get(code, ZERO) + amount
    return out


def _correct_locked_month(session: Session, appeal: Appeal, value: Decimal | None) -> tuple[Correction, ...]:
    """Compute the locked month as if the decision had been there, write nothing to it, and turn each
    agent's difference in net into a 申诉更正 adjustment of the next open month."""
    from app.services.payroll import compute_unstored, show_month  # payroll imports nothing of this module

    month = appeal.month
    stored = {a.code: a for a in show_month(session, month).agents}
    target = next_open_month(session, month)
    savepoint = session.begin_nested()
    try:
        _apply_directly(session, appeal, value)
        # What locking recorded (clawbacks taken in this month) is put back as it was before the lock,
        # so that the recomputation sees the records the month was calculated from.
        session.execute(update(Policy).where(Policy.clawed_month == month).values(clawed_month=None))
        fresh = compute_unstored(session, month)
    finally:
        savepoint.rollback()
    session.expire_all()
    ids = dict(session.execute(select(Agent.code, Agent.id)).all())
    corrections: list[Correction] = []
    for agent in sorted(fresh.agents, key=lambda a: a.code):
        old = stored.get(agent.code)
        old_net = old.net if old is not None else ZERO
        diff = agent.net - old_net
        if diff == 0:
            continue
        before = _line_sums([(x.code, x.amount) for x in old.lines] if old is not None else [])
        after = _line_sums([(x.code, x.amount) for x in agent.lines])
        changed = [
            f"{LINE_LABELS.get(code, (code, code))[0]} {fmt_money(before.get(code, ZERO))} → "
            f"{fmt_money(after.get(code, ZERO))}"
            for code in LINE_LABELS if before.get(code, ZERO) != after.get(code, ZERO)
        ]
        reason = f"{month} 申诉 #{appeal.id} 更正：" + "；".join(changed)
        session.add(Adjustment(agent_id=ids[agent.code], month=target, amount=diff,
                               category=APPEAL_CORRECTION_CATEGORY, reason=reason))
        corrections.append(Correction(agent.code, target, diff, reason))
    session.flush()
    for c in corrections:
        audit(session, "adjustment.add", entity="adjustment", key=c.agent_code,
              after={"agent": c.agent_code, "month": c.month, "amount": str(c.amount),
                     "category": APPEAL_CORRECTION_CATEGORY, "reason": c.reason})
    appeal.correction_month = target
    return tuple(corrections)


def decide_appeal(
    session: Session,
    appeal_id: int,
    *,
    upheld: bool,
    comment: str,
    value: Decimal | str | None = None,
    decided_by: str = "",
    decided_on: date | None = None,
) -> Decision:
    """Decide a pending appeal: upheld (the record changes, or a locked month is corrected) or rejected."""
    claim_write_lock(session)
    signed_in = require_role(session, ("clerk",), Text("处理申诉", "decide an appeal"))  # §10, as any record change
    if signed_in:
        decided_by = signed_in  # the signed-in user decides, whatever the caller named
    comment = comment.strip()
    if not comment:
        raise ValidationFailed(["请填写处理意见"], ["enter a comment on the decision"])
    if len(comment) > TEXT_MAX:
        raise ValidationFailed([f"处理意见最长 {TEXT_MAX} 个字符"], [f"the comment is at most {TEXT_MAX} characters"])
    appeal = _get(session, appeal_id)
    if appeal.status != "pending":
        raise ServiceError(
            f"申诉 #{appeal.id} 已处理（{STATUS_NAMES[appeal.status][0]}），不能再改",
            f"appeal #{appeal.id} was already decided ({appeal.status})",
        )
    agent = session.get(Agent, appeal.agent_id)
    assert agent is not None
    number: Decimal | None = None
    if upheld and appeal.kind == "metric":
        number = parse_metric(value)
        if number is None:
            raise ValidationFailed(["指标申诉成立时须填写改定的数值"],
                                   ["an upheld metric appeal needs the decided value (--value)"])
    elif value is not None and str(value).strip():
        raise ValidationFailed(["只有指标申诉成立时才填写数值"], ["a value is only given for an upheld metric appeal"])
    corrections: tuple[Correction, ...] = ()
    if upheld:
        if month_status(session, appeal.month) == "locked":
            corrections = _correct_locked_month(session, appeal, number)
        else:
            _apply_open(session, appeal, agent, number, comment)
        # §10: the records (or the correction's month) changed, so that month's sign-offs are void
        note_months(session, [c.month for c in corrections] or [appeal.month])
    appeal.status = "upheld" if upheld else "rejected"
    appeal.comment = comment
    appeal.decided_by = decided_by.strip()
    appeal.decided_on = decided_on or date.today()
    appeal.decided_value = number
    session.flush()
    audit(session, "appeal.decide", entity="appeal", key=str(appeal.id), before="pending",
          after={"status": appeal.status, "value": fmt_num(number) if number is not None else "",
                 "correction_month": appeal.correction_month or ""}, reason=comment)
    return Decision(_view(appeal, agent), corrections)
