"""The engine's choices where the pay rules are silent (docs/engine-choices.md), one test per choice
that test_edges.py and test_worked_example.py do not already pin down."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal, getcontext, localcontext

import pytest

from app.engine import compute_agent, compute_month
from app.engine.facts import (
    AdjustmentFact,
    AttendanceFact,
    ClawbackFact,
    ComplaintFact,
    QAFact,
)
from app.engine.lines import make_line
from app.plan.toml_io import PlanError, load_plan

from .example_data import example_facts, example_plan, load_example
from .factories import PLAN, SOLO, agent, lines, month, only, plan, policy

SUNDAY = date(2026, 10, 11)  # not a workday of October 2026
MONDAY = date(2026, 10, 12)


# -- Numbers ---------------------------------------------------------------------------------
def test_pay_does_not_depend_on_the_callers_decimal_context() -> None:
    """A caller with 5 significant digits and rounding toward −∞ gets the very same payroll."""
    doc = load_example("worked_example_2026_10.toml")
    the_plan, facts = example_plan(doc), example_facts(doc)
    expected = compute_month(the_plan, facts)
    expected_one = compute_agent(the_plan, facts, facts.agents[0], top_award=True)
    assert {a.code: str(a.net) for a in expected.agents} == {
        "A001": "7502.04",
        "A002": "2997.97",
        "A003": "4091.90",
    }
    with localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = ROUND_FLOOR
        got = compute_month(the_plan, facts)
        one = compute_agent(the_plan, facts, facts.agents[0], top_award=True)
        # The engine's own context is not left behind for the caller.
        assert getcontext().prec == 5 and getcontext().rounding == ROUND_FLOOR
    assert got == expected
    assert one == expected_one


def test_a_line_rounded_to_zero_is_never_minus_zero() -> None:
    line = make_line("adjustment", Decimal("-0.004"), "x")
    assert str(line.amount) == "0.00"
    assert str(make_line("leave", Decimal("-0.005"), "x").amount) == "-0.01"  # half up: away from zero


def test_two_policies_with_the_same_number_both_count_and_their_paid_amounts_are_summed() -> None:
    twins = (
        policy("P1", "40000", level="VIP", new=True),
        policy("P1", "20000", sign=date(2026, 10, 20)),
    )
    pay = only(compute_month(SOLO, month(agent(policies=twins))))
    assert pay.facts.policies_counted == 2
    assert pay.facts.standard_premium == Decimal("60000.00")
    # T = 50000 × 2% + 10000 × 3% = 1300; Lv = 40000 × 0.5% = 200; no QA: c = 1.
    assert lines(pay)["commission"] == Decimal("1500.00")
    assert lines(pay)["new_customer_bonus"] == Decimal("50.00")
    # 40000 × 1300/60000 + 200 = 1066.67 (+ 50 new customer) and 20000 × 1300/60000 = 433.33, one entry.
    assert pay.policy_paid == {"P1": Decimal("1550.00")}


def test_zero_standard_premium_records_only_the_new_customer_bonus() -> None:
    pay = only(compute_month(SOLO, month(agent(policies=(policy("P0", "0", new=True),)))))
    assert "commission" not in lines(pay)
    assert lines(pay)["new_customer_bonus"] == Decimal("50.00")
    assert pay.policy_paid == {"P0": Decimal("50.00")}  # T / S taken as 0 when S = 0


# -- Who and which records -------------------------------------------------------------------
def test_leave_and_absence_on_a_non_workday_count_as_entered_with_any_fraction() -> None:
    a = agent(
        attendance=(
            AttendanceFact(SUNDAY, "absence", days=Decimal("0.25")),
            AttendanceFact(SUNDAY, "personal", days=Decimal("1.3")),
        )
    )
    got = lines(only(compute_month(SOLO, month(a))))
    assert got["absence"] == Decimal("-45.98")  # 4000 / 21.75 × 0.25 = 45.977…
    assert got["leave"] == Decimal("-239.08")  # 4000 / 21.75 × 1.3 = 239.080…


def test_missing_days_mean_one_day_and_missing_minutes_the_first_tier() -> None:
    a = agent(
        attendance=(
            AttendanceFact(MONDAY, "absence"),
            AttendanceFact(date(2026, 10, 13), "sick"),
            AttendanceFact(date(2026, 10, 14), "late"),
            AttendanceFact(date(2026, 10, 15), "early_leave"),
        )
    )
    pay = only(compute_month(SOLO, month(a)))
    got = lines(pay)
    assert got["absence"] == Decimal("-183.91")  # 4000 / 21.75 × 1
    assert got["leave"] == Decimal("-73.56")  # 4000 / 21.75 × 1 × 40%
    assert got["attendance_penalty"] == Decimal("-60.00")  # late 0 min → 20, early leave 0 min → 40
    assert pay.facts.absence_days == 1


def test_a_late_record_is_one_occurrence_whatever_its_count_away_counts_its_count() -> None:
    late = agent(attendance=(AttendanceFact(MONDAY, "late", minutes=5, count=3),))
    assert lines(only(compute_month(SOLO, month(late))))["attendance_penalty"] == Decimal("-20.00")
    away = agent(attendance=(AttendanceFact(MONDAY, "away", count=3),))
    assert lines(only(compute_month(SOLO, month(away))))["attendance_penalty"] == Decimal("-90.00")


def test_praise_count_is_taken_as_given() -> None:
    pay = only(compute_month(SOLO, month(agent(praise_count=3))))
    assert lines(pay)["praise"] == Decimal("60.00")


# -- Base pay and zero lines -----------------------------------------------------------------
def test_no_workdays_floors_leave_and_absence_to_zero() -> None:
    a = agent(
        attendance=(
            AttendanceFact(MONDAY, "absence", days=Decimal(1)),
            AttendanceFact(date(2026, 10, 13), "personal", days=Decimal(1)),
        )
    )
    pay = only(compute_month(SOLO, month(a, workdays=())))
    assert not {"base", "leave", "absence"} & set(lines(pay))
    assert pay.facts.workdays == 0 and pay.facts.employed_workdays == 0


def test_fully_paid_leave_types_are_not_in_the_leave_detail() -> None:
    a = agent(
        attendance=(
            AttendanceFact(MONDAY, "annual", days=Decimal(2)),
            AttendanceFact(date(2026, 10, 13), "personal", days=Decimal(1)),
        )
    )
    pay = only(compute_month(SOLO, month(a)))
    leave = next(line for line in pay.lines if line.code == "leave")
    assert leave.amount == Decimal("-183.91")
    assert "事假" in leave.detail and "年假" not in leave.detail
    assert "personal" in leave.detail_en and "annual" not in leave.detail_en


def test_a_zero_adjustment_makes_no_line() -> None:
    a = agent(
        adjustments=(AdjustmentFact(Decimal(0), "其他", "nothing"), AdjustmentFact(Decimal(5), "补发", "x"))
    )
    pay = only(compute_month(SOLO, month(a)))
    assert [line.amount for line in pay.lines if line.code == "adjustment"] == [Decimal("5.00")]
    assert all(line.amount != 0 for line in pay.lines)


# -- QA, award, attendance ------------------------------------------------------------------
def test_fatal_evaluation_is_penalised_even_when_qa_is_missing() -> None:
    p = plan(quality=replace(PLAN.quality, min_evaluations=3))
    a = agent(qa=(QAFact(MONDAY, Decimal(95), fatal=True),), policies=(policy("P1", "10000"),))
    pay = only(compute_month(replace(p, awards=SOLO.awards), month(a)))
    assert pay.facts.qa_avg is None and pay.facts.qa_fatal_count == 1
    assert lines(pay)["qa_fatal_penalty"] == Decimal("-200.00")
    assert lines(pay)["commission"] == Decimal("200.00")  # c = no_data_coefficient = 1


def test_top_share_of_one_gives_the_award_to_every_eligible_agent() -> None:
    p = plan(awards=replace(PLAN.awards, top_share=Decimal(1)))
    agents = [
        agent(f"S{i}", metrics={"answer_rate": Decimal(rate)}) for i, rate in enumerate(("0.90", "0.95", "1"))
    ]
    result = compute_month(p, month(*agents))
    assert sorted(a.code for a in result.agents if "top_award" in lines(a)) == ["S0", "S1", "S2"]


def test_complaints_and_qa_do_not_break_full_attendance() -> None:
    a = agent(
        complaints=(ComplaintFact(MONDAY, "hotline"),),
        qa=(QAFact(MONDAY, Decimal(50), fatal=True),),
    )
    assert lines(only(compute_month(SOLO, month(a))))["full_attendance"] == Decimal("200.00")


# -- Penalty cap -----------------------------------------------------------------------------
def test_clawbacks_and_adjustments_are_outside_the_penalty_cap() -> None:
    cs = tuple(ComplaintFact(MONDAY, "province") for _ in range(3))  # P = 480
    a = agent(
        base_salary=Decimal(1000),
        complaints=cs,
        adjustments=(AdjustmentFact(Decimal(1000), "补发", "x"),),
        clawbacks=(ClawbackFact("OLD", "2026-09", Decimal("300.00")),),
    )
    pay = only(compute_month(SOLO, month(a)))
    # G = base 1000 + full attendance 200 = 1200 (the adjustment is not in it): A = 240.
    assert pay.facts.penalty_allowance == Decimal("240.00")
    assert pay.facts.penalty_total == Decimal("480.00")  # the clawback is not a penalty
    assert lines(pay)["penalty_relief"] == Decimal("240.00")


# -- Plan defaults and checks ----------------------------------------------------------------
MINIMAL = """
name = "test"
effective_from = "2026-01"
[commission]
tiers = [ { from = 0, rate = 0.02 } ]
"""


def test_plan_defaults_no_award_and_unlimited_indicator_scores() -> None:
    p = load_plan(MINIMAL + '[kpi]\nindicators = [ { code = "x", weight = 1, target = 1, step = 1 } ]\n')
    assert p.awards.top_share == 0
    assert p.kpi.indicators[0].max_down is None and p.kpi.indicators[0].max_up is None
    result = compute_month(p, month(agent("A", metrics={"x": Decimal(200)}), agent("B")))
    assert not any("top_award" in lines(a) for a in result.agents)
    assert result.agents[0].facts.indicator_scores == {"x": Decimal(299)}  # 100 + 199 × 1, no cap


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ("[kpi]\nstandard = 80\nbonus_from = 79\n", "kpi.bonus_from"),
        ('[quality]\ngrades = [ { min = 90, grade = "A" } ]\n', "quality.grades"),
    ],
)
def test_plan_refuses_bonus_from_below_standard_and_grades_without_min_zero(extra: str, path: str) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(MINIMAL + extra)
    assert any(problem.startswith(path) for problem in info.value.problems), info.value.problems
