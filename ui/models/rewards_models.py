"""Tables of the rewards page (奖惩): complaints, praise and adjustments, as column descriptions."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.i18n import tr
from app.money import fmt_money, fmt_num
from app.services.periods import TargetProgress
from app.services.rewards import LEVEL_NAMES, STATUS_NAMES, AdjustmentView, ComplaintView, PraiseView
from ui.models.sales_table import Column, RecordsModel, RecordsProxy

LEVEL_ORDER = {code: i for i, code in enumerate(LEVEL_NAMES)}
STATUS_ORDER = {code: i for i, code in enumerate(STATUS_NAMES)}


def level_text(level: str) -> str:
    zh, en = LEVEL_NAMES.get(level, (level, level))
    return tr(zh, en)


def complaint_status_text(status: str) -> str:
    zh, en = STATUS_NAMES.get(status, (status, status))
    return tr(zh, en)


COMPLAINT_COLUMNS: tuple[Column, ...] = (
    Column("date", "日期", "Date", lambda c: c.date.isoformat(), sort=lambda c: c.date),
    Column("agent_code", "工号", "Code", lambda c: c.agent_code),
    Column("agent_name", "姓名", "Name", lambda c: c.agent_name),
    Column("level", "级别", "Level", lambda c: level_text(c.level), sort=lambda c: LEVEL_ORDER.get(c.level)),
    Column(
        "status",
        "状态",
        "Status",
        lambda c: complaint_status_text(c.status),
        sort=lambda c: STATUS_ORDER.get(c.status),
        tip=lambda c: (
            tr("只有“成立”的投诉扣款", "only upheld complaints cost money") if c.status != "upheld" else None
        ),
    ),
    Column(
        "description", "说明", "Description", lambda c: c.description, tip=lambda c: c.description or None
    ),
)

PRAISE_COLUMNS: tuple[Column, ...] = (
    Column("date", "日期", "Date", lambda p: p.date.isoformat(), sort=lambda p: p.date),
    Column("agent_code", "工号", "Code", lambda p: p.agent_code),
    Column("agent_name", "姓名", "Name", lambda p: p.agent_name),
    Column(
        "description", "说明", "Description", lambda p: p.description, tip=lambda p: p.description or None
    ),
)

ADJUSTMENT_COLUMNS: tuple[Column, ...] = (
    Column("agent_code", "工号", "Code", lambda a: a.agent_code),
    Column("agent_name", "姓名", "Name", lambda a: a.agent_name),
    Column("amount", "金额", "Amount", lambda a: fmt_money(a.amount), sort=lambda a: a.amount, numeric=True),
    Column("category", "类别", "Category", lambda a: a.category),
    Column("reason", "原因", "Reason", lambda a: a.reason, tip=lambda a: a.reason or None),
)


class ComplaintsModel(RecordsModel):
    """Overturned complaints stay listed (the appeal's outcome is on record) but greyed out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            COMPLAINT_COLUMNS, key=lambda c: c.id, muted=lambda c: c.status == "overturned", parent=parent
        )

    def complaint(self, row: int) -> ComplaintView:
        record = self.record(row)
        assert isinstance(record, ComplaintView)
        return record


class PraiseModel(RecordsModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PRAISE_COLUMNS, key=lambda p: p.id, parent=parent)

    def praise(self, row: int) -> PraiseView:
        record = self.record(row)
        assert isinstance(record, PraiseView)
        return record


class AdjustmentsModel(RecordsModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ADJUSTMENT_COLUMNS, key=lambda a: a.id, parent=parent)

    def adjustment(self, row: int) -> AdjustmentView:
        record = self.record(row)
        assert isinstance(record, AdjustmentView)
        return record


def records_proxy(parent: QObject | None = None) -> RecordsProxy:
    """Search by agent code/name and the free text of the record."""
    return RecordsProxy((), parent)


def _actual_text(p: TargetProgress) -> str:
    if p.actual is None:
        return ""
    return fmt_num(p.actual) if p.measure == "policies" else fmt_money(p.actual)


def _attainment_text(p: TargetProgress) -> str:
    return "" if p.attainment is None else f"{fmt_money(p.attainment * 100)}%"


TARGET_COLUMNS: tuple[Column, ...] = (
    Column("agent_code", "工号", "Code", lambda p: p.agent_code),
    Column("agent_name", "姓名", "Name", lambda p: p.agent_name),
    Column("target", "目标", "Target", lambda p: p.target_name, tip=lambda p: p.target),
    Column("period", "期间", "Period", lambda p: p.period),
    Column("value", "目标值", "Target value", lambda p: fmt_num(p.value), sort=lambda p: p.value, numeric=True),
    Column("actual", "目前实际", "So far", _actual_text, sort=lambda p: p.actual, numeric=True,
           tip=lambda p: None if p.actual is not None else tr("本期还没有该指标的数值", "no value of the metric yet")),
    Column("attainment", "达成率", "Attainment", _attainment_text, sort=lambda p: p.attainment, numeric=True),
    Column("rate", "档位系数", "Rate", lambda p: fmt_num(p.rate), sort=lambda p: p.rate, numeric=True),
    Column("amount", "按目前应得", "Due so far", lambda p: fmt_money(p.amount), sort=lambda p: p.amount, numeric=True,
           tip=lambda p: tr(f"{fmt_money(p.bonus)} × {fmt_num(p.rate)}，于 {p.pays_in} 发放",
                            f"{fmt_money(p.bonus)} × {fmt_num(p.rate)}, paid in {p.pays_in}")),
    Column("pays_in", "发放月份", "Paid in", lambda p: p.pays_in),
)


class TargetsModel(RecordsModel):
    """Each imported target of the month's periods with the agent's attainment so far (read only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(TARGET_COLUMNS, key=lambda p: (p.agent_code, p.target), parent=parent)
