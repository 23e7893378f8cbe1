"""A quarter through the services and the command line: targets, the quarterly award read from the locked
months, the team award, and the refusal to calculate the quarter's last month before its earlier months are locked."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.services.errors import ServiceError
from app.services.payroll import calculate_month, lock_month, pending_changes, show_month, unlock_month
from db.session import Database
from tests.acceptance.conftest import Cli
from tests.periods.scenario import SECTIONS, make_db, plan_text, write

AWARDS = SECTIONS + """
[[period_awards]]
code = "q_top"
name = "季度优胜"
period = "quarter"
top_share = 0.34
amount = 800

[team_award]
amount = 500
min_members = 2
"""

SALES = """policy_no,code,product,premium,sign_date,cancel_date
P-10,A001,L10,60000,2026-10-12,
P-11,A001,L10,50000,2026-11-12,
P-12,A001,L10,10000,2026-12-01,
P-13,A002,L10,9000,2026-11-20,2026-12-15
"""
# answer_rate alone: K = 100 + floor((v − 0.95) / 0.01) → 0.97: 102, 0.95: 100, 0.93: 98
METRICS = "code,month,indicator,value\n" + "".join(
    f"{code},2026-{m},answer_rate,{v}\n" for m in ("10", "11", "12")
    for code, v in (("A001", "0.97"), ("A002", "0.95"), ("A003", "0.93")))
TARGETS = "工号,目标,期间,目标值\nA001,q_premium,2026-Q4,100000\nA002,q_premium,2026-Q4,10000\n"


def _lines(db: Database, month: str, code: str, *codes: str) -> list[tuple[str, Decimal, str]]:
    with db.session_scope() as s:
        agent = next(a for a in show_month(s, month).agents if a.code == code)
        return [(x.code, x.amount, x.detail) for x in agent.lines if x.code in codes]


def quarter_db(folder: Path) -> Database:
    """The quarter of this module: the plan with AWARDS, and its sales, metrics and targets imported."""
    return make_db(folder, sections=AWARDS, imports={"sales": SALES, "metrics": METRICS, "targets": TARGETS})


@pytest.fixture
def quarter(tmp_path: Path) -> Iterator[Database]:
    db = quarter_db(tmp_path)
    yield db
    db.dispose()


def test_the_last_month_waits_for_the_earlier_months_to_be_locked(quarter: Database) -> None:
    with quarter.session_scope() as s:
        calculate_month(s, "2026-10")
    with quarter.session_scope() as s, pytest.raises(ServiceError) as refused:
        calculate_month(s, "2026-12")
    assert refused.value.message == ("2026-12 是 2026-Q4 的末月，要计算其中的季度优胜，请先锁定 2026-10（之后还有 2026-11）："
                                     "期间内较早的月份都必须已锁定。")
    assert refused.value.message_en == ("2026-12 is the last month of 2026-Q4 and pays the 季度优胜: lock 2026-10 first "
                                        "(then 2026-11); every earlier month of the period must be locked.")
    with quarter.session_scope() as s:
        lock_month(s, "2026-10")
        calculate_month(s, "2026-11")
    with quarter.session_scope() as s, pytest.raises(ServiceError, match="请先锁定 2026-11："):
        calculate_month(s, "2026-12")
    with quarter.session_scope() as s:
        lock_month(s, "2026-11")
        calculate_month(s, "2026-12")
        unlock_month(s, "2026-11", "a correction")
    with quarter.session_scope() as s, pytest.raises(ServiceError, match="请先锁定 2026-11："):
        lock_month(s, "2026-12")


def test_the_quarter_pays_targets_and_awards_in_its_last_month(quarter: Database) -> None:
    for month in ("2026-10", "2026-11"):
        with quarter.session_scope() as s:
            calculate_month(s, month)
        assert _lines(quarter, month, "A001", "target_bonus", "period_award") == []
        with quarter.session_scope() as s:
            lock_month(s, month)
    with quarter.session_scope() as s:
        calculate_month(s, "2026-12")
        assert pending_changes(s, "2026-12") == []  # recomputing reads the same period facts
    # A001: 60000 + 50000 + 10000 = 120000 / 100000 = 1.2000 → 1.2 × 1000
    assert _lines(quarter, "2026-12", "A001", "target_bonus") == [
        ("target_bonus", Decimal("1200.00"), "季度保费目标 2026-Q4：季度标准保费 120000.00 / 目标 100000.00 = 120.00% → 1.2 × 1000.00")]
    # A002: the only policy was cancelled in December: 0 / 10000 → below every band, no line
    assert _lines(quarter, "2026-12", "A002", "target_bonus") == []
    # the quarterly award: N = 3, n = floor(0.34 × 3) = 1; A001's mean K 102.00 is the best
    [(code, amount, detail)] = _lines(quarter, "2026-12", "A001", "period_award")
    assert amount == Decimal("800.00")
    assert detail.startswith("季度优胜 2026-Q4：2026-10 K 102.00、2026-11 K 102.00、2026-12 K 102.00，平均 102.00；")
    assert _lines(quarter, "2026-12", "A002", "period_award") == []
    # the team award: 一组 (A001 102, A002 100) mean 101.00; 二组 has one member only
    assert [x[1] for x in _lines(quarter, "2026-12", "A002", "team_award")] == [Decimal("500.00")]
    assert _lines(quarter, "2026-12", "A003", "team_award") == []
    with quarter.session_scope() as s:
        lock_month(s, "2026-12")


def test_the_command_line_imports_targets_and_pays_them(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "cli.sqlite3")
    cli("init")
    plan = write(tmp_path, "plan2.toml", plan_text())
    cli("plan", "import", plan)
    cli("import", "agents", write(tmp_path, "agents.csv", "工号,姓名,底薪,入职日期\nA001,张三,4000,2025-03-01\n"))
    cli("import", "sales", write(tmp_path, "sales.csv", "保单号,工号,产品,保费,签单日期\nP-1,A001,L10,1000,2026-10-05\n"
                                 "P-2,A001,L10,1000,2026-10-06\nP-3,A001,L10,1000,2026-10-07\n"))
    bad = cli("import", "targets", write(tmp_path, "bad.csv", "工号,目标,期间,目标值\nA001,m_policies,2026-Q4,3\n"),
              ok=False)
    assert bad.code != 0 and "bad.csv" in bad.err and "2026-Q4" in bad.err
    cli("import", "targets", write(tmp_path, "targets.csv", "工号,目标,期间,目标值\nA001,m_policies,2026-10,3\n"))
    cli("payroll", "run", "--month", "2026-10")
    shown = cli("payroll", "show", "--month", "2026-10", "--json").json()
    [agent] = shown["agents"]
    target = [line for line in agent["lines"] if line["code"] == "target_bonus"]
    assert [(t["amount"], t["detail"]) for t in target] == [
        ("200.00", "月度件数目标 2026-10：月度保单数 3 / 目标 3 = 100.00% → 1 × 200.00")]


def test_the_new_lines_reach_the_payslip_and_the_summary(quarter: Database, tmp_path: Path) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from app.reports.payslip import PayslipOptions, render_payslips
    from app.services.reports import export_summary
    from app.summary_columns import summary_amounts

    for month in ("2026-10", "2026-11"):
        with quarter.session_scope() as s:
            calculate_month(s, month)
        with quarter.session_scope() as s:
            lock_month(s, month)
    with quarter.session_scope() as s:
        calculate_month(s, "2026-12")
    with quarter.session_scope() as s:
        a001 = next(a for a in show_month(s, "2026-12").agents if a.code == "A001")
        export_summary(s, "2026-12", tmp_path / "summary.xlsx")
    amounts = {x.code: x.amount for x in a001.lines}
    assert amounts["target_bonus"] + amounts["period_award"] + amounts["team_award"] == Decimal("2500.00")
    # 奖励 = full attendance + monthly top award + the three bonuses of §8
    awards = sum((amounts.get(c, Decimal(0)) for c in ("full_attendance", "top_award", "praise", "target_bonus",
                                                        "period_award", "team_award")), Decimal(0))
    assert summary_amounts(a001.lines)["awards"] == awards
    pdf = render_payslips([a001], PayslipOptions(branch_name="测试网点", month="2026-12"))
    page = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for label, amount in (("目标奖金", "1200.00"), ("期间优胜奖", "800.00"), ("团队奖", "500.00")):
        assert label in page and amount in page, label
    workbook = load_workbook(tmp_path / "summary.xlsx")
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"目标奖金", "期间优胜奖", "团队奖"} <= cells


def test_a_month_that_paid_nobody_does_not_hold_up_the_quarter(tmp_path: Path) -> None:
    """A branch that starts in November: October had nobody employed and cannot be locked, so it is not waited for."""
    agents = "工号,姓名,团队,底薪,入职日期\nA001,张三,一组,4000,2026-11-02\nA002,李四,一组,3500,2026-11-02\n"
    db = make_db(tmp_path, sections=AWARDS, agents=agents)
    try:
        with db.session_scope() as s, pytest.raises(ServiceError, match="请先锁定 2026-11："):
            calculate_month(s, "2026-12")
        with db.session_scope() as s:
            calculate_month(s, "2026-11")
        with db.session_scope() as s:
            lock_month(s, "2026-11")
        with db.session_scope() as s:
            calculate_month(s, "2026-12")
    finally:
        db.dispose()


def test_attainment_so_far_is_visible_during_the_quarter(quarter: Database) -> None:
    from app.services.periods import target_progress

    with quarter.session_scope() as s:
        october = target_progress(s, "2026-10")
        november = target_progress(s, "2026-11")
        december = target_progress(s, "2026-12")
        september = target_progress(s, "2026-09")  # another quarter: no values imported for it
    assert september == []
    assert [(p.agent_code, p.target, p.period, p.pays_in) for p in november] == [
        ("A001", "q_premium", "2026-Q4", "2026-12"), ("A002", "q_premium", "2026-Q4", "2026-12")]
    # October: 60000 / 100000 = 60.00%: below the first band
    assert (october[0].actual, october[0].attainment, october[0].rate, october[0].amount) == (
        Decimal("60000.0"), Decimal("0.6000"), Decimal(0), Decimal("0.00"))
    # November: 110000 / 100000 → 1.0 × 1000; A002's policy is not cancelled yet: 9000 / 10000 → 0.5 × 1000
    assert [(p.attainment, p.rate, p.amount) for p in november] == [
        (Decimal("1.1000"), Decimal("1.0"), Decimal("1000.00")), (Decimal("0.9000"), Decimal("0.5"), Decimal("500.00"))]
    # December (the payout): A001 reaches 120%; A002's policy was cancelled on 2026-12-15
    assert [(p.attainment, p.amount) for p in december] == [(Decimal("1.2000"), Decimal("1200.00")),
                                                            (Decimal("0.0000"), Decimal("0.00"))]
