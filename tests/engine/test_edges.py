"""Edge cases the rulebook names or implies, one behaviour per test."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.engine import compute_agent, compute_month
from app.engine.commission import tier_commission
from app.engine.facts import (
    AdjustmentFact,
    AttendanceFact,
    ClawbackFact,
    ComplaintFact,
    QAFact,
)
from app.text import Text

from .factories import MONTH, PLAN, SOLO, WORKDAYS, agent, lines, month, only, plan, policy


# -- commission ------------------------------------------------------------------------------
def test_tier_boundary_exactly_at_from() -> None:
    t, text = tier_commission(PLAN.commission, Decimal(50000))
    assert t == Decimal(1000) and text == "50000 × 2%"
    whole = replace(PLAN.commission, mode="whole")
    t, text = tier_commission(whole, Decimal(50000))
    assert t == Decimal(1500) and text == "50000 × 3%"
    t, _ = tier_commission(whole, Decimal("49999.99"))
    assert t == Decimal("999.9998")


def test_policy_signed_and_cancelled_in_month_counts_nothing() -> None:
    pay = only(
        compute_month(
            PLAN, month(agent(policies=(policy("P1", "60000", new=True, cancel=date(2026, 10, 20)),)))
        )
    )
    assert "commission" not in lines(pay) and "new_customer_bonus" not in lines(pay)
    assert pay.policy_paid == {}


def test_policy_signed_outside_the_month_not_counted() -> None:
    pay = only(compute_month(PLAN, month(agent(policies=(policy("P1", "10000", sign=date(2026, 9, 30)),)))))
    assert "commission" not in lines(pay)


def test_unknown_product_warns_and_is_not_counted() -> None:
    pay = only(compute_month(PLAN, month(agent(policies=(policy("P1", "10000", product="ZZZ"),)))))
    assert "commission" not in lines(pay)
    assert any("ZZZ" in w.zh and "ZZZ" in w.en for w in pay.warnings)


# -- who is paid, base pay -----------------------------------------------------------------
def test_hired_on_a_non_workday() -> None:
    pay = only(compute_month(PLAN, month(agent(hire_date=date(2026, 10, 11)))))  # a Sunday
    assert pay.facts.employed_workdays == 15
    assert lines(pay)["base"] == Decimal("3333.33")  # 4000 × 15/18
    assert pay.lines[0].detail == "4000.00 × 15/18"


def test_hired_and_left_in_the_same_month_ignores_records_outside_employment() -> None:
    a = agent(
        hire_date=date(2026, 10, 12),
        leave_date=date(2026, 10, 16),
        attendance=(
            AttendanceFact(date(2026, 10, 13), "late", minutes=5),
            AttendanceFact(date(2026, 10, 20), "late", minutes=50),  # after leaving: ignored
        ),
    )
    pay = only(compute_month(PLAN, month(a)))
    assert pay.facts.employed_workdays == 5
    assert lines(pay)["base"] == Decimal("1111.11")
    assert lines(pay)["attendance_penalty"] == Decimal("-20.00")
    assert pay.facts.late_count == 1


def test_no_employed_workdays_but_still_in_payroll() -> None:
    # Hired on Saturday 31 October: in the payroll, no workday employed, no base, no full attendance.
    a = agent(hire_date=date(2026, 10, 31), policies=(policy("P1", "10000", sign=date(2026, 10, 31)),))
    pay = only(compute_month(PLAN, month(a)))
    assert pay.facts.employed_workdays == 0
    assert "base" not in lines(pay) and "full_attendance" not in lines(pay)
    assert lines(pay)["commission"] == Decimal("200.00")


def test_agents_outside_the_month_are_left_out() -> None:
    gone = agent("GONE", hire_date=date(2025, 1, 1), leave_date=date(2026, 9, 30))
    later = agent("LATER", hire_date=date(2026, 11, 1))
    last_day = agent("LAST", hire_date=date(2025, 1, 1), leave_date=date(2026, 10, 1))
    result = compute_month(PLAN, month(gone, later, last_day))
    assert [a.code for a in result.agents] == ["LAST"]
    assert result.agents[0].facts.employed_workdays == 0  # 1 October is a holiday


def test_month_without_workdays_pays_no_base_and_warns() -> None:
    result = compute_month(PLAN, month(agent(), workdays=()))
    pay = only(result)
    assert "base" not in lines(pay)
    assert result.warnings and pay.warnings


def test_full_attendance_and_breaking_leave() -> None:
    pay = only(compute_month(SOLO, month(agent())))
    assert lines(pay) == {"base": Decimal("4000.00"), "full_attendance": Decimal("200.00")}
    annual = agent(attendance=(AttendanceFact(date(2026, 10, 12), "annual", days=Decimal(1)),))
    assert "full_attendance" in lines(only(compute_month(PLAN, month(annual))))
    sick = agent(attendance=(AttendanceFact(date(2026, 10, 12), "sick", days=Decimal("0.5")),))
    pay = only(compute_month(PLAN, month(sick)))
    assert "full_attendance" not in lines(pay)
    assert lines(pay)["leave"] == Decimal("-36.78")  # 4000 / 21.75 × 0.5 × 40% = 36.7816…


def test_base_never_below_zero_absence_gives_way_first() -> None:
    a = agent(
        hire_date=date(2026, 10, 26),  # 5 of 18 workdays: base 1111.11
        attendance=(
            AttendanceFact(date(2026, 10, 26), "personal", days=Decimal(2)),  # −367.82
            AttendanceFact(date(2026, 10, 27), "absence", days=Decimal(10)),  # −1839.08
        ),
    )
    pay = only(compute_month(PLAN, month(a)))
    got = lines(pay)
    assert got["base"] == Decimal("1111.11")
    assert got["leave"] == Decimal("-367.82")
    assert got["absence"] == Decimal("-743.29")
    assert got["base"] + got["leave"] + got["absence"] == 0
    assert "743.29" in next(line.detail for line in pay.lines if line.code == "absence")


def test_base_floor_then_leave_gives_way() -> None:
    a = agent(
        hire_date=date(2026, 10, 30),  # 1 workday: 222.22
        attendance=(AttendanceFact(date(2026, 10, 30), "personal", days=Decimal(5)),),
    )
    got = lines(only(compute_month(SOLO, month(a))))
    assert got == {"base": Decimal("222.22"), "leave": Decimal("-222.22")}


# -- quality and KPI ---------------------------------------------------------------------
def test_fewer_evaluations_than_min_means_qa_missing() -> None:
    p = plan(quality=replace(PLAN.quality, min_evaluations=3, no_data_coefficient=Decimal("0.9")))
    a = agent(
        qa=(QAFact(date(2026, 10, 12), Decimal(100)), QAFact(date(2026, 10, 13), Decimal(100))),
        policies=(policy("P1", "10000"),),
        metrics={"answer_rate": Decimal("0.95")},
    )
    pay = only(compute_month(p, month(a)))
    assert pay.facts.qa_avg is None and pay.facts.qa_count == 2 and pay.facts.qa_grade is None
    assert lines(pay)["commission"] == Decimal("180.00")  # 200 × 0.9
    assert "qa" not in pay.facts.indicator_scores  # QA indicator left out of K
    assert pay.facts.kpi_score == Decimal("100.00")


def test_qa_grade_and_overturned_and_other_month_ignored() -> None:
    a = agent(
        qa=(
            QAFact(date(2026, 10, 12), Decimal(85)),
            QAFact(date(2026, 10, 13), Decimal(10), status="overturned"),
            QAFact(date(2026, 9, 13), Decimal(10)),
        )
    )
    pay = only(compute_month(PLAN, month(a)))
    assert pay.facts.qa_avg == Decimal("85.00") and pay.facts.qa_grade == "B"


def test_all_kpi_metrics_missing_gives_standard() -> None:
    pay = only(compute_month(PLAN, month(agent())))
    assert pay.facts.kpi_score == Decimal("80.00")
    assert pay.facts.indicator_scores == {}
    assert "kpi" not in lines(pay)


def test_kpi_deduction_below_standard_and_caps() -> None:
    a = agent(metrics={"answer_rate": Decimal("0.50")})  # 45 steps down, capped at 30 → 70
    pay = only(compute_month(PLAN, month(a)))
    assert pay.facts.kpi_score == Decimal("70.00")
    assert lines(pay)["kpi"] == Decimal("-500.00")


def test_whole_steps_only() -> None:
    a = agent(metrics={"answer_rate": Decimal("0.945")})  # 94.5% vs 95%: loses nothing
    assert only(compute_month(PLAN, month(a))).facts.indicator_scores == {"answer_rate": Decimal(100)}


# -- attendance --------------------------------------------------------------------------
def test_late_free_goes_to_the_earliest_then_shortest() -> None:
    p = plan(attendance=replace(PLAN.attendance, late_free=1))
    a = agent(
        attendance=(
            AttendanceFact(date(2026, 10, 13), "late", minutes=45),
            AttendanceFact(date(2026, 10, 12), "late", minutes=25),
            AttendanceFact(date(2026, 10, 12), "late", minutes=5),
        )
    )
    pay = only(compute_month(p, month(a)))
    assert lines(pay)["attendance_penalty"] == Decimal("-150.00")  # 5 min free; 50 + 100


def test_attendance_cap_and_beyond_last_tier() -> None:
    a = agent(
        attendance=tuple(AttendanceFact(date(2026, 10, 12 + i), "late", minutes=500) for i in range(4))
        + (AttendanceFact(date(2026, 10, 20), "swap", count=3),)
    )
    pay = only(compute_month(PLAN, month(a)))
    assert lines(pay)["attendance_penalty"] == Decimal("-460.00")  # 4 × 100 (last tier) + 3 × 20
    a = replace(a, attendance=a.attendance + (AttendanceFact(date(2026, 10, 21), "away", count=2),))
    pay = only(compute_month(PLAN, month(a)))
    assert lines(pay)["attendance_penalty"] == Decimal("-500.00")  # 520 capped at 500
    assert "520.00" in next(line.detail for line in pay.lines if line.code == "attendance_penalty")
    a2 = agent(attendance=(AttendanceFact(date(2026, 10, 12), "early_leave", minutes=500),))
    assert lines(only(compute_month(PLAN, month(a2))))["attendance_penalty"] == Decimal("-100.00")


# -- award -------------------------------------------------------------------------------
def _scored(code: str, rate: str, **kw: object) -> object:
    return agent(code, metrics={"answer_rate": Decimal(rate)}, **kw)


def test_award_ties_at_the_cutoff_all_win() -> None:
    agents = [_scored(f"T{i}", "0.95") for i in range(8)] + [_scored("TOP1", "1.00"), _scored("TOP2", "1.00")]
    result = compute_month(PLAN, month(*agents))  # type: ignore[arg-type]
    winners = sorted(a.code for a in result.agents if "top_award" in lines(a))
    assert winners == ["TOP1", "TOP2"]  # n = max(1, floor(0.1 × 10)) = 1, cutoff 105, both tied


def test_award_everyone_penalized_nobody_wins() -> None:
    complaint = (ComplaintFact(date(2026, 10, 12), "hotline"),)
    fatal = (QAFact(date(2026, 10, 12), Decimal(90), fatal=True),)
    agents = [_scored("C1", "1.00", complaints=complaint), _scored("C2", "0.99", qa=fatal)]
    result = compute_month(PLAN, month(*agents))  # type: ignore[arg-type]
    assert not any("top_award" in lines(a) for a in result.agents)


def test_award_min_score_and_penalized_included_when_not_excluded() -> None:
    p = plan(awards=replace(PLAN.awards, exclude_penalized=False, min_score=Decimal(101)))
    complaint = (ComplaintFact(date(2026, 10, 12), "hotline"),)
    agents = [_scored("C1", "1.00", complaints=complaint), _scored("LOW", "0.95")]
    result = compute_month(p, month(*agents))  # type: ignore[arg-type]
    assert [a.code for a in result.agents if "top_award" in lines(a)] == ["C1"]


def test_agents_without_kpi_data_compete_at_the_standard() -> None:
    result = compute_month(PLAN, month(agent("A"), agent("B")))
    assert sorted(a.code for a in result.agents if "top_award" in lines(a)) == ["A", "B"]


# -- complaints, adjustments, caps, carry, clawback ---------------------------------------
def test_complaints_only_upheld_in_month_and_cap() -> None:
    cs = tuple(ComplaintFact(date(2026, 10, 12), "province") for _ in range(4)) + (
        ComplaintFact(date(2026, 10, 12), "city", status="pending"),
        ComplaintFact(date(2026, 9, 12), "city"),
    )
    pay = only(compute_month(PLAN, month(agent(complaints=cs))))
    assert lines(pay)["complaint_penalty"] == Decimal("-600.00")  # 640 capped at 600
    assert pay.facts.complaints_upheld == 4


def test_penalty_relief_when_penalties_exceed_the_share() -> None:
    cs = tuple(ComplaintFact(date(2026, 10, 12), "province") for _ in range(3))  # 480
    a = agent(base_salary=Decimal(1000), complaints=cs)
    got = lines(only(compute_month(PLAN, month(a))))
    # G = 1000 (full attendance lost? no: complaints do not break it) + 200 = 1200; A = 240; P = 480
    assert got["complaint_penalty"] == Decimal("-480.00")
    assert got["penalty_relief"] == Decimal(480 - 240)


def test_adjustments_one_line_each_in_order() -> None:
    a = agent(
        adjustments=(
            AdjustmentFact(Decimal("100.005"), "补发", "9月漏发"),
            AdjustmentFact(Decimal(-30), "追回", "多发"),
        )
    )
    pay = only(compute_month(PLAN, month(a)))
    adj = [line for line in pay.lines if line.code == "adjustment"]
    assert [x.amount for x in adj] == [Decimal("100.01"), Decimal("-30.00")]
    assert adj[0].detail == "补发: 9月漏发"


def test_clawback_and_carry_to_next() -> None:
    claws = (
        ClawbackFact("OLD1", "2026-08", Decimal("3000.00")),
        ClawbackFact("OLD2", "2026-09", Decimal("2500.50")),
    )
    a = agent(clawbacks=claws, carry_forward=Decimal("100.00"))
    pay = only(compute_month(SOLO, month(a)))
    got = lines(pay)
    assert got["clawback"] == Decimal("-5500.50")
    assert got["carry_forward"] == Decimal("-100.00")
    assert got["carry_to_next"] == Decimal("1400.50")  # 4000 + 200 − 5500.50 − 100
    assert pay.net == 0 and pay.carry_to_next == Decimal("1400.50")
    assert [line.code for line in pay.lines][-3:] == ["clawback", "carry_forward", "carry_to_next"]


def test_calendar_warning_is_passed_on() -> None:
    note = Text("2031年不在日历中", "calendar does not know 2031")
    result = compute_month(PLAN, month(agent(), warning=note))
    assert result.warnings == (note,)


def test_compute_agent_matches_compute_month_for_a_single_agent() -> None:
    facts = month(agent())
    assert compute_agent(PLAN, facts, facts.agents[0], top_award=True) == compute_month(PLAN, facts).agents[0]
    assert facts.month == MONTH and facts.workdays == WORKDAYS


def test_engine_source_has_no_io_imports() -> None:
    """Floats are checked on the syntax tree in tests/test_architecture.py (literals and float() calls)."""
    engine = Path(__file__).resolve().parents[2] / "app" / "engine"
    forbidden = re.compile(
        r"^\s*(from|import)\s+(db|sqlalchemy|app\.services|app\.importers|app\.reports|"
        r"app\.calendar|app\.plan\.toml_io|os|io|pathlib|sqlite3|openpyxl|reportlab)\b",
        re.M,
    )
    for path in engine.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not forbidden.search(text), path
