"""质检 Quality: scorecards, QA evaluations, appeals and the month's QA summary (docs/pay-rules.md §3.4).

One function per user action over a session, like the other services. Every change is
audit-logged with its before → after, and nothing may change an evaluation of a locked month:
its score is already part of a frozen payslip.

Scorecards are versioned rather than edited once used: an evaluation keeps pointing at the card
(and the items) it was scored with, so an old score never silently changes meaning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.engine.facts import AgentMonth, QAFact
from app.engine.period import Period
from app.engine.quality import evaluate
from app.engine.scopes import scoped_plan
from app.fields import NAME_MAX, SCORECARD_MAX, TEXT_MAX, clean_text
from app.money import HUNDRED, ZERO, D, fmt_num
from app.plan.model import Plan, QualityConfig
from app.services.agents import find_agent, get_agent
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.months import ensure_open, month_of
from app.services.plans import plan_for_month
from app.services.record_versions import check_version
from app.text import Text
from db.models import Agent, QAEvaluation, QAItemScore, Scorecard, ScorecardItem

STATUSES = ("valid", "overturned")
EVALUATOR_MAX = NAME_MAX  # the same limits as the QA import (app.fields)
NOTE_MAX = TEXT_MAX
SCORECARD_NAME_MAX = SCORECARD_MAX
SECTION_MAX = 64


# --- views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardItemView:
    id: int
    position: int
    section: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class ScorecardView:
    """One version of a scorecard. ``used`` counts the evaluations scored with this version."""

    id: int
    code: str
    name: str
    version: int
    active: bool
    items: tuple[ScorecardItemView, ...]
    used: int = 0

    @property
    def total(self) -> Decimal:
        return sum((i.max_points for i in self.items), ZERO)

    def label(self) -> str:
        """Name as lists show it; the version only when there has been more than one."""
        return self.name if self.version == 1 else f"{self.name} v{self.version}"


@dataclass(frozen=True)
class ScorecardItemInput:
    """An item as the user typed it when editing a scorecard."""

    section: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class ScorecardSaved:
    """What :func:`edit_scorecard` did: ``new_version`` tells the user old evaluations kept the old card."""

    card: ScorecardView
    new_version: bool
    previous_version: int


@dataclass(frozen=True)
class EvaluationView:
    id: int
    agent_code: str
    agent_name: str
    date: date
    scorecard_id: int | None
    scorecard_code: str
    scorecard_label: str
    score: Decimal
    fatal: bool
    status: str
    evaluator: str
    note: str
    overturn_reason: str
    item_points: Mapping[int, Decimal] = field(default_factory=dict)
    version: int = 1  # what the form sends back to save (app.services.record_versions)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def month(self) -> str:
        return month_of(self.date)


@dataclass(frozen=True)
class AgentQASummary:
    """One agent's QA for a month exactly as the pay engine counts it.

    ``average``, ``grade`` and ``coefficient`` come from :func:`app.engine.quality.evaluate`;
    ``average`` is ``None`` when QA is *missing* (fewer counted evaluations than the plan's
    ``min_evaluations``) and ``coefficient`` is then the plan's no-data coefficient. Both
    are ``None`` only when no plan is in force for the month.
    """

    agent_code: str
    agent_name: str
    team: str
    count: int  # counted (valid) evaluations
    average: Decimal | None
    grade: str | None
    fatal_count: int  # counted fatal evaluations
    overturned_count: int
    coefficient: Decimal | None
    min_evaluations: int = 1


# --- scorecards ------------------------------------------------------------------------


def _usage(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(QAEvaluation.scorecard_id, func.count(QAEvaluation.id))
        .where(QAEvaluation.scorecard_id.in_(list(ids)))
        .group_by(QAEvaluation.scorecard_id)
    )
    return {int(sid): int(n) for sid, n in rows if sid is not None}


def _card_view(card: Scorecard, used: int = 0) -> ScorecardView:
    return ScorecardView(
        id=card.id,
        code=card.code,
        name=card.name,
        version=card.version,
        active=card.active,
        items=tuple(ScorecardItemView(i.id, i.position, i.section, i.name, i.max_points) for i in card.items),
        used=used,
    )


def list_scorecards(session: Session) -> list[ScorecardView]:
    """The newest active version of each card, by code: the cards a new evaluation may use."""
    newest: dict[str, Scorecard] = {}
    for card in session.scalars(
        select(Scorecard).where(Scorecard.active.is_(True)).order_by(Scorecard.code, Scorecard.version)
    ):
        newest[card.code] = card
    usage = _usage(session, [c.id for c in newest.values()])
    return [_card_view(c, usage.get(c.id, 0)) for c in newest.values()]


def get_scorecard(session: Session, scorecard_id: int) -> ScorecardView:
    """Any version, active or not: an old evaluation is shown with the card it was scored on."""
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        raise ServiceError(f"没有编号为 {scorecard_id} 的评分表", f"no scorecard with id {scorecard_id}")
    return _card_view(card, _usage(session, [card.id]).get(card.id, 0))


def _current_card(session: Session, code: str) -> Scorecard:
    card = session.scalar(
        select(Scorecard)
        .where(Scorecard.code == code, Scorecard.active.is_(True))
        .order_by(Scorecard.version.desc())
    )
    if card is None:
        raise ServiceError(f"没有代码为 {code} 的评分表", f"no scorecard with code {code}")
    return card


def validate_scorecard(name: str, items: Sequence[ScorecardItemInput]) -> tuple[list[str], list[str]]:
    """Problems in Chinese and English (the dialog shows them as the user types); empty when fine.

    A card must total exactly 100 because an evaluation's score is the sum of its items and the
    plan's bands and grades are written on a 0–100 scale.
    """
    zh: list[str] = []
    en: list[str] = []
    if not name.strip():
        zh.append("评分表名称不能为空")
        en.append("the scorecard name is required")
    elif len(name.strip()) > SCORECARD_NAME_MAX:
        zh.append(f"评分表名称最长 {SCORECARD_NAME_MAX} 个字符")
        en.append(f"the scorecard name is at most {SCORECARD_NAME_MAX} characters")
    if not items:
        zh.append("评分表至少要有一个评分项")
        en.append("a scorecard needs at least one item")
        return zh, en
    total = ZERO
    for n, item in enumerate(items, start=1):
        if not item.name.strip():
            zh.append(f"第 {n} 项：名称不能为空")
            en.append(f"item {n}: the name is required")
        if len(item.section.strip()) > SECTION_MAX:
            zh.append(f"第 {n} 项：分类最长 {SECTION_MAX} 个字符")
            en.append(f"item {n}: the section is at most {SECTION_MAX} characters")
        try:
            points = D(item.max_points)
        except (InvalidOperation, TypeError, ValueError):
            zh.append(f"第 {n} 项：满分不是数字")
            en.append(f"item {n}: the maximum is not a number")
            continue
        if points <= 0:
            zh.append(f"第 {n} 项：满分必须大于 0")
            en.append(f"item {n}: the maximum must be greater than 0")
        total += points
    if total != HUNDRED:
        zh.append(f"各项满分合计为 {fmt_num(total)}，必须正好是 100")
        en.append(f"the item maximums total {fmt_num(total)}; they must total exactly 100")
    return zh, en


def _card_snapshot(card: Scorecard) -> dict[str, object]:
    return {
        "id": card.id,
        "code": card.code,
        "name": card.name,
        "version": card.version,
        "active": card.active,
        "items": [[i.section, i.name, str(i.max_points)] for i in card.items],
    }


def edit_scorecard(
    session: Session, code: str, name: str, items: Sequence[ScorecardItemInput]
) -> ScorecardSaved:
    """Change the current version of card ``code``, or make a new version once it has been used.

    The old version stays (inactive) so the evaluations scored on it keep their items.
    """
    zh, en = validate_scorecard(name, items)
    if zh:
        raise ValidationFailed(zh, en)
    card = _current_card(session, code)
    before = _card_snapshot(card)
    unchanged = card.name == name.strip() and [(i.section, i.name, i.max_points) for i in card.items] == [
        (i.section.strip(), i.name.strip(), D(i.max_points)) for i in items
    ]
    if unchanged:  # pressing OK without a change must not retire a version that is in use
        return ScorecardSaved(card=_card_view(card), new_version=False, previous_version=card.version)
    new_items = [
        ScorecardItem(position=n, section=i.section.strip(), name=i.name.strip(), max_points=D(i.max_points))
        for n, i in enumerate(items, start=1)
    ]
    used = _usage(session, [card.id]).get(card.id, 0) > 0
    previous = card.version
    if used:
        card.active = False
        target = Scorecard(code=card.code, name=name.strip(), version=card.version + 1, active=True)
        target.items = new_items
        session.add(target)
        session.flush()
        audit(
            session,
            "scorecard.new_version",
            entity="scorecard",
            key=f"{code} v{target.version}",
            before=before,
            after=_card_snapshot(target),
        )
    else:
        target = card
        target.name = name.strip()
        target.items = new_items  # delete-orphan drops the old rows; no evaluation refers to them
        session.flush()
        audit(
            session,
            "scorecard.edit",
            entity="scorecard",
            key=f"{code} v{target.version}",
            before=before,
            after=_card_snapshot(target),
        )
    return ScorecardSaved(card=_card_view(target), new_version=used, previous_version=previous)


# --- evaluations -------------------------------------------------------------------------


def _evaluation_view(
    ev: QAEvaluation, agent: Agent, card: Scorecard | None, points: Mapping[int, Decimal]
) -> EvaluationView:
    return EvaluationView(
        id=ev.id,
        agent_code=agent.code,
        agent_name=agent.name,
        date=ev.date,
        scorecard_id=ev.scorecard_id,
        scorecard_code=card.code if card else "",
        scorecard_label=_card_view(card).label() if card else "",
        score=ev.score,
        fatal=ev.fatal,
        status=ev.status,
        evaluator=ev.evaluator,
        note=ev.note,
        overturn_reason=ev.overturn_reason,
        item_points=dict(points),
        version=ev.version,
    )


def _points_of(session: Session, ids: Sequence[int] | Select[*tuple[Any, ...]]) -> dict[int, dict[int, Decimal]]:
    """Item points per evaluation of ``ids`` (a list, or a select of evaluation ids), read as plain rows."""
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if isinstance(ids, Select) or ids:
        wanted = ids if isinstance(ids, Select) else list(ids)
        stmt = select(QAItemScore.evaluation_id, QAItemScore.item_id, QAItemScore.points).where(
            QAItemScore.evaluation_id.in_(wanted)
        )
        for eval_id, item_id, points in session.connection().execute(stmt).all():
            out[eval_id][item_id] = points
    return out


def _snapshot(session: Session, ev: QAEvaluation) -> dict[str, object]:
    agent = session.get(Agent, ev.agent_id)
    points = _points_of(session, [ev.id]).get(ev.id, {})
    return {
        "agent": agent.code if agent else ev.agent_id,
        "date": ev.date.isoformat(),
        "scorecard_id": ev.scorecard_id,
        "score": fmt_num(ev.score),
        "fatal": ev.fatal,
        "status": ev.status,
        "evaluator": ev.evaluator,
        "note": ev.note,
        "overturn_reason": ev.overturn_reason,
        "items": {str(k): fmt_num(v) for k, v in sorted(points.items())},
    }


def get_evaluation(session: Session, eval_id: int) -> EvaluationView:
    ev = _get(session, eval_id)
    agent = session.get(Agent, ev.agent_id)
    assert agent is not None
    card = session.get(Scorecard, ev.scorecard_id) if ev.scorecard_id is not None else None
    return _evaluation_view(ev, agent, card, _points_of(session, [ev.id]).get(ev.id, {}))


def _get(session: Session, eval_id: int) -> QAEvaluation:
    ev = session.get(QAEvaluation, eval_id)
    if ev is None:
        raise ServiceError(
            f"没有编号为 {eval_id} 的质检记录（可能已被删除）",
            f"no QA evaluation with id {eval_id} (it may have been deleted)",
        )
    return ev


def score_problems(
    items: Sequence[ScorecardItemView], item_points: Mapping[int, object]
) -> tuple[list[str], list[str]]:
    """Item-score problems in both languages: every item scored, each a number in 0..its maximum."""
    zh: list[str] = []
    en: list[str] = []
    known = {i.id for i in items}
    for item in items:
        if item.id not in item_points:
            zh.append(f"第 {item.position} 项「{item.name}」未评分")
            en.append(f"item {item.position} “{item.name}” has no score")
            continue
        try:
            p = D(item_points[item.id])
        except (InvalidOperation, TypeError, ValueError):
            zh.append(f"第 {item.position} 项得分不是数字")
            en.append(f"item {item.position}: the score is not a number")
            continue
        if p < 0 or p > item.max_points:
            zh.append(f"第 {item.position} 项得分 {fmt_num(p)} 超出 0–{fmt_num(item.max_points)}")
            en.append(f"item {item.position}: {fmt_num(p)} is outside 0–{fmt_num(item.max_points)}")
    unknown = sorted(set(item_points) - known)
    if unknown:
        zh.append(f"评分项 {', '.join(map(str, unknown))} 不属于所选评分表")
        en.append(f"items {', '.join(map(str, unknown))} do not belong to the chosen scorecard")
    return zh, en


def _resolve_score(
    session: Session,
    scorecard_id: int | None,
    item_points: Mapping[int, Decimal] | None,
    score: Decimal | None,
    *,
    allow_inactive_id: int | None = None,
) -> tuple[Decimal, dict[int, Decimal]]:
    """The stored score and item rows: Σ items when items are given, else the total as entered."""
    card: Scorecard | None = None
    if scorecard_id is not None:
        card = session.get(Scorecard, scorecard_id)
        if card is None:
            raise ValidationFailed(
                [f"没有编号为 {scorecard_id} 的评分表"], [f"no scorecard with id {scorecard_id}"]
            )
        if not card.active and card.id != allow_inactive_id:
            raise ValidationFailed(
                [f"评分表「{card.name}」第 {card.version} 版已停用，请选用最新版本"],
                [f"scorecard “{card.name}” version {card.version} is retired; choose the current version"],
            )
    if item_points is not None:
        if card is None:
            raise ValidationFailed(["按评分项打分时必须选择评分表"], ["choose a scorecard to score by item"])
        zh, en = score_problems(_card_view(card).items, item_points)
        if zh:
            raise ValidationFailed(zh, en)
        points = {int(k): D(v) for k, v in item_points.items()}
        total = sum(points.values(), ZERO)
        if score is not None and D(score) != total:
            raise ValidationFailed(
                [f"总分 {fmt_num(D(score))} 与各项得分之和 {fmt_num(total)} 不一致"],
                [f"the total {fmt_num(D(score))} differs from the sum of the items {fmt_num(total)}"],
            )
        return total, points
    if score is None:
        raise ValidationFailed(["请填写得分"], ["enter the score"])
    try:
        value = D(score)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(["得分不是数字"], ["the score is not a number"]) from exc
    if value < 0 or value > HUNDRED:
        raise ValidationFailed(
            [f"得分 {fmt_num(value)} 超出 0–100"], [f"the score {fmt_num(value)} is outside 0–100"]
        )
    return value, {}


def _check_employed(agent: Agent, day: date) -> None:
    if day < agent.hire_date or (agent.leave_date is not None and day > agent.leave_date):
        until = agent.leave_date.isoformat() if agent.leave_date else "至今"
        until_en = agent.leave_date.isoformat() if agent.leave_date else "now"
        raise ValidationFailed(
            [
                f"{day.isoformat()} 不在 {agent.code} {agent.name} 的在职期间（{agent.hire_date.isoformat()} – {until}）"
            ],
            [
                f"{day.isoformat()} is outside the employment of {agent.code} {agent.name} "
                f"({agent.hire_date.isoformat()} – {until_en})"
            ],
        )


def _clean_text(evaluator: str, note: str) -> tuple[str, str]:
    evaluator = clean_text(evaluator).strip()
    note = clean_text(note)
    if len(note.strip()) > NOTE_MAX:
        raise ValidationFailed([f"备注最长 {NOTE_MAX} 个字符"], [f"the note is at most {NOTE_MAX} characters"])
    if len(evaluator) > EVALUATOR_MAX:
        raise ValidationFailed(
            [f"质检员最长 {EVALUATOR_MAX} 个字符"], [f"evaluator is at most {EVALUATOR_MAX} characters"]
        )
    return evaluator, note.strip()


def _write_points(session: Session, ev: QAEvaluation, points: Mapping[int, Decimal]) -> None:
    session.execute(delete(QAItemScore).where(QAItemScore.evaluation_id == ev.id))
    for item_id, p in points.items():
        session.add(QAItemScore(evaluation_id=ev.id, item_id=item_id, points=p))
    session.flush()


def add_evaluation(
    session: Session,
    agent_code: str,
    date: date,
    scorecard_id: int | None,
    item_points: Mapping[int, Decimal] | None = None,
    score: Decimal | None = None,
    fatal: bool = False,
    evaluator: str = "",
    note: str = "",
) -> EvaluationView:
    """Record an evaluation. A fatal one keeps its sheet score; the engine counts it as 0."""
    agent = get_agent(session, agent_code)
    ensure_open(session, month_of(date))
    _check_employed(agent, date)
    total, points = _resolve_score(session, scorecard_id, item_points, score)
    evaluator, note = _clean_text(evaluator, note)
    ev = QAEvaluation(
        agent_id=agent.id,
        date=date,
        scorecard_id=scorecard_id,
        score=total,
        fatal=bool(fatal),
        status="valid",
        evaluator=evaluator,
        note=note,
        overturn_reason="",
    )
    session.add(ev)
    session.flush()
    _write_points(session, ev, points)
    audit(session, "qa.add", entity="qa_evaluation", key=str(ev.id), after=_snapshot(session, ev))
    return get_evaluation(session, ev.id)


def edit_evaluation(
    session: Session,
    eval_id: int,
    agent_code: str,
    date: date,
    scorecard_id: int | None,
    item_points: Mapping[int, Decimal] | None = None,
    score: Decimal | None = None,
    fatal: bool = False,
    evaluator: str = "",
    note: str = "",
    *,
    expected_version: int | None = None,
) -> EvaluationView:
    """Correct an evaluation; both its old and its new month must be open. Status is kept.
    ``expected_version``: the version the form showed; one changed since is refused."""
    ev = _get(session, eval_id)
    check_version(ev, expected_version, Text(f"质检记录 #{ev.id} ", f"QA evaluation #{ev.id}"))
    ensure_open(session, month_of(ev.date))
    agent = get_agent(session, agent_code)
    ensure_open(session, month_of(date))
    _check_employed(agent, date)
    # The card it was scored on may have been retired since; keeping it is allowed.
    total, points = _resolve_score(
        session, scorecard_id, item_points, score, allow_inactive_id=ev.scorecard_id
    )
    evaluator, note = _clean_text(evaluator, note)
    before = _snapshot(session, ev)
    ev.agent_id = agent.id
    ev.date = date
    ev.scorecard_id = scorecard_id
    ev.score = total
    ev.fatal = bool(fatal)
    ev.evaluator = evaluator
    ev.note = note
    session.flush()
    _write_points(session, ev, points)
    audit(
        session,
        "qa.edit",
        entity="qa_evaluation",
        key=str(ev.id),
        before=before,
        after=_snapshot(session, ev),
    )
    return get_evaluation(session, ev.id)


def delete_evaluation(session: Session, eval_id: int) -> None:
    ev = _get(session, eval_id)
    ensure_open(session, month_of(ev.date))
    before = _snapshot(session, ev)
    session.execute(delete(QAItemScore).where(QAItemScore.evaluation_id == ev.id))
    session.delete(ev)
    session.flush()
    audit(session, "qa.delete", entity="qa_evaluation", key=str(eval_id), before=before)


def overturn_evaluation(session: Session, eval_id: int, reason: str) -> EvaluationView:
    """An appeal upheld (申诉改判): the evaluation stops counting; the reason is kept with it."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(["请填写改判原因"], ["enter the reason the appeal was upheld"])
    ev = _get(session, eval_id)
    ensure_open(session, month_of(ev.date))
    if ev.status == "overturned":
        raise ServiceError("这条质检记录已经改判撤销", "this evaluation is already overturned")
    before = _snapshot(session, ev)
    ev.status = "overturned"
    ev.overturn_reason = reason
    session.flush()
    audit(
        session,
        "qa.overturn",
        entity="qa_evaluation",
        key=str(ev.id),
        before=before,
        after=_snapshot(session, ev),
        reason=reason,
    )
    return get_evaluation(session, ev.id)


def reinstate_evaluation(session: Session, eval_id: int) -> EvaluationView:
    """Undo an overturn (e.g. entered by mistake); the old reason stays in the audit log."""
    ev = _get(session, eval_id)
    ensure_open(session, month_of(ev.date))
    if ev.status == "valid":
        raise ServiceError("这条质检记录本来就有效", "this evaluation is already valid")
    before = _snapshot(session, ev)
    ev.status = "valid"
    ev.overturn_reason = ""
    session.flush()
    audit(
        session,
        "qa.reinstate",
        entity="qa_evaluation",
        key=str(ev.id),
        before=before,
        after=_snapshot(session, ev),
    )
    return get_evaluation(session, ev.id)


def list_evaluations(
    session: Session,
    month: str,
    agent_code: str | None = None,
    scorecard_code: str | None = None,
    status: str | None = None,
) -> list[EvaluationView]:
    """Evaluations dated in ``month``, by date then agent; filters are exact codes / status."""
    first, last = month_bounds(month)
    stmt = (
        select(
            QAEvaluation.id,
            Agent.code,
            Agent.name,
            QAEvaluation.date,
            QAEvaluation.scorecard_id,
            QAEvaluation.score,
            QAEvaluation.fatal,
            QAEvaluation.status,
            QAEvaluation.evaluator,
            QAEvaluation.note,
            QAEvaluation.overturn_reason,
            QAEvaluation.version,
        )
        .select_from(QAEvaluation)
        .join(Agent, Agent.id == QAEvaluation.agent_id)
        .outerjoin(Scorecard, Scorecard.id == QAEvaluation.scorecard_id)
        .where(QAEvaluation.date >= first, QAEvaluation.date <= last)
        .order_by(QAEvaluation.date, Agent.code, QAEvaluation.id)
    )
    if agent_code:
        agent = find_agent(session, agent_code)
        stmt = stmt.where(Agent.id == (agent.id if agent is not None else -1))
    if scorecard_code:
        stmt = stmt.where(Scorecard.code == scorecard_code)
    if status:
        if status not in STATUSES:
            raise ValidationFailed([f"未知的状态 {status}"], [f"unknown status {status}"])
        stmt = stmt.where(QAEvaluation.status == status)
    rows = session.connection().execute(stmt).all()
    points = _points_of(session, stmt.with_only_columns(QAEvaluation.id).order_by(None))
    labels: dict[int, tuple[str, str]] = {}
    for card_id in {row[4] for row in rows if row[4] is not None}:
        card = session.get(Scorecard, card_id)
        if card is not None:
            labels[card_id] = (card.code, _card_view(card).label())
    out = []
    for eval_id, code, name, day, card_ref, score, fatal, status, evaluator, note, reason, version in rows:
        card_code, label = labels.get(card_ref, ("", "")) if card_ref is not None else ("", "")
        out.append(
            EvaluationView(
                id=eval_id,
                agent_code=code,
                agent_name=name,
                date=day,
                scorecard_id=card_ref,
                scorecard_code=card_code,
                scorecard_label=label,
                score=score,
                fatal=fatal,
                status=status,
                evaluator=evaluator,
                note=note,
                overturn_reason=reason,
                item_points=points.get(eval_id, {}),
                version=version,
            )
        )
    return out


def evaluators(session: Session) -> list[str]:
    """Names already used, for the evaluator field's completion."""
    return sorted(n for n in session.scalars(select(QAEvaluation.evaluator).distinct()) if n)


def quality_config(session: Session, month: str) -> QualityConfig | None:
    """The month's plan's QA settings, or ``None`` when no plan is in force."""
    try:
        _, plan = plan_for_month(session, month)
    except ServiceError:
        return None
    return plan.quality


def month_summary(session: Session, month: str) -> list[AgentQASummary]:
    """Per agent on the month's payroll (and anyone with evaluations in it), as the engine sees QA.

    The engine's own :func:`~app.engine.quality.evaluate` does the counting so the page can
    never disagree with the payslip.
    """
    first, last = month_bounds(month)
    try:
        plan: Plan | None = plan_for_month(session, month)[1]
    except ServiceError:
        plan = None
    # Plain rows (a Core select), not ORM objects: this runs for the overview and the QA page.
    agent_cols = (Agent.id, Agent.code, Agent.name, Agent.team, Agent.base_salary, Agent.hire_date, Agent.leave_date,
                  Agent.role)
    conn = session.connection()
    agents = {
        a.id: a
        for a in conn.execute(
            select(*agent_cols).where(
                Agent.hire_date <= last, (Agent.leave_date.is_(None)) | (Agent.leave_date >= first)
            )
        )
    }
    evs = conn.execute(
        select(QAEvaluation.agent_id, QAEvaluation.date, QAEvaluation.score, QAEvaluation.fatal, QAEvaluation.status)
        .where(QAEvaluation.date >= first, QAEvaluation.date <= last)
    ).all()
    missing_ids = {e.agent_id for e in evs} - set(agents)
    if missing_ids:
        for a in conn.execute(select(*agent_cols).where(Agent.id.in_(missing_ids))):
            agents[a.id] = a
    by_agent: dict[int, list[Any]] = defaultdict(list)
    for e in evs:
        by_agent[e.agent_id].append(e)
    period = Period.of(month, ())
    out: list[AgentQASummary] = []
    for agent in sorted(agents.values(), key=lambda a: a.code):
        mine = by_agent.get(agent.id, [])
        # schema 2: the QA settings of the agent's scope, as the engine uses them (docs/pay-rules.md §7.3)
        cfg = None if plan is None else scoped_plan(plan, plan.scope_for(agent.code, agent.role, agent.team)).quality
        overturned = sum(1 for e in mine if e.status == "overturned")
        facts = AgentMonth(
            code=agent.code,
            name=agent.name,
            base_salary=agent.base_salary,
            hire_date=agent.hire_date,
            leave_date=agent.leave_date,
            qa=tuple(QAFact(date=e.date, score=e.score, fatal=e.fatal, status=e.status) for e in mine),
        )
        if cfg is None:
            counted = [e for e in mine if e.status == "valid"]
            out.append(
                AgentQASummary(
                    agent.code,
                    agent.name,
                    agent.team,
                    len(counted),
                    None,
                    None,
                    sum(1 for e in counted if e.fatal),
                    overturned,
                    None,
                )
            )
            continue
        qa = evaluate(cfg, facts, period)
        out.append(
            AgentQASummary(
                agent.code,
                agent.name,
                agent.team,
                qa.count,
                qa.avg,
                qa.grade,
                qa.fatal_count,
                overturned,
                qa.coefficient,
                cfg.min_evaluations,
            )
        )
    return out
