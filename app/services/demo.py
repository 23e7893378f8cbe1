"""A realistic demo branch, so a new user (and the tests) can see every screen with data.

Deterministic (a fixed random seed) and relative to today: the three months before the
current one get attendance, QA evaluations, policies, complaints, praise and KPI metrics.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.calendar import month_bounds, month_of, month_workdays, shift_month
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.plans import plan_for_month
from app.services.settings import set_setting
from app.services.setup import initialise
from app.text import Text
from db.models import (
    Adjustment,
    Agent,
    AttendanceRecord,
    Complaint,
    KpiMetric,
    Policy,
    Praise,
    QAEvaluation,
    QAItemScore,
    Scorecard,
)

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "婷", "雪", "慧", "欣怡", "子涵", "浩然"]
TEAMS = ("回访一组", "接听二组", "咨诉三组")
ROLE_OF_TEAM = {"回访一组": "电话回访岗", "接听二组": "电话接听岗", "咨诉三组": "电话咨诉岗"}
CARD_OF_ROLE = {"电话回访岗": "HF", "电话接听岗": "JT", "电话咨诉岗": "ZS"}


def demo_months(today: date | None = None) -> list[str]:
    today = today or date.today()
    this = month_of(today)
    return sorted(shift_month(this, -back) for back in (1, 2, 3))


def _d(x: float | int | str) -> Decimal:
    return Decimal(str(x))


def fill_demo(session: Session, *, today: date | None = None, agents: int = 25, seed: int = 2026) -> Text:
    """Fill an empty database; refuses when agents already exist (the demo never mixes with real data)."""
    if session.scalar(select(func.count(Agent.id))):
        raise ServiceError("数据库中已有人员，演示数据只能填入空数据库。",
                           "the database already has agents; the demo fills only an empty database.")
    initialise(session)
    rng = random.Random(seed)
    months = demo_months(today)
    first_month_start, _ = month_bounds(months[0])
    _, last_month_end = month_bounds(months[-1])

    people: list[Agent] = []
    used_names: set[str] = set()
    for i in range(agents):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used_names:
                used_names.add(name)
                break
        team = TEAMS[i % len(TEAMS)]
        hire = first_month_start - timedelta(days=rng.randint(120, 1500))
        leave = None
        if i in (5, 17):  # joiners in the middle of the period
            hire = month_bounds(months[1 if i == 5 else 2])[0] + timedelta(days=rng.randint(3, 15))
        if i in (9, 21):  # leavers
            leave = month_bounds(months[1 if i == 9 else 2])[0] + timedelta(days=rng.randint(5, 20))
        base = _d(rng.choice([3200, 3500, 3800, 4000, 4200, 4500, 5000]))
        people.append(Agent(code=f"A{i + 1:03d}", name=name, role=ROLE_OF_TEAM[team], team=team, base_salary=base,
                            hire_date=hire, leave_date=leave,
                            payslip_password=f"{rng.randrange(10**10):010d}"))  # 10 digits
    session.add_all(people)
    session.flush()

    cards = {c.code: c for c in session.scalars(select(Scorecard))}
    attendance: list[dict[str, object]] = []
    policies: list[dict[str, object]] = []
    complaints: list[dict[str, object]] = []
    praise: list[dict[str, object]] = []
    metrics: list[dict[str, object]] = []
    adjustments: list[dict[str, object]] = []
    policy_seq = 0
    for month in months:
        _, plan = plan_for_month(session, month)
        products = [p.code for p in plan.products]
        indicators = [i for i in plan.kpi.indicators if i.source == "metric"]
        first, last = month_bounds(month)
        workdays, _warning = month_workdays(month, plan.pay.calendar, {})
        for agent in people:
            if agent.hire_date > last or (agent.leave_date is not None and agent.leave_date < first):
                continue
            days = [d for d in workdays if d >= agent.hire_date and (agent.leave_date is None or d <= agent.leave_date)]
            if not days:
                continue
            skill = rng.random()
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
                kind = rng.choice(["late", "late", "late", "early_leave", "personal", "sick", "annual", "away"])
                rec: dict[str, object] = {"agent_id": agent.id, "date": rng.choice(days), "kind": kind,
                                          "minutes": None, "days": None, "note": ""}
                if kind in ("late", "early_leave"):
                    rec["minutes"] = rng.choice([3, 5, 8, 12, 20, 35, 50])
                elif kind in ("personal", "sick", "annual"):
                    rec["days"] = _d(rng.choice(["0.5", "1", "1", "2"]))
                attendance.append(rec)
            if rng.random() < 0.04:
                attendance.append({"agent_id": agent.id, "date": rng.choice(days), "kind": "absence", "minutes": None,
                                   "days": _d(1), "note": "未请假未到岗"})
            for _ in range(rng.randint(2, 9)):
                policy_seq += 1
                product = rng.choice(products)
                premium = _d(rng.choice([800, 1500, 2000, 3600, 6000, 8000, 12000, 20000, 30000]))
                sign = rng.choice(days)
                cancel = None
                if rng.random() < 0.05:
                    cancel = min(last_month_end, sign + timedelta(days=rng.randint(3, 40)))
                policies.append({
                    "policy_no": f"P{month.replace('-', '')}{policy_seq:05d}", "agent_id": agent.id,
                    "product_code": product, "premium": premium, "customer_level": rng.choice(["", "", "A", "VIP"]),
                    "new_customer": rng.random() < 0.3, "sign_date": sign, "cancel_date": cancel,
                })
            card = cards.get(CARD_OF_ROLE.get(agent.role, "JT"))
            for _ in range(rng.randint(0 if agent.hire_date > first else 2, 4)):
                _demo_evaluation(session, rng, agent, card, rng.choice(days), skill)
            for ind in indicators:
                if rng.random() < 0.05:
                    continue  # the telephony export sometimes misses an agent
                metrics.append({"agent_id": agent.id, "month": month, "indicator": ind.code,
                                "value": _demo_metric(rng, ind.code, ind.target, skill)})
            if rng.random() < 0.12:
                complaints.append({"agent_id": agent.id, "date": rng.choice(days),
                                   "level": rng.choice(["hotline", "hotline", "city", "province"]),
                                   "status": rng.choice(["upheld", "upheld", "pending", "overturned"]),
                                   "description": "客户反映服务态度问题"})
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                praise.append({"agent_id": agent.id, "date": rng.choice(days), "description": "客户来电表扬"})
            if rng.random() < 0.05:
                amount = _d(rng.choice([150, -80, 200]))
                category, reason = ("补发", "上月漏记加班补贴") if amount > 0 else ("追回", "上月多发餐补")
                adjustments.append({"agent_id": agent.id, "month": month, "amount": amount, "category": category,
                                    "reason": reason})
    for model, rows in ((AttendanceRecord, attendance), (Policy, policies), (Complaint, complaints),
                        (Praise, praise), (KpiMetric, metrics), (Adjustment, adjustments)):
        if rows:
            session.execute(insert(model), rows)
    audit(session, "demo.fill", entity="database", after={"agents": len(people), "months": months})
    set_setting(session, "is_demo", "1")  # the window says "演示数据 / Demo data" from now on
    session.flush()
    return Text(
        f"{len(people)} 名人员、{len(policies)} 张保单，月份 {'、'.join(months)}",
        f"{len(people)} agents, {len(policies)} policies, months {', '.join(months)}",
    )


def _demo_metric(rng: random.Random, code: str, target: Decimal, skill: float) -> Decimal:
    if code == "response_s":
        return _d(rng.randint(5, 12))
    if target <= 1:
        value = target + _d(round((skill - 0.5) * 0.08 + rng.uniform(-0.02, 0.02), 3))
        return min(_d(1), max(_d("0.5"), value)).quantize(Decimal("0.001"))
    return _d(round(float(target) * (0.9 + skill * 0.2), 1))


def _demo_evaluation(session: Session, rng: random.Random, agent: Agent, card: Scorecard | None, day: date,
                     skill: float) -> None:
    fatal = rng.random() < 0.03
    overturned = rng.random() < 0.05
    points: list[tuple[int, Decimal]] = []
    if card is not None:
        for item in card.items:
            lost = Decimal(0) if rng.random() < 0.55 + skill * 0.4 else min(item.max_points, _d(rng.choice([1, 2, 2.5])))
            points.append((item.id, item.max_points - lost))
    score = Decimal(0) if fatal else (sum((p for _, p in points), Decimal(0)) if points else _d(rng.randint(70, 98)))
    evaluation = QAEvaluation(agent_id=agent.id, date=day, scorecard_id=card.id if card else None, score=score,
                              fatal=fatal, status="overturned" if overturned else "valid",
                              evaluator=rng.choice(["质检员王敏", "质检员周杰"]),
                              overturn_reason="申诉成立：录音片段不完整" if overturned else "")
    session.add(evaluation)
    session.flush()
    for item_id, p in points:
        session.add(QAItemScore(evaluation_id=evaluation.id, item_id=item_id, points=p))
