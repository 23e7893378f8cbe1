"""Which cells of the attendance grid and the KPI metrics grid have a live appeal (docs/pay-rules.md §11).

The quality and complaints pages show a record's appeal on its 申诉 button; the two grids mark the cell
instead: a cell whose record has a pending (待处理) or upheld (成立) appeal, with a tooltip naming the
appeal, its status and the record as it was appealed. A rejected appeal leaves no mark (the record
stood). Only the latest appeal against a record counts, as on the buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.appeals import STATUS_NAMES
from app.text import Text
from db.models import Agent, Appeal

MARKED = ("pending", "upheld")


@dataclass(frozen=True)
class AppealMark:
    """One live appeal against a grid cell's record: its id, status (pending | upheld) and tooltip line."""

    appeal_id: int
    status: str
    text: Text


def _mark(appeal: Appeal) -> AppealMark:
    zh, en = STATUS_NAMES[appeal.status]
    what = f"（{appeal.record_text}）" if appeal.record_text else ""
    what_en = f" ({appeal.record_text})" if appeal.record_text else ""
    return AppealMark(appeal.id, appeal.status,
                      Text(f"申诉 #{appeal.id}：{zh}{what}", f"Appeal #{appeal.id}: {en.lower()}{what_en}"))


def _latest(session: Session, kind: str, month: str) -> list[tuple[Appeal, str]]:
    """The latest appeal of each appealed record of ``month`` (by record id; a metric by agent and
    indicator), with the agent's code, oldest first."""
    stmt = (select(Appeal, Agent.code).join(Agent, Agent.id == Appeal.agent_id)
            .where(Appeal.kind == kind, Appeal.month == month).order_by(Appeal.id))
    latest: dict[object, tuple[Appeal, str]] = {}
    for appeal, code in session.execute(stmt).all():
        key = (code, appeal.indicator) if kind == "metric" else (appeal.record_id or -appeal.id)
        latest[key] = (appeal, code)
    return list(latest.values())


def attendance_marks(session: Session, month: str) -> dict[tuple[str, date], tuple[AppealMark, ...]]:
    """(agent code, day) → the live appeals against that day's attendance records."""
    out: dict[tuple[str, date], tuple[AppealMark, ...]] = {}
    for appeal, code in _latest(session, "attendance", month):
        if appeal.status in MARKED:
            key = (code, appeal.record_date)
            out[key] = (*out.get(key, ()), _mark(appeal))
    return out


def metric_marks(session: Session, month: str) -> dict[tuple[str, str], AppealMark]:
    """(agent code, indicator code) → the live appeal against that KPI value."""
    return {(code, appeal.indicator): _mark(appeal)
            for appeal, code in _latest(session, "metric", month) if appeal.status in MARKED}
