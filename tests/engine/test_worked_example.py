"""docs/pay-rules.md §6, checked line by line to the cent from tests/data/worked_example_2026_10.toml."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.engine import compute_month
from app.engine.facts import AgentPay, MonthPay
from app.money import D

from .example_data import example_facts, example_plan, load_example

DOC = load_example("worked_example_2026_10.toml")
EXPECTED = {a["code"]: a["expected"] for a in DOC["agents"]}


@pytest.fixture(scope="module")
def result() -> MonthPay:
    return compute_month(example_plan(DOC), example_facts(DOC))


def _agent(result: MonthPay, code: str) -> AgentPay:
    return next(a for a in result.agents if a.code == code)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_lines_to_the_cent_in_rulebook_order(result: MonthPay, code: str) -> None:
    pay = _agent(result, code)
    got = [(line.code, line.amount) for line in pay.lines]
    want = [(c, D(a)) for c, a in EXPECTED[code]["lines"]]
    assert got == want
    assert all(
        str(amount) == text for (_c, amount), (_c2, text) in zip(got, EXPECTED[code]["lines"], strict=True)
    )


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_net_gross_deductions(result: MonthPay, code: str) -> None:
    pay = _agent(result, code)
    exp = EXPECTED[code]
    assert str(pay.net) == exp["net"]
    if "gross" in exp:
        assert str(pay.gross) == exp["gross"]
        assert str(pay.deductions) == exp["deductions"]
    assert pay.net == pay.gross + pay.deductions == sum((line.amount for line in pay.lines), Decimal(0))


def test_nets_of_the_rulebook(result: MonthPay) -> None:
    assert {a.code: str(a.net) for a in result.agents} == {
        "A001": "7502.04",
        "A002": "2997.97",
        "A003": "4091.90",
    }


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_facts(result: MonthPay, code: str) -> None:
    pay = _agent(result, code)
    for key, value in EXPECTED[code]["facts"].items():
        got = getattr(pay.facts, key)
        if isinstance(value, str):
            assert got is not None and str(got) == value, key
        else:
            assert got == value, key
    assert {k: D(v) for k, v in EXPECTED[code]["indicator_scores"].items()} == pay.facts.indicator_scores


def test_only_a001_gets_the_award(result: MonthPay) -> None:
    winners = [a.code for a in result.agents if any(line.code == "top_award" for line in a.lines)]
    assert winners == DOC["award_winners"]


def test_a002_qa_missing_and_a003_coefficient_zero(result: MonthPay) -> None:
    assert _agent(result, "A002").facts.qa_avg is None
    assert _agent(result, "A002").facts.qa_coefficient == 1
    assert _agent(result, "A003").facts.qa_coefficient == 0


def test_details_show_the_arithmetic(result: MonthPay) -> None:
    a001 = {line.code: line for line in _agent(result, "A001").lines}
    assert a001["base"].detail == "4000.00 × 18/18"
    assert "50000 × 2% + 20200 × 3% = 1606.00" in a001["commission"].detail
    assert "40000 × 0.5% + 200 × 0.2% = 200.40" in a001["commission"].detail
    assert "(1606.00 + 200.40) × 1.1" in a001["commission"].detail_en
    a002 = {line.code: line for line in _agent(result, "A002").lines}
    assert a002["base"].detail == "3500.00 × 11/18"
    assert a002["base"].label == "基本工资" and a002["base"].label_en == "Base pay"


def test_policy_paid_recorded_for_counted_policies_only(result: MonthPay) -> None:
    a001 = _agent(result, "A001")
    # 40000 × (1606 / 70200) × 1.1 + 40000 × 0.5% × 1.1 = 1006.6097… + 220 → 1226.61, + 50 new customer
    assert a001.policy_paid["P-A001-1"] == Decimal("1276.61")
    assert set(a001.policy_paid) == {"P-A001-1", "P-A001-2", "P-A001-3"}
    a003 = _agent(result, "A003")
    assert a003.policy_paid == {"P-A003-1": Decimal("50.00")}  # c = 0: only the new customer bonus
