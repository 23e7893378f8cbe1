"""One text per fact (app.fact_rows): 出勤 is the days attended, every charged attendance item is
listed, and a KPI score without data says 无数据 and why the standard applies."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from app.engine import compute_agent
from app.engine.facts import AgentFacts, AgentMonth, AgentPay, AttendanceFact
from app.fact_rows import FACT_KEYS, fact_rows
from app.results import facts_from_json, facts_to_json

from .factories import PLAN, WORKDAYS, agent, month


def _pay(a: AgentMonth) -> AgentPay:
    return compute_agent(PLAN, month(a), a)


def _agent(**kw: Any) -> AgentMonth:
    return agent("A001", **kw)


def _rows(facts: AgentFacts) -> dict[str, tuple[str, str]]:
    return {r.key: (r.value.zh, r.value.en) for r in fact_rows(facts)}


def test_attendance_is_days_attended_and_lists_away_and_swap() -> None:
    day = WORKDAYS[3]
    pay = _pay(
        _agent(
            attendance=(
                AttendanceFact(day, "personal", days=Decimal(2)),
                AttendanceFact(day, "away"),
                AttendanceFact(day, "swap"),
            ),
            metrics={"answer_rate": Decimal("0.95")},
        )
    )
    rows = _rows(pay.facts)
    workdays = len(WORKDAYS)
    assert rows["attendance"] == (f"{workdays - 2}/{workdays} 天", f"{workdays - 2}/{workdays} days")
    assert rows["leave"][0] == "事假 2 天，空岗 1 次，私自调班 1 次"
    assert rows["leave"][1] == "personal leave 2 d, away from post ×1, shift swap ×1"
    assert [r.key for r in fact_rows(pay.facts)] == list(FACT_KEYS)


def test_no_kpi_data_reads_no_data_with_the_reason() -> None:
    pay = _pay(_agent())  # no metrics, no QA evaluation: no indicator has a figure
    assert pay.facts.kpi_measured is False
    assert pay.facts.kpi_score == Decimal("80.00")
    zh, en = _rows(pay.facts)["kpi"]
    assert zh == "无数据（本月没有考核指标数据，按合格线 80.00 计，不奖不扣）"
    assert en.startswith("no data (") and "standard 80.00" in en
    assert not any(line.code == "kpi" for line in pay.lines)  # the engine indeed pays neither way

    measured = _pay(_agent(metrics={"answer_rate": Decimal("0.95")}))
    assert measured.facts.kpi_measured is True
    assert _rows(measured.facts)["kpi"] == (f"{measured.facts.kpi_score:.2f}",) * 2
    assert _rows(measured.facts)["leave"] == ("无", "none")


def test_kpi_measured_is_stored_and_read_back_and_guessed_for_old_snapshots() -> None:
    facts = _pay(_agent()).facts
    stored = facts_to_json(facts)
    assert stored["kpi_measured"] is False
    assert facts_from_json(stored) == facts
    old = {k: v for k, v in stored.items() if k != "kpi_measured"}  # a result stored before the key existed
    assert facts_from_json(old).kpi_measured is False
    assert facts_from_json({**old, "indicator_scores": {"answer_rate": "100"}}).kpi_measured is True
    assert facts_from_json(facts_to_json(replace(facts, kpi_measured=True))).kpi_measured is True
