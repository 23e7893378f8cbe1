"""A schema-2 month of the tests' own (docs/pay-rules.md §7), every figure worked out by hand below.

Plan: tests/data/schema2_example_plan.toml. October 2026 has 18 workdays; every base salary is
4350, so a day's pay D = 4350 / 21.75 = 200.

A1 (no scope) — policies: L10 30000 VIP new (group life), H1 10000 (group health, no table: std 5000),
ACC1 20000 (group default: std 2000). QA 95, 91 → avg 93 → c = 1.1.
  T_life = 20000 × 3% + 10000 × 5% = 1100; rest S = 7000 → 7000 × 2% = 140; T = 1240;
  Lv = 30000 × 0.5% = 150; commission = (1240 + 150) × 1.1 = 1529.00; new customer 50.00.
  Paid per policy: L10 30000 × 1100/30000 × 1.1 + 30000 × 0.5% × 1.1 + 50 = 1425.00;
  H1 5000 × 140/7000 × 1.1 = 110.00; ACC1 2000 × 0.02 × 1.1 = 44.00.
  Indicators: answer_rate 0.85 vs 0.80: 0.05 / step_up 0.05 = 1 step × 2 → 102;
  calls 400 / N1 500 (A2, same group: no scope) × 100 = 80.00; exam 70 → band 60 → 95;
  complaints city 1 × −5 + hotline 1 × −3 = −8 → 92 (the overturned one does not count);
  absence 1 record (2 days) × −5 → 95; errors 2 × −2 → 96; exec 95 → 95.
  K = (2×102 + 80 + 95 + 92 + 95 + 96 + 2×95) / 9 = 852 / 9 = 94.666… → 94.67;
  kpi = (94.67 − 80) × 10 = 146.70. Absence −2 × 200 = −400.00.
  Net 4350 − 400 + 1529 + 50 + 146.70 = 5675.70. Penalized (upheld complaints): no award.
A2 (no scope) — L10 10000 (life): T = 300, no QA → c = 1: commission 300.00.
  answer_rate 0.75: −0.05 / step 0.02 = 2 whole steps × 2 → 96; calls 500/500 → 100.00;
  exam 90 → 100; complaints, absence, errors: nothing → 100 each (count is never missing);
  exec: no metric → left out. K = (2×96 + 100 × 5) / 7 = 692 / 7 = 98.857… → 98.86;
  kpi = (98.86 − 80) × 10 = 188.60. Award within "no scope": A1 penalized, A2 alone: N = 1, n = 1 → 100.
  Net 4350 + 300 + 188.60 + 100 = 4938.60.
B1 (scope callback by role) — the scope's commission, whole: S = 12000 + 10000 × 0.1 = 13000 → 2%:
  260.00 (no level bonus, no new-customer bonus in the scope's table); QA 80 → c = 1 (top-level bands).
  Scope KPI: calls 300 / N1 300 (B1, B2) → 100.00; exec 125 → at most 110.
  K = (2×100 + 110) / 3 = 103.333… → 103.33; kpi = (103.33 − 80) × 20 = 466.60.
  Award within callback: B1 103.33, B2 71.11: N = 2, n = 1 → B1 100.00.
  Net 4350 + 260 + 466.60 + 100 = 5176.60.
B2 (scope callback by its code, listed as "b2"; its role alone would put it in no scope) —
  calls 200 / 300 × 100 = 66.67; exec 70 → at least 80. K = (2×66.67 + 80) / 3 = 71.113… → 71.11;
  kpi = −(80 − 71.11) × 20 = −177.80. Net 4350 − 177.80 = 4172.20.
Scope complaint_desk matches nobody: a month warning.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.engine import compute_month
from app.engine.facts import AgentMonth, AttendanceFact, ComplaintFact, MonthPay, QAFact
from app.plan.toml_io import dump_plan, load_plan
from app.results import facts_to_json

from .factories import MONTH, WORKDAYS, lines, month, policy

PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "schema2_example_plan.toml"
PLAN = load_plan(PLAN_FILE.read_text(encoding="utf-8"), source=PLAN_FILE.name)
D = Decimal


def _agent(code: str, role: str, **kw: object) -> AgentMonth:
    return AgentMonth(
        code=code,
        name=code,
        base_salary=D(4350),
        hire_date=date(2024, 1, 1),
        role=role,
        **kw,  # type: ignore[arg-type]
    )


A1 = _agent(
    "A1",
    "电话接听岗",
    policies=(
        policy("P1", "30000", level="VIP", new=True),
        policy("P2", "10000", product="H1"),
        policy("P3", "20000", product="ACC1"),
    ),
    qa=(QAFact(date(2026, 10, 9), D(95)), QAFact(date(2026, 10, 20), D(91))),
    metrics={"answer_rate": D("0.85"), "calls": D(400), "exam": D(70), "errors": D(2), "exec": D(95)},
    complaints=(
        ComplaintFact(date(2026, 10, 12), "city"),
        ComplaintFact(date(2026, 10, 13), "hotline"),
        ComplaintFact(date(2026, 10, 14), "hotline", "overturned"),
        ComplaintFact(date(2026, 9, 30), "province"),  # not in the month
    ),
    attendance=(AttendanceFact(date(2026, 10, 15), "absence", days=D(2)),),
)
A2 = _agent(
    "A2",
    "电话接听岗",
    policies=(policy("P4", "10000"),),
    metrics={"answer_rate": D("0.75"), "calls": D(500), "exam": D(90)},
)
B1 = _agent(
    "B1",
    "电话回访岗",
    policies=(policy("P5", "12000"), policy("P6", "10000", product="ACC1")),
    qa=(QAFact(date(2026, 10, 9), D(80)),),
    metrics={"calls": D(300), "exec": D(125), "answer_rate": D("0.99")},  # answer_rate is not in the scope
)
B2 = _agent("B2", "电话接听岗", metrics={"calls": D(200), "exec": D(70)})


def _month() -> MonthPay:
    return compute_month(PLAN, month(A1, A2, B1, B2))


def test_every_line_to_the_cent() -> None:
    pay = {a.code: a for a in _month().agents}
    assert lines(pay["A1"]) == {
        "base": D("4350.00"),
        "absence": D("-400.00"),
        "commission": D("1529.00"),
        "new_customer_bonus": D("50.00"),
        "kpi": D("146.70"),
    }
    assert lines(pay["A2"]) == {
        "base": D("4350.00"),
        "commission": D("300.00"),
        "kpi": D("188.60"),
        "top_award": D("100.00"),
    }
    assert lines(pay["B1"]) == {
        "base": D("4350.00"),
        "commission": D("260.00"),
        "kpi": D("466.60"),
        "top_award": D("100.00"),
    }
    assert lines(pay["B2"]) == {"base": D("4350.00"), "kpi": D("-177.80")}
    assert [pay[c].net for c in ("A1", "A2", "B1", "B2")] == [
        D("5675.70"),
        D("4938.60"),
        D("5176.60"),
        D("4172.20"),
    ]


def test_indicator_scores_and_k() -> None:
    pay = {a.code: a for a in _month().agents}
    assert pay["A1"].facts.indicator_scores == {
        "answer_rate": D(102),
        "calls": D("80.00"),
        "exam": D(95),
        "complaints": D(92),
        "absence": D(95),
        "errors": D(96),
        "exec": D(95),
    }
    assert pay["A1"].facts.kpi_score == D("94.67")
    assert pay["A2"].facts.indicator_scores == {
        "answer_rate": D(96),
        "calls": D("100.00"),
        "exam": D(100),
        "complaints": D(100),
        "absence": D(100),
        "errors": D(100),
    }
    assert pay["A2"].facts.kpi_score == D("98.86")
    assert pay["B1"].facts.indicator_scores == {"calls": D("100.00"), "exec": D(110)}
    assert pay["B1"].facts.kpi_score == D("103.33")
    assert pay["B2"].facts.indicator_scores == {"calls": D("66.67"), "exec": D(80)}
    assert pay["B2"].facts.kpi_score == D("71.11")


def test_each_policy_pays_from_its_own_group() -> None:
    pay = {a.code: a for a in _month().agents}
    assert pay["A1"].policy_paid == {"P1": D("1425.00"), "P2": D("110.00"), "P3": D("44.00")}
    assert sum(pay["A1"].policy_paid.values()) == D("1579.00")  # commission + new-customer bonus
    assert pay["B1"].policy_paid == {"P5": D("240.00"), "P6": D("20.00")}  # 12000 / 1000 × 2%


def test_explanations_name_groups_scopes_and_each_indicator() -> None:
    pay = {a.code: a for a in _month().agents}
    commission = next(line for line in pay["A1"].lines if line.code == "commission")
    assert "寿险 30000［20000 × 3% + 10000 × 5%］ + 其他产品 7000［7000 × 2%］ = 1240.00" in commission.detail
    assert "life" not in commission.detail and "other products 7000" in commission.detail_en
    kpi = next(line for line in pay["A1"].lines if line.code == "kpi")
    assert "接听量 400 / 本组最高 500 × 100 = 80.00" in kpi.detail
    assert "投诉：市级 1 × −5 + 热线 1 × −3 = −8 → 92" in kpi.detail
    assert "缺勤：旷工 1 × −5 = −5 → 95" in kpi.detail
    assert "月考 70 ≥ 60 → 95" in kpi.detail
    assert "接听量 400 / best in scope 500 × 100 = 80.00" in kpi.detail_en
    assert (
        pay["A1"].facts.indicator_details["answer_rate"] == "接通率 0.85，目标 0.8：每 0.05 加 2，1 步 → 102"
    )
    award = next(line for line in pay["B1"].lines if line.code == "top_award")
    assert award.detail.startswith("电话回访岗内评比：") and award.detail_en.startswith("within 电话回访岗: ")
    award = next(line for line in pay["A2"].lines if line.code == "top_award")
    assert award.detail.startswith("未分岗位内评比：")
    assert (pay["B1"].facts.scope, pay["B1"].facts.scope_name) == ("callback", "电话回访岗")
    assert pay["B2"].facts.scope == "callback"  # listed by code, whatever the case
    assert pay["A1"].facts.scope is None and pay["A1"].facts.scope_name == ""


def test_a_scope_matching_nobody_is_a_month_warning() -> None:
    warnings = _month().warnings
    assert [w.en for w in warnings] == [
        "scope complaint_desk (电话咨诉岗) matches nobody in the month: check its agents, roles and teams"
    ]


def test_the_award_ranks_the_whole_branch_without_within_scope() -> None:
    plan = replace(PLAN, awards=replace(PLAN.awards, within_scope=False))
    pay = {a.code: a for a in compute_month(plan, month(A1, A2, B1, B2)).agents}
    # A2, B1, B2 eligible (A1 penalized): N = 3, n = max(1, floor(1.5)) = 1 → B1 (103.33) alone
    assert [c for c in pay if "top_award" in lines(pay[c])] == ["B1"]


def test_relative_compares_within_the_scope_only() -> None:
    # Without B2 in the payroll, B1 is the best of its scope: still 100, whatever A2's 500 is.
    alone = {a.code: a for a in compute_month(PLAN, month(A1, A2, B1)).agents}
    assert alone["B1"].facts.indicator_scores["calls"] == D("100.00")
    # Without A2, A1 is the best of the agents in no scope.
    assert compute_month(PLAN, month(A1)).agents[0].facts.indicator_scores["calls"] == D("100.00")


def test_relative_with_no_positive_best_is_left_out_for_everyone() -> None:
    zero = replace(A2, metrics={**A2.metrics, "calls": D(0)})
    a1 = replace(A1, metrics={**A1.metrics, "calls": D(0)})
    pay = compute_month(PLAN, month(a1, zero)).agents
    assert all("calls" not in a.facts.indicator_scores for a in pay)


def test_the_stored_facts_carry_the_scope_and_round_trip() -> None:
    from app.results import facts_from_json

    pay = {a.code: a for a in _month().agents}
    data = facts_to_json(pay["B1"].facts)
    assert data["scope"] == "callback" and data["scope_name"] == "电话回访岗"
    assert facts_from_json(data) == pay["B1"].facts
    assert facts_from_json(facts_to_json(pay["A1"].facts)) == pay["A1"].facts


def test_the_example_plan_round_trips_and_computes_the_same() -> None:
    again = load_plan(dump_plan(PLAN))
    assert again == PLAN
    assert compute_month(again, month(A1, A2, B1, B2)) == _month()


def test_month_is_october() -> None:
    assert MONTH == "2026-10" and len(WORKDAYS) == 18


def test_the_shipped_posts_plan_loads_and_puts_each_post_in_its_scope() -> None:
    from app.resources import read_text

    from .example_data import example_facts, load_example

    posts = load_plan(read_text("plans/posts_schema2.toml"), source="posts_schema2.toml")
    assert posts.schema == 2 and load_plan(dump_plan(posts)) == posts
    assert [(s.code, s.name) for s in posts.scopes] == [
        ("callback", "电话回访岗"),
        ("answer", "电话接听岗"),
        ("complaint_desk", "电话咨诉岗"),
    ]
    assert {g.code for g in posts.commission.groups} == {"life", "accident"}
    facts = example_facts(load_example("worked_example_2026_10.toml"))
    roles = {"A001": "电话接听岗", "A002": "电话回访岗", "A003": "电话咨诉岗"}
    facts = replace(facts, agents=tuple(replace(a, role=roles[a.code]) for a in facts.agents))
    pay = {a.code: a for a in compute_month(posts, facts).agents}
    assert {code: a.facts.scope for code, a in pay.items()} == {
        "A001": "answer",
        "A002": "callback",
        "A003": "complaint_desk",
    }
    assert set(pay["A001"].facts.indicator_scores) == {
        "answer_rate",
        "satisfaction",
        "response_s",
        "absence",
        "report_errors",
    }
    assert pay["A001"].facts.indicator_scores["absence"] == 100  # count: never missing


def test_within_scope_without_scopes_is_the_plain_award() -> None:
    plan = replace(PLAN, scopes=())
    pay = {a.code: a for a in compute_month(plan, month(A1, A2, B1, B2)).agents}
    awards = [line for a in pay.values() for line in a.lines if line.code == "top_award"]
    assert len(awards) == 1  # everyone ranked together: n = floor(0.5 × 3) = 1
    assert awards[0].detail.startswith("前 50%：3 人参评")  # and no scope named
