"""Month close: payslips (工资条 PDF) and the Excel summary for head office.

Both read the *stored* result of the month (``show_month``), never a fresh calculation, so
what is printed is exactly what was calculated (and, once locked, frozen). The month's
records for the extra sheets are read in one query per kind, not one per agent.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.fields import code_key
from app.personal import mask
from app.reports.files import output_error_text
from app.results import AgentResult
from app.services.agents import find_agent
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.payroll import show_month
from app.services.plans import load_version
from app.services.settings import TWO_UP_PAPER, get_setting
from app.services.statutory import tax_year_rows
from db.models import Agent, MonthStatus, PayrollResult, PlanVersion, Policy, QAEvaluation

if TYPE_CHECKING:  # reportlab (payslips) and openpyxl (summary) load only for the command that uses them
    from app.reports.payslip import Payee, PayslipOptions
    from app.reports.publication import Publication
    from app.reports.summary_xlsx import AttendanceCounts, QACounts, SalesRow, SignOff


def _payslip_options(session: Session, month: str, status: str, two_up: bool | None = None) -> PayslipOptions:
    """The batch's options from the settings; ``two_up`` overrides the paper setting's 2-up choice."""
    from app.reports.payslip import PayslipOptions

    size = get_setting(session, "payslip_size").strip().upper() or "A5"
    return PayslipOptions(
        branch_name=get_setting(session, "branch_name"),
        month=month,
        page_size="A5" if size == TWO_UP_PAPER else size,
        two_up=(size == TWO_UP_PAPER) if two_up is None else two_up,
        font_path=get_setting(session, "payslip_font"),
        logo_path=get_setting(session, "branch_logo").strip(),
        draft=status != "locked",
        approved_by=_signed_text(session, month) if status == "locked" else "",
    )


def _payees(session: Session, month: str, codes: set[str]) -> dict[str, Payee]:
    """§9.1: each agent's ID number and bank account for the payslip, masked to the last 4 characters
    here, so the full values never reach the report code (nor a worker process)."""
    from app.reports.payslip import Payee

    rows = session.execute(
        select(PayrollResult.agent_code, Agent.id_number, Agent.bank_name, Agent.bank_account)
        .join(Agent, Agent.id == PayrollResult.agent_id)
        .where(PayrollResult.month == month)
    )
    out: dict[str, Payee] = {}
    for code, id_number, bank_name, account in rows:
        payee = Payee(mask(id_number), (bank_name or "").strip(), mask(account))
        if code in codes and payee:
            out[code] = payee
    return out


def _signed_text(session: Session, month: str) -> str:
    """§10: "审核：rita 2026-11-02；签批：alan 2026-11-03" for an approved month's payslip ("" without sign-offs)."""
    from app.i18n import tr
    from app.services.signoff import STEP_NAMES, chain_state

    parts = [tr(f"{STEP_NAMES[x.step].zh}：{x.user} {x.at:%Y-%m-%d %H:%M}",
                f"{STEP_NAMES[x.step].en.capitalize()}: {x.user} {x.at:%Y-%m-%d %H:%M}")
             for x in chain_state(session, month).signoffs]
    return tr("；", "; ").join(parts)


def _summary_signoffs(session: Session, month: str) -> dict[str, SignOff]:
    """§10: the summary's signature block filled from the month's sign-offs (制表 = who calculated)."""
    from app.reports.summary_xlsx import SignOff
    from app.services.signoff import chain_state

    chain = chain_state(session, month)
    row = session.get(MonthStatus, month)
    out: dict[str, SignOff] = {}
    if chain.calculated_by and row is not None and row.calculated_at is not None:
        out["prepared"] = SignOff(chain.calculated_by, row.calculated_at.date())
    by_step = {x.step: x for x in chain.signoffs}
    review = by_step.get("review") or by_step.get("check")
    if review is not None:
        out["reviewed"] = SignOff(review.user, review.at.date())
    if "approve" in by_step:
        out["approved"] = SignOff(by_step["approve"].user, by_step["approve"].at.date())
    return out


def _select_agent(
    session: Session, month: str, agents: list[AgentResult], code: str
) -> list[AgentResult]:
    code = code.strip()
    chosen = [a for a in agents if a.code == code] or [a for a in agents if code_key(a.code) == code_key(code)]
    if chosen:
        return chosen
    if find_agent(session, code) is None:
        raise ServiceError(f"没有工号为 {code} 的人员。", f"there is no agent with code {code}.")
    raise ServiceError(
        f"{code} 不在 {month} 的工资结果中（当月未在职或未重新计算）。",
        f"{code} is not in the payroll of {month} (not employed that month, or not recalculated).",
    )


def write_payslips(
    session: Session,
    month: str,
    out_dir: Path,
    *,
    agent: str | None = None,
    encrypt: bool = False,
    combined: bool = False,
    combined_name: str | None = None,
    two_up: bool | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write the month's payslips into ``out_dir``: one PDF per agent, or one combined PDF.

    ``two_up`` prints the combined file as two A5 slips on each A4 sheet (a cut line between);
    ``None`` follows the paper setting (``payslip_size`` = ``A5X2``). One agent's own file is
    always one A5 (or A4) page.
    ``encrypt`` protects each agent's file with that agent's payslip password; it is refused —
    before anything is written — when any selected agent has none, naming them all, so the
    manager can fix the list once instead of discovering gaps one file at a time.
    ``combined_name`` names the combined file (the name the user chose in a save dialog).
    ``workers`` is how many processes render the files (``None``: chosen by the batch size,
    see ``app.reports.payslip_pool.pool_size``).
    The files appear in ``out_dir`` all together or not at all (see ``app.reports.files``).
    """
    pool = None
    if not agent and not combined:
        # Many files: start the worker processes now, so they import reportlab while this one
        # reads the month (a count of the month's results is enough to decide).
        from app.reports.payslip_pool import start_pool

        files = session.scalar(select(func.count(PayrollResult.id)).where(PayrollResult.month == month)) or 0
        pool = start_pool(files, get_setting(session, "payslip_font"), workers)
    with pool or nullcontext():
        return _write_payslips(
            session, month, out_dir, agent=agent, encrypt=encrypt, combined=combined,
            combined_name=combined_name, two_up=two_up, workers=workers, pool=pool,
        )


def _write_payslips(
    session: Session,
    month: str,
    out_dir: Path,
    *,
    agent: str | None,
    encrypt: bool,
    combined: bool,
    combined_name: str | None,
    two_up: bool | None,
    workers: int | None,
    pool: Executor | None,
) -> list[Path]:
    data = show_month(session, month)
    agents = list(data.agents)
    if agent:
        agents = _select_agent(session, month, agents, agent)
    if not agents:
        raise ServiceError(
            f"{month} 的工资结果中没有人员，无工资条可生成。",
            f"the payroll of {month} has no agents; there are no payslips to write.",
        )
    passwords: dict[str, str | None] | None = None
    if encrypt:
        if combined:
            raise ServiceError(
                "合并文件不能加密：每人的工资条密码不同。请去掉“合并”或“加密”之一。",
                "a combined file cannot be encrypted: every agent has a different password. "
                "Choose either combined or encrypted.",
            )
        passwords = {
            code: password
            for code, password in session.execute(
                select(PayrollResult.agent_code, Agent.payslip_password)
                .join(Agent, Agent.id == PayrollResult.agent_id)
                .where(PayrollResult.month == month)
            )
        }
        missing = [a for a in agents if not (passwords.get(a.code) or "").strip()]
        if missing:
            names = "、".join(f"{a.code} {a.name}" for a in missing)
            names_en = ", ".join(f"{a.code} {a.name}" for a in missing)
            raise ServiceError(
                f"以下 {len(missing)} 人没有工资条密码，未生成任何文件：{names}。请先在人员资料中填写密码。",
                f"{len(missing)} agent(s) have no payslip password, so nothing was written: {names_en}. "
                "Set their passwords first.",
            )
    options = replace(_payslip_options(session, month, data.status, two_up),
                      payees=_payees(session, month, {a.code for a in agents}))
    from app.reports.payslip import write_payslips as write_payslip_files

    try:
        paths = write_payslip_files(
            agents, options, Path(out_dir), passwords=passwords, combined=combined, combined_name=combined_name,
            workers=workers, pool=pool,
        )
    except OSError as exc:
        zh, en = output_error_text(exc, Path(out_dir) / combined_name if combined_name else out_dir)
        if combined_name and isinstance(exc, PermissionError):
            zh, en = zh + "（文件是否在 PDF 阅读器中打开？）", en + " (Is it open in a PDF viewer?)"
        raise ServiceError(zh, en) from exc
    audit(
        session,
        "payslips.write",
        entity="month",
        key=month,
        after={
            "files": len(paths),
            "agents": len(agents),
            "encrypted": encrypt,
            "combined": combined,
            "two_up": combined and options.two_up,
        },
    )
    session.flush()
    return paths


def export_summary(session: Session, month: str, out_path: Path) -> Path:
    """Write the month's Excel summary (汇总, 明细, 计算依据, 保单明细, 考勤汇总, 质检汇总, 公示, 绩效排名) to ``out_path``."""
    data = show_month(session, month)
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".xlsx":
        raise ServiceError(
            f"汇总表文件名应以 .xlsx 结尾：{out_path.name}",
            f"the summary file name must end in .xlsx: {out_path.name}",
        )
    from app.reports.summary_xlsx import SummaryInput, write_summary
    from app.services.history import history

    summary = SummaryInput(
        month=month,
        branch_name=get_setting(session, "branch_name"),
        result=data,
        sales=_sales_rows(session, month),
        attendance=_attendance_counts(session, month),
        qa=_qa_counts(session, month),
        sign_offs=_summary_signoffs(session, month),
        tax_year=tax_year_rows(session, month),
        trend=history(session, last=month),
        publication=_summary_publication(session, month, data.status),
    )
    try:
        write_summary(summary, out_path)
    except OSError as exc:
        zh, en = output_error_text(exc, out_path)
        if isinstance(exc, PermissionError):
            zh, en = zh + "（文件是否在 Excel 中打开？）", en + " (Is it open in Excel?)"
        raise ServiceError(zh, en) from exc
    audit(session, "summary.export", entity="month", key=month, after={"file": out_path.name})
    session.flush()
    return out_path


def _summary_publication(session: Session, month: str, status: str) -> Publication | None:
    """The 公示 sheet's notice: the same as 报表 → 公示… (docs/pay-rules.md §11), for a locked month only."""
    from app.services.publication import publication

    return publication(session, month) if status == "locked" else None


def _sales_rows(session: Session, month: str) -> list[SalesRow]:
    """Policies signed in the month, with the product factor of the plan the month used."""
    from app.reports.summary_xlsx import SalesRow

    first, last = month_bounds(month)
    status = session.get(MonthStatus, month)
    locked = status is not None and status.status == "locked"
    products: dict[str, tuple[str, Decimal]] = {}
    version = session.get(PlanVersion, status.plan_version_id) if status and status.plan_version_id else None
    if version is not None:
        plan = load_version(version)
        products = {p.code: (p.name, p.factor) for p in plan.products}
    rows = session.execute(
        select(
            Policy.policy_no,
            Agent.code,
            Agent.name,
            Policy.product_code,
            Policy.premium,
            Policy.customer_level,
            Policy.new_customer,
            Policy.sign_date,
            Policy.cancel_date,
            Policy.paid_amount,
            Policy.paid_month,
        )
        .join(Agent, Agent.id == Policy.agent_id)
        .where(Policy.sign_date >= first, Policy.sign_date <= last)
        .order_by(Agent.code, Policy.sign_date, Policy.policy_no)
    )
    out = []
    for no, code, name, product, premium, level, new, signed, cancelled, paid, paid_month in rows:
        name_factor = products.get(product)
        # A locked month counted what it paid; a later cancel date does not change that
        # (docs/pay-rules.md §3.3).
        counted = paid_month == month if locked else cancelled is None
        out.append(
            SalesRow(
                policy_no=no,
                agent_code=code,
                agent_name=name,
                product_code=product,
                product_name=name_factor[0] if name_factor else "",
                premium=premium,
                factor=name_factor[1] if name_factor else None,
                customer_level=level or "",
                new_customer=bool(new),
                sign_date=signed,
                cancel_date=cancelled,
                counted=counted,
                paid_amount=paid if paid_month == month else None,
            )
        )
    return out


def _attendance_counts(session: Session, month: str) -> dict[str, AttendanceCounts]:
    """The attendance page's own month totals (records within employment, as the engine counts
    them), so the workbook and the pay lines never disagree."""
    from app.reports.summary_xlsx import AttendanceCounts
    from app.services.attendance import month_totals

    return {
        code: AttendanceCounts(
            late_count=t.late_count, late_minutes=t.late_minutes, early_count=t.early_count,
            early_minutes=t.early_minutes, away=t.away, swap=t.swap, absence_days=t.absence_days,
            leave_days={k: v for k, v in t.leave_days.items() if v},
        )
        for code, t in month_totals(session, month).items()
    }


def _qa_counts(session: Session, month: str) -> dict[str, QACounts]:
    from app.reports.summary_xlsx import QACounts

    first, last = month_bounds(month)
    total: dict[str, int] = defaultdict(int)
    overturned: dict[str, int] = defaultdict(int)
    for code, status in session.execute(
        select(Agent.code, QAEvaluation.status)
        .join(Agent, Agent.id == QAEvaluation.agent_id)
        .where(QAEvaluation.date >= first, QAEvaluation.date <= last)
    ):
        total[code] += 1
        if status == "overturned":
            overturned[code] += 1
    return {code: QACounts(total=n, overturned=overturned[code]) for code, n in total.items()}
