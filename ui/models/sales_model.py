"""The policies (保单) table: columns over :class:`app.services.sales.PolicyView`, its filters and totals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QObject

from app.i18n import tr
from app.money import ZERO, fmt_money, fmt_num
from app.services.sales import PolicyView
from app.services.sales_query import SalesTotals
from ui.models.record_list import RecordList
from ui.models.sales_table import Column


def status_text(p: PolicyView) -> str:
    """计入 / 已撤单, and for a cancelled policy already paid, whether its clawback happened."""
    if p.counted:
        return tr("计入", "Counted")
    if p.clawed_month:
        return tr(f"已撤单（{p.clawed_month} 已追回）", f"Cancelled (clawed back {p.clawed_month})")
    if p.paid_amount is not None:
        return tr("已撤单（待追回）", "Cancelled (clawback due)")
    return tr("已撤单", "Cancelled")


def _product_text(p: PolicyView) -> str:
    return f"{p.product_code} {p.product_name}" if p.product_name else p.product_code


def _product_tip(p: PolicyView) -> str | None:
    if p.factor is None:
        return tr(
            f"产品 {p.product_code} 不在 {p.month} 适用的方案中，不计标准保费",
            f"product {p.product_code} is not in the plan for {p.month}; no standard premium",
        )
    return None


COLUMNS: tuple[Column, ...] = (
    Column("policy_no", "保单号", "Policy no.", lambda p: p.policy_no),
    Column("agent_code", "工号", "Code", lambda p: p.agent_code),
    Column("agent_name", "姓名", "Name", lambda p: p.agent_name),
    Column("product", "产品", "Product", _product_text, tip=_product_tip),
    Column(
        "factor",
        "折标系数",
        "Factor",
        lambda p: fmt_num(p.factor) if p.factor is not None else "",
        sort=lambda p: p.factor,
        numeric=True,
    ),
    Column(
        "premium", "保费", "Premium", lambda p: fmt_money(p.premium), sort=lambda p: p.premium, numeric=True
    ),
    Column(
        "std_premium",
        "标准保费",
        "Std premium",
        lambda p: fmt_money(p.std_premium) if p.std_premium is not None else "",
        sort=lambda p: p.std_premium,
        numeric=True,
        tip=_product_tip,
    ),
    Column("customer_level", "客户等级", "Customer level", lambda p: p.customer_level),
    Column(
        "new_customer",
        "新客户",
        "New customer",
        lambda p: tr("是", "Yes") if p.new_customer else "",
        sort=lambda p: 0 if p.new_customer else None,
    ),
    Column("sign_date", "签单日期", "Signed", lambda p: p.sign_date.isoformat(), sort=lambda p: p.sign_date),
    Column(
        "cancel_date",
        "撤单日期",
        "Cancelled",
        lambda p: p.cancel_date.isoformat() if p.cancel_date else "",
        sort=lambda p: p.cancel_date,
    ),
    Column("status", "状态", "Status", status_text),
    Column(
        "paid_amount",
        "已发提成",
        "Paid",
        lambda p: fmt_money(p.paid_amount) if p.paid_amount is not None else "",
        sort=lambda p: p.paid_amount,
        numeric=True,
        tip=lambda p: (
            tr(f"{p.paid_month} 锁定时记录", f"recorded when {p.paid_month} was locked")
            if p.paid_month
            else None
        ),
    ),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class PoliciesModel(RecordList):
    """One row per policy signed in the month; cancelled policies are greyed, not hidden. Searches
    by policy number or agent, filters by product and by counted/cancelled, and sorts itself."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            COLUMNS,
            key=lambda p: p.policy_no,
            muted=lambda p: p.cancel_date is not None,
            search_keys=("policy_no", "agent_code", "agent_name"),
            parent=parent,
        )
        self._all_totals: SalesTotals | None = None

    def policy(self, row: int) -> PolicyView:
        record = self.record(row)
        assert isinstance(record, PolicyView)
        return record

    def set_product(self, code: str | None) -> None:
        self.set_filter("product", (lambda p: p.product_code == code) if code else None)

    def set_status(self, status: str | None) -> None:
        """``"counted"``, ``"cancelled"`` or ``None`` for all."""
        self.set_filter("status", (lambda p: p.status == status) if status else None)

    def set_records(
        self,
        records: Sequence[Any],
        sort_keys: dict[int, list[Any]] | None = None,
        totals: SalesTotals | None = None,
    ) -> None:
        """``totals``: of all ``records`` (from :func:`totals_of`, e.g. worked out off the GUI thread)."""
        self._all_totals = totals
        super().set_records(records, sort_keys)

    def totals(self) -> SalesTotals:
        """Of the policies shown: one pass over the list (none while nothing is filtered out and
        the totals of all were given)."""
        if self._all_totals is not None and self.rowCount() == self.total():
            return self._all_totals
        return totals_of(self.visible())


def totals_of(policies: Iterable[PolicyView]) -> SalesTotals:
    """Count, premium, standard premium and counted standard premium of ``policies``: one pass."""
    count = counted = 0
    premium = std_premium = counted_std = ZERO
    for p in policies:
        count += 1
        premium += p.premium
        std = p.std_premium
        if std is not None:
            std_premium += std
        if p.cancel_date is None:
            counted += 1
            if std is not None:
                counted_std += std
    return SalesTotals(count, counted, premium, std_premium, counted_std)

