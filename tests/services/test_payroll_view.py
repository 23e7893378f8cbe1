"""The payroll page's non-Qt logic: month state, grouped columns, what changed, warnings."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.engine.facts import PayLine
from app.results import AgentResult, MonthResult, facts_from_json
from app.services.payroll import calculate_month, lock_month, show_month
from app.services.payroll_view import (
    INFO,
    WARNING,
    build_warnings,
    column_amounts,
    diff_results,
    month_state,
    month_warnings,
)
from app.services.settings import set_setting
from app.text import Text
from db.models import Adjustment, Agent
from db.session import Database

MONTH = "2026-10"


def calculated(db: Database) -> MonthResult:
    with db.session_scope() as session:
        calculate_month(session, MONTH)
    with db.session_scope() as session:
        return show_month(session, MONTH)


def agent(code: str, net: str, lines: list[tuple[str, str]], **facts: object) -> AgentResult:
    return AgentResult(
        code=code,
        name=f"名{code}",
        team="",
        lines=tuple(PayLine(c, Decimal(a), c, c, "") for c, a in lines),
        gross=Decimal(net),
        deductions=Decimal("0.00"),
        net=Decimal(net),
        facts=facts_from_json({"qa_count": 1, "workdays": 20, "employed_workdays": 20, **facts}),
    )


def result(*agents: AgentResult, warnings: list[str] | None = None) -> MonthResult:
    return MonthResult(MONTH, "calculated", "", "", agents, tuple(Text.from_json(w) for w in warnings or ()))


# --- month state -------------------------------------------------------------------------


def test_month_state_follows_the_month_life(example: Database) -> None:
    with example.session_scope() as session:
        state = month_state(session, MONTH)
    assert state.status == "open" and state.calculated_at is None
    assert state.plan_name and state.plan_effective_from == "2026-01"  # the plan that would be used
    calculated(example)
    with example.session_scope() as session:
        state = month_state(session, MONTH)
        assert state.status == "calculated" and state.calculated_at is not None and state.locked_at is None
        lock_month(session, MONTH)
    with example.session_scope() as session:
        state = month_state(session, MONTH)
    assert state.status == "locked" and state.locked_at is not None


# --- grouped columns -----------------------------------------------------------------------


def test_every_line_code_is_in_a_column_on_each_side_it_can_take() -> None:
    from app.engine.lines import LINE_CODES
    from app.summary_columns import DEDUCTIONS, GROSS, SUMMARY_COLUMNS

    named = {code for c in SUMMARY_COLUMNS for code in c.codes}
    assert named == set(LINE_CODES)  # every line code is named by some column
    for side in (GROSS, DEDUCTIONS):
        codes = [code for c in SUMMARY_COLUMNS if c.side == side for code in c.codes]
        assert len(codes) == len(set(codes)), side  # and by at most one column of each side
        assert sum(c.catch_all for c in SUMMARY_COLUMNS if c.side == side) == 1, side


def test_columns_add_up_to_gross_deductions_and_net_for_the_worked_example(example: Database) -> None:
    from app.summary_columns import DEDUCTIONS, GROSS, side_total

    data = calculated(example)
    for a in data.agents:
        columns = column_amounts(a)
        assert side_total(columns, GROSS) == a.gross, a.code
        assert side_total(columns, DEDUCTIONS) == a.deductions, a.code
        assert sum(columns.values()) == a.net, a.code
        assert all(v >= 0 for k, v in columns.items() if k in ("base", "commission", "kpi", "awards", "other_gross"))
        assert all(v <= 0 for k, v in columns.items() if k in ("absence", "penalties", "other_deductions"))
    a001 = column_amounts(next(a for a in data.agents if a.code == "A001"))
    assert a001["base"] == Decimal("4000.00")
    assert a001["commission"] == Decimal("2087.04")  # 1987.04 commission + 100.00 new customer bonus
    assert a001["awards"] == Decimal("320.00")  # top award 300 + praise 20
    assert a001["penalties"] == Decimal("-20.00")


def test_base_is_the_base_line_and_leave_is_its_own_deduction() -> None:
    """基本工资 is the payslip's 基本工资 (4200.00), not base less leave (4122.76)."""
    a = agent("A001", "4122.76", [("base", "4200.00"), ("leave", "-77.24")])
    columns = column_amounts(a)
    assert columns["base"] == Decimal("4200.00")
    assert columns["absence"] == Decimal("-77.24")


def test_a_line_that_can_take_either_sign_goes_to_its_side() -> None:
    bonus = column_amounts(agent("A001", "0", [("kpi", "50.00"), ("adjustment", "30.00"), ("adjustment", "-10.00")]))
    assert bonus["kpi"] == Decimal("50.00") and bonus["other_gross"] == Decimal("30.00")
    assert bonus["other_deductions"] == Decimal("-10.00") and bonus["penalties"] == Decimal("0")
    deduction = column_amounts(agent("A001", "0", [("kpi", "-50.00"), ("mystery", "-5.00"), ("mystery", "7.00")]))
    assert deduction["kpi"] == Decimal("0") and deduction["penalties"] == Decimal("-50.00")
    assert deduction["other_deductions"] == Decimal("-5.00") and deduction["other_gross"] == Decimal("7.00")


# --- what changed ----------------------------------------------------------------------------


def test_no_change_is_an_empty_list() -> None:
    data = result(agent("A001", "100.00", [("base", "100.00")]))
    assert diff_results(data, data) == []


def test_added_removed_and_changed_agents_with_line_deltas() -> None:
    before = result(
        agent("A001", "100.00", [("base", "100.00")]),
        agent("A002", "50.00", [("base", "60.00"), ("leave", "-10.00")]),
    )
    after = result(
        agent(
            "A002",
            "150.00",
            [("base", "60.00"), ("adjustment", "60.00"), ("adjustment", "40.00"), ("leave", "-10.00")],
        ),
        agent("A003", "70.00", [("base", "70.00")]),
    )
    changes = {c.code: c for c in diff_results(before, after)}
    assert set(changes) == {"A001", "A002", "A003"}
    assert changes["A001"].kind == "removed" and changes["A001"].net_delta == Decimal("-100.00")
    assert changes["A003"].kind == "added" and changes["A003"].new_net == Decimal("70.00")
    a002 = changes["A002"]
    assert a002.kind == "changed" and a002.net_delta == Decimal("100.00")
    assert [(line.code, line.old, line.new, line.delta) for line in a002.lines] == [
        ("adjustment", Decimal("0"), Decimal("100.00"), Decimal("100.00"))  # two adjustments, one sum
    ]


def test_line_changes_come_in_payslip_order() -> None:
    before = result(agent("A001", "100.00", [("base", "100.00")]))
    after = result(
        agent("A001", "80.00", [("base", "90.00"), ("kpi", "10.00"), ("attendance_penalty", "-20.00")])
    )
    (change,) = diff_results(before, after)
    assert [line.code for line in change.lines] == ["base", "kpi", "attendance_penalty"]


def test_first_calculation_has_everyone_added() -> None:
    after = result(agent("A001", "100.00", [("base", "100.00")]))
    (change,) = diff_results(None, after)
    assert change.kind == "added" and change.old_net is None


def test_recalculating_after_an_adjustment_shows_it(example: Database) -> None:
    before = calculated(example)
    with example.session_scope() as session:
        a002 = session.scalar(select(Agent).where(Agent.code == "A002"))
        assert a002 is not None
        session.add(
            Adjustment(agent_id=a002.id, month=MONTH, amount=Decimal(100), category="补发", reason="补发")
        )
    after = calculated(example)
    (change,) = diff_results(before, after)
    assert change.code == "A002" and change.net_delta == Decimal("100.00")
    assert [(line.code, line.delta) for line in change.lines] == [("adjustment", Decimal("100.00"))]


# --- warnings -------------------------------------------------------------------------------


def test_worked_example_warns_about_a002_without_qa(example: Database) -> None:
    data = calculated(example)
    with example.session_scope() as session:
        warnings = month_warnings(session, MONTH, data)
    texts = [w.zh for w in warnings]
    assert any(t.startswith("A002 李四") and "质检" in t for t in texts), texts
    assert not any(t.startswith("A001") for t in texts)
    assert all(w.severity in (WARNING, INFO) and w.en for w in warnings)


def test_minimum_wage_is_compared_pro_rata(example: Database) -> None:
    data = calculated(example)
    with example.session_scope() as session:
        set_setting(session, "minimum_wage", "5000")
        texts = [w.zh for w in month_warnings(session, MONTH, data)]
    low = [t for t in texts if "最低工资" in t]
    # A003 (4091.90, full month) and A002 (2997.97 < 5000 × 11/18 = 3055.56) are below; A001 (7502.04) is not.
    assert len(low) == 2
    assert any(t.startswith("A002") and "11/18" in t and "3055.56" in t for t in low)
    assert any(t.startswith("A003") for t in low)
    with example.session_scope() as session:
        set_setting(session, "minimum_wage", "")
        assert not [w for w in month_warnings(session, MONTH, data) if "最低工资" in w.zh]


def test_agents_without_metrics_clawbacks_carry_and_the_calendar() -> None:
    data = result(
        agent("A001", "0.00", [("base", "10.00"), ("clawback", "-30.00"), ("carry_to_next", "20.00")]),
        agent("A002", "100.00", [("base", "100.00")], qa_count=0),
        warnings=[
            "2035年不在法定节假日日历中，按周一至周五计算工作日 / the statutory calendar does not know 2035"
        ],
    )
    warnings = build_warnings(data, minimum_wage=None, codes_with_metrics={"A002"})
    zh = [w.zh for w in warnings]
    assert zh[0].startswith("2035年")  # month-wide first
    assert warnings[0].en.startswith("the statutory calendar")
    assert any(t.startswith("A001") and "绩效指标" in t for t in zh)
    assert any(t.startswith("A001") and "结转下月" in t and "20.00" in t for t in zh)
    assert any(t.startswith("A002") and "质检" in t for t in zh)
    clawback = [w for w in warnings if "撤单" in w.zh]
    assert len(clawback) == 1 and clawback[0].severity == INFO and "-30.00" in clawback[0].zh
    assert warnings[-1].severity == INFO  # infos after warnings


def test_stored_texts_read_both_forms() -> None:
    assert Text.from_json(["中文", "English"]) == Text("中文", "English")
    assert Text.from_json("中文 / English") == Text("中文", "English")  # results stored before texts were pairs
    assert Text.from_json("only one") == Text("only one", "only one")
    assert Text("中", "en").in_("en") == "en" and Text("中", "en").in_("zh") == "中"
