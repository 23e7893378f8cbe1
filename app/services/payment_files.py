"""``export bank`` and ``export tax`` (docs/pay-rules.md §9.4): only for a locked month.

The bank file pays each agent with ``net > 0`` into the account on file; an agent with pay and
no account refuses the whole export, naming them. The tax file lists every agent the month's
statutory deductions covered, with the figures stored when the month was calculated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.statutory_facts import SPECIAL_KINDS
from app.money import ZERO
from app.reports.files import output_error_text
from app.reports.payment_files import BankFile, BankRow, TaxRow, write_bank_file, write_tax_file
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.months import month_status
from app.services.statutory import outcome_from_json
from db.models import Agent, PayrollResult

_KNOWN_SI = ("pension", "medical", "unemployment")


def _require_locked(session: Session, month: str, what: tuple[str, str]) -> None:
    if month_status(session, month) != "locked":
        raise ServiceError(
            f"{month} 尚未锁定：{what[0]}只能在锁定后导出（请先核对并锁定该月）。",
            f"{month} is not locked: the {what[1]} can be exported only after the month is locked "
            "(check and lock it first).",
        )


def _results(session: Session, month: str) -> list[tuple[PayrollResult, Agent]]:
    rows = session.execute(
        select(PayrollResult, Agent).join(Agent, Agent.id == PayrollResult.agent_id)
        .where(PayrollResult.month == month).order_by(PayrollResult.agent_code)
    ).all()
    return [(result, agent) for result, agent in rows]


def _write(write: Callable[[], Path], out_path: Path) -> Path:
    try:
        return write()
    except OSError as exc:
        zh, en = output_error_text(exc, out_path)
        if isinstance(exc, PermissionError):
            zh, en = zh + "（文件是否在 Excel 中打开？）", en + " (Is it open in Excel?)"
        raise ServiceError(zh, en) from exc


def export_bank(session: Session, month: str, out_path: Path) -> tuple[Path, BankFile]:
    out_path = Path(out_path)
    if out_path.suffix.lower() not in (".xlsx", ".csv"):
        raise ServiceError(f"代发文件名应以 .xlsx 或 .csv 结尾：{out_path.name}",
                           f"the bank file name must end in .xlsx or .csv: {out_path.name}")
    _require_locked(session, month, ("银行代发文件", "bank file"))
    paid = [(r, a) for r, a in _results(session, month) if r.net > 0]
    missing = [f"{r.agent_code} {r.agent_name}" for r, a in paid if not a.bank_account]
    if missing:
        raise ServiceError(
            f"以下人员实发大于 0 但没有银行账号，未导出：{'、'.join(missing)}。请在人员资料中填写银行账号后再导出。",
            f"these agents are paid but have no bank account, nothing was exported: {', '.join(missing)}. "
            "Enter their bank accounts and export again.",
        )
    year, number = month.split("-")
    note = f"{year}-{number}工资"
    data = BankFile(month, tuple(
        BankRow(i, r.agent_name, a.bank_account or "", a.bank_name or "", r.net, note)
        for i, (r, a) in enumerate(paid, start=1)
    ))
    path = _write(lambda: write_bank_file(data, out_path), out_path)
    audit(session, "bank.export", entity="month", key=month,
          after={"file": out_path.name, "rows": len(data.rows), "total": str(data.total)})
    session.flush()
    return path, data


def _tax_row(result: PayrollResult, agent: Agent) -> TaxRow | None:
    stored = json.loads(result.facts_json or "{}").get("statutory")
    if not isinstance(stored, dict):
        return None
    outcome = outcome_from_json(stored)
    items = {i.code: i.amount for i in outcome.si_items}
    unknown = sum((a for c, a in items.items() if c not in _KNOWN_SI), ZERO)
    by_kind = outcome.tax.special_by_kind if outcome.tax is not None else dict(outcome.deductions.special)
    amounts: tuple[Decimal, ...] = (
        max(ZERO, outcome.income),
        ZERO,
        items.get("pension", ZERO),
        items.get("medical", ZERO),
        items.get("unemployment", ZERO),
        outcome.housing_fund,
        *(by_kind.get(k, ZERO) for k, _zh, _en in SPECIAL_KINDS),
        outcome.deductions.other + unknown,
        ZERO,
    )
    note = "其他含未分类社保项目" if unknown else ""
    return TaxRow(result.agent_code, result.agent_name, agent.id_number or "", amounts, note)


def export_tax(session: Session, month: str, out_path: Path) -> tuple[Path, int]:
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".xlsx":
        raise ServiceError(f"个税申报文件名应以 .xlsx 结尾：{out_path.name}",
                           f"the tax file name must end in .xlsx: {out_path.name}")
    _require_locked(session, month, ("个税扣缴申报文件", "tax file"))
    rows = [row for r, a in _results(session, month) if (row := _tax_row(r, a)) is not None]
    missing = [row.code for row in rows if not row.id_number]
    if missing:
        raise ServiceError(
            f"以下人员没有身份证号，无法生成个税申报文件：{'、'.join(missing)}。",
            f"these agents have no ID number, so the tax file cannot be written: {', '.join(missing)}.",
        )
    path = _write(lambda: write_tax_file(month, rows, out_path), out_path)
    audit(session, "tax.export", entity="month", key=month, after={"file": out_path.name, "rows": len(rows)})
    session.flush()
    return path, len(rows)
