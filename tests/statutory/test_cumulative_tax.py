"""§9.2–9.3 through the services, every figure derived by hand (tests/statutory/helpers.py's plan pays the base
salary and the month's adjustments, nothing else).

Agent A: base 20,000, SI/HF base 10,000 (inside the floors and ceilings):
  social insurance 10,000 × 8% = 800.00; 10,000 × 2% + 3 = 203.00; 10,000 × 0.5% = 50.00 → 1,053.00
  housing fund 10,000 × 7% = 700.00                    → SI+HF 1,753.00 a month
  Jan: I 20,000 − 5,000×1 − 1,753 = 13,247 × 3% = 397.41                     tax 397.41
  Feb (2,000 children's education): 40,000 − 10,000 − 3,506 − 2,000 = 24,494 × 3% = 734.82; less 397.41 = 337.41
  Mar (+20,000 adjustment, crosses 36,000): 80,000 − 15,000 − 5,259 − 2,000 = 57,741 × 10% − 2,520 = 3,254.10;
       less 734.82 = 2,519.28; net 40,000 − 1,753 − 2,519.28 = 35,727.72
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.errors import ServiceError
from app.services.payroll import calculate_month, show_month
from db.models import MonthStatus, PayrollResult
from db.session import Database
from tests.statutory.helpers import ID_A, ID_B, ID_C, add, import_csv, make_db, run


def lines(db: Database, month: str, code: str) -> dict[str, Decimal]:
    with db.session_scope() as s:
        agent = show_month(s, month).agent(code)
        assert agent is not None
        return {line.code: line.amount for line in agent.lines} | {"net": agent.net}


def detail(db: Database, month: str, code: str, line_code: str) -> str:
    with db.session_scope() as s:
        agent = show_month(s, month).agent(code)
        assert agent is not None
        return next(line.detail for line in agent.lines if line.code == line_code)


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = make_db(tmp_path)
    yield database
    database.dispose()


def test_three_months_cumulative_crossing_the_36000_bracket(db: Database, tmp_path: Path) -> None:
    add(db, "A", "20000", id_number=ID_A, si_base="10000")
    run(db, "2026-01")
    assert lines(db, "2026-01", "A") == {
        "base": Decimal("20000.00"), "social_insurance": Decimal("-1053.00"), "housing_fund": Decimal("-700.00"),
        "income_tax": Decimal("-397.41"), "net": Decimal("17849.59"),
    }
    import_csv(db, "deductions", tmp_path, "工号,月份,子女教育\nA,2026-02,2000\n")
    run(db, "2026-02")
    assert lines(db, "2026-02", "A")["income_tax"] == Decimal("-337.41")
    import_csv(db, "adjustments", tmp_path, "code,month,amount,reason\nA,2026-03,20000,年中奖\n")
    run(db, "2026-03", lock=False)
    march = lines(db, "2026-03", "A")
    assert march["income_tax"] == Decimal("-2519.28")
    assert march["net"] == Decimal("35727.72")
    assert detail(db, "2026-03", "A", "income_tax") == (
        "累计应税 (80000.00 − 5000×3 − 5259.00 − 2000.00 − 0.00) = 57741.00 × 10% − 2520 = 3254.10；已扣 734.82"
    )
    si = detail(db, "2026-03", "A", "social_insurance")
    assert "养老保险 10000.00 × 8% = 800.00" in si and "医疗保险 10000.00 × 2% + 3.00 = 203.00" in si
    assert "失业保险 10000.00 × 0.5% = 50.00" in si and "合计 −1053.00" in si


def test_an_earlier_month_neither_locked_nor_covered_is_refused(db: Database) -> None:
    add(db, "A", "20000", id_number=ID_A, si_base="10000")
    add(db, "B", "8000", id_number=ID_B, hired=date(2026, 2, 10))
    add(db, "X", "3000", id_number=None, statutory=False)  # not covered: never in the refusal
    run(db, "2026-01", lock=False)  # calculated, not locked
    with db.session_scope() as s, pytest.raises(ServiceError) as caught:
        calculate_month(s, "2026-03")
    message = caught.value.text("zh")
    assert "A（2026-01、2026-02）" in message and "B（2026-02）" in message and "X" not in message
    assert "tax_opening" in message and "锁定" in message
    with db.session_scope() as s:  # nothing written for March
        assert s.scalar(select(MonthStatus).where(MonthStatus.month == "2026-03")) is None
        assert s.scalar(select(PayrollResult).where(PayrollResult.month == "2026-03")) is None


def test_opening_balance_covers_the_months_before_it(db: Database, tmp_path: Path) -> None:
    """B: opening through September — 9 months, income 72,000, SI+HF 7,200, special 18,000, tax 54.00.
    October: base 10,000, SI base 5,000 → 400.00 + 103.00 + 25.00 = 528.00; HF 350.00 (878.00);
    82,000 − 5,000×10 − 8,078 − 18,000 = 5,922 × 3% = 177.66; less 54.00 = 123.66.
    A September deduction row is inside the opening balance and is not added again."""
    add(db, "B", "10000", id_number=ID_B, si_base="5000")
    import_csv(db, "tax_opening", tmp_path,
               "工号,年度,截至月份,月数,累计收入,累计专项扣除,累计专项附加扣除,累计其他扣除,累计已扣税额\n"
               "B,2026,9,9,72000,7200,18000,0,54\n")
    import_csv(db, "deductions", tmp_path, "code,month,housing_rent\nB,2026-09,1500\n")
    run(db, "2026-10", lock=False)
    october = lines(db, "2026-10", "B")
    assert (october["social_insurance"], october["housing_fund"]) == (Decimal("-528.00"), Decimal("-350.00"))
    assert october["income_tax"] == Decimal("-123.66")
    assert october["net"] == Decimal("8998.34")


def test_a_negative_difference_is_not_refunded(db: Database, tmp_path: Path) -> None:
    """C: base 10,000, SI base 5,000 (SI+HF 878.00).
    Jan (+10,000): 20,000 − 5,000 − 878 = 14,122 × 3% = 423.66 → tax 423.66
    Feb (−8,000):  22,000 − 10,000 − 1,756 = 10,244 × 3% = 307.32 < 423.66 → no tax, no refund
    Mar:           32,000 − 15,000 − 2,634 = 14,366 × 3% = 430.98; less 423.66 = 7.32"""
    add(db, "C", "10000", id_number=ID_C, si_base="5000")
    import_csv(db, "adjustments", tmp_path, "code,month,amount\nC,2026-01,10000\nC,2026-02,-8000\n")
    run(db, "2026-01")
    assert lines(db, "2026-01", "C")["income_tax"] == Decimal("-423.66")
    run(db, "2026-02")
    february = lines(db, "2026-02", "C")
    assert "income_tax" not in february
    assert february["net"] == Decimal("1122.00")
    run(db, "2026-03", lock=False)
    assert lines(db, "2026-03", "C")["income_tax"] == Decimal("-7.32")


def test_statutory_no_gets_no_lines_and_needs_no_id(db: Database) -> None:
    add(db, "X", "3000", id_number=None, statutory=False)
    run(db, "2026-01", lock=False)
    assert lines(db, "2026-01", "X") == {"base": Decimal("3000.00"), "net": Decimal("3000.00")}


def test_a_covered_agent_without_id_number_is_refused(db: Database) -> None:
    add(db, "A", "20000", id_number=None)
    with db.session_scope() as s, pytest.raises(ServiceError) as caught:
        calculate_month(s, "2026-01")
    assert "身份证号" in caught.value.text("zh") and "A" in caught.value.text("zh")


def test_floor_ceiling_and_yuan_rounding(tmp_path: Path) -> None:
    """L: base 3,000 (SI base defaults to it), below both floors:
         SI 4,462 × 8% = 356.96; 4,462 × 2% + 3 = 92.24; 4,462 × 0.5% = 22.31 → 471.51
         HF base defaults to the SI base as entered (3,000, above the HF floor 2,490): 3,000 × 7% = 210 (yuan)
       H: SI base 30,000 → ceiling 22,311: 1,784.88; 446.22 + 3 = 449.22; 111.555 → 111.56 → 2,345.66
         HF base 4,350: 304.50 → 305 (whole yuan, half up)
       Both taxes stay in the 3% bracket (L has no tax: 3,000 − 5,000 < 0)."""
    db = make_db(tmp_path, rounding="yuan")
    try:
        add(db, "L", "3000", id_number=ID_A)
        add(db, "H", "40000", id_number=ID_B, si_base="30000", hf_base="4350")
        run(db, "2026-01", lock=False)
        low = lines(db, "2026-01", "L")
        assert (low["social_insurance"], low["housing_fund"]) == (Decimal("-471.51"), Decimal("-210.00"))
        assert "income_tax" not in low
        high = lines(db, "2026-01", "H")
        assert (high["social_insurance"], high["housing_fund"]) == (Decimal("-2345.66"), Decimal("-305.00"))
        # 40,000 − 5,000 − 2,345.66 − 305 = 32,349.34 × 3% = 970.48
        assert high["income_tax"] == Decimal("-970.48")
        assert "基数 22311.00（30000.00）" in detail(db, "2026-01", "H", "social_insurance")
    finally:
        db.dispose()


def test_a_negative_net_is_still_carried_after_the_statutory_lines(db: Database, tmp_path: Path) -> None:
    """D: base 5,000, SI base 5,000; −4,500 adjustment → income 500; SI+HF 878.00 → −378.00 carried."""
    add(db, "D", "5000", id_number=ID_A, si_base="5000")
    import_csv(db, "adjustments", tmp_path, "code,month,amount\nD,2026-01,-4500\n")
    run(db, "2026-01", lock=False)
    january = lines(db, "2026-01", "D")
    assert january["carry_to_next"] == Decimal("378.00")
    assert january["net"] == Decimal("0.00")
    assert "income_tax" not in january


def test_the_summary_has_the_year_view_of_the_tax(db: Database, tmp_path: Path) -> None:
    import openpyxl

    from app.services.reports import export_summary

    add(db, "A", "20000", id_number=ID_A, si_base="10000")
    add(db, "X", "3000", id_number=None, statutory=False)
    run(db, "2026-01")
    import_csv(db, "deductions", tmp_path, "工号,月份,子女教育\nA,2026-02,2000\n")
    run(db, "2026-02", lock=False)
    with db.session_scope() as s:
        path = export_summary(s, "2026-02", tmp_path / "summary.xlsx")
    book = openpyxl.load_workbook(path)
    assert "个税累计" in book.sheetnames
    rows = [r for r in book["个税累计"].iter_rows(values_only=True) if r and r[0] == "A"]
    figures = [[r[2], *(Decimal(str(v)).quantize(Decimal("0.01")) for v in r[3:6]), r[6],
                *(Decimal(str(v)).quantize(Decimal("0.01")) for v in r[7:])] for r in rows]
    assert figures == [
        ["2026-01", Decimal("20000.00"), Decimal("1753.00"), Decimal("20000.00"), 1, Decimal("5000.00"),
         Decimal("1753.00"), Decimal("0.00"), Decimal("0.00"), Decimal("13247.00"), Decimal("397.41"),
         Decimal("0.00"), Decimal("397.41")],
        ["2026-02", Decimal("20000.00"), Decimal("1753.00"), Decimal("40000.00"), 2, Decimal("10000.00"),
         Decimal("3506.00"), Decimal("2000.00"), Decimal("0.00"), Decimal("24494.00"), Decimal("734.82"),
         Decimal("397.41"), Decimal("337.41")],
    ]


def test_show_still_works_when_an_earlier_month_was_unlocked(db: Database) -> None:
    from app.cli import _notices
    from app.services.payroll import unlock_month

    add(db, "A", "20000", id_number=ID_A, si_base="10000")
    run(db, "2026-01")
    run(db, "2026-02", lock=False)
    with db.session_scope() as s:
        unlock_month(s, "2026-01", "更正")
    with db.session_scope() as s:
        result = show_month(s, "2026-02")
        assert _notices(s, "2026-02", result) is not None  # no refusal escapes `payroll show`
        with pytest.raises(ServiceError) as caught:
            calculate_month(s, "2026-02")
        assert "A（2026-01）" in caught.value.text("zh")
