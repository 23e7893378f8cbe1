"""奖惩公示 for a locked month (docs/pay-rules.md §11): what it lists, and writing it as PDF or xlsx.

Awards come from the month's locked result (the lines that were paid: top_award, praise and, when a
plan has them, period_award and team_award); penalties are the penalty lines that were applied
(complaint_penalty, attendance_penalty, qa_fatal_penalty), each explained by the records behind it.
Nothing about salary or net pay is read into the notice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.engine.lines import LINE_LABELS
from app.money import ZERO, fmt_num
from app.plan.toml_io import appeal_settings
from app.reports.files import output_error_text, write_output_file
from app.reports.publication import (
    Publication,
    PublicationEntry,
    write_publication_pdf,
    write_publication_xlsx,
)
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.months import month_status
from app.services.payroll import show_month
from app.services.plans import plan_version_for_month
from app.services.rewards import LEVEL_NAMES
from app.services.settings import get_setting
from db.models import Agent, AttendanceRecord, Complaint, Praise, QAEvaluation

AWARD_CODES = ("top_award", "period_award", "team_award", "praise")
ATTENDANCE_NAMES = {"late": "迟到", "early_leave": "早退", "away": "空岗", "swap": "私自调班", "absence": "旷工"}


def publication(session: Session, month: str, *, today: date | None = None) -> Publication:
    """The notice's content for locked ``month``; refused for a month that is not locked."""
    if month_status(session, month) != "locked":
        raise ServiceError(
            f"{month} 尚未锁定：奖惩公示只能在锁定后生成（结果不再变化）。",
            f"{month} is not locked: the publication notice is made for a locked month only.",
        )
    window, show_amounts = appeal_settings(plan_version_for_month(session, month).toml_text)
    result = show_month(session, month)
    first, last = month_bounds(month)
    ids = {code: agent_id for code, agent_id in session.execute(select(Agent.code, Agent.id))}
    by_id = {v: k for k, v in ids.items()}

    def per_agent(stmt: Any) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for row in session.execute(stmt).all():
            out[by_id.get(row[0], "")].append(row)
        return out

    praise = per_agent(select(Praise.agent_id).where(Praise.date.between(first, last)))
    complaints = per_agent(select(Complaint.agent_id, Complaint.level).where(
        Complaint.date.between(first, last), Complaint.status == "upheld"))
    attendance = per_agent(select(AttendanceRecord.agent_id, AttendanceRecord.kind, AttendanceRecord.days).where(
        AttendanceRecord.date.between(first, last), AttendanceRecord.kind.in_(tuple(ATTENDANCE_NAMES))))
    fatal = per_agent(select(QAEvaluation.agent_id).where(
        QAEvaluation.date.between(first, last), QAEvaluation.fatal.is_(True), QAEvaluation.status == "valid"))

    awards: list[PublicationEntry] = []
    penalties: list[PublicationEntry] = []
    for agent in result.agents:
        for code in AWARD_CODES:
            amount = agent.amount_of(code)
            if not amount:
                continue
            detail = f"表扬 {len(praise.get(agent.code, []))} 次" if code == "praise" else ""
            awards.append(PublicationEntry(agent.code, agent.name, LINE_LABELS.get(code, (code, code))[0], detail,
                                           amount if show_amounts else None))
        amount = agent.amount_of("complaint_penalty")
        if amount:
            levels = Counter(row[1] for row in complaints.get(agent.code, []))
            detail = "、".join(f"{LEVEL_NAMES.get(lv, (lv, lv))[0]} {n} 次" for lv, n in sorted(levels.items()))
            penalties.append(PublicationEntry(agent.code, agent.name, "投诉", detail,
                                              -amount if show_amounts else None))
        amount = agent.amount_of("attendance_penalty")
        if amount:
            counts: dict[str, Decimal] = {}
            for row in attendance.get(agent.code, []):
                kind, days = row[1], row[2]
                step = (days or ZERO) if kind == "absence" else Decimal(1)
                counts[kind] = counts.get(kind, ZERO) + step
            detail = "、".join(
                f"{ATTENDANCE_NAMES[k]} {fmt_num(counts[k])} {'天' if k == 'absence' else '次'}"
                for k in ATTENDANCE_NAMES if k in counts
            )
            penalties.append(PublicationEntry(agent.code, agent.name, "考勤", detail,
                                              -amount if show_amounts else None))
        amount = agent.amount_of("qa_fatal_penalty")
        if amount:
            n = len(fatal.get(agent.code, []))
            penalties.append(PublicationEntry(agent.code, agent.name, "质检致命差错", f"{n} 次",
                                              -amount if show_amounts else None))
    return Publication(
        month=month,
        branch_name=get_setting(session, "branch_name"),
        awards=tuple(awards),
        penalties=tuple(penalties),
        window_closes=last + timedelta(days=window),
        show_amounts=show_amounts,
        published_on=today or date.today(),
    )


def export_publication(session: Session, month: str, out_path: Path) -> Path:
    """Write the notice of locked ``month`` as ``.pdf`` (A4) or ``.xlsx``, chosen by the file name."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ServiceError(f"公示文件名应以 .pdf 或 .xlsx 结尾：{out_path.name}",
                           f"the publication file name must end in .pdf or .xlsx: {out_path.name}")
    pub = publication(session, month)
    font = get_setting(session, "payslip_font")
    try:
        if suffix == ".pdf":
            write_output_file(out_path, lambda tmp: write_publication_pdf(pub, tmp, font_path=font))
        else:
            write_output_file(out_path, lambda tmp: write_publication_xlsx(pub, tmp))
    except OSError as exc:
        raise ServiceError(*output_error_text(exc, out_path)) from exc
    audit(session, "publication.export", entity="month", key=month, after={"file": out_path.name})
    session.flush()
    return out_path
