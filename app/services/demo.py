"""A realistic demo branch, so a new user (and the tests) can see every screen with data.

Deterministic (a fixed random seed) and relative to today: the three months before the
current one get attendance, QA evaluations, policies, complaints, praise and KPI metrics.

The branch uses part two of the rules (docs/pay-rules.md §7–§9) with the plan
``resources/plans/demo_branch.toml``: a scope per post (电话回访岗, 电话接听岗, 电话咨诉岗, each with
its own indicators: relative, steps, bands, counts, a direct score), product groups, a monthly and a
quarterly target (values imported per agent), a quarterly award, a team award and ``[statutory]``.
Agents have (made-up) ID numbers, bank accounts and bases; a few have monthly special deductions, and
every covered agent employed earlier in the year has an opening tax balance, so the first demo month
can withhold tax by the cumulative method. The first two months are calculated and locked, the last one
calculated (no user exists yet; a branch with users keeps its sign-off chain and nothing is calculated),
so the quarter that ends in a demo month shows its ``period_award``.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.calendar import month_bounds, month_of, month_str, month_workdays, parse_month, shift_month
from app.engine.statutory import housing_fund, social_insurance
from app.importers.kinds import DeductionRow, TargetRow, TaxOpeningRow
from app.money import ZERO, round2
from app.periods import period_of
from app.personal import id_check_char
from app.plan.model import Indicator, Plan
from app.plan.toml_io import dump_plan, load_plan
from app.resources import read_text
from app.services.agents import AgentInput, add_agent
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.imports import write_generated
from app.services.payroll import calculate_month, lock_month
from app.services.plans import save_plan
from app.services.settings import set_setting
from app.services.setup import initialise
from app.services.users import users_exist
from app.text import Text
from db.models import (
    Adjustment,
    Agent,
    AttendanceRecord,
    Complaint,
    KpiMetric,
    PlanVersion,
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


DEMO_PLAN = "plans/demo_branch.toml"
DEMO_SOURCE = "演示数据"
BANKS = ("中国工商银行北京东城支行", "中国建设银行北京东四支行", "招商银行北京东直门支行")
# (agent index, children_education, housing_rent, elderly_care): a few agents' monthly special deductions
SPECIAL_DEDUCTIONS = ((0, 2000, 0, 0), (4, 0, 1500, 0), (7, 2000, 0, 3000), (13, 0, 1500, 1000))
NOT_COVERED = (11,)  # an intern: insured elsewhere, no statutory lines
MID_YEAR_HIRE = 3  # hired earlier this year: an opening balance of only a few months
SI_BASES = {1: "6000", 6: "8000", 10: "5500", 14: "4000"}  # the others: their base salary; 4000 is below the floor


def fill_demo(session: Session, *, today: date | None = None, agents: int = 25, seed: int = 2026) -> Text:
    """Fill an empty database; refuses when agents already exist (the demo never mixes with real data)."""
    if session.scalar(select(func.count(Agent.id))):
        raise ServiceError("数据库中已有人员，演示数据只能填入空数据库。",
                           "the database already has agents; the demo fills only an empty database.")
    initialise(session)
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # personal data, targets and tax: the records above keep their own sequence
    months = demo_months(today)
    plan = _save_demo_plan(session, months)
    first_month_start, _ = month_bounds(months[0])
    _, last_month_end = month_bounds(months[-1])

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
        base = _d(rng.choice([4500, 5000, 5500, 6000, 6500, 7000, 8000]))
        password = f"{rng.randrange(10**10):010d}"  # 10 digits
        if i == MID_YEAR_HIRE and parse_month(months[0])[1] >= 3:
            hire = month_bounds(shift_month(months[0], -2))[0] + timedelta(days=9)
        add_agent(session, AgentInput(
            code=f"A{i + 1:03d}", name=name, role=ROLE_OF_TEAM[team], team=team, base_salary=base, hire_date=hire,
            leave_date=leave, payslip_password=password, id_number=_demo_id_number(extra, i),
            bank_name=extra.choice(BANKS), bank_account="6222" + "".join(str(extra.randrange(10)) for _ in range(15)),
            si_base=_d(SI_BASES[i]) if i in SI_BASES else None, statutory=i not in NOT_COVERED,
        ))
    people = list(session.scalars(select(Agent).order_by(Agent.code)))

    cards = {c.code: c for c in session.scalars(select(Scorecard))}
    indicators_of = {a.id: _metric_indicators(plan, a) for a in people}
    attendance: list[dict[str, object]] = []
    policies: list[dict[str, object]] = []
    complaints: list[dict[str, object]] = []
    praise: list[dict[str, object]] = []
    metrics: list[dict[str, object]] = []
    adjustments: list[dict[str, object]] = []
    evaluations: list[dict[str, object]] = []
    item_scores: list[dict[str, object]] = []
    next_evaluation = (session.scalar(select(func.max(QAEvaluation.id))) or 0) + 1
    policy_seq = 0
    products = [p.code for p in plan.products]
    for month in months:
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
                evaluation, points = _demo_evaluation(rng, agent, card, rng.choice(days), skill)
                evaluation["id"] = next_evaluation
                evaluations.append(evaluation)
                item_scores.extend({"evaluation_id": next_evaluation, "item_id": item_id, "points": p}
                                   for item_id, p in points)
                next_evaluation += 1
            for ind in indicators_of[agent.id]:
                if rng.random() < 0.05:
                    continue  # the telephony export sometimes misses an agent
                metrics.append({"agent_id": agent.id, "month": month, "indicator": ind.code,
                                "value": _demo_metric(rng, ind, skill)})
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
                        (Praise, praise), (QAEvaluation, evaluations), (QAItemScore, item_scores),
                        (KpiMetric, metrics), (Adjustment, adjustments)):
        if rows:
            session.execute(insert(model), rows)
    _demo_targets(session, extra, plan, people, months)
    _demo_tax(session, extra, plan, people, months)
    audit(session, "demo.fill", entity="database", after={"agents": len(people), "months": months})
    set_setting(session, "is_demo", "1")  # the window says "演示数据 / Demo data" from now on
    session.flush()
    calculated = not users_exist(session)  # a branch with users locks a month only by its sign-off chain (§10)
    if calculated:
        for month in months[:-1]:
            calculate_month(session, month)
            lock_month(session, month)
        calculate_month(session, months[-1])
    zh = f"{len(people)} 名人员、{len(policies)} 张保单，月份 {'、'.join(months)}"
    en = f"{len(people)} agents, {len(policies)} policies, months {', '.join(months)}"
    if calculated:
        zh += f"（{'、'.join(months[:-1])} 已计算并锁定，{months[-1]} 已计算）"
        en += f" ({', '.join(months[:-1])} calculated and locked, {months[-1]} calculated)"
    return Text(zh, en)


def _save_demo_plan(session: Session, months: list[str]) -> Plan:
    """The demo plan, in force from the first demo month; it replaces the default plan of the new database,
    so that the months before the demo (no payroll kept) hold up neither a period award nor anything else.
    The quarterly award asks for every month of its quarter that the demo has (§8.2)."""
    for version in session.scalars(select(PlanVersion)):
        session.delete(version)  # the default plan initialise() just stored: no month used it (no agents)
    session.flush()
    plan = load_plan(read_text(DEMO_PLAN), source=DEMO_PLAN)
    awards = []
    for award in plan.period_awards:
        end = next((m for m in months if period_of(award.period, m).last_month == m), None)
        have = [m for m in months if end is not None and period_of(award.period, m) == period_of(award.period, end)]
        awards.append(replace(award, min_months=max(1, len(have))))
    plan = replace(plan, effective_from=months[0], period_awards=tuple(awards))
    save_plan(session, dump_plan(plan), source="demo_branch.toml")
    return plan


def _metric_indicators(plan: Plan, agent: Agent) -> tuple[Indicator, ...]:
    """The indicators of the agent's scope (or the top level) whose values come from the metrics import."""
    scope = next((s for s in plan.scopes if s.matches(agent.code, agent.role, agent.team)), None)
    kpi = scope.kpi if scope is not None and scope.kpi is not None else plan.kpi
    return tuple(i for i in kpi.indicators if i.source == "metric")


def _demo_id_number(rng: random.Random, i: int) -> str:
    """A made-up ID number of 东城区 (110101) with a real birth date and the right MOD 11-2 check character."""
    born = date(1985, 1, 1) + timedelta(days=rng.randrange(17 * 365))
    first17 = f"110101{born:%Y%m%d}{900 + i % 100:03d}"
    return first17 + id_check_char(first17)


def _demo_targets(session: Session, rng: random.Random, plan: Plan, people: list[Agent], months: list[str]) -> None:
    """Each agent's monthly policy-count target for every demo month, and a quarterly premium target for every
    quarter a demo month falls in (prorated to the quarter's months the demo has), as the targets import."""
    rows: list[TargetRow] = []
    for target in plan.targets:
        periods: dict[str, list[str]] = {}
        for m in months:
            periods.setdefault(period_of(target.period, m).text, []).append(m)
        for agent in people:
            for period, in_demo in periods.items():
                employed = [m for m in in_demo if agent.hire_date <= month_bounds(m)[1]
                            and (agent.leave_date is None or agent.leave_date >= month_bounds(m)[0])]
                if not employed:
                    continue  # not with the branch yet (or gone)
                n = len(employed)
                if target.measure == "policies":
                    value = _d(rng.choice([4, 5, 5, 6, 7]) * n)
                else:
                    value = _d(rng.choice([20000, 25000, 30000, 35000]) * n)
                rows.append(TargetRow(agent.code, target.code, period, value, None))
    if rows:
        write_generated(session, "targets", rows, source=DEMO_SOURCE)


def _demo_tax(session: Session, rng: random.Random, plan: Plan, people: list[Agent], months: list[str]) -> None:
    """Monthly special deductions of a few agents, and the opening balance of the year (Jan up to the month
    before the first demo month) of every covered agent employed then, as the two imports write them."""
    cfg = plan.statutory
    if cfg is None:
        return
    by_index = {int(a.code[1:]) - 1: a for a in people}
    monthly_special: dict[int, Decimal] = {}
    deductions: list[DeductionRow] = []
    for index, children, rent, elderly in SPECIAL_DEDUCTIONS:
        agent = by_index.get(index)
        if agent is None:
            continue
        monthly_special[agent.id] = _d(children + rent + elderly)
        for m in months:
            deductions.append(DeductionRow(agent.code, m, _d(children), ZERO, ZERO, _d(rent), _d(elderly), ZERO, ZERO))
    if deductions:
        write_generated(session, "deductions", deductions, source=DEMO_SOURCE)
    year, first = parse_month(months[0])
    earlier = [month_str(year, n) for n in range(1, first)]
    openings: list[TaxOpeningRow] = []
    for agent in people:
        employed = [m for m in earlier if agent.hire_date <= month_bounds(m)[1]
                    and (agent.leave_date is None or agent.leave_date >= month_bounds(m)[0])]
        if not agent.statutory or not employed:
            continue
        k = len(employed)
        si_base = agent.si_base if agent.si_base is not None else agent.base_salary
        items, _line = social_insurance(cfg, si_base)
        hf, _hf_line = housing_fund(cfg, agent.hf_base if agent.hf_base is not None else si_base)
        si_hf = (sum((x.amount for x in items), ZERO) + hf) * k
        income = sum((agent.base_salary + _d(rng.choice([400, 800, 1200, 1600, 2500])) for _ in employed), ZERO)
        special = monthly_special.get(agent.id, ZERO) * k
        taxable = max(ZERO, income - cfg.basic_deduction * k - si_hf - special)
        bracket = cfg.bracket_for(taxable)
        withheld = max(ZERO, round2(taxable * bracket.rate - bracket.quick))
        openings.append(TaxOpeningRow(agent.code, year, first - 1, k, income, si_hf, special, ZERO, withheld))
    if openings:
        write_generated(session, "tax_opening", openings, source=DEMO_SOURCE)


def _demo_metric(rng: random.Random, ind: Indicator, skill: float) -> Decimal:
    if ind.kind == "relative":  # a volume: calls answered or made
        high = 1500 if ind.code == "calls" else 600
        return _d(round(high * (0.55 + skill * 0.4 + rng.uniform(-0.05, 0.05))))
    if ind.kind == "bands":  # an exam score
        return _d(min(100, max(40, round(55 + skill * 40 + rng.uniform(-10, 10)))))
    if ind.kind == "score":  # scored directly by the team leader
        return _d(min(110, max(75, round(88 + skill * 15 + rng.uniform(-6, 6)))))
    if ind.kind == "count":  # counted events, e.g. report errors
        return _d(rng.choice([0, 0, 0, 1, 1, 2]))
    target = ind.target
    if ind.code == "response_s":
        return _d(rng.randint(5, 12))
    if target <= 1:
        value = target + _d(round((skill - 0.5) * 0.08 + rng.uniform(-0.02, 0.02), 3))
        return min(_d(1), max(_d("0.5"), value)).quantize(Decimal("0.001"))
    return _d(round(float(target) * (0.9 + skill * 0.2), 1))


def _demo_evaluation(rng: random.Random, agent: Agent, card: Scorecard | None, day: date,
                     skill: float) -> tuple[dict[str, object], list[tuple[int, Decimal]]]:
    """One QA evaluation as a row, and its item scores (item id, points)."""
    fatal = rng.random() < 0.03
    overturned = rng.random() < 0.05
    points: list[tuple[int, Decimal]] = []
    if card is not None:
        for item in card.items:
            lost = Decimal(0) if rng.random() < 0.55 + skill * 0.4 else min(item.max_points, _d(rng.choice([1, 2, 2.5])))
            points.append((item.id, item.max_points - lost))
    score = Decimal(0) if fatal else (sum((p for _, p in points), Decimal(0)) if points else _d(rng.randint(70, 98)))
    evaluation: dict[str, object] = {
        "agent_id": agent.id, "date": day, "scorecard_id": card.id if card else None, "score": score,
        "fatal": fatal, "status": "overturned" if overturned else "valid",
        "evaluator": rng.choice(["质检员王敏", "质检员周杰"]), "note": "",
        "overturn_reason": "申诉成立：录音片段不完整" if overturned else "",
    }
    return evaluation, points
