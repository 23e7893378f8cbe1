"""Rewards and penalties (奖惩): complaints, praise, manual adjustments and the monthly KPI metrics.

One function per user action, each refused when it touches a locked month (docs/pay-rules.md §4):
complaints and praise belong to the month of their date, adjustments and metrics to their
``month``. Editing a record checks both the month it leaves and the month it moves to, so a
locked month can never lose or gain a record. Every change goes to the audit log.

The KPI metrics are kept as a month grid (agents × the plan's ``source = "metric"``
indicators, docs/pay-rules.md §3.5) because that is how the telephony report arrives and how the
manager corrects it; a missing value means "leave the indicator out", so clearing a cell
deletes the row rather than storing 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.engine.adjustments import APPEAL_CORRECTION_CATEGORY
from app.engine.facts import COMPLAINT_LEVELS, COMPLAINT_STATUSES
from app.fields import CATEGORY_MAX, TEXT_MAX
from app.money import D, MoneyError, check_money, fmt_num, parse_money
from app.services.agents import SheetAgent, agents_by_code, get_agent, sheet_agents
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.months import ensure_open, month_of
from app.services.plans import plan_for_month
from app.services.record_versions import check_version
from app.text import Text
from db.models import Adjustment, Agent, Complaint, KpiMetric, Praise

LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "hotline": ("热线投诉", "Hotline"),
    "city": ("市级投诉", "City"),
    "province": ("省级及以上", "Province or above"),
}
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "pending": ("待定", "Pending"),
    "upheld": ("成立", "Upheld"),
    "overturned": ("不成立", "Overturned"),
}
# The usual kinds of adjustment (docs/pay-rules.md §3.8); any other short text is accepted too.
ADJUSTMENT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("补发", "Back pay"),
    ("追回", "Recovery"),
    ("其他", "Other"),
)
DESCRIPTION_MAX = TEXT_MAX  # CATEGORY_MAX and TEXT_MAX (app.fields) limit the imports too


def _month_ok(month: str) -> bool:
    if len(month) != 7 or month[4] != "-":
        return False
    try:
        month_bounds(month)
    except ValueError:
        return False
    return True


def _agent_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {a.id: (a.code, a.name) for a in session.scalars(select(Agent).where(Agent.id.in_(wanted)))}


# --- complaints (投诉) --------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintInput:
    agent_code: str
    date: date
    level: str
    status: str = "upheld"
    description: str = ""


@dataclass(frozen=True)
class ComplaintView:
    id: int
    agent_code: str
    agent_name: str
    date: date
    level: str
    status: str
    description: str
    version: int = 1  # what the form sends back to save (app.services.record_versions)


def check_complaint(data: ComplaintInput) -> tuple[list[str], list[str]]:
    """Field problems in Chinese and English (no database needed, so forms can check as you type)."""
    zh: list[str] = []
    en: list[str] = []
    if not data.agent_code.strip():
        zh.append("请选择业务员（工号）")
        en.append("choose the agent")
    if data.level not in COMPLAINT_LEVELS:
        zh.append("请选择投诉级别")
        en.append("choose the complaint level")
    if data.status not in COMPLAINT_STATUSES:
        zh.append("请选择投诉状态")
        en.append("choose the complaint status")
    if len(data.description) > DESCRIPTION_MAX:
        zh.append(f"说明最长 {DESCRIPTION_MAX} 个字符")
        en.append(f"the description is at most {DESCRIPTION_MAX} characters")
    return zh, en


def _complaint_view(c: Complaint, names: dict[int, tuple[str, str]]) -> ComplaintView:
    code, name = names.get(c.agent_id, ("", ""))
    return ComplaintView(c.id, code, name, c.date, c.level, c.status, c.description, c.version)


def _complaint_snapshot(session: Session, c: Complaint) -> dict[str, object]:
    agent = session.get(Agent, c.agent_id)
    return {
        "agent": agent.code if agent else "",
        "date": c.date.isoformat(),
        "level": c.level,
        "status": c.status,
        "description": c.description,
    }


def list_complaints(session: Session, month: str) -> list[ComplaintView]:
    """Complaints dated in ``month`` (every status: an overturned one stays on record)."""
    first, last = month_bounds(month)
    rows = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.date >= first, Complaint.date <= last)
            .order_by(Complaint.date, Complaint.id)
        )
    )
    names = _agent_names(session, (r.agent_id for r in rows))
    return [_complaint_view(r, names) for r in rows]


def _get_complaint(session: Session, complaint_id: int) -> Complaint:
    row = session.get(Complaint, complaint_id)
    if row is None:
        raise ServiceError(
            "该投诉记录已不存在（可能已被删除）", "the complaint no longer exists (it may have been deleted)"
        )
    return row


def add_complaint(session: Session, data: ComplaintInput) -> ComplaintView:
    zh, en = check_complaint(data)
    if zh:
        raise ValidationFailed(zh, en)
    ensure_open(session, month_of(data.date))
    agent = get_agent(session, data.agent_code)
    row = Complaint(
        agent_id=agent.id,
        date=data.date,
        level=data.level,
        status=data.status,
        description=data.description.strip(),
    )
    session.add(row)
    session.flush()
    audit(
        session, "complaint.add", entity="complaint", key=str(row.id), after=_complaint_snapshot(session, row)
    )
    return _complaint_view(row, {agent.id: (agent.code, agent.name)})


def edit_complaint(
    session: Session, complaint_id: int, data: ComplaintInput, *, expected_version: int | None = None
) -> ComplaintView:
    """``expected_version``: the version the form showed; a complaint changed since is refused."""
    zh, en = check_complaint(data)
    if zh:
        raise ValidationFailed(zh, en)
    row = _get_complaint(session, complaint_id)
    check_version(row, expected_version, Text(f"投诉 #{row.id} ", f"complaint #{row.id}"))
    ensure_open(session, month_of(row.date))
    ensure_open(session, month_of(data.date))
    agent = get_agent(session, data.agent_code)
    before = _complaint_snapshot(session, row)
    row.agent_id, row.date, row.level, row.status = agent.id, data.date, data.level, data.status
    row.description = data.description.strip()
    session.flush()
    after = _complaint_snapshot(session, row)
    if after != before:
        audit(session, "complaint.edit", entity="complaint", key=str(row.id), before=before, after=after)
    return _complaint_view(row, {agent.id: (agent.code, agent.name)})


def set_complaint_status(session: Session, complaint_id: int, status: str) -> ComplaintView:
    """Record the outcome of an appeal: only ``upheld`` complaints cost money (docs/pay-rules.md §3.7)."""
    if status not in COMPLAINT_STATUSES:
        raise ValidationFailed(["请选择投诉状态"], ["choose the complaint status"])
    row = _get_complaint(session, complaint_id)
    ensure_open(session, month_of(row.date))
    before = _complaint_snapshot(session, row)
    if row.status != status:
        row.status = status
        session.flush()
        audit(
            session,
            "complaint.status",
            entity="complaint",
            key=str(row.id),
            before=before,
            after=_complaint_snapshot(session, row),
        )
    return _complaint_view(row, _agent_names(session, [row.agent_id]))


def delete_complaint(session: Session, complaint_id: int) -> None:
    row = _get_complaint(session, complaint_id)
    ensure_open(session, month_of(row.date))
    before = _complaint_snapshot(session, row)
    session.delete(row)
    session.flush()
    audit(session, "complaint.delete", entity="complaint", key=str(complaint_id), before=before)


# --- praise (表扬) ------------------------------------------------------------------------


@dataclass(frozen=True)
class PraiseInput:
    agent_code: str
    date: date
    description: str = ""


@dataclass(frozen=True)
class PraiseView:
    id: int
    agent_code: str
    agent_name: str
    date: date
    description: str


def check_praise(data: PraiseInput) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    if not data.agent_code.strip():
        zh.append("请选择业务员（工号）")
        en.append("choose the agent")
    if len(data.description) > DESCRIPTION_MAX:
        zh.append(f"说明最长 {DESCRIPTION_MAX} 个字符")
        en.append(f"the description is at most {DESCRIPTION_MAX} characters")
    return zh, en


def list_praise(session: Session, month: str) -> list[PraiseView]:
    first, last = month_bounds(month)
    rows = list(
        session.scalars(
            select(Praise).where(Praise.date >= first, Praise.date <= last).order_by(Praise.date, Praise.id)
        )
    )
    names = _agent_names(session, (r.agent_id for r in rows))
    return [PraiseView(r.id, *names.get(r.agent_id, ("", "")), r.date, r.description) for r in rows]


def add_praise(session: Session, data: PraiseInput) -> PraiseView:
    zh, en = check_praise(data)
    if zh:
        raise ValidationFailed(zh, en)
    ensure_open(session, month_of(data.date))
    agent = get_agent(session, data.agent_code)
    row = Praise(agent_id=agent.id, date=data.date, description=data.description.strip())
    session.add(row)
    session.flush()
    audit(
        session,
        "praise.add",
        entity="praise",
        key=str(row.id),
        after={"agent": agent.code, "date": row.date.isoformat(), "description": row.description},
    )
    return PraiseView(row.id, agent.code, agent.name, row.date, row.description)


def delete_praise(session: Session, praise_id: int) -> None:
    row = session.get(Praise, praise_id)
    if row is None:
        raise ServiceError("该表扬记录已不存在（可能已被删除）", "the praise record no longer exists")
    ensure_open(session, month_of(row.date))
    agent = session.get(Agent, row.agent_id)
    before = {
        "agent": agent.code if agent else "",
        "date": row.date.isoformat(),
        "description": row.description,
    }
    session.delete(row)
    session.flush()
    audit(session, "praise.delete", entity="praise", key=str(praise_id), before=before)


# --- adjustments (调整) -------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentInput:
    """A manual line on one agent's pay: positive pays more (补发), negative recovers (追回).

    ``amount`` is ``None`` while the form's amount field is not a number.
    """

    agent_code: str
    month: str
    amount: Decimal | None
    category: str
    reason: str


@dataclass(frozen=True)
class AdjustmentView:
    id: int
    agent_code: str
    agent_name: str
    month: str
    amount: Decimal
    category: str
    reason: str
    version: int = 1  # what the form sends back to save (app.services.record_versions)


def check_adjustment(data: AdjustmentInput) -> tuple[list[str], list[str]]:
    """Field problems; the reason is required because it is printed on the payslip as the line's text."""
    zh: list[str] = []
    en: list[str] = []
    if not data.agent_code.strip():
        zh.append("请选择业务员（工号）")
        en.append("choose the agent")
    if not _month_ok(data.month):
        zh.append("月份格式应为 YYYY-MM")
        en.append("the month must be written YYYY-MM")
    if data.amount is None or not data.amount.is_finite():
        zh.append("金额请填写数字（补发为正，追回为负）")
        en.append("enter the amount as a number (positive to pay, negative to recover)")
    elif data.amount == 0:
        zh.append("金额不能为 0（补发为正，追回为负）")
        en.append("the amount must not be 0 (positive to pay, negative to recover)")
    else:
        try:
            check_money(data.amount)
        except MoneyError as exc:  # 10.005 would be paid as 10.01: refused, never rounded
            zh.append(exc.message)
            en.append(exc.message_en)
    if len(data.category.strip()) > CATEGORY_MAX:
        zh.append(f"类别最长 {CATEGORY_MAX} 个字符")
        en.append(f"the category is at most {CATEGORY_MAX} characters")
    if not data.reason.strip():
        zh.append("原因不能为空（会打印在工资条上）")
        en.append("a reason is required (it is printed on the payslip)")
    elif len(data.reason) > DESCRIPTION_MAX:
        zh.append(f"原因最长 {DESCRIPTION_MAX} 个字符")
        en.append(f"the reason is at most {DESCRIPTION_MAX} characters")
    return zh, en


def _adjustment_snapshot(session: Session, row: Adjustment) -> dict[str, object]:
    agent = session.get(Agent, row.agent_id)
    return {
        "agent": agent.code if agent else "",
        "month": row.month,
        "amount": str(row.amount),
        "category": row.category,
        "reason": row.reason,
    }


def list_adjustments(session: Session, month: str) -> list[AdjustmentView]:
    rows = list(session.scalars(select(Adjustment).where(Adjustment.month == month).order_by(Adjustment.id)))
    names = _agent_names(session, (r.agent_id for r in rows))
    return [
        AdjustmentView(r.id, *names.get(r.agent_id, ("", "")), r.month, r.amount, r.category, r.reason, r.version)
        for r in rows
    ]


def _clean_adjustment(data: AdjustmentInput) -> AdjustmentInput:
    zh, en = check_adjustment(data)
    if zh:
        raise ValidationFailed(zh, en)
    assert data.amount is not None
    return AdjustmentInput(
        data.agent_code.strip(), data.month, D(data.amount), data.category.strip(), data.reason.strip()
    )


def add_adjustment(session: Session, data: AdjustmentInput) -> AdjustmentView:
    clean = _clean_adjustment(data)
    _refuse_appeal_correction(clean.category)
    ensure_open(session, clean.month)
    agent = get_agent(session, clean.agent_code)
    assert clean.amount is not None
    row = Adjustment(
        agent_id=agent.id,
        month=clean.month,
        amount=clean.amount,
        category=clean.category,
        reason=clean.reason,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        "adjustment.add",
        entity="adjustment",
        key=str(row.id),
        after=_adjustment_snapshot(session, row),
    )
    return AdjustmentView(row.id, agent.code, agent.name, row.month, row.amount, row.category, row.reason,
                          row.version)


def _get_adjustment(session: Session, adjustment_id: int) -> Adjustment:
    row = session.get(Adjustment, adjustment_id)
    if row is None:
        raise ServiceError("该调整记录已不存在（可能已被删除）", "the adjustment no longer exists")
    _refuse_appeal_correction(row.category)
    return row


def _refuse_appeal_correction(category: str) -> None:
    """A 申诉更正 adjustment is what an upheld appeal of a locked month computed (docs/pay-rules.md §11):
    changing it by hand would make it disagree with the appeal and the locked month it corrects."""
    if category.strip() == APPEAL_CORRECTION_CATEGORY:
        raise ServiceError(
            f"“{APPEAL_CORRECTION_CATEGORY}”调整由申诉处理自动生成（按已锁定月份重新计算的差额），不能手工新增、修改或删除；"
            "如有错误，请另录一条其他类别的调整",
            f'"{APPEAL_CORRECTION_CATEGORY}" (appeal correction) adjustments are written by an upheld appeal '
            "(the difference the locked month's recomputation gave) and cannot be added, edited or deleted by "
            "hand; enter another adjustment of a different category to correct one",
        )


def edit_adjustment(
    session: Session, adjustment_id: int, data: AdjustmentInput, *, expected_version: int | None = None
) -> AdjustmentView:
    """``expected_version``: the version the form showed; an adjustment changed since is refused."""
    clean = _clean_adjustment(data)
    _refuse_appeal_correction(clean.category)
    row = _get_adjustment(session, adjustment_id)
    check_version(row, expected_version, Text(f"调整项 #{row.id} ", f"adjustment #{row.id}"))
    ensure_open(session, row.month)
    ensure_open(session, clean.month)
    agent = get_agent(session, clean.agent_code)
    assert clean.amount is not None
    before = _adjustment_snapshot(session, row)
    row.agent_id, row.month, row.amount = agent.id, clean.month, clean.amount
    row.category, row.reason = clean.category, clean.reason
    session.flush()
    after = _adjustment_snapshot(session, row)
    if after != before:
        audit(session, "adjustment.edit", entity="adjustment", key=str(row.id), before=before, after=after)
    return AdjustmentView(row.id, agent.code, agent.name, row.month, row.amount, row.category, row.reason,
                          row.version)


def delete_adjustment(session: Session, adjustment_id: int) -> None:
    row = _get_adjustment(session, adjustment_id)
    ensure_open(session, row.month)
    before = _adjustment_snapshot(session, row)
    session.delete(row)
    session.flush()
    audit(session, "adjustment.delete", entity="adjustment", key=str(adjustment_id), before=before)


def parse_amount(text: str) -> Decimal | None:
    """A signed amount typed in a form (app.money.parse_money), or ``None`` when it is not money;
    the form shows :class:`~app.money.MoneyError`'s words for it."""
    try:
        return parse_money(text)
    except MoneyError:
        return None


# --- KPI metrics (绩效指标) -----------------------------------------------------------------


@dataclass(frozen=True)
class MetricColumn:
    """An indicator fed by a monthly metric. ``is_rate`` marks a share (target ≤ 1, e.g. 95%):
    the grid shows such values as percentages, which is how the telephony report prints them."""

    code: str
    name: str
    target: Decimal
    better: str
    weight: Decimal
    step: Decimal

    @property
    def is_rate(self) -> bool:
        return Decimal(0) < self.target <= Decimal(1) and self.step < Decimal(1)


@dataclass(frozen=True)
class MetricsGrid:
    """The month's metrics: ``values[(agent_code, indicator)]``; a missing key is an empty cell."""

    month: str
    indicators: tuple[MetricColumn, ...]
    agents: tuple[SheetAgent, ...]
    values: dict[tuple[str, str], Decimal]


def metric_indicators(session: Session, month: str) -> tuple[MetricColumn, ...]:
    """The plan's indicators whose value is a monthly metric (``source = "metric"``; QA comes from 质检)."""
    plan = plan_for_month(session, month)[1]
    return tuple(
        MetricColumn(i.code, i.name, i.target, i.better, i.weight, i.step)
        for i in plan.all_indicators()  # schema 2: the scopes' own indicators too
        if i.source == "metric"
    )


def metrics_grid(session: Session, month: str) -> MetricsGrid:
    """Agents in the month's payroll (employed on any day of it) × the metric indicators.

    An agent outside the payroll who still has a stored value is listed too, so that no value is
    hidden from the manager (the engine ignores it).
    """
    indicators = metric_indicators(session, month)
    codes = {c.code for c in indicators}
    rows = list(session.scalars(select(KpiMetric).where(KpiMetric.month == month)))
    code_of, agents = sheet_agents(session, *month_bounds(month), (r.agent_id for r in rows))
    values = {(code_of[r.agent_id], r.indicator): r.value for r in rows if r.indicator in codes}
    return MetricsGrid(month, indicators, agents, values)


def parse_metric(value: Decimal | str | None) -> Decimal | None:
    """A cell's value: a number or percentage text (``"95%"`` → 0.95); empty text means no value.

    Raises :class:`ValidationFailed` with a plain reason when the text is not a number.
    """
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number = D(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(
            [f"“{value}” 不是数字或百分比（例如 95% 或 0.95）"],
            [f'"{value}" is not a number or percentage (e.g. 95% or 0.95)'],
        ) from None
    if not number.is_finite():
        raise ValidationFailed([f"“{value}” 不是数字"], [f'"{value}" is not a number'])
    return number


@dataclass(frozen=True)
class MetricCell:
    """One value to write: ``None`` (or empty text) deletes the cell's value."""

    agent_code: str
    indicator: str
    value: Decimal | str | None


def set_metrics(
    session: Session, month: str, cells: Sequence[MetricCell]
) -> dict[tuple[str, str], Decimal | None]:
    """Write a block of cells all or nothing: every cell is checked before anything is written.

    This is what a paste from Excel needs — one bad cell must not leave half a block behind.
    Returns the stored value per (agent code, indicator).
    """
    ensure_open(session, month)
    indicators = {c.code for c in metric_indicators(session, month)}
    agents = agents_by_code(session, {c.agent_code for c in cells})
    zh: list[str] = []
    en: list[str] = []
    parsed: list[tuple[Agent, str, Decimal | None]] = []
    for cell in cells:
        agent = agents.get(cell.agent_code)
        if agent is None:
            zh.append(f"没有工号为 {cell.agent_code} 的人员")
            en.append(f"no agent with code {cell.agent_code}")
            continue
        if cell.indicator not in indicators:
            zh.append(f"指标 {cell.indicator} 不在 {month} 适用的方案中（或不是月度指标）")
            en.append(f"indicator {cell.indicator} is not a metric of the plan in force for {month}")
            continue
        try:
            parsed.append((agent, cell.indicator, parse_metric(cell.value)))
        except ValidationFailed as exc:
            zh.append(f"{cell.agent_code} / {cell.indicator}：{exc.problems[0]}")
            en.append(f"{cell.agent_code} / {cell.indicator}: {exc.problems_en[0]}")
    if zh:
        raise ValidationFailed(zh, en)
    # The same cell twice in one block: the last one wins (a delete and re-insert of one key in
    # a single flush would trip the unique constraint).
    parsed = list(
        {(agent.id, indicator): (agent, indicator, number) for agent, indicator, number in parsed}.values()
    )
    existing = {
        (m.agent_id, m.indicator): m
        for m in session.scalars(select(KpiMetric).where(KpiMetric.month == month))
    }
    stored: dict[tuple[str, str], Decimal | None] = {}
    for agent, indicator, number in parsed:
        key = f"{agent.code}/{month}/{indicator}"
        old = existing.get((agent.id, indicator))
        if number is None:
            if old is not None:
                audit(session, "metric.delete", entity="kpi_metric", key=key, before=fmt_num(old.value))
                session.delete(old)
                del existing[(agent.id, indicator)]
        elif old is None:
            row = KpiMetric(agent_id=agent.id, month=month, indicator=indicator, value=number)
            session.add(row)
            existing[(agent.id, indicator)] = row
            audit(session, "metric.set", entity="kpi_metric", key=key, after=fmt_num(number))
        elif old.value != number:
            audit(
                session,
                "metric.set",
                entity="kpi_metric",
                key=key,
                before=fmt_num(old.value),
                after=fmt_num(number),
            )
            old.value = number
        stored[(agent.code, indicator)] = number
    session.flush()
    return stored


def set_metric(
    session: Session, month: str, agent_code: str, indicator: str, value: Decimal | str | None
) -> Decimal | None:
    """Set one agent's value of one indicator for ``month``; ``None`` or empty text deletes it."""
    return set_metrics(session, month, [MetricCell(agent_code, indicator, value)])[(agent_code, indicator)]
