"""Good files of every kind, in every format and header language, parse to exactly the expected rows."""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.importers import (
    KINDS,
    AdjustmentRow,
    AgentRow,
    AppealRow,
    AttendanceRow,
    ComplaintRow,
    ImportContext,
    MetricRow,
    PraiseRow,
    QARow,
    SalesRow,
    TargetRow,
    parse_file,
)
from app.importers.kinds import DeductionRow, TaxOpeningRow
from tests.importers.helpers import CTX, FORMATS, write_file, write_xlsx

D = Decimal

GOOD: dict[str, tuple[list[dict[str, object]], list[object]]] = {
    "agents": (
        [
            {
                "code": " A001 ",
                "name": "张三",
                "role": "电话回访岗",
                "team": "一组",
                "base_salary": "4000",
                "hire_date": "2025-03-01",
                "payslip_password": "123456",
            },
            {
                "code": "A010",
                "name": "赵六",
                "base_salary": "3,500.50",
                "hire_date": "2026/10/16",
                "leave_date": "2026-12-31",
            },
        ],
        [
            AgentRow(
                "A001", "张三", "电话回访岗", "一组", D("4000"), date(2025, 3, 1), None, "123456", row=2
            ),
            AgentRow(
                "A010", "赵六", "", "", D("3500.50"), date(2026, 10, 16), date(2026, 12, 31), None, row=3
            ),
        ],
    ),
    "attendance": (
        [
            {"code": "A001", "date": "2026-10-08", "type": "迟到", "minutes": "8", "note": "地铁"},
            {"code": "A001", "date": "2026-10-09", "type": "early_leave", "minutes": "15"},
            {"code": "A003", "date": "2026-10-10", "type": "旷工"},
            {"code": "A003", "date": "2026-10-11", "type": "Personal", "days": "0.5"},
            {"code": "A001", "date": "2026-10-12", "type": "空岗"},
            {"code": "A001", "date": "2026-10-13", "type": "年假", "days": "1.5"},
        ],
        [
            AttendanceRow("A001", date(2026, 10, 8), "late", 8, None, "地铁", row=2),
            AttendanceRow("A001", date(2026, 10, 9), "early_leave", 15, None, "", row=3),
            AttendanceRow("A003", date(2026, 10, 10), "absence", None, D(1), "", row=4),
            AttendanceRow("A003", date(2026, 10, 11), "personal", None, D("0.5"), "", row=5),
            AttendanceRow("A001", date(2026, 10, 12), "away", None, None, "", row=6),
            AttendanceRow("A001", date(2026, 10, 13), "annual", None, D("1.5"), "", row=7),
        ],
    ),
    "qa": (
        [
            {
                "code": "A001",
                "date": "2026-10-09",
                "scorecard": "电话回访岗",
                "score": "92.5",
                "evaluator": "李",
            },
            {"code": "A003", "date": "2026-10-10", "score": "90", "fatal": "是", "status": "撤销"},
            {
                "code": "A003",
                "date": "2026-10-11",
                "scorecard": "sc01",
                "score": "0",
                "fatal": "N",
                "status": "valid",
            },
        ],
        [
            QARow("A001", date(2026, 10, 9), "电话回访岗", D("92.5"), False, "valid", "李", "", row=2),
            QARow("A003", date(2026, 10, 10), None, D("90"), True, "overturned", "", "", row=3),
            QARow("A003", date(2026, 10, 11), "SC01", D("0"), False, "valid", "", "", row=4),
        ],
    ),
    "sales": (
        [
            {
                "policy_no": "P1",
                "code": "A001",
                "product": "L10",
                "premium": "40000",
                "customer_level": "VIP",
                "new_customer": "是",
                "sign_date": "2026-10-05",
            },
            {
                "policy_no": "P2",
                "code": "A003",
                "product": "acc1",
                "premium": "1200.50",
                "new_customer": "no",
                "sign_date": "2026-10-06",
                "cancel_date": "2026-10-20",
            },
            {
                "policy_no": "P900",
                "code": "A003",
                "product": "L10",
                "premium": "9000",
                "sign_date": "2026-09-10",
                "cancel_date": "2026-10-02",
            },
        ],
        [
            SalesRow("P1", "A001", "L10", D("40000"), "VIP", True, date(2026, 10, 5), None, row=2),
            SalesRow(
                "P2", "A003", "ACC1", D("1200.50"), "", False, date(2026, 10, 6), date(2026, 10, 20), row=3
            ),
            SalesRow(
                "P900", "A003", "L10", D("9000"), "", False, date(2026, 9, 10), date(2026, 10, 2), row=4
            ),
        ],
    ),
    "complaints": (
        [
            {"code": "A003", "date": "2026-10-12", "level": "市级", "description": "态度"},
            {"code": "A003", "date": "2026-10-13", "level": "hotline", "status": "不成立"},
            {"code": "A001", "date": "2026-10-14", "level": "省级", "status": "pending"},
        ],
        [
            ComplaintRow("A003", date(2026, 10, 12), "city", "upheld", "态度", row=2),
            ComplaintRow("A003", date(2026, 10, 13), "hotline", "overturned", "", row=3),
            ComplaintRow("A001", date(2026, 10, 14), "province", "pending", "", row=4),
        ],
    ),
    "praise": (
        [
            {"code": "A001", "date": "2026-10-15", "description": "客户表扬"},
            {"code": "A002", "date": "2026-10-20"},
        ],
        [
            PraiseRow("A001", date(2026, 10, 15), "客户表扬", row=2),
            PraiseRow("A002", date(2026, 10, 20), "", row=3),
        ],
    ),
    "metrics": (
        [
            {"code": "A001", "month": "2026-10", "indicator": "answer_rate", "value": "96.2%"},
            {"code": "A001", "month": "2026-10", "indicator": "satisfaction", "value": "0.975"},
            {"code": "A002", "month": "2026/10", "indicator": "answer_rate", "value": "0.93"},
        ],
        [
            MetricRow("A001", "2026-10", "answer_rate", D("0.962"), row=2),
            MetricRow("A001", "2026-10", "satisfaction", D("0.975"), row=3),
            MetricRow("A002", "2026-10", "answer_rate", D("0.93"), row=4),
        ],
    ),
    "adjustments": (
        [
            {"code": "A001", "month": "2026-10", "amount": "200", "category": "补发", "reason": "加班费"},
            {"code": "A003", "month": "2026-11", "amount": "-150.25", "category": "追回"},
        ],
        [
            AdjustmentRow("A001", "2026-10", D("200"), "补发", "加班费", row=2),
            AdjustmentRow("A003", "2026-11", D("-150.25"), "追回", "", row=3),
        ],
    ),
    "appeals": (
        [
            {"code": "A001", "record": "投诉", "record_date": "2026-10-12", "filed": "2026-10-13", "reason": "不认可"},
            {"code": "A001", "record": "metric", "record_date": "2026-10-31", "indicator": "answer_rate",
             "filed": "2026-11-20", "reason": "漏计", "override_reason": "经理同意"},
            {"code": "A003", "record": "考勤", "record_date": "2026-10-09", "indicator": "answer_rate",
             "filed": "2026-10-10", "reason": "系统故障"},
        ],
        [
            AppealRow("A001", "complaint", date(2026, 10, 12), "", date(2026, 10, 13), "不认可", "", row=2),
            AppealRow("A001", "metric", date(2026, 10, 31), "answer_rate", date(2026, 11, 20), "漏计", "经理同意",
                      row=3),
            AppealRow("A003", "attendance", date(2026, 10, 9), "", date(2026, 10, 10), "系统故障", "", row=4),
        ],
    ),
    "deductions": (
        [
            {"code": "A001", "month": "2026-10", "children_education": "2000", "elderly_care": "1500.5"},
            {"code": "a002", "month": "2026-11", "other": "100"},
        ],
        [
            DeductionRow("A001", "2026-10", D(2000), D(0), D(0), D(0), D("1500.5"), D(0), D(0), row=2),
            DeductionRow("A002", "2026-11", D(0), D(0), D(0), D(0), D(0), D(0), D(100), row=3),
        ],
    ),
    "tax_opening": (
        [
            {"code": "A001", "year": "2026", "through_month": "9", "months": "9", "income": "72000",
             "si_hf": "7200", "special": "18000", "tax_withheld": "294"},
        ],
        [TaxOpeningRow("A001", 2026, 9, 9, D(72000), D(7200), D(18000), D(0), D(294), row=2)],
    ),
    "targets": (
        [
            {"code": "A001", "target": "q_premium", "period": "2026-Q4", "value": "100000", "bonus": "1000"},
            {"code": "a002", "target": "q_premium", "period": "2026-q4", "value": "80000.5"},
            {"code": "A001", "target": "y_calls", "period": "2026", "value": "95%"},
            {"code": "A003", "target": "h_policies", "period": "2026-H2", "value": "30"},
            {"code": "A003", "target": "m_premium", "period": "2026-10", "value": "30000"},
        ],
        [
            TargetRow("A001", "q_premium", "2026-Q4", D("100000"), D("1000"), row=2),
            TargetRow("A002", "q_premium", "2026-Q4", D("80000.5"), None, row=3),
            TargetRow("A001", "y_calls", "2026", D("0.95"), None, row=4),
            TargetRow("A003", "h_policies", "2026-H2", D("30"), None, row=5),
            TargetRow("A003", "m_premium", "2026-10", D("30000"), None, row=6),
        ],
    ),
}

EXPECTED_COUNTS = {"agents": (1, 1), "sales": (2, 1), "metrics": (2, 1), "targets": (4, 1)}  # (adds, updates)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_good_file_parses_to_expected_rows(tmp_path: Path, kind: str, fmt: str, lang: str) -> None:
    rows, expected = GOOD[kind]
    path = write_file(
        tmp_path, kind, rows, fmt=fmt, lang=lang, shuffle=zlib.crc32(f"{kind}{fmt}{lang}".encode())
    )
    result = parse_file(kind, path, CTX)
    assert result.problems == [], result.messages("en")
    assert result.warnings == []
    assert result.rows == expected
    adds, updates = EXPECTED_COUNTS.get(kind, (len(expected), 0))
    assert (result.adds, result.updates) == (adds, updates)
    assert result.ok and result.kind == kind and result.file == path.name


def test_xlsx_real_cells_dates_numbers_booleans(tmp_path: Path) -> None:
    """Real Excel dates/datetimes, float numbers and TRUE/FALSE cells are read without float drift."""
    from datetime import datetime

    path = write_xlsx(
        tmp_path / "sales.xlsx",
        [
            ["保单号", "工号", "产品", "保费", "新客户", "签单日期", "撤单日期"],
            [10001, "A001", "L10", 0.1, True, date(2026, 10, 5), None],
            ["P2", "A001", "L10", 1234567.89, False, datetime(2026, 10, 6, 14, 30), datetime(2026, 10, 7)],
            ["P3", "A001", "L10", 4000, 1, "2026-10-08", None],
        ],
    )
    result = parse_file("sales", path, CTX)
    assert result.ok, result.messages("en")
    assert [r.premium for r in result.rows] == [D("0.1"), D("1234567.89"), D("4000")]
    assert result.rows[0].policy_no == "10001"
    assert [r.new_customer for r in result.rows] == [True, False, True]
    assert result.rows[1].sign_date == date(2026, 10, 6) and result.rows[1].cancel_date == date(2026, 10, 7)


def test_month_as_real_excel_date(tmp_path: Path) -> None:
    """Excel turns a typed 2026-10 into the date 2026-10-01; the month survives."""
    path = write_xlsx(
        tmp_path / "metrics.xlsx",
        [["code", "month", "indicator", "value"], ["A001", date(2026, 10, 1), "answer_rate", 0.95]],
    )
    result = parse_file("metrics", path, CTX)
    assert result.ok, result.messages("en")
    assert result.rows == [MetricRow("A001", "2026-10", "answer_rate", D("0.95"), row=2)]


def test_header_variants_and_unknown_column_warning(tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text(
        " CODE ,Name,Base Salary,hire-date,保费(premium),Comment\nA001,张三,4000,2025-03-01,x,y\n",
        encoding="utf-8",
    )
    result = parse_file("agents", path, CTX)
    assert result.ok, result.messages("en")
    assert result.rows[0].base_salary == D(4000)
    cols = sorted(w.column or "" for w in result.warnings)
    assert cols == ["Comment", "保费(premium)"]
    assert all(w.row == 1 and w.severity == "warning" for w in result.warnings)


def test_combined_header_names_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "praise.csv"
    path.write_text("工号(code),日期（date）\nA001,2026-10-15\n", encoding="utf-8")
    result = parse_file("praise", path, CTX)
    assert result.ok and result.rows == [PraiseRow("A001", date(2026, 10, 15), "", row=2)]


def test_blank_rows_skipped_but_numbering_kept(tmp_path: Path) -> None:
    path = tmp_path / "praise.csv"
    path.write_text("code,date\n\n,\nA001,2026-10-15\n  ,  \nA009,2026-10-16\n", encoding="utf-8")
    result = parse_file("praise", path, CTX)
    assert [r.row for r in result.rows] == [4]
    assert [(p.row, p.column) for p in result.problems] == [(6, "code")]


def test_no_context_means_no_reference_checks(tmp_path: Path) -> None:
    path = write_file(
        tmp_path,
        "sales",
        [{"policy_no": "X", "code": "ZZZ", "product": "QQ", "premium": "1", "sign_date": "2026-09-01"}],
    )
    assert parse_file("sales", path, ImportContext()).ok
    assert parse_file("sales", path).ok


def test_empty_agent_mapping_means_no_agent_is_known(tmp_path: Path) -> None:
    path = write_file(tmp_path, "praise", [{"code": "A001", "date": "2026-10-15"}])
    result = parse_file("praise", path, ImportContext(agents={}))
    assert [p.reason_en for p in result.problems] == ['unknown agent code "A001"']
    assert parse_file("praise", path, ImportContext(agents={}, check_agents=False)).ok


def test_agent_code_lookup_is_case_insensitive_and_canonical(tmp_path: Path) -> None:
    path = write_file(tmp_path, "praise", [{"code": "a001", "date": "2026-10-15"}])
    result = parse_file("praise", path, CTX)
    assert result.ok and result.rows[0].code == "A001"
