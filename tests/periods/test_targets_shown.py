"""Each agent's targets where the payroll is read (issue #14): the attainment so far during the period
(payroll page, :func:`app.services.payroll_view.targets_so_far`), and in the paying month every target
with its arithmetic stored with the result and printed on the payslip — a missed one too."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.fact_rows import target_texts
from app.services.payroll import calculate_month, lock_month, pending_changes, show_month
from app.services.payroll_view import target_progress_text, targets_so_far
from app.services.reports import write_payslips
from db.models import PayrollResult
from db.session import Database
from tests.periods.scenario import make_db

SALES = """policy_no,code,product,premium,sign_date,cancel_date
P-10,A001,L10,60000,2026-10-12,
P-11,A001,L10,50000,2026-11-12,
P-12,A001,L10,10000,2026-12-01,
P-13,A002,L10,9000,2026-11-20,
"""
METRICS = "code,month,indicator,value\n" + "".join(
    f"{code},2026-{m},answer_rate,{v}\n" for m in ("10", "11") for code, v in (("A001", "0.97"), ("A002", "0.93")))
TARGETS = ("工号,目标,期间,目标值,奖金基数\nA001,q_premium,2026-Q4,100000,\nA002,q_premium,2026-Q4,10000,\n"
           "A002,q_answer,2026-Q4,95%,\nA003,q_answer,2026-Q4,95%,\nA001,m_policies,2026-11,2,150\n")


@pytest.fixture
def quarter(tmp_path: Path) -> Iterator[Database]:
    db = make_db(tmp_path, imports={"sales": SALES, "metrics": METRICS, "targets": TARGETS})
    yield db
    db.dispose()


def test_attainment_so_far_in_the_middle_of_the_quarter(quarter: Database) -> None:
    with quarter.session_scope() as s:
        so_far = targets_so_far(s, "2026-11")
    assert so_far.month == "2026-11" and so_far.codes == {"A001", "A002", "A003"}
    a001 = {p.target: p for p in so_far.of("A001")}
    assert set(a001) == {"q_premium", "m_policies"}
    premium = a001["q_premium"]  # 60000 + 50000 signed by the end of November
    assert (premium.actual, premium.attainment, premium.rate, premium.amount) == (
        Decimal("110000.0"), Decimal("1.1000"), Decimal("1.0"), Decimal("1000.00"))
    assert target_progress_text(premium, "2026-11").zh == (
        "季度保费目标 2026-Q4：标准保费 110000.00 / 目标 100000 = 110.00%，按目前 1 × 1000.00 = 1000.00（2026-12 发放）")
    policies = a001["m_policies"]  # the monthly target pays this month, with the imported bonus
    assert (policies.actual, policies.attainment, policies.bonus, policies.amount) == (
        Decimal(1), Decimal("0.5000"), Decimal(150), Decimal("0.00"))
    assert target_progress_text(policies, "2026-11").en == (
        "月度件数目标 2026-11: policies 1 / target 2 = 50.00%, so far 0 × 150.00 = 0.00 (paid this month)")
    answer = {p.target: p for p in so_far.of("A003")}["q_answer"]  # no metric value yet
    assert answer.actual is None and answer.attainment is None
    assert target_progress_text(answer, "2026-11").zh == "季度接通率目标 2026-Q4：目标 0.95，本期还没有该指标的数值（2026-12 发放）"
    a002 = {p.target: p.attainment for p in so_far.of("A002")}
    assert a002 == {"q_premium": Decimal("0.9000"), "q_answer": Decimal("0.9789")}  # mean 0.93 / 0.95
    # October: only October's policies; a month of another quarter has none of these targets
    with quarter.session_scope() as s:
        october = {p.target: p.actual for p in targets_so_far(s, "2026-10").of("A001")}
        assert october == {"q_premium": Decimal("60000.0")}
        assert targets_so_far(s, "2026-09").progress == ()


def test_the_paying_month_stores_every_target_and_the_payslip_prints_them(quarter: Database, tmp_path: Path) -> None:
    for month in ("2026-10", "2026-11"):
        with quarter.session_scope() as s:
            calculate_month(s, month)
            lock_month(s, month)
    with quarter.session_scope() as s:
        calculate_month(s, "2026-12")
        assert pending_changes(s, "2026-12") == []
        agents = {a.code: a for a in show_month(s, "2026-12").agents}
    a002 = agents["A002"]
    # 9000 / 10000 = 90% → 0.5 × 1000 paid; answer rate mean 0.93 / 0.95 = 97.89% below the only band: no line
    assert [(x.code, x.amount) for x in a002.lines if x.code == "target_bonus"] == [("target_bonus", Decimal("500.00"))]
    assert [t.zh for t in target_texts(a002.facts)] == [
        "季度保费目标 2026-Q4：季度标准保费 9000.00 / 目标 10000.00 = 90.00% → 0.5 × 1000.00 = 500.00",
        "季度接通率目标 2026-Q4：季度电话人工接通率均值 0.93 / 目标 0.95 = 97.89% → 0 × 300.00 = 0.00",
    ]
    # A003 has a value but no metric at all in the quarter
    assert [t.en for t in target_texts(agents["A003"].facts)] == [
        "季度接通率目标 2026-Q4: no quarterly mean 电话人工接通率 in the period, nothing paid"]
    # no target pays in November's result for A002 (no monthly value) and none is stored for October
    with quarter.session_scope() as s:
        stored = {code: json.loads(facts) for code, facts in s.execute(
            select(PayrollResult.agent_code, PayrollResult.facts_json).where(PayrollResult.month == "2026-10"))}
    assert all("target_details" not in f for f in stored.values())  # an October result reads as before

    with quarter.session_scope() as s:
        [path] = write_payslips(s, "2026-12", tmp_path / "slips", agent="A002")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "目标达成" in text
    assert "季度保费目标2026-Q4：季度标准保费9000.00/目标10000.00=90.00%→0.5×1000.00=500.00" in text
    assert "季度接通率目标2026-Q4：季度电话人工接通率均值0.93/目标0.95=97.89%→0×300.00=0.00" in text


def test_a_month_without_paying_targets_prints_no_target_block(quarter: Database, tmp_path: Path) -> None:
    with quarter.session_scope() as s:
        calculate_month(s, "2026-10")
        [path] = write_payslips(s, "2026-10", tmp_path / "slips", agent="A002")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "目标达成" not in text
